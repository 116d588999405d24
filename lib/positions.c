/*
 * positions.c: Polri and TNI posts (SPEC.md "position").
 *
 * A post is either a whole phrase of positions.def ("Kapolres", "Dandim",
 * "Bhabinkamtibmas"), or a head and a function composed ("Kasat" +
 * "Reskrim", "Kepala Bidang" + "Hubungan Masyarakat", "Dir" + "Reskrimum";
 * glued forms such as "Kasatreskrim" and "Dirkrimum" are added to the
 * lexicon at creation), or "Kepala"/"Wakil Kepala" and the unit it heads
 * ("Kepala Polres Kuansing", "Wakil Kepala Korlantas").
 *
 * What follows decides the rest: territorial heads take the place after
 * them into their span and name their unit from it ("Kapolsek Plaosan" =
 * Polsek Plaosan); other posts name the unit written right after them,
 * which stays its own entity ("Kasat Reskrim Polres Bogor"); TNI
 * commanders take their unit number ("Dandim 0904/TNG"). An acting prefix
 * (Plt, Plh, PS.) and a restatement in brackets ("Kepala Divisi Hubungan
 * Masyarakat (Kadiv Humas)") belong to the span.
 */
#include <string.h>

#include "units.h"

enum force { F_POLRI, F_TNI };
static const char *const force_names[] = {"polri", "tni"};

enum heads {
    H_POLRI, H_POLDA, H_POLRES, H_POLRESTA, H_POLRESTABES, H_POLSEK, H_POLSEKTA,
    H_POLSUBSEKTOR, H_UNIT, H_NEEDUNIT, H_TNI, H_SATGAS, H_NOTHING
};

/* The level word each territorial head reads its place for. */
static const int head_level[] = {
    [H_POLRI] = POLISI__LV_POLRI,       [H_POLDA] = POLISI__LV_POLDA,
    [H_POLRES] = POLISI__LV_POLRES,     [H_POLRESTA] = POLISI__LV_POLRESTA,
    [H_POLRESTABES] = POLISI__LV_POLRESTABES, [H_POLSEK] = POLISI__LV_POLSEK,
    [H_POLSEKTA] = POLISI__LV_POLSEKTA, [H_POLSUBSEKTOR] = POLISI__LV_POLSUBSEKTOR,
};

enum position_id {
#define POSITION(id, ...) P_##id,
#include "positions.def"
#undef POSITION
    P_COUNT
};

typedef struct position_def {
    const char *code;
    unsigned char force, heads;
    const char *variants;
} position_def;

static const position_def positions[P_COUNT] = {
#define POSITION(id, code, force, heads, variants) {code, F_##force, H_##heads, variants},
#include "positions.def"
#undef POSITION
};

enum head_id {
#define HEAD(id, ...) HD_##id,
#include "positions.def"
#undef HEAD
    HD_COUNT
};

typedef struct head_def {
    const char *code;
    int glue;
    const char *variants;
} head_def;

static const head_def heads[HD_COUNT] = {
#define HEAD(id, code, glue, variants) {code, glue, variants},
#include "positions.def"
#undef HEAD
};

enum acting_id {
#define ACTING(id, ...) AC_##id,
#include "positions.def"
#undef ACTING
    AC_COUNT
};

typedef struct acting_def {
    const char *code, *variants;
} acting_def;

static const acting_def actings[AC_COUNT] = {
#define ACTING(id, code, variants) {code, variants},
#include "positions.def"
#undef ACTING
};

/* The head of a territorial unit, by level word ("Kepala Polres X"). */
static const char *const level_heads[POLISI__LV_COUNT] = {
    [POLISI__LV_POLRI] = "Kapolri",         [POLISI__LV_POLDA] = "Kapolda",
    [POLISI__LV_POLRES] = "Kapolres",       [POLISI__LV_POLRESTA] = "Kapolresta",
    [POLISI__LV_POLRESTABES] = "Kapolrestabes", [POLISI__LV_POLSEK] = "Kapolsek",
    [POLISI__LV_POLSEKTA] = "Kapolsekta",   [POLISI__LV_POLSUBSEKTOR] = "Kapolsubsektor",
};

/* Lexicon flags of POSITION entries (bit 0 is '~' of add_variants). */
#define POS_COMPOSED 8u    /* glued head + function: value = head << 8 | function */
#define POS_SATKER 16u     /* the head of a functional unit: value = satker */
#define POS_WAKIL 32u      /* ... its deputy ("Wakakorlantas") */
#define POS_PROVINCE 64u   /* "Kapoldasu": value = province */
#define HEAD_ALONE 4u      /* '=' of a HEAD variant: a post on its own */

/* ---- registration ---- */

/* Words after a head that make it a civil post ("Kabag Humas Setda").
 * Sorted (SORTED_IN): asked after every post. */
static const char *const civil_words[] = {
    "bnn", "bnnk", "bnnp", "dinas", "dprd", "kejaksaan", "kejari", "kejati", "kementerian", "kpk",
    "pemkab", "pemkot", "pemprov", "protokol", "protokoler", "pt", "rsud", "sekretariat", "setda",
    "setdakab", "setdako", "setdaprov",
};
/* Its filter (SORTED_IN, units.h): tools/gen_gazetteer.py --word-filter and
 * the words above. */
static const uint64_t civil_words_filter[POLISI__WORD_FILTER_WORDS] = {
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0003000000000000u, 0x0000080000000000u,
    0x0080000010000000u, 0x0000000020000000u, 0x0000000080000000u, 0x0000000008000000u,
    0x0000000000000000u, 0x0000000000000100u, 0x8000000010000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000004000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000020000000000u, 0x0000c40000000000u,
    0x0000000000000000u, 0x0080000000000000u, 0x0000000000000000u, 0x0000008020000000u,
    0x0000000000000000u, 0x0080000000000000u, 0x0000000000000004u, 0x0040000000000000u,
};

/* Adds variants; a leading '=' sets HEAD_ALONE. */
static polisi_status add_heads(polisi__lexicon *lex, const char *variants, uint32_t value) {
    char phrase[80];
    for (const char *p = variants; *p;) {
        size_t n = strcspn(p, "|");
        uint8_t flags = 0;
        const char *v = p;
        if (*v == '=') {
            flags = HEAD_ALONE;
            v++;
        }
        size_t len = n - (size_t)(v - p);
        if (len == 0 || len >= sizeof phrase)
            return POLISI_ERR_INTERNAL;
        memcpy(phrase, v, len);
        phrase[len] = '\0';
        polisi_status st = polisi__lexicon_add(lex, phrase, POLISI__LEX_POS_HEAD, value, flags);
        if (st != POLISI_OK)
            return st;
        p += n + (p[n] == '|');
    }
    return POLISI_OK;
}

/* Calls fn for every one-word variant (no space, no dot) of a '|' list. */
typedef polisi_status (*word_fn)(polisi__lexicon *lex, const char *word, uint32_t a, uint32_t b);

static polisi_status each_word(polisi__lexicon *lex, const char *variants, word_fn fn, uint32_t a,
                               uint32_t b) {
    for (const char *p = variants; *p;) {
        size_t n = strcspn(p, "|");
        const char *v = p;
        while (*v == '=' || *v == '~')
            v++;
        size_t len = n - (size_t)(v - p);
        char word[64];
        if (len && len < sizeof word && !memchr(v, ' ', len) && !memchr(v, '.', len) &&
            !memchr(v, '-', len)) {
            memcpy(word, v, len);
            word[len] = '\0';
            polisi_status st = fn(lex, word, a, b);
            if (st != POLISI_OK)
                return st;
        }
        p += n + (p[n] == '|');
    }
    return POLISI_OK;
}

/* For one head word: every function word glued to it ("kasat"+"reskrim"). */
static polisi_status glue_head_word(polisi__lexicon *lex, const char *hword, uint32_t h,
                                    uint32_t unused) {
    (void)unused;
    for (uint32_t f = 0; f < POLISI__FUNC_COUNT; f++) {
        const char *p = polisi__funcs[f].variants;
        while (*p) {
            size_t n = strcspn(p, "|");
            char word[96];
            size_t hl = strlen(hword);
            if (n && hl + n < sizeof word && !memchr(p, ' ', n) && !memchr(p, '.', n)) {
                memcpy(word, hword, hl);
                memcpy(word + hl, p, n);
                word[hl + n] = '\0';
                polisi_status st = polisi__lexicon_add(lex, word, POLISI__LEX_POSITION, h << 8 | f,
                                                       POS_COMPOSED);
                if (st != POLISI_OK)
                    return st;
            }
            p += n + (p[n] == '|');
        }
    }
    return POLISI_OK;
}

static polisi_status glued_kapolda(polisi__lexicon *lex, const char *pword, uint32_t prov,
                                   uint32_t unused) {
    (void)unused;
    char word[64] = "Kapolda";
    size_t n = strlen(pword);
    if (n + 8 > sizeof word)
        return POLISI_ERR_INTERNAL;
    memcpy(word + 7, pword, n + 1);
    return polisi__lexicon_add(lex, word, POLISI__LEX_POSITION, prov, POS_PROVINCE);
}

/* "Kabareskrim", "Wakakorlantas", "Dirreskrimum": heads of SATKER rows. */
static polisi_status add_satker_heads(polisi__lexicon *lex) {
    for (int s = 0; s < POLISI__SATKER_COUNT; s++) {
        const char *h = polisi__satker_head(s);
        if (!h)
            continue;
        polisi_status st = polisi__lexicon_add(lex, h, POLISI__LEX_POSITION, (uint32_t)s, POS_SATKER);
        if (st == POLISI_OK && !strchr(h, ' ') && (strncmp(h, "Ka", 2) == 0 || strncmp(h, "Dir", 3) == 0)) {
            char wa[64] = "Wa";
            size_t n = strlen(h);
            if (n + 3 > sizeof wa)
                return POLISI_ERR_INTERNAL;
            memcpy(wa + 2, h, n + 1);
            st = polisi__lexicon_add(lex, wa, POLISI__LEX_POSITION, (uint32_t)s, POS_SATKER | POS_WAKIL);
        }
        if (st != POLISI_OK)
            return st;
    }
    return POLISI_OK;
}

polisi_status polisi__positions_register(polisi__lexicon *lex) {
    polisi_status st = WORDS_CHECKED(civil_words) ? POLISI_OK : POLISI_ERR_INTERNAL;
    for (uint32_t p = 0; st == POLISI_OK && p < P_COUNT; p++)
        st = polisi__add_variants(lex, positions[p].variants, POLISI__LEX_POSITION, p, 0);
    for (uint32_t h = 0; st == POLISI_OK && h < HD_COUNT; h++)
        st = add_heads(lex, heads[h].variants, h);
    for (uint32_t h = 0; st == POLISI_OK && h < HD_COUNT; h++)
        if (h != HD_KEPALA && h != HD_WAKIL)
            st = each_word(lex, heads[h].variants, glue_head_word, h, 0);
    for (uint32_t a = 0; st == POLISI_OK && a < AC_COUNT; a++)
        st = polisi__add_variants(lex, actings[a].variants, POLISI__LEX_ACTING, a, 0);
    for (int p = 0; st == POLISI_OK && p < POLISI__PROV_COUNT; p++)
        st = each_word(lex, polisi__province_variants(p), glued_kapolda, (uint32_t)p, 0);
    if (st == POLISI_OK)
        st = polisi__lexicon_add(lex, "Kapoldasu", POLISI__LEX_POSITION, POLISI__PROV_SUMUT,
                                 POS_PROVINCE);
    if (st == POLISI_OK)
        st = add_satker_heads(lex);
    return st;
}

/* ---- reading ---- */

typedef struct pos_read {
    size_t end;
    const char *code;
    int force;
    const char *unit;
} pos_read;

static int on_line(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE);
}

static int punct_at(const polisi__doc *doc, size_t i, char c) {
    return on_line(doc, i) && polisi__tok_punct(doc, i, c);
}

static int glued(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks &&
           !(doc->toks[i].flags & (POLISI__TF_SPACE_BEFORE | POLISI__TF_LINE_BEFORE));
}

static char *arena_concat(polisi__ctx *ctx, const char *a, const char *sep, const char *b,
                          polisi_status *st) {
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *s = polisi__arena_alloc(&ctx->res->arena, na + ns + nb + 1);
    if (!s) {
        *st = POLISI_ERR_NOMEM;
        return NULL;
    }
    memcpy(s, a, na);
    memcpy(s + na, sep, ns);
    memcpy(s + na + ns, b, nb + 1);
    return s;
}

/* "Wa" + the head's code: "Kakorlantas" -> "Wakakorlantas". */
static const char *deputy(polisi__ctx *ctx, const char *code, polisi_status *st) {
    char first[2] = {code[0], '\0'};
    if (first[0] >= 'A' && first[0] <= 'Z')
        first[0] = (char)(first[0] + 32);
    return arena_concat(ctx, "Wa", first, code + 1, st);
}

/* "Kasat" + "Reskrim" = "Kasat Reskrim"; "Dir" + "reskrimum" = "Dirreskrimum";
 * "Kasubdit" + "I" + "Indagsi" = "Kasubdit I Indagsi". */
static const char *compose(polisi__ctx *ctx, int h, const char *numeral, size_t numeral_len, int f,
                           polisi_status *st) {
    const head_def *hd = &heads[h];
    const polisi__func_def *fd = f >= 0 ? &polisi__funcs[f] : NULL;
    if (fd && hd->glue && fd->glue && !numeral_len)
        return arena_concat(ctx, hd->code, "", fd->glue, st);
    size_t n = strlen(hd->code), size = n + numeral_len + (fd ? strlen(fd->short_name) : 0) + 3;
    char *s = polisi__arena_alloc(&ctx->res->arena, size);
    if (!s) {
        *st = POLISI_ERR_NOMEM;
        return NULL;
    }
    memcpy(s, hd->code, n);
    if (numeral_len) {
        s[n++] = ' ';
        memcpy(s + n, numeral, numeral_len);
        n += numeral_len;
    }
    if (fd) {
        s[n++] = ' ';
        memcpy(s + n, fd->short_name, strlen(fd->short_name));
        n += strlen(fd->short_name);
    }
    s[n] = '\0';
    return s;
}

/* The context of every function below positions_find: the call's, and the
 * units that units_find appended to the result before this recognizer ran
 * (the trailing run of UNIT entities, in token order: no other recognizer
 * of phase 1 adds units). The functions take its first member and get the
 * whole back with pos_of. */
typedef struct pos_ctx {
    polisi__ctx base;
    size_t units_begin, units_end; /* in ctx->res->ents */
} pos_ctx;

static const pos_ctx *pos_of(const polisi__ctx *ctx) {
    return (const pos_ctx *)(const void *)ctx;
}

/* The unit entity that units_find added at token j, or NULL. A document
 * has a few units: a scan of them costs less than one read. */
static const polisi_entity *unit_found(const polisi__ctx *ctx, size_t j) {
    const pos_ctx *pc = pos_of(ctx);
    const polisi_entity *ents = ctx->res->ents;
    for (size_t k = pc->units_begin; k < pc->units_end && ents[k].tok_begin <= j; k++)
        if (ents[k].tok_begin == j)
            return &ents[k];
    return NULL;
}

/* The unit written right after a post, as its own entity ("Kasat Reskrim
 * Polres Bogor" -> "Polres Bogor"). units_find has read most of them
 * already, with polisi__unit_read at the same token: its canonical name is
 * taken from its entity. */
static const char *unit_after(polisi__ctx *ctx, size_t j, polisi_status *st) {
    polisi__unit u;
    if (!on_line(ctx->doc, j))
        return NULL;
    const polisi_entity *found = unit_found(ctx, j);
    if (found)
        return found->str[POLISI_FIELD_CANONICAL];
    if (polisi__unit_read(ctx, j, &u, st))
        return u.canonical;
    return NULL;
}

/* A TNI unit number after a commander: "IV/Diponegoro", "0904/TNG",
 * "1608-03/Sape", "1506 Binaya". */
static size_t tni_number(const polisi__ctx *ctx, size_t j) {
    const polisi__doc *doc = ctx->doc;
    int number = on_line(doc, j) && doc->toks[j].kind == POLISI__TOK_NUMBER;
    if (!number && !(polisi__tok_roman(doc, j) && (doc->toks[j].flags & POLISI__TF_UPPER) &&
                     on_line(doc, j)))
        return j;
    size_t k = j + 1;
    while (punct_at(doc, k, '-') && glued(doc, k) && glued(doc, k + 1) &&
           doc->toks[k + 1].kind == POLISI__TOK_NUMBER)
        k += 2;
    if (punct_at(doc, k, '/') && on_line(doc, k + 1) &&
        (doc->toks[k + 1].kind == POLISI__TOK_WORD || doc->toks[k + 1].kind == POLISI__TOK_NUMBER))
        return k + 2;
    if (number && !polisi__stops_place(ctx, k, 0))
        return k + 1;
    return k;
}

/* The task force named after "Kaops"/"Kasatgas": "Satgas Damai Cartenz". */
static size_t satgas_name(const polisi__ctx *ctx, size_t j) {
    const polisi__doc *doc = ctx->doc;
    if (polisi__tok_is(doc, j, "satgas") || polisi__tok_is(doc, j, "satgassus"))
        j++;
    else if (polisi__tok_is(doc, j, "satuan") && polisi__tok_is(doc, j + 1, "tugas"))
        j += 2 + polisi__tok_is(doc, j + 2, "khusus");
    for (int n = 0; n < 5 && !polisi__stops_place(ctx, j, 0); n++)
        j++;
    return j;
}

static int is_satgas(const polisi__doc *doc, size_t j) {
    return polisi__tok_is(doc, j, "satgas") || polisi__tok_is(doc, j, "satgassus") ||
           (polisi__tok_is(doc, j, "satuan") && polisi__tok_is(doc, j + 1, "tugas"));
}

static int read_post(polisi__ctx *ctx, size_t i, pos_read *p, int depth, polisi_status *st);

/* "(Kadiv Humas)" after "Kepala Divisi Hubungan Masyarakat", "(Wakapolda
 * NTT)" after "Wakil Kepala Kepolisian Daerah Nusa Tenggara Timur": the
 * same post again, in brackets. */
static size_t restated(polisi__ctx *ctx, size_t j, const char *code, int depth, polisi_status *st) {
    pos_read again;
    if (depth > 0 || !punct_at(ctx->doc, j, '(') || !read_post(ctx, j + 1, &again, 1, st))
        return j;
    return strcmp(again.code, code) == 0 && punct_at(ctx->doc, again.end, ')') ? again.end + 1 : j;
}

/* The unit after post p and its restatement, which a post that needs a
 * unit must have: kept as p->unit, so that read_post does not read it
 * again (it would read the same unit at the same token). */
static const char *unit_after_post(polisi__ctx *ctx, pos_read *p, int depth, polisi_status *st) {
    p->unit = unit_after(ctx, restated(ctx, p->end, p->code, depth, st), st);
    return p->unit;
}

/* Functions every institution has (general affairs, law, finance,
 * personnel): "Karoum", "Dirkum", "Kabag SDM" also name posts of the TNI and
 * of ministries, so they count only with a Polri unit after them. A table
 * by function, asked with one load. */
#define GENERIC(f) [POLISI__FUNC_##f] = 1
static const unsigned char generic_function[POLISI__FUNC_COUNT] = {
    GENERIC(UM),      GENERIC(KUM),        GENERIC(KEU),        GENERIC(SDM),
    GENERIC(LOG),     GENERIC(PERS),       GENERIC(REN),        GENERIC(TIK),
    GENERIC(SARPRAS), GENERIC(MITRA),      GENERIC(PENINDAKAN), GENERIC(PENCEGAHAN),
    GENERIC(PENYIDIKAN), GENERIC(EKONOMI), GENERIC(MULTIMEDIA), GENERIC(PSIKOLOGI),
    GENERIC(PATROLI), GENERIC(KERMA),      GENERIC(DOKKES),     GENERIC(HUBINTER),
    GENERIC(PID),     GENERIC(MINTU),      GENERIC(YANMA),
};
#undef GENERIC

/* Functions that name police work only ("Reskrim", "Lalu Lintas"). */
static int police_function(int f) {
    const polisi__func_def *fd = &polisi__funcs[f];
    return f != POLISI__FUNC_HUMAS && (fd->glue || fd->at_polsek || fd->at_polres || fd->at_polda);
}

/* A head with function f needs a Polri unit after it to be a police post:
 * when the function is one every institution has, or when the head is
 * spelled out and the function is not police work ("Direktur Operasi PT
 * X", "Kepala Bagian Umum"). Inside brackets ("Kepala Seksi Umum (Kasium)
 * Polsek X") the post outside them asks. */
static int needs_unit(int f, int spelled) {
    return generic_function[f] || (spelled && !police_function(f));
}

/* What follows a whole post of positions.def. */
static int finish_whole(polisi__ctx *ctx, size_t i, size_t j, const position_def *def, pos_read *p,
                        polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    p->code = def->code;
    p->force = def->force;
    p->end = j;
    polisi__unit u;
    switch (def->heads) {
    case H_POLRI: p->unit = "Polri"; break;
    case H_UNIT: break;
    case H_NEEDUNIT:
        p->unit = unit_after(ctx, j, st);
        return p->unit != NULL;
    case H_TNI: p->end = tni_number(ctx, j); break;
    case H_SATGAS: p->end = satgas_name(ctx, j); break;
    case H_NOTHING: break;
    default:
        if (polisi__unit_place(ctx, j, head_level[def->heads],
                               (doc->toks[i].flags & POLISI__TF_UPPER) != 0, &u, st)) {
            p->unit = u.canonical;
            p->end = u.end;
        }
        break;
    }
    return *st == POLISI_OK;
}

/* A phrase of the POSITION class at i. */
static int whole_post(polisi__ctx *ctx, size_t i, pos_read *p, int depth, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *e;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, i, POLISI__LEX_POSITION, &e);
    if (!m || (m > 1 && !polisi__tok_capital(doc, i)))
        return 0;
    memset(p, 0, sizeof *p);
    p->end = i + m;
    p->force = F_POLRI;
    if (e->flags & POS_COMPOSED) {
        int f = (int)(e->value & 0xff);
        p->code = compose(ctx, (int)(e->value >> 8), NULL, 0, f, st);
        if (p->code && depth == 0 && needs_unit(f, 0) && !unit_after_post(ctx, p, depth, st))
            return 0;
    } else if (e->flags & POS_SATKER) {
        p->code = polisi__satker_head((int)e->value);
        if (e->flags & POS_WAKIL)
            p->code = deputy(ctx, p->code, st);
    } else if (e->flags & POS_PROVINCE) {
        polisi__unit u;
        polisi__unit_polda((int)e->value, &u);
        p->code = "Kapolda";
        p->unit = u.canonical;
    } else {
        return finish_whole(ctx, i, i + m, &positions[e->value], p, st);
    }
    return p->code != NULL;
}

/* "Kepala Polres Kuansing", "Wakil Kepala Korlantas", "Kepala Satgas X",
 * "Wakil Kepolisian Daerah (Wakapolda) Sulut". */
static int head_of_unit(polisi__ctx *ctx, size_t j, int wakil, pos_read *p,
                        polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    polisi__unit u;
    if (is_satgas(doc, j)) {
        int sus = polisi__tok_is(doc, j, "satgassus") || polisi__tok_is(doc, j + 2, "khusus");
        p->code = sus ? (wakil ? "Wakasatgassus" : "Kasatgassus") : (wakil ? "Wakasatgas" : "Kasatgas");
        p->end = satgas_name(ctx, j);
        return 1;
    }
    if (polisi__unit_read(ctx, j, &u, st)) {
        const char *code = u.level_id >= 0 ? level_heads[u.level_id]
                                           : u.satker >= 0 ? polisi__satker_head(u.satker) : NULL;
        if (!code)
            return 0;
        p->code = wakil ? deputy(ctx, code, st) : code;
        p->end = u.end;
        if (u.level_id >= 0)
            p->unit = u.canonical;
        return p->code != NULL;
    }
    /* "Wakil Kepolisian Daerah (Wakapolda) Sulut" */
    const polisi__lex_entry *e;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, j, POLISI__LEX_UNIT, &e);
    pos_read inner;
    if (!m || (e->value >> 8) || !punct_at(doc, j + m, '(') || !whole_post(ctx, j + m + 1, &inner, 1, st) ||
        !punct_at(doc, inner.end, ')') || !level_heads[e->value & 0xff])
        return 0;
    const char *code = level_heads[e->value & 0xff];
    if (wakil)
        code = deputy(ctx, code, st);
    if (!code || strcmp(code, inner.code) != 0)
        return 0;
    p->code = code;
    p->end = inner.end + 1;
    if (polisi__unit_place(ctx, p->end, (int)(e->value & 0xff), 0, &u, st)) {
        p->unit = u.canonical;
        p->end = u.end;
    }
    return 1;
}

/* What may stand between a head and its function: the head's abbreviation
 * in brackets ("Kepala bidang (Kabid) Humas") or a hyphen ("Kasi-Humas"). */
static size_t after_head(const polisi__ctx *ctx, size_t j, int h) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *b;
    size_t bm;
    if (punct_at(doc, j, '(') &&
        (bm = polisi__lexicon_match(ctx->ex->lex, doc, j + 1, POLISI__LEX_POS_HEAD, &b)) != 0 &&
        (int)b->value == h && punct_at(doc, j + 1 + bm, ')'))
        j += bm + 2;
    if (punct_at(doc, j, '-') && glued(doc, j) && glued(doc, j + 1))
        j++;
    return j;
}

/* The byte length of a unit number at token j ("Kasubdit I", "Kanit 2"),
 * or 0. "I" before a Balinese given name is part of the name. */
static size_t numeral_at(const polisi__doc *doc, size_t j) {
    static const char *const balinese[] = {"made", "ketut", "wayan", "gede", "nyoman", "putu",
                                           "komang", "kadek", "gusti", "nengah", "ngurah"};
    if (!on_line(doc, j))
        return 0;
    const polisi__token *t = &doc->toks[j];
    if (t->kind == POLISI__TOK_NUMBER && t->end - t->start <= 2)
        return t->end - t->start;
    if (!polisi__tok_roman(doc, j) || !(t->flags & POLISI__TF_UPPER))
        return 0;
    for (size_t k = 0; k < sizeof balinese / sizeof balinese[0]; k++)
        if (polisi__tok_is(doc, j, "i") && polisi__tok_is(doc, j + 1, balinese[k]))
            return 0;
    return t->end - t->start;
}

/* A head and what it heads: "Kasat Reskrim", "Kasubdit I Indagsi",
 * "Kepala bidang (Kabid) Humas", "Direktur Reserse Kriminal Umum". */
static int composed_post(polisi__ctx *ctx, size_t i, pos_read *p, int depth, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *e;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, i, POLISI__LEX_POS_HEAD, &e);
    if (!m)
        return 0;
    int h = (int)e->value, alone = (e->flags & HEAD_ALONE) != 0;
    int spelled = m > 1 || h == HD_KEPALA || h == HD_WAKIL || h == HD_DIR;
    if (spelled && !polisi__tok_capital(doc, i))
        return 0;
    memset(p, 0, sizeof *p);
    p->force = F_POLRI;
    if (h == HD_KEPALA || h == HD_WAKIL)
        return head_of_unit(ctx, i + m, h == HD_WAKIL, p, st);
    size_t j = after_head(ctx, i + m, h), numeral_len = numeral_at(doc, j);
    const char *numeral = doc->text + doc->toks[j < doc->ntoks ? j : 0].start;
    j += numeral_len != 0;
    const polisi__lex_entry *f = NULL;
    size_t fm = 0;
    if (on_line(doc, j) && (polisi__tok_capital(doc, j) || (doc->toks[i].flags & POLISI__TF_LOWER)))
        fm = polisi__lexicon_match(ctx->ex->lex, doc, j, POLISI__LEX_POS_FUNC, &f);
    if (!fm && !numeral_len && (!alone || !polisi__tok_capital(doc, i)))
        return 0;
    int func = fm ? (int)f->value : -1;
    p->code = compose(ctx, h, numeral, numeral_len, func, st);
    p->end = j + fm;
    if (p->code && depth == 0 && func >= 0 && needs_unit(func, spelled) &&
        !unit_after_post(ctx, p, depth, st))
        return 0;
    return p->code != NULL;
}

static int civil_after(const polisi__doc *doc, size_t j) {
    /* asked after every post, where a comma or a bracket often follows:
     * only a word can be one of civil_words, so the search is kept for words */
    return on_line(doc, j) && doc->toks[j].kind == POLISI__TOK_WORD &&
           SORTED_IN(doc, j, civil_words);
}

static int read_post(polisi__ctx *ctx, size_t i, pos_read *p, int depth, polisi_status *st) {
    pos_read a, b;
    int ok_a = whole_post(ctx, i, &a, depth, st);
    int ok_b = *st == POLISI_OK && composed_post(ctx, i, &b, depth, st);
    if (*st != POLISI_OK || (!ok_a && !ok_b))
        return 0;
    *p = ok_a && (!ok_b || a.end >= b.end) ? a : b;
    if (civil_after(ctx->doc, p->end))
        return 0;
    p->end = restated(ctx, p->end, p->code, depth, st);
    if (!p->unit && p->force == F_POLRI && depth == 0)
        p->unit = unit_after(ctx, p->end, st);
    return *st == POLISI_OK;
}

/* ---- the recognizer ---- */

static polisi_status emit(polisi__ctx *ctx, size_t i, const pos_read *p, const char *acting) {
    polisi_status st = POLISI_OK;
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_POSITION, i, p->end, &st);
    if (!e)
        return st;
    e->str[POLISI_FIELD_CODE] = p->code;
    e->str[POLISI_FIELD_FORCE] = force_names[p->force];
    e->str[POLISI_FIELD_UNIT] = p->unit;
    e->str[POLISI_FIELD_ACTING] = acting;
    return POLISI_OK;
}

/* A post at token i, with an acting prefix; returns the token after it or i. */
static size_t try_post(polisi__ctx *ctx, size_t i, polisi_status *st) {
    const polisi__lex_entry *e;
    const char *acting = NULL;
    size_t k = i;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_ACTING, &e);
    if (m && on_line(ctx->doc, i + m)) {
        acting = actings[e->value].code;
        k = i + m;
    }
    pos_read p;
    if (!read_post(ctx, k, &p, 0, st)) {
        if (*st != POLISI_OK || k == i || !read_post(ctx, i, &p, 0, st))
            return i;
        k = i;
        acting = NULL;
    }
    *st = emit(ctx, i, &p, acting);
    return p.end;
}

/* From token i, the first that wakes positions (extract.c calls it only
 * for a text that has one). */
polisi_status polisi__positions_find(polisi__ctx *call, size_t i) {
    pos_ctx pc = {*call, call->res->count, call->res->count};
    while (pc.units_begin > 0 && call->res->ents[pc.units_begin - 1].type == POLISI_UNIT)
        pc.units_begin--;
    polisi__ctx *ctx = &pc.base;
    const polisi__doc *doc = ctx->doc;
    /* A post starts with an acting prefix (try_post), a whole post
     * (whole_post) or a head (composed_post): the wake rule of positions
     * in extract.c; every other token is skipped without a call. */
    const polisi__token *toks = doc->toks;
    size_t ntoks = doc->ntoks;
    do { /* i: a token that wakes positions */
        polisi_status st = POLISI_OK;
        size_t next = toks[i].kind == POLISI__TOK_WORD ? try_post(ctx, i, &st) : i;
        if (st != POLISI_OK)
            return st;
        i = next > i ? next : i + 1;
    } while ((i = polisi__next_wake(doc, i, POLISI__WAKE_POSITION)) < ntoks);
    return POLISI_OK;
}
