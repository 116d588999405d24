/*
 * times.c: times of day (SPEC.md "time", domain/dates.md sections 5-7).
 *
 * A number is a time after "pukul", "pkl" or "jam", or when a zone (WIB,
 * WITA, WIT) follows it. Token-based like dates.c: "08.00" is the tokens
 * 08 . 00, "12:51:35" five tokens, "17.00Wita" ends in the word "00wita".
 *   [pukul|pkl.|jam] [:] H[.MM[.SS]] [part of day] [zone]
 *     [- | hingga | s/d [pukul] H[.MM] [part of day] [zone] | s/d selesai]
 * A part of the day moves a 12-hour figure: "jam 7 malam" is 19:00.
 */
#include <string.h>

#include "calendar.h"

/* The clock words and zones are in dates.def, registered by dates.c; the
 * first words of the clock words ("pukul", "pkl", "jam") are CUE_TIME cues. */
polisi_status polisi__times_register(polisi__lexicon *lex) {
    return polisi__calendar_register_cues(lex, DTK_BIT(DTK_CLOCK), POLISI__LEX_CUE_TIME);
}

typedef struct clock {
    int h, m, s; /* s < 0: no seconds written */
    int minutes; /* minutes were written */
    int part;    /* the part of the day said after it, 0 when none */
} clock;

typedef struct tspan {
    size_t b, e;
    clock a, z;
    int has_end;
    int zone; /* hours east of UTC (7, 8, 9), 0 when none */
} tspan;

static size_t dword_kind(const parser *p, size_t i, int kind, dt_word *w) {
    if (!on_line(p, i))
        return 0;
    size_t n = polisi__dt_word(p->lex, p->doc, i, POLISI__LEX_DATEWORD, w);
    return n && w->kind == kind ? n : 0;
}

/* A zone word at token i: its offset (7, 8, 9), or 0. */
static int zone_at(const parser *p, size_t i) {
    dt_word w;
    return dword_kind(p, i, DTK_ZONE, &w) ? w.num : 0;
}

/* "00wib": minutes glued to a zone. Sets *m and returns the zone (0 for
 * "00an"), or -1. */
static int glued_zone(const parser *p, size_t i, int *m) {
    if (!on_line(p, i) || p->toks[i].kind != POLISI__TOK_WORD)
        return -1;
    const polisi__token *t = &p->toks[i];
    const char *k = p->keys + t->key;
    if (t->key_len < 4 || k[0] < '0' || k[0] > '9' || k[1] < '0' || k[1] > '9')
        return -1;
    /* zone 0: "19.00an" ("around seven"), minutes and no zone */
    static const struct { const char *s; int zone; } zones[] = {
        {"wib", 7}, {"wita", 8}, {"wit", 9}, {"an", 0}};
    for (size_t z = 0; z < sizeof zones / sizeof zones[0]; z++) {
        size_t n = strlen(zones[z].s);
        if (t->key_len == 2 + n && memcmp(k + 2, zones[z].s, n) == 0) {
            *m = (k[0] - '0') * 10 + (k[1] - '0');
            return zones[z].zone;
        }
    }
    return -1;
}

/* A separator inside a clock: '.' or ':' glued on both sides. */
static int clock_sep(const parser *p, size_t i) {
    return glued(p, i) && glued(p, i + 1) && (punct_at(p, i, '.') || punct_at(p, i, ':'));
}

/* H[.MM[.SS]] at token k; H alone only when `bare_ok`. Returns the token
 * after it, or 0; *zone gets a zone glued to the minutes ("17.00Wita"). */
static size_t clock_at(const parser *p, size_t k, int bare_ok, clock *c, int *zone) {
    memset(c, 0, sizeof *c);
    c->s = -1;
    int h = num_at(p, k, 1, 2);
    if (h < 0 || h > 24)
        return 0;
    c->h = h;
    if (k > 0 && glued(p, k) && (punct_at(p, k - 1, '.') || punct_at(p, k - 1, ',')) &&
        k > 1 && p->toks[k - 2].kind == POLISI__TOK_NUMBER)
        return 0; /* the end of "1.08" or "2,5" */
    if (!clock_sep(p, k + 1)) {
        if (!bare_ok || (glued(p, k + 1) && (punct_at(p, k + 1, ',') || punct_at(p, k + 1, '/'))))
            return 0;
        return k + 1;
    }
    int m = num_at(p, k + 2, 2, 2), z;
    if (m < 0 && (z = glued_zone(p, k + 2, &m)) >= 0) {
        if (m > 59)
            return 0;
        c->m = m, c->minutes = 1, *zone = z;
        return k + 3;
    }
    if (m < 0 || m > 59 || (h == 24 && m))
        return 0;
    c->m = m;
    c->minutes = 1;
    size_t j = k + 3;
    int s;
    if (clock_sep(p, j) && (s = num_at(p, j + 1, 2, 2)) >= 0) {
        if (s > 59)
            return 0;
        c->s = s;
        j += 2;
    }
    if (glued(p, j) && clock_sep(p, j) && num_at(p, j + 1, 1, 4) >= 0)
        return 0; /* a fourth part: a version or an address */
    return j;
}

/* A part of the day at token i: tokens used, and *part. */
static size_t daypart(const parser *p, size_t i, int *part) {
    dt_word w;
    if (!on_line(p, i))
        return 0;
    size_t n = polisi__dt_word(p->lex, p->doc, i, POLISI__LEX_DAYPART, &w);
    if (n)
        *part = w.num;
    return n;
}

/* The 24-hour value of a 12-hour figure said with a part of the day. */
static int shift_hour(int h, int part) {
    if (h > 12)
        return h;
    switch (part) {
    case DP_DINI: return h == 12 ? 0 : h;
    case DP_SIANG: return h <= 10 ? h + 12 : h;
    case DP_SORE:
    case DP_PETANG: return h < 12 ? h + 12 : h;
    case DP_MALAM: return h == 12 ? 0 : h >= 5 ? h + 12 : h;
    case DP_MIDNIGHT: return h == 12 ? 0 : h == 11 ? 23 : h;
    default: return h; /* subuh, pagi */
    }
}

/* A clock with what follows it: part of the day, zone. */
static size_t clock_full(const parser *p, size_t k, int bare_ok, clock *c, int *zone) {
    int z = 0, part = 0;
    size_t j = clock_at(p, k, bare_ok, c, &z);
    if (!j)
        return 0;
    size_t n;
    if (!z && (n = daypart(p, j, &part)) != 0) {
        c->h = shift_hour(c->h, part);
        c->part = part;
        j += n;
    }
    if (!z && (z = zone_at(p, j)) != 0)
        j++;
    *zone = z;
    return j;
}

/* "pukul", "Pkl.", "jam": tokens used (with a ':' after), or 0. "jam"
 * after a number ("2 jam") or before "N menit" is a duration. */
static size_t clock_word(const parser *p, size_t k) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_CLOCK, &w);
    if (!n)
        return 0;
    if (polisi__tok_is(p->doc, k, "jam")) {
        const polisi__token *t = k > 0 ? &p->toks[k - 1] : NULL;
        char last = t && t->key_len ? p->keys[t->key + t->key_len - 1] : 0;
        if (last >= '0' && last <= '9')
            return 0; /* "24 jam", "1x24 jam" */
        if (word_at(p, k + 2, "menit") || word_at(p, k + 2, "detik") || word_at(p, k + 2, "jam"))
            return 0;
    }
    return n + (punct_at(p, k + n, ':') || punct_at(p, k + n, '.'));
}

/* The end of a range after the separator at token k: a clock, or
 * "selesai" (then the range has no end value). */
static size_t range_end(const parser *p, size_t k, int bare_ok, tspan *t) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_UNTIL_DONE, &w);
    if (n)
        return k + n;
    size_t j = k + clock_word(p, k);
    int zone = 0;
    size_t e = clock_full(p, j, bare_ok || j > k, &t->z, &zone);
    if (!e)
        return 0;
    if (!t->zone)
        t->zone = zone;
    t->has_end = 1;
    return e;
}

/* A time at token k: returns the token after it, or 0. */
static size_t time_at(const parser *p, size_t k, tspan *t) {
    memset(t, 0, sizeof *t);
    t->b = k;
    size_t j = clock_word(p, k);
    int triggered = j > 0;
    j += k;
    size_t e = clock_full(p, j, triggered, &t->a, &t->zone);
    if (!e || (!triggered && !t->a.minutes))
        return 0;
    dt_word w;
    size_t n = dword_kind(p, e, DTK_RANGE, &w);
    if (n) {
        tspan r = *t;
        size_t re = range_end(p, e + n, triggered && !t->a.minutes, &r);
        if (re) {
            /* "jam 1-3 siang": the part of the day is said once */
            if (r.has_end && r.z.part && !r.a.part)
                r.a.h = shift_hour(r.a.h, r.z.part);
            *t = r;
            e = re;
        }
    }
    if (!triggered && !t->zone)
        return 0; /* a bare "18.20" is no time */
    t->e = e;
    return e;
}

static const char *format(polisi__arena *arena, const clock *c) {
    /* h is 0..24, m and s 0..59 (clock_at, shift_hour). "HH:MM:SS" and
     * its NUL are written straight into one 16-byte unit of the arena. */
    char *value = polisi__arena_alloc(arena, 16), *b = value;
    if (!value)
        return NULL;
    b = put_2digits(b, c->h);
    *b++ = ':';
    b = put_2digits(b, c->m);
    if (c->s >= 0) {
        *b++ = ':';
        b = put_2digits(b, c->s);
    }
    *b = '\0';
    return value;
}

static polisi_status emit(polisi__ctx *ctx, const tspan *t) {
    polisi_status st = POLISI_OK;
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_TIME, t->b, t->e, &st);
    if (!e)
        return st;
    if ((e->str[POLISI_FIELD_VALUE] = format(&ctx->res->arena, &t->a)) == NULL)
        return POLISI_ERR_NOMEM;
    if (t->has_end && (e->str[POLISI_FIELD_END_VALUE] = format(&ctx->res->arena, &t->z)) == NULL)
        return POLISI_ERR_NOMEM;
    static const char *const zones[] = {"WIB", "WITA", "WIT"};
    static const char *const offsets[] = {"+07:00", "+08:00", "+09:00"};
    if (t->zone >= 7 && t->zone <= 9) {
        e->str[POLISI_FIELD_ZONE] = zones[t->zone - 7];
        e->str[POLISI_FIELD_UTC_OFFSET] = offsets[t->zone - 7];
    }
    return POLISI_OK;
}

/* Token i may start a time: a clock word, or a number of one or two digits
 * with '.' or ':' glued after it (clock_at; a bare hour is a time only
 * after a clock word). The first tests of time_at, made inline. Every
 * number wakes times, and nine in ten fail here: the tests are 0 or 1
 * combined with & and |, not a chain of branches (which was mispredicted
 * one time in four), and they read the byte of the text after the number
 * rather than the token after it: a glued '.' or ':' token starts with
 * that byte, or with one of a code point out of ASCII (a full-width
 * colon); any other ASCII byte there is a space or a token of its own. */
static inline int may_start(const polisi__doc *doc, size_t i) {
    const polisi__token *t = &doc->toks[i];
    unsigned char c = t->end < doc->len ? (unsigned char)doc->text[t->end] : 0;
    unsigned cue = (t->classes >> POLISI__LEX_CUE_TIME) & 1;
    unsigned sep = (c == '.') | (c == ':') | (c >= 0x80);
    return (int)(cue | ((t->kind == POLISI__TOK_NUMBER) & (t->key_len <= 2) & sep));
}

/* From token i, the first that wakes times (extract.c calls it only for a
 * text that has one). */
polisi_status polisi__times_find(polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    parser p = parser_of(ctx->ex->lex, doc);
    size_t n = doc->ntoks;
    /* i: a token that wakes times; nearly every other token is skipped
     * 64 at a time (the loop's condition), then the finer test */
    do {
        if (!may_start(doc, i)) {
            i++;
            continue;
        }
        tspan t;
        p.start = i;
        size_t e = time_at(&p, i, &t);
        if (!e) {
            i++;
            continue;
        }
        polisi_status st = emit(ctx, &t);
        if (st != POLISI_OK)
            return st;
        i = e;
    } while ((i = polisi__next_wake(doc, i, POLISI__WAKE_TIME)) < n);
    return POLISI_OK;
}
