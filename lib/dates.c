/*
 * dates.c: dates (SPEC.md "date", domain/dates.md).
 *
 * Token-based: the scanner already splits "Senin (05/11/2018)" into a day
 * name, a bracket, numbers and slashes, so every form is a few token tests
 * and no regex is needed. A date is tried only at a token that may start
 * one: a number, a bracket, or a word of dates.def.
 *
 * A date is read in three steps:
 *   1. a point: an explicit date (bracketed, numeric, written out, ISO), a
 *      weekday with or without a date after it, a relative day, "tahun
 *      2019", "bulan Agustus", "akhir Oktober 2025";
 *   2. a range: a separator ("-", "hingga", "s.d.") and a second point; the
 *      first takes the month and year it lacks from the second;
 *   3. a relative word glued to an explicit date ("(25/8) kemarin") joins it.
 * Values are resolved against the reference date, and written weekdays
 * checked, when the entity is emitted.
 */
#include <stdio.h>
#include <string.h>

#include "calendar.h"

/* The date words a date may start at (point_at); the others ("-", "lalu",
 * "jam", "wib") only go on one. Their first words are CUE_DATE cues. A
 * number word ("tiga hari lalu") starts a date too, but only before
 * "hari": it is tried from there (polisi__dates_find) and is no cue, as
 * it woke dates at one token in 170 for one date in 400 wakes. */
#define START_KINDS                                                                       \
    (DTK_BIT(DTK_RELDAY) | DTK_BIT(DTK_HARI) | DTK_BIT(DTK_WEEKDAY) | DTK_BIT(DTK_TAHUN) | \
     DTK_BIT(DTK_MODIFIER) | DTK_BIT(DTK_BULAN) | DTK_BIT(DTK_MONTH) | DTK_BIT(DTK_TANGGAL))

polisi_status polisi__dates_register(polisi__lexicon *lex) {
    polisi_status st = polisi__calendar_register(lex);
    if (st == POLISI_OK)
        st = polisi__calendar_register_cues(lex, START_KINDS, POLISI__LEX_CUE_DATE);
    /* "(" starts a bracketed date but is no cue: the token after it, which
     * a bracketed date needs to be a number, a weekday or a month name,
     * wakes dates, and polisi__dates_find tries the "(" before it first.
     * Woken at every "(", dates went on at one in sixty. */
    /* The cues that may be a date alone (may_start): plain weekdays and
     * month names, and the relative days of one word. Every other start
     * word needs what follows_bound_cue lets through: "hari" a weekday,
     * "tahun" a number, "Agu" a number, "Sabut" (a typo) a
     * date, and the phrases "hari ini", "malam ini" their second word. */
    if (st == POLISI_OK)
        st = polisi__calendar_register_cues_of(lex, DTK_BIT(DTK_WEEKDAY) | DTK_BIT(DTK_MONTH), 0,
                                               0, POLISI__LEX_CUE_DATE_FREE);
    if (st == POLISI_OK)
        st = polisi__calendar_register_cues_of(lex, DTK_BIT(DTK_RELDAY), 0, 1,
                                               POLISI__LEX_CUE_DATE_FREE);
    /* The words number_goes_on lets through after a number ("hari", a
     * month, a range word), so that may_start turns away "25 tahun" and
     * "19.00 WIB" without a lookup. Every one starts a date word already:
     * no token becomes a candidate of classify for them. */
    if (st == POLISI_OK)
        st = polisi__calendar_register_cues(
            lex, DTK_BIT(DTK_HARI) | DTK_BIT(DTK_MONTH) | DTK_BIT(DTK_RANGE),
            POLISI__LEX_CUE_DATE_AFTER_NUM);
    return st;
}

/* ---- a date value while parsing ---- */

enum rel {
    REL_NONE,     /* explicit: y/m/d as written (0 = not written) */
    REL_DAYS,     /* reference date + off days */
    REL_WEEKDAY,  /* weekday wd near the reference date; off: see weekday_days() */
    REL_AFTER     /* the end of a range: the first day on or after the start that is weekday wd */
};

/* Where a weekday lies from the reference date (REL_WEEKDAY's off). */
enum { WD_ON_OR_BEFORE = 0, WD_BEFORE = -1, WD_AFTER = 1, WD_LAST_WEEK = -7, WD_NEXT_WEEK = 7 };

typedef struct dval {
    int y, m, d; /* 0 = not written */
    int wd;      /* the weekday written with it, -1 when none */
    int rel, off;
} dval;

typedef struct dspan {
    size_t b, e; /* tokens [b, e) */
    dval v, end;
    int has_end;
} dspan;

static void dval_init(dval *v) {
    memset(v, 0, sizeof *v);
    v->wd = -1;
}

/* ---- token tests (the parser and its helpers are in calendar.h) ---- */

/* The date word at token i, kind DTK_NONE if none. */
static inline size_t dword(const parser *p, size_t i, dt_word *w) {
    if (!on_line(p, i)) {
        memset(w, 0, sizeof *w);
        return 0;
    }
    /* a token that starts no date word: one bit test, as in polisi__dt_word */
    if (!(p->toks[i].classes & POLISI__LEX_BIT(POLISI__LEX_DATEWORD)))
        return polisi__dt_word(p->lex, p->doc, i, POLISI__LEX_DATEWORD, w);
    dt_memo *m = p->memo;
    if (m->i != i) {
        m->n = polisi__dt_word(p->lex, p->doc, i, POLISI__LEX_DATEWORD, &m->w);
        m->i = i;
    }
    *w = m->w;
    return m->n;
}

static inline size_t dword_kind(const parser *p, size_t i, int kind, dt_word *w) {
    size_t n = dword(p, i, w);
    return n && w->kind == kind ? n : 0;
}

static inline size_t daypart_at(const parser *p, size_t i) {
    dt_word w;
    return on_line(p, i) ? polisi__dt_word(p->lex, p->doc, i, POLISI__LEX_DAYPART, &w) : 0;
}

static int key_in(const parser *p, size_t i, const char *const *list, size_t n) {
    if (i >= p->ntoks || p->toks[i].kind != POLISI__TOK_WORD || p->toks[i].key_len == 0)
        return 0; /* (every list holds words of letters, none empty) */
    const polisi__token *t = &p->toks[i];
    const char *key = p->keys + t->key;
    /* the first byte rejects nearly every word before strlen */
    for (size_t k = 0; k < n; k++)
        if (list[k][0] == key[0] && strlen(list[k]) == t->key_len &&
            memcmp(list[k], key, t->key_len) == 0)
            return 1;
    return 0;
}
#define KEY_IN(p, i, list) key_in(p, i, list, sizeof list / sizeof list[0])

/* ---- explicit dates ---- */

static int valid_dm(int y, int m, int d) {
    return m >= 1 && m <= 12 && d >= 1 && d <= polisi__days_in_month(y, m);
}

static int year4(int y) { return y >= 1900 && y <= 2199; }

/* A four-digit year at token k: its value or -1. */
static int year_at(const parser *p, size_t k) {
    int y = num_at(p, k, 4, 4);
    return year4(y) ? y : -1;
}

/* The separator of a numeric date at token k: '/' (spaces allowed around
 * it), '-' or '.' (glued to both numbers); 0 when none. */
static inline char numeric_sep(const parser *p, size_t k) {
    if (!on_line(p, k))
        return 0;
    const polisi__token *t = &p->toks[k];
    char c = t->kind == POLISI__TOK_PUNCT && t->key_len == 1 ? p->keys[t->key] : 0;
    if (c == '/')
        return c;
    return (c == '-' || c == '.') && glued(p, k) && glued(p, k + 1) ? c : 0;
}

/* D/M/Y, D-M-Y, D.M.Y at token k (and D/M when !need_year): the token
 * after it, or 0. Two-digit years are 20YY; "." needs a four-digit year
 * (else it is a time, "12.51.35"); "-" and "." need a year. */
static size_t numeric_date(const parser *p, size_t k, int need_year, dval *v) {
    if (k > 0 && glued(p, k) && (punct_at(p, k - 1, '/') || punct_at(p, k - 1, '.')))
        return 0; /* inside "B/12/11/2019/..." or "1.2.3" */
    int d = num_at(p, k, 1, 2);
    char sep = d < 0 ? 0 : numeric_sep(p, k + 1);
    int m = sep ? num_at(p, k + 2, 1, 2) : -1;
    if (m < 0)
        return 0;
    size_t j = k + 3;
    int y = 0;
    if (numeric_sep(p, j) == sep) {
        y = num_at(p, j + 1, 2, 4);
        if (y >= 0 && p->toks[j + 1].key_len == 3)
            y = -1;
        if (y >= 0 && y < 100)
            y = sep == '.' ? -1 : 2000 + y;
        if (y >= 0 && !year4(y))
            return 0;
        if (y >= 0)
            j += 2;
        else
            y = 0;
    }
    if ((need_year || sep != '/') && !y) /* "5-7 November" is a range */
        return 0;
    if (!valid_dm(y, m, d))
        return 0;
    if (numeric_sep(p, j) && num_at(p, j + 1, 1, 4) >= 0)
        return 0; /* a fourth part: a number, not a date */
    if (y && on_line(p, j) && glued(p, j) && p->toks[j].kind != POLISI__TOK_PUNCT)
        return 0; /* "12/11/2019SPKT" */
    v->y = y, v->m = m, v->d = d;
    return j;
}

/* ISO 8601 "2025-02-06". */
static size_t iso_date(const parser *p, size_t k, dval *v) {
    int y = year_at(p, k);
    if (y < 0 || !glued(p, k + 1) || !punct_at(p, k + 1, '-') || !glued(p, k + 2))
        return 0;
    int m = num_at(p, k + 2, 2, 2);
    if (m < 0 || !glued(p, k + 3) || !punct_at(p, k + 3, '-') || !glued(p, k + 4))
        return 0;
    int d = num_at(p, k + 4, 2, 2);
    if (d < 0 || !valid_dm(y, m, d))
        return 0;
    v->y = y, v->m = m, v->d = d;
    return k + 5;
}

/* A month name at token k: tokens used (with a dot after an
 * abbreviation), 0 when none. Abbreviations and foreign names are months
 * only next to a number, which the callers make sure of. */
static size_t month_at(const parser *p, size_t k, int *m, unsigned *flags) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_MONTH, &w);
    if (!n)
        return 0;
    *m = w.num;
    *flags = w.flags;
    if ((w.flags & DTF_ABBR) && punct_at(p, k + n, '.') && glued(p, k + n))
        n++;
    return n;
}

/* A year after a month: "Mei 2019", "Mei, 2019". */
static size_t year_after_month(const parser *p, size_t k, int *y) {
    size_t j = k + punct_at(p, k, ',');
    int v = year_at(p, j);
    if (v < 0 || (glued(p, j + 1) && (punct_at(p, j + 1, '/') || punct_at(p, j + 1, '-'))))
        return 0; /* "2019/2020" */
    *y = v;
    return j + 1 - k;
}

/* "2 Desember 2018", "03 Mar 2025", "30 September", "Januari 17, 2026",
 * "Februari 2018". Precision follows what is written. */
static size_t written_date(const parser *p, size_t k, dval *v) {
    int d = num_at(p, k, 1, 2), m = 0, y = 0;
    unsigned fl = 0;
    if (d >= 1) {
        size_t j = k + 1;
        if (punct_at(p, j, '.') && glued(p, j)) /* "1. Mei" is rare; "1.Mei" never */
            return 0;
        size_t n = month_at(p, j, &m, &fl);
        if (!n)
            return 0;
        j += n;
        size_t ny = year_after_month(p, j, &y);
        if (ny > 1) /* a comma before the year only in "Januari 17, 2026" */
            ny = 0, y = 0;
        if (!ny && num_at(p, j, 3, 99) >= 0)
            return 0; /* a garbled year ("15 Maret 20160") */
        if (!valid_dm(y, m, d))
            return 0;
        v->y = y, v->m = m, v->d = d;
        return j + ny;
    }
    size_t n = month_at(p, k, &m, &fl);
    if (!n)
        return 0;
    size_t j = k + n;
    d = num_at(p, j, 1, 2);
    if (d >= 1 && punct_at(p, j + 1, ',') && (y = year_at(p, j + 2)) > 0 && valid_dm(y, m, d)) {
        v->y = y, v->m = m, v->d = d; /* US order, from page templates */
        return j + 3;
    }
    size_t ny = year_after_month(p, j, &y);
    if (!ny || ny > 1)
        return 0;
    v->y = y, v->m = m;
    return j + ny;
}

static inline size_t weekday_at(const parser *p, size_t k, dt_word *w) {
    size_t n = dword(p, k, w);
    return n && w->kind == DTK_WEEKDAY ? n : 0;
}

/* "(05/11/2018)", "( 26/01/2024 )", "(16/12)", "(Rabu, 5/11/2025)",
 * "(5 November 2025)". A year-less date needs `allow_noyear`. */
static size_t bracket_date(const parser *p, size_t k, int allow_noyear, dval *v) {
    if (!punct_at(p, k, '('))
        return 0;
    size_t j = k + 1;
    dt_word w;
    size_t n = weekday_at(p, j, &w);
    if (n) {
        v->wd = w.num;
        j += n;
        j += punct_at(p, j, ',');
        allow_noyear = 1;
    }
    size_t e = numeric_date(p, j, 0, v);
    if (!e) {
        e = written_date(p, j, v);
        if (e && !v->d)
            e = 0;
    }
    if (!e || (!v->y && !allow_noyear))
        return 0;
    if (punct_at(p, e, ')'))
        return e + 1;
    /* "Rabu (18/9/2019." lost its bracket: the date ends at the year */
    return v->y && (!on_line(p, e) || punct_at(p, e, '.') || punct_at(p, e, ',')) ? e : 0;
}

/* Any explicit date at token k. */
static size_t explicit_date(const parser *p, size_t k, int allow_noyear, dval *v) {
    /* Each form starts with "(", a number or a month name: one test turns
     * away the other tokens before four parsers look at them. */
    if (!on_line(p, k))
        return 0;
    const polisi__token *t = &p->toks[k];
    if (t->kind != POLISI__TOK_NUMBER && !(t->classes & POLISI__LEX_BIT(POLISI__LEX_DATEWORD)) &&
        !polisi__tok_punct(p->doc, k, '('))
        return 0;
    size_t e;
    if ((e = bracket_date(p, k, allow_noyear, v)) != 0)
        return e;
    if ((e = iso_date(p, k, v)) != 0)
        return e;
    if ((e = numeric_date(p, k, !allow_noyear, v)) != 0)
        return e;
    return written_date(p, k, v);
}

/* ---- weekdays ---- */

/* Places named with a day name: "Pasar Minggu", "Jalan Pasar Minggu". */
static const char *const before_place[] = {"pasar", "jalan", "jl", "jln", "kampung", "kp",
                                           "gang", "desa", "dusun", "stasiun", "terminal",
                                           "kelurahan"};
/* A day name after these is no date: "salat Jumat", "malam Minggu" (the
 * eve of the day), "setiap Senin" (every week). */
static const char *const before_undated[] = {"salat", "shalat", "sholat", "solat", "ibadah",
                                             "khotbah", "khutbah", "malam", "setiap", "tiap",
                                             "saban"};
/* Words between a weekday and its date: ",", "/", ":", a part of the day,
 * "tanggal"/"tgl.", a relative word ("Selasa petang, 14 Januari 2020",
 * "Senin tanggal 21 Juli 2025", "Rabu / Tanggal : 27 Maret 2024", "Sabtu
 * kemarin (14/9/2019)": one date, SPEC.md). */
static size_t connectors(const parser *p, size_t k) {
    size_t j = k;
    for (int guard = 0; guard < 6 && on_line(p, j); guard++) {
        size_t n;
        dt_word w;
        /* Most often the date itself comes next ("(", a number): one look
         * at the token tells punctuation and numbers, which no word below
         * starts with. */
        const polisi__token *t = &p->toks[j];
        if (t->kind != POLISI__TOK_WORD) {
            char c = t->kind == POLISI__TOK_PUNCT && t->key_len == 1 ? p->keys[t->key] : 0;
            if (c != ',' && c != '/' && c != ':')
                break;
            j++;
        } else if ((n = daypart_at(p, j)) != 0)
            j += n;
        else if ((n = dword(p, j, &w)) != 0 && (w.kind == DTK_PAST || w.kind == DTK_RELDAY))
            j += n; /* "Senin lalu (9/9/2019)", "Sabtu kemarin (14/9)" */
        else if (word_at(p, j, "tadi") || word_at(p, j, "ini"))
            j++; /* "Jumat tadi pagi (20/9/2019)" */
        else if (n && w.kind == DTK_TANGGAL) /* the word dword found above */
            j += n + punct_at(p, j + n, '.');
        else
            break;
    }
    return j;
}

/* A weekday at token k and the explicit date after it ("Senin
 * (5/11/2018)", "Minggu, 2 Desember 2018", "Senin, 14/09/2020"); 0 when
 * no weekday or no date follows. weekday_point, which has just read the
 * weekday, has it again here from the memo (dword). */
static size_t weekday_date(const parser *p, size_t k, dval *v) {
    dt_word wd;
    size_t n = weekday_at(p, k, &wd);
    if (!n || (k > 0 && KEY_IN(p, k - 1, before_place)))
        return 0;
    size_t j = connectors(p, k + n);
    dval x;
    dval_init(&x);
    size_t e = explicit_date(p, j, 1, &x);
    if (!e || !x.d)
        return 0;
    if (x.wd >= 0 && x.wd != wd.num)
        return 0;
    *v = x;
    v->wd = wd.num;
    return e;
}

/* After "Minggu" these make it "week": "Minggu ini", "minggu ke-2". */
static const char *const week_after[] = {"ini", "lalu", "depan", "kemarin", "ke", "pertama",
                                         "kedua", "ketiga", "keempat", "terakhir", "itu",
                                         "sebelumnya", "berikutnya", "yang", "mendatang",
                                         "kemudian", "silam", "sekali", "lagi"};
static const char *const week_before[] = {"se", "beberapa", "per", "tiap", "setiap", "dalam",
                                          "selama", "hitungan", "akhir", "awal", "pertengahan",
                                          "sepekan", "sampai", "hingga"};

/* Token k could be a date word that may follow a weekday ("Jumat Malam"). */
static int date_word_after(const parser *p, size_t k) {
    dt_word w;
    return daypart_at(p, k) || dword(p, k, &w) != 0;
}

/* A weekday written alone (no date after it) at token k counts as a date:
 * SPEC.md "a weekday alone ('dihubungi, Selasa.', 'Minggu malam')". */
static int weekday_alone_ok(const parser *p, size_t k, size_t n, const dt_word *w, int after_hari) {
    const polisi__doc *doc = p->doc;
    if (w->flags & (DTF_FOREIGN | DTF_TYPO))
        return 0;
    if (k > 0 && (KEY_IN(p, k - 1, before_place) || KEY_IN(p, k - 1, before_undated)))
        return 0;
    if (k > 1 && polisi__tok_is(p->doc, k - 1, "hari") && KEY_IN(p, k - 2, before_undated))
        return 0; /* "setiap hari Minggu" */
    size_t next = k + n;
    /* "Jumat Curhat", "Jumat Berkah": a capitalized word right after. */
    if (on_line(p, next) && doc->toks[next].kind == POLISI__TOK_WORD && capitalized(p, next) &&
        !(doc->toks[next].flags & POLISI__TF_UPPER && doc->toks[k].flags & POLISI__TF_UPPER) &&
        !date_word_after(p, next))
        return 0;
    if (w->num == 6 && polisi__tok_is(doc, k, "minggu")) { /* also "week" */
        if (!after_hari && !capitalized(p, k))
            return 0;
        if (on_line(p, next) && KEY_IN(p, next, week_after))
            return 0;
        if (k > 0 && (doc->toks[k - 1].kind == POLISI__TOK_NUMBER || KEY_IN(p, k - 1, week_before)))
            return 0;
        dt_word nw;
        if (k > 0 && polisi__dt_word(p->lex, doc, k - 1, POLISI__LEX_DATEWORD, &nw) &&
            nw.kind == DTK_NUMWORD)
            return 0;
    }
    return 1;
}

/* What follows a weekday alone: "lalu", "kemarin", "depan", "pekan lalu":
 * sets v->off; returns the tokens used. */
static size_t weekday_relation(const parser *p, size_t k, dval *v) {
    dt_word w;
    size_t n = dword(p, k, &w);
    if (n && (w.kind == DTK_PAST || (w.kind == DTK_RELDAY && w.num == -1))) {
        v->off = WD_BEFORE;
        return n;
    }
    if (n && ((w.kind == DTK_NEXT && !polisi__tok_is(p->doc, k, "lagi")) ||
              (w.kind == DTK_RELDAY && w.num == 1))) {
        v->off = WD_AFTER;
        return n;
    }
    if (n && (w.kind == DTK_WEEK || polisi__tok_is(p->doc, k, "minggu"))) {
        size_t m = dword(p, k + n, &w);
        if (m && w.kind == DTK_PAST) {
            v->off = WD_LAST_WEEK;
            return n + m;
        }
        if (m && w.kind == DTK_NEXT && !polisi__tok_is(p->doc, k + n, "lagi")) {
            v->off = WD_NEXT_WEEK;
            return n + m;
        }
    }
    return 0;
}

/* A weekday at token k, with its date or alone. `hari` is the token of a
 * "hari" before it (the span starts there for a weekday alone), or k. */
static size_t weekday_point(const parser *p, size_t k, size_t hari, dspan *s) {
    dt_word w;
    size_t n = weekday_at(p, k, &w);
    if (!n)
        return 0;
    size_t e = weekday_date(p, k, &s->v);
    if (e) {
        s->b = k;
        return e;
    }
    /* A weekday before a date that is not one ("Selasa (13/14/22)"). */
    if (punct_at(p, k + n, '(') && num_at(p, k + n + 1, 1, 2) >= 0)
        return 0;
    if (!weekday_alone_ok(p, k, n, &w, hari != k))
        return 0;
    s->b = hari;
    s->v.wd = w.num;
    s->v.rel = REL_WEEKDAY;
    s->v.off = WD_ON_OR_BEFORE;
    size_t r = weekday_relation(p, k + n, &s->v);
    return k + n + r;
}

/* ---- relative days ---- */

/* Before "kemarin" these make it "the last week/month/year". */
static const char *const coarse_before[] = {"minggu", "pekan", "bulan", "tahun", "periode",
                                            "musim", "masa", "era", "pemilu", "pilkada"};

/* "hari ini", "kemarin", "besok", "lusa", "malam ini" at token k, when
 * a day here. */
static size_t relday_at(const parser *p, size_t k, int *off) {
    dt_word w;
    size_t n = dword(p, k, &w);
    if (!n || w.kind != DTK_RELDAY)
        return 0;
    if (k > 0 && glued(p, k) && polisi__tok_punct(p->doc, k - 1, '-'))
        return 0; /* "hari-hari ini" */
    if (k > 0 && w.num == -1 && KEY_IN(p, k - 1, coarse_before))
        return 0; /* "minggu kemarin", "tahun kemarin": coarser than a day */
    *off = w.num;
    return n;
}

/* "tiga hari lalu", "2 hari yang lalu", "dua hari lagi", at a number or
 * number word k with "hari" after it: the callers test "hari", as most
 * numbers have none after them and the test costs less than the call. */
static size_t days_ago(const parser *p, size_t k, dval *v) {
    const polisi__doc *doc = p->doc;
    int count = -1;
    dt_word w;
    if (doc->toks[k].kind == POLISI__TOK_NUMBER) {
        if (k > 0 && glued(p, k) && doc->toks[k - 1].kind == POLISI__TOK_PUNCT)
            return 0; /* "1,5 hari" */
        count = num_at(p, k, 1, 3);
    } else if (dword(p, k, &w) && w.kind == DTK_NUMWORD) {
        count = w.num;
    }
    if (count < 1)
        return 0;
    size_t n = dword(p, k + 2, &w);
    if (!n)
        return 0;
    if (w.kind == DTK_PAST)
        v->off = -count;
    else if (w.kind == DTK_NEXT && polisi__tok_is(doc, k + 2, "lagi"))
        v->off = count;
    else
        return 0;
    v->rel = REL_DAYS;
    return k + 2 + n;
}

/* ---- years and months ---- */

/* Words of legal citations before "Tahun": "UU No. 2 Tahun 2002", "UU ITE
 * Tahun 2008", "Perpol Nomor 11 Tahun 2018". */
static const char *const legal_words[] = {
    "uu", "undang", "perpu", "perppu", "perpol", "perkap", "pp", "perpres", "keppres", "kepres",
    "inpres", "permen", "perda", "perma", "sema", "peraturan", "keputusan", "instruksi", "nomor",
    "no", "nomer", "ite", "kuhp", "kuhap", "tap", "ketetapan", "surat", "edaran", "skep", "kep",
    "sprin", "amandemen", "qanun", "pergub", "perbup", "perwali", "kepmen"};

static int legal_citation(const parser *p, size_t tahun) {
    const polisi__doc *doc = p->doc;
    if (tahun == 0)
        return 0;
    size_t prev = tahun - 1;
    if (doc->toks[prev].kind == POLISI__TOK_NUMBER)
        /* "Nomor 35 Tahun 2009"; but "HUT ke-74 tahun 2019" is a date */
        return !(prev > 0 && polisi__tok_punct(doc, prev - 1, '-'));
    /* "Keppres Nomor 107/TPA Tahun 2019", "UU ITE Tahun 2008" */
    for (size_t back = 1; back <= 5 && back <= tahun; back++) {
        size_t t = tahun - back;
        if (polisi__tok_punct(doc, t, ',') || (doc->toks[t + 1].flags & POLISI__TF_LINE_BEFORE))
            break;
        if (KEY_IN(p, t, legal_words) || (polisi__tok_punct(doc, t, '/') && back <= 2))
            return 1;
    }
    return 0;
}

/* "tahun 2019", "thn. 2019": a year. */
static size_t year_point(const parser *p, size_t k, dval *v) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_TAHUN, &w);
    if (!n)
        return 0;
    size_t j = k + n;
    j += punct_at(p, j, '.');
    int y = year_at(p, j);
    if (y < 0 || legal_citation(p, k))
        return 0;
    if (glued(p, j + 1) && (punct_at(p, j + 1, '/') || punct_at(p, j + 1, '.')) &&
        glued(p, j + 2) && num_at(p, j + 2, 1, 4) >= 0)
        return 0; /* "tahun 2019/2020", "tahun 2.019" */
    v->y = y;
    return j + 1;
}

/* Words before a month alone that make it a time: "pada Januari". */
static const char *const month_alone_before[] = {
    "pada", "sejak", "hingga", "sampai", "mulai", "dari", "per", "selama", "jelang", "menjelang",
    "medio", "awal", "akhir", "pertengahan", "penghujung", "bulan", "bln", "tiap", "setiap",
    "di", "dalam", "sebelum", "setelah", "usai", "sepanjang", "antara", "hari"};

/* A range separator and a month with its year at token k: "Januari" in
 * "(Januari-September 2019)" is a month without a word before it. */
static int month_year_follows(const parser *p, size_t k) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_RANGE, &w);
    if (!n)
        return 0;
    size_t j = k + n;
    j += dword_kind(p, j, DTK_BULAN, &w);
    int m, y;
    unsigned fl;
    size_t mn = month_at(p, j, &m, &fl);
    return mn && year_after_month(p, j + mn, &y) == 1;
}

/* "bulan Agustus", "pada Januari", "Mei 2025": a month, with or without a
 * year; the span starts at "bulan" when written. A month alone needs a
 * word before it that makes it a time ("pada"), or "lalu"/"depan" after it,
 * or a month and year after a range separator; and no name after it. */
static size_t month_point(const parser *p, size_t k, dspan *s) {
    dt_word w;
    size_t j = k + dword_kind(p, k, DTK_BULAN, &w);
    int m;
    unsigned fl;
    size_t n = month_at(p, j, &m, &fl);
    if (!n)
        return 0;
    if (j == k && k > 0 && !(p->toks[k].flags & POLISI__TF_LINE_BEFORE) &&
        p->toks[k - 1].kind == POLISI__TOK_NUMBER)
        return 0; /* the month of an impossible day ("32 Januari 2021") */
    dval *v = &s->v;
    size_t e = written_date(p, j, v);
    if (e && !v->d) {
        s->b = k;
        return e;
    }
    if (e)
        return 0; /* a day: not a month point */
    if (fl & (DTF_ABBR | DTF_FOREIGN))
        return 0;
    size_t after = j + n;
    if (j == k) {
        if (!capitalized(p, j))
            return 0;
        if (!(k > 0 && KEY_IN(p, k - 1, month_alone_before)) && !dword_kind(p, after, DTK_PAST, &w) &&
            !dword_kind(p, after, DTK_NEXT, &w) && !month_year_follows(p, after))
            return 0;
        if (on_line(p, after) && p->toks[after].kind == POLISI__TOK_WORD &&
            capitalized(p, after) && !date_word_after(p, after))
            return 0; /* "dari Agustus Sani" */
    }
    v->m = m;
    s->b = k;
    return after;
}

/* "akhir Oktober 2025", "awal tahun 2020", "pertengahan Juli": the
 * modifier is part of the span; the value keeps the month or year. */
static size_t modified_point(const parser *p, size_t k, dspan *s) {
    dt_word w;
    size_t n = dword_kind(p, k, DTK_MODIFIER, &w);
    if (!n)
        return 0;
    size_t e = year_point(p, k + n, &s->v);
    if (!e) {
        dspan m;
        memset(&m, 0, sizeof m);
        dval_init(&m.v);
        e = month_point(p, k + n, &m);
        s->v = m.v;
    }
    s->b = k;
    return e;
}

/* ---- one point, then ranges ---- */

enum point_kind { PK_NONE, PK_DAY, PK_WEEKDAY, PK_RELATIVE, PK_MONTH, PK_YEAR, PK_BARE_DAY };

/* A relative day, and the explicit date right after it when there is one
 * ("hari ini, Senin (14/7/2025)", "besok pagi (Rabu, 5/11/2025)"): then
 * it is that date, spanning both. */
static size_t relative_point(const parser *p, size_t k, dspan *s, int *pk) {
    int off;
    size_t n = relday_at(p, k, &off);
    if (!n)
        return 0;
    s->b = k;
    size_t j = k + n;
    for (int guard = 0; guard < 3; guard++) {
        size_t m = daypart_at(p, j);
        if (m)
            j += m;
        else if (punct_at(p, j, ','))
            j++;
        else
            break;
    }
    dval x;
    dval_init(&x);
    size_t e = weekday_date(p, j, &x);
    if (!e)
        e = bracket_date(p, j, 1, &x);
    if (!e && !punct_at(p, j, '('))
        e = explicit_date(p, j, 0, &x); /* "hari ini 11 September 2019" */
    if (e && x.d) {
        s->v = x;
        *pk = PK_DAY;
        return e;
    }
    s->v.rel = REL_DAYS;
    s->v.off = off;
    *pk = PK_RELATIVE;
    return k + n;
}

/* "(9-10/9/2019)": a day range in one bracket. */
static size_t bracket_range(const parser *p, size_t k, dspan *s) {
    int d = num_at(p, k + 1, 1, 2);
    if (!punct_at(p, k, '(') || d < 1 || !punct_at(p, k + 2, '-'))
        return 0;
    dval end;
    dval_init(&end);
    size_t e = numeric_date(p, k + 3, 0, &end);
    if (!e || !punct_at(p, e, ')') || d >= end.d)
        return 0;
    s->v = end;
    s->v.d = d;
    s->end = end;
    s->has_end = 1;
    return e + 1;
}

/* Words before a year-less bracket that make it a date: "pada (24/9)". */
static const char *const bracket_before[] = {"pada", "sejak", "hingga", "sampai", "mulai",
                                             "tanggal", "tgl", "semalam", "tadi", "lalu"};

/* What every form read at the number k (days_ago, explicit_date, a day
 * that starts a range; in a bracket, bracket_date and bracket_range) has
 * right after it: "/" or "-" ("5/11", "2025-02-06", "5-7 November"); a
 * "." only in D.M.Y, so with a second "." ("12.11.2019"; "19.00" is no
 * date); "hari", a month or a range word ("5 hingga 7 Mei"). One look
 * turns away "25 tahun", the "00" of "19.00 WIB", "Rp 1.500". */
static inline int number_goes_on(const parser *p, size_t k) {
    size_t j = k + 1;
    if (!on_line(p, j))
        return 0;
    const polisi__token *t = &p->toks[j];
    if (t->kind == POLISI__TOK_PUNCT) {
        char c = t->key_len == 1 ? p->keys[t->key] : 0;
        return c == '/' || c == '-' || (c == '.' && punct_at(p, j + 2, '.'));
    }
    dt_word w;
    return t->kind == POLISI__TOK_WORD &&
           (polisi__tok_is(p->doc, j, "hari") ||
            (dword(p, j, &w) && (w.kind == DTK_MONTH || w.kind == DTK_RANGE)));
}

/* The point that starts at token k (s->b may be later: "tanggal 5 Mei"). */
static size_t point_at(const parser *p, size_t k, dspan *s, int *pk) {
    const polisi__doc *doc = p->doc;
    memset(s, 0, sizeof *s);
    dval_init(&s->v);
    dval_init(&s->end);
    s->b = k;
    *pk = PK_NONE;
    dt_word w;
    size_t n = dword(p, k, &w), e;
    switch (n ? w.kind : DTK_NONE) {
    /* the functions below read the word at k again, from the memo */
    case DTK_RELDAY: return relative_point(p, k, s, pk);
    case DTK_HARI:
        e = weekday_point(p, k + n, k, s);
        *pk = s->v.rel == REL_NONE ? PK_DAY : PK_WEEKDAY;
        return e;
    case DTK_WEEKDAY:
        e = weekday_point(p, k, k, s);
        *pk = s->v.rel == REL_NONE ? PK_DAY : PK_WEEKDAY;
        return e;
    case DTK_TAHUN: *pk = PK_YEAR; return year_point(p, k, &s->v);
    case DTK_MODIFIER:
        e = modified_point(p, k, s);
        *pk = s->v.m ? PK_MONTH : PK_YEAR;
        return e;
    case DTK_BULAN:
    case DTK_MONTH:
        if ((e = written_date(p, k, &s->v)) != 0 && s->v.d) {
            *pk = PK_DAY;
            return e;
        }
        dval_init(&s->v);
        *pk = PK_MONTH;
        return month_point(p, k, s);
    case DTK_TANGGAL: {
        size_t j = k + n;
        j += punct_at(p, j, '.') || punct_at(p, j, ':');
        e = explicit_date(p, j, 1, &s->v);
        if (!e || !s->v.d)
            return 0;
        s->b = j;
        *pk = PK_DAY;
        return e;
    }
    case DTK_NUMWORD: /* "tiga hari lalu" */
        *pk = PK_RELATIVE;
        return word_at(p, k + 1, "hari") ? days_ago(p, k, &s->v) : 0;
    default: break;
    }
    if (doc->toks[k].kind == POLISI__TOK_NUMBER) {
        if (k != p->start && !number_goes_on(p, k))
            return 0; /* (may_start has tested the start of a try) */
        if (word_at(p, k + 1, "hari") && (e = days_ago(p, k, &s->v)) != 0) {
            *pk = PK_RELATIVE;
            return e;
        }
        if ((e = explicit_date(p, k, 0, &s->v)) != 0) {
            *pk = s->v.d ? PK_DAY : PK_MONTH;
            return e;
        }
        int d = num_at(p, k, 1, 2);
        if (d >= 1 && d <= 31) { /* "5-7 November": read by the range */
            s->v.d = d;
            *pk = PK_BARE_DAY;
            return k + 1;
        }
        return 0;
    }
    if (polisi__tok_punct(doc, k, '(')) {
        /* A bracket without a weekday: with a year, next to a relative day
         * or a part of the day ("(25/8) kemarin", "tadi malam (1/10)"), or
         * after "pada" or day names ("Sabtu-Minggu (14-15/9)"). */
        e = bracket_date(p, k, 1, &s->v);
        if (!e)
            e = bracket_range(p, k, s);
        int off;
        if (e && (s->v.y || relday_at(p, e, &off) || daypart_at(p, e) ||
                  (k > 0 && (KEY_IN(p, k - 1, bracket_before) ||
                             polisi__dt_word(p->lex, doc, k - 1, POLISI__LEX_DAYPART, &w) ||
                             (polisi__dt_word(p->lex, doc, k - 1, POLISI__LEX_DATEWORD, &w) &&
                              w.kind == DTK_WEEKDAY))))) {
            *pk = PK_DAY;
            return e;
        }
        return 0;
    }
    return 0;
}

/* A weekday alone ending a range ("Senin s.d. Rabu"). */
static size_t weekday_end(const parser *p, size_t j, dval *end) {
    dt_word w;
    size_t e;
    dval_init(end);
    if ((e = weekday_at(p, j, &w)) == 0 || (w.flags & (DTF_FOREIGN | DTF_TYPO)))
        return 0;
    end->rel = REL_AFTER;
    end->wd = w.num;
    return j + e;
}

/* The second point of a range, after the separator at token k. */
static size_t range_end(const parser *p, size_t k, int pk, dval *end) {
    dt_word w;
    size_t j = k;
    j += dword_kind(p, j, DTK_HARI, &w);
    j += dword_kind(p, j, DTK_TANGGAL, &w);
    dval_init(end);
    size_t e;
    switch (pk) {
    case PK_DAY:
    case PK_BARE_DAY:
        if ((e = weekday_date(p, j, end)) != 0)
            return e;
        dval_init(end);
        if ((e = explicit_date(p, j, 0, end)) != 0 && end->d)
            return e;
        /* "Senin (17/6) hingga Rabu" */
        return pk == PK_BARE_DAY ? 0 : weekday_end(p, j, end);
    case PK_WEEKDAY: return weekday_end(p, j, end);
    case PK_MONTH: {
        dspan m;
        memset(&m, 0, sizeof m);
        dval_init(&m.v);
        int mm;
        unsigned fl;
        if (!month_at(p, j + dword_kind(p, j, DTK_BULAN, &w), &mm, &fl))
            return 0;
        e = written_date(p, j, &m.v);
        if (e && m.v.d)
            return 0;
        if (!e) {
            dval_init(&m.v);
            size_t b = j + dword_kind(p, j, DTK_BULAN, &w);
            e = month_at(p, b, &mm, &fl);
            if (!e || (fl & (DTF_ABBR | DTF_FOREIGN)))
                return 0;
            m.v.m = mm;
            e += b;
        }
        *end = m.v;
        return e;
    }
    case PK_YEAR: {
        j += dword_kind(p, j, DTK_TAHUN, &w);
        int y = year_at(p, j);
        if (y < 0)
            return 0;
        end->y = y;
        return j + 1;
    }
    default: return 0;
    }
}

static long day_number(const dval *v) { return polisi__days_from_civil(v->y ? v->y : 2000, v->m, v->d); }

/* Gives the first point what it lacks from the second ("5-7 November
 * 2018", "28 Desember 2019 - 3 Januari 2020"); 0 when the range is not one. */
static int merge_range(int pk, dval *a, dval *b) {
    if (pk == PK_YEAR)
        return b->y > a->y;
    if (b->rel == REL_AFTER)
        return 1;
    if (pk == PK_BARE_DAY)
        a->m = b->m;
    if (!a->y && b->y) {
        a->y = b->y;
        if (a->m > b->m || (a->m == b->m && a->d > b->d))
            a->y--;
    } else if (a->y && !b->y) {
        b->y = a->y;
        if (b->m < a->m || (b->m == a->m && b->d < a->d))
            b->y++;
    }
    if (pk == PK_MONTH)
        return a->y < b->y || (a->y == b->y && a->m < b->m);
    /* the year given to either end must make a real day ("5 Februari
     * 2023 - 29 Februari" is no range ending 2023-02-29) */
    if (!valid_dm(a->y, a->m, a->d) || !valid_dm(b->y, b->m, b->d))
        return 0;
    return day_number(a) < day_number(b);
}

/* A point at token k and the range it may start; *pk gets its kind. */
static size_t point_range(const parser *p, size_t k, dspan *s, int *pk) {
    size_t e = point_at(p, k, s, pk);
    if (!e)
        return 0;
    if (*pk == PK_RELATIVE)
        return e;
    /* A relative day, then a range separator after the point: when no
     * relative day, the second dword reads the same word from the memo. */
    int off;
    size_t r;
    if (*pk == PK_DAY && (r = relday_at(p, e, &off)) != 0)
        e += r; /* "(4/11/2025) kemarin" is one date */
    dt_word w;
    size_t n = dword(p, e, &w);
    if (n && w.kind == DTK_RANGE) {
        dval end;
        size_t re = range_end(p, e + n, *pk, &end);
        if (re && merge_range(*pk, &s->v, &end)) {
            s->end = end;
            s->has_end = 1;
            e = re;
            *pk = *pk == PK_BARE_DAY ? PK_DAY : *pk;
        }
    }
    return *pk == PK_BARE_DAY ? 0 : e;
}

/* "Senin-Rabu, 9-11 September 2019", "Sabtu-Minggu (14-15/9)": weekdays,
 * then the dates they name.
 * The dates give the value, the first weekday is checked against it. */
static size_t weekdays_then_dates(const parser *p, size_t e, dspan *s) {
    size_t j = e + punct_at(p, e, ',');
    if ((j == e && !punct_at(p, j, '(')) || !on_line(p, j))
        return 0;
    dspan d;
    int pk;
    size_t de = point_range(p, j, &d, &pk);
    if (!de || pk != PK_DAY || d.v.wd >= 0 || d.has_end != s->has_end)
        return 0;
    d.v.wd = s->v.wd;
    if (d.has_end)
        d.end.wd = s->end.wd;
    d.b = s->b;
    *s = d;
    return de;
}

/* A whole date at token k: a point, a relative word glued after it, a
 * range. Returns the token after it (s->e), or 0. */
static size_t date_at(const parser *p, size_t k, dspan *s) {
    int pk;
    size_t e = point_range(p, k, s, &pk), de;
    if (!e)
        return 0;
    if (pk == PK_WEEKDAY && s->v.off == WD_ON_OR_BEFORE && (de = weekdays_then_dates(p, e, s)) != 0)
        e = de;
    s->e = e;
    return e;
}

/* ---- values ---- */

/* A resolved value: y == 0 is an unknown year (XXXX); prec 0 is null. */
typedef struct dres {
    int y, m, d;
    int prec; /* 0 null, 1 year, 2 month, 3 day */
} dres;

static long ref_days(const polisi_call_options *c) {
    return polisi__days_from_civil(c->ref_year, c->ref_month, c->ref_day);
}

static void from_days(long days, dres *r) {
    polisi__civil_from_days(days, &r->y, &r->m, &r->d);
    r->prec = 3;
}

/* The year of a year-less day nearest to the reference date. Any other day
 * is nearest within a year of it; 29 February may be up to four years away
 * (the fuzzer found 29/2 near 2062 resolved to 2062-02-29). */
static int nearest_year(const polisi_call_options *c, int m, int d) {
    long ref = ref_days(c), best = -1;
    int year = c->ref_year;
    for (int y = c->ref_year - 4; y <= c->ref_year + 4; y++) {
        if (y < 1 || y > 9999 || !valid_dm(y, m, d))
            continue;
        long dist = polisi__days_from_civil(y, m, d) - ref;
        dist = dist < 0 ? -dist : dist;
        if (best < 0 || dist < best)
            best = dist, year = y;
    }
    return year;
}

/* The weekday wd near the reference date (REL_WEEKDAY). */
static long weekday_days(const polisi_call_options *c, int wd, int off) {
    long ref = ref_days(c);
    int rwd = polisi__weekday(c->ref_year, c->ref_month, c->ref_day);
    int back = (rwd - wd + 7) % 7, ahead = (wd - rwd + 7) % 7;
    switch (off) {
    case WD_BEFORE: return ref - (back ? back : 7);
    case WD_AFTER: return ref + (ahead ? ahead : 7);
    case WD_LAST_WEEK: return ref - rwd - 7 + wd;
    case WD_NEXT_WEEK: return ref - rwd + 7 + wd;
    default: return ref - back;
    }
}

static void resolve(const polisi_call_options *c, const dval *v, dres *r) {
    memset(r, 0, sizeof *r);
    switch (v->rel) {
    case REL_DAYS:
        if (c->has_ref_date)
            from_days(ref_days(c) + v->off, r);
        return;
    case REL_WEEKDAY:
        if (c->has_ref_date)
            from_days(weekday_days(c, v->wd, v->off), r);
        return;
    default: break;
    }
    r->y = v->y, r->m = v->m, r->d = v->d;
    if (v->d && !v->y && c->has_ref_date)
        r->y = nearest_year(c, v->m, v->d);
    r->prec = v->d ? 3 : v->m ? 2 : v->y ? 1 : 0;
}

/* The end of "Senin s.d. Rabu", "Senin (17/6) hingga Rabu": the first day
 * of weekday wd on or after the start. An unknown year counts as 2000 (a
 * leap year) for the arithmetic and stays unknown. */
static void resolve_after(const dres *start, int start_wd, int wd, dres *r) {
    memset(r, 0, sizeof *r);
    if (start->prec != 3)
        return;
    long days = polisi__days_from_civil(start->y ? start->y : 2000, start->m, start->d);
    if (start->y)
        start_wd = polisi__weekday(start->y, start->m, start->d);
    if (start_wd < 0)
        return;
    from_days(days + (wd - start_wd + 7) % 7, r);
    if (!start->y)
        r->y = 0;
}

static const char *format(polisi__arena *arena, const dres *r) {
    if (!r->prec)
        return NULL;
    /* Written straight into the arena, where a copy from a buffer on the
     * stack cost as much as the writing: "YYYY-MM-DD" and its NUL fill the
     * arena's 16-byte unit; a year out of 1..9999 takes up to 11 bytes. */
    int plain_year = r->y >= 0 && r->y <= 9999;
    char *value = polisi__arena_alloc(arena, plain_year ? 16 : 24), *b = value;
    if (!value)
        return NULL;
    if (!r->y) {
        memcpy(b, "XXXX", 4);
        b += 4;
    } else if (plain_year) {
        b = put_2digits(put_2digits(b, r->y / 100), r->y % 100);
    } else {
        /* a year that only an offset from a reference date at the edge
         * of the calendar reaches: as "%04d" writes it */
        b += snprintf(b, 12, "%04d", r->y);
    }
    if (r->prec >= 2) {
        *b++ = '-';
        b = put_2digits(b, r->m);
    }
    if (r->prec >= 3) {
        *b++ = '-';
        b = put_2digits(b, r->d);
    }
    *b = '\0';
    return value;
}

/* 1 when the written weekday fits, 0 when not, -1 when it cannot be told. */
static int weekday_fits(const dval *v, const dres *r) {
    if (v->wd < 0 || v->rel != REL_NONE || r->prec != 3 || !r->y)
        return -1;
    return polisi__weekday(r->y, r->m, r->d) == v->wd;
}

/* A year-less end follows its start ("28 Februari - 29 Februari" near 2062
 * ends in 2064, not in 2060 before the start): the start's year, or the
 * first later one in which the day exists. */
static void end_after_start(const dres *a, const dval *end, dres *b) {
    if (end->y || !a->y || a->prec != 3 || b->prec != 3)
        return;
    int y = a->y + (b->m < a->m || (b->m == a->m && b->d < a->d));
    while (!valid_dm(y, b->m, b->d) && y < a->y + 8)
        y++;
    b->y = y;
}

static polisi_status emit(polisi__ctx *ctx, const dspan *s) {
    polisi_status st = POLISI_OK;
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_DATE, s->b, s->e, &st);
    if (!e)
        return st;
    dres a, b;
    resolve(ctx->call, &s->v, &a);
    if ((e->str[POLISI_FIELD_VALUE] = format(&ctx->res->arena, &a)) == NULL && a.prec)
        return POLISI_ERR_NOMEM;
    int ok = weekday_fits(&s->v, &a);
    if (s->has_end) {
        if (s->end.rel == REL_AFTER)
            resolve_after(&a, s->v.wd, s->end.wd, &b);
        else
            resolve(ctx->call, &s->end, &b);
        end_after_start(&a, &s->end, &b);
        if ((e->str[POLISI_FIELD_END_VALUE] = format(&ctx->res->arena, &b)) == NULL && b.prec)
            return POLISI_ERR_NOMEM;
        int ok2 = weekday_fits(&s->end, &b);
        if (ok2 >= 0)
            ok = ok < 0 ? ok2 : ok && ok2;
    }
    if (s->v.wd >= 0)
        e->str[POLISI_FIELD_WEEKDAY] = polisi__weekday_names[s->v.wd];
    e->weekday_ok = (int8_t)ok;
    return POLISI_OK;
}

/* Token `next` may follow a date cue that is no CUE_DATE_FREE: a number,
 * punctuation, a date word, a part of the day ("Sabut pagi (5/10)"), or
 * "ini", "tadi" ("hari ini", "Sabut tadi pagi"). */
static inline int follows_bound_cue(const polisi__doc *doc, size_t next) {
    if (next >= doc->ntoks)
        return 0;
    const polisi__token *t = &doc->toks[next];
    return t->kind != POLISI__TOK_WORD ||
           (t->classes & (POLISI__LEX_BIT(POLISI__LEX_DATEWORD) |
                          POLISI__LEX_BIT(POLISI__LEX_DAYPART))) ||
           polisi__tok_is(doc, next, "ini") || polisi__tok_is(doc, next, "tadi");
}

/* Token i may start a date: a cue (the first word of a date word that may
 * start one, START_KINDS), a number (the wake rule of dates takes these
 * and nothing else), or a "(" before one of them or a number word
 * before "hari" (before_may_start), with after it what every
 * form read there needs (point_at, point_range): a free cue anything,
 * another cue what follows_bound_cue lets through, a number of at most
 * four digits what number_goes_on does. One or two
 * tests skip every other token. (number_goes_on reads tokens after i,
 * where on_line is the line flag whatever the start of the last try.) */
static inline int may_start(const parser *p, size_t i) {
    const polisi__doc *doc = p->doc;
    const polisi__token *t = &doc->toks[i];
    if (t->kind == POLISI__TOK_WORD)
        return (t->classes & POLISI__LEX_BIT(POLISI__LEX_CUE_DATE)) &&
               ((t->classes & POLISI__LEX_BIT(POLISI__LEX_CUE_DATE_FREE)) ||
                follows_bound_cue(doc, i + 1));
    /* Nearly two tokens in three woken here are numbers, and nine in ten
     * of them start nothing: what number_goes_on looks at first (the next
     * token on the line: one of "/-." or the first word of "hari", a month
     * or a range word) as 0/1 values combined with & and |, the next token
     * read through a select (a zero token past the last), instead of a
     * chain of branches that was often mispredicted. The cue class of
     * those words turns away "25 tahun" and the "00" of "19.00 WIB"
     * without number_goes_on's lookup, which any date word after a number
     * took. (A test for D.M.Y's second "." here cost more than the lookups
     * it saved.) */
    static const polisi__token none;
    const polisi__token *n = i + 1 < doc->ntoks ? t + 1 : &none;
    char c = doc->keys[n->key];
    unsigned sep = (n->kind == POLISI__TOK_PUNCT) & (n->key_len == 1) &
                   ((c == '/') | (c == '-') | (c == '.'));
    unsigned date_word =
        (n->kind == POLISI__TOK_WORD) & (n->classes >> POLISI__LEX_CUE_DATE_AFTER_NUM);
    unsigned line = (n->flags & POLISI__TF_LINE_BEFORE) != 0;
    unsigned number = (t->kind == POLISI__TOK_NUMBER) & (t->key_len <= 4);
    return (number & !line & (sep | (date_word & 1))) && number_goes_on(p, i);
}

/* Token j, which passed may_start, after the end of the last date found
 * (`next`), may be where a date that starts at the token before it goes
 * on:
 * - after a "(", a date word (a weekday, a month) or a number that
 *   number_goes_on lets through (not "(20)", an age). A date that starts
 *   at a "(" has after it a number, a weekday or a month name, with after
 *   that what may_start at them lets through (a number, punctuation, a
 *   date word): it is tried only where may_start has let the token after
 *   it through;
 * - "hari" after a number word, which does not wake dates: "tiga hari
 *   lalu" (days_ago), with after "hari" the date word that
 *   follows_bound_cue lets through.
 * The token before is nearly always neither a "(" nor a date word that
 * does not wake dates (a number word is one): one test, of 0/1 values
 * combined with & and |, turns it away (a test per form was often
 * mispredicted). */
static inline int before_may_start(const parser *p, size_t j, size_t next) {
    if (j <= next)
        return 0;
    const polisi__token *b = &p->toks[j - 1], *t = &p->toks[j];
    unsigned paren = (b->kind == POLISI__TOK_PUNCT) & (b->key_len == 1) & (p->keys[b->key] == '(');
    unsigned quiet = (b->classes >> POLISI__LEX_DATEWORD) & !(p->doc->wake[j - 1] & POLISI__WAKE_DATE);
    if (!((paren | quiet) & 1))
        return 0;
    if (paren)
        return (t->classes & POLISI__LEX_BIT(POLISI__LEX_DATEWORD)) ||
               (t->kind == POLISI__TOK_NUMBER && number_goes_on(p, j));
    dt_word w;
    return polisi__tok_is(p->doc, j, "hari") && dword_kind(p, j - 1, DTK_NUMWORD, &w);
}

/* A try at token i: the date there, emitted; *e gets the token after it,
 * 0 when none. Not inlined: one copy of date_at for the two tries of
 * polisi__dates_find. */
__attribute__((noinline)) static polisi_status try_at(polisi__ctx *ctx, parser *p, size_t i,
                                                      size_t *e) {
    dspan s;
    p->start = i;
    if ((*e = date_at(p, i, &s)) == 0)
        return POLISI_OK;
    return emit(ctx, &s);
}

/* From token i, the first that wakes dates (extract.c calls it only for a
 * text that has one). */
polisi_status polisi__dates_find(polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    parser p = parser_of(ctx->ex->lex, doc);
    dt_memo memo = {SIZE_MAX, 0, {DTK_NONE, 0, 0, 0}};
    p.memo = &memo;
    size_t next = 0; /* no date starts before it: the end of the last one */
    size_t n = doc->ntoks;
    do { /* i: a token that wakes dates */
        size_t e = 0;
        polisi_status st;
        /* (may_start before p.start moves to i) */
        if (may_start(&p, i)) {
            /* the "(" or number word before it first, as when it woke
             * dates itself */
            if (before_may_start(&p, i, next) &&
                (st = try_at(ctx, &p, i - 1, &e)) != POLISI_OK)
                return st;
            if (!e && (st = try_at(ctx, &p, i, &e)) != POLISI_OK)
                return st;
        }
        i = e ? (next = e) : i + 1;
    } while ((i = polisi__next_wake(doc, i, POLISI__WAKE_DATE)) < n);
    return POLISI_OK;
}
