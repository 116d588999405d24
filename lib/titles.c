/*
 * titles.c: academic, religious, professional and honorary titles
 * (SPEC.md "title", domain/titles.md).
 *
 * Known titles come from titles.def. Every written shape of a code is a
 * lexicon phrase: its dot-separated groups glued or not, with or without
 * the dots ("S.I.K.", "S.IK", "SIK"); the lexicon allows spaces between
 * tokens, so "S. Sos" and "M. Han" match too, and a dot glued after the
 * last group belongs to the title. Titles that are not listed are read by
 * pattern: "S."/"M."/"A.Md."/"Sp." and field initials ("S.Kep.", "M.K.P.").
 *
 * What decides is the context, because every short title is also a word or
 * an initial somewhere:
 *  - a prefix title must be followed by a name (or another prefix title),
 *    and is no title inside a place named after someone ("RSUD dr.
 *    Soetomo", "Jalan Ir. H. Juanda");
 *  - "H."/"H" is Haji only in the prefix zone: not right after a name word
 *    ("Budi H. Santoso", "A. H. Nasution");
 *  - a suffix title must follow a name or another title, and a title glued
 *    to the name with no comma must not be followed by a further name word
 *    ("Aditya S.P. Sembiring" keeps S.P. in the name);
 *  - the riskiest undotted shapes ("MA", "SE", "SP") and certifications
 *    ("CPHR") count only in a run after another title.
 */
#include <string.h>

#include "internal.h"

enum { PRE, SUF };
enum { ACAD, RELIG, PROF, HONOR };

#define T_DOT 1u  /* a shape without any dot is no title */
#define T_RUN 2u  /* undotted only after another title */
#define T_WORD 4u /* a written word: one capital is enough */
#define T_CERT 8u /* a certification: only after another title */
#define T_SEP 16u /* also a pair of initials: after a comma or another title */
#define T_STRICT 32u /* undotted only after another title, not after a comma */

typedef struct title_def {
    const char *code;
    unsigned char pos, cat;
    const char *meaning;
    unsigned flags;
    const char *variants;
} title_def;

static const title_def titles[] = {
#define TITLE(code, pos, cat, meaning, flags, variants) {code, pos, cat, meaning, flags, variants},
#include "titles.def"
#undef TITLE
};

#define NTITLES (sizeof titles / sizeof titles[0])

static const char *const pos_names[] = {"prefix", "suffix"};
static const char *const cat_names[] = {"academic", "religious", "professional", "honorary"};

/* ---- registering every written shape ---- */

/* Adds the phrases of `code` with the gaps of its groups glued or not:
 * bit k of `glue` set = no dot between group k and k + 1. */
static polisi_status add_shapes(polisi__lexicon *lex, const char *code, uint32_t idx) {
    const char *groups[8];
    size_t lens[8], n = 0;
    for (const char *p = code; *p && n < 8;) {
        size_t len = strcspn(p, ".");
        if (len) {
            groups[n] = p;
            lens[n++] = len;
        }
        p += len + (p[len] == '.');
    }
    for (unsigned glue = 0; glue < (1u << (n - 1)); glue++) {
        char phrase[96];
        size_t k = 0;
        for (size_t g = 0; g < n; g++) {
            if (k + lens[g] + 4 >= sizeof phrase)
                return POLISI_ERR_INTERNAL;
            memcpy(phrase + k, groups[g], lens[g]);
            k += lens[g];
            if (g + 1 < n && !(glue & (1u << g))) {
                memcpy(phrase + k, " . ", 3);
                k += 3;
            }
        }
        phrase[k] = '\0';
        polisi_status st = polisi__lexicon_add(lex, phrase, POLISI__LEX_TITLE, idx, 0);
        if (st != POLISI_OK)
            return st;
    }
    return POLISI_OK;
}

static polisi_status add_variants(polisi__lexicon *lex, const char *p, uint32_t idx) {
    while (*p) {
        char phrase[96];
        size_t n = strcspn(p, "|");
        if (n == 0 || n >= sizeof phrase)
            return POLISI_ERR_INTERNAL;
        memcpy(phrase, p, n);
        phrase[n] = '\0';
        polisi_status st = polisi__lexicon_add(lex, phrase, POLISI__LEX_TITLE, idx, 0);
        if (st != POLISI_OK)
            return st;
        p += n + (p[n] == '|');
    }
    return POLISI_OK;
}

/* The first groups of the open patterns (read_pattern's heads: "S.",
 * "M.", "Sp.", "A.Md."), as keys: cues, so that titles wake at them and at
 * the known shapes only, not at every capitalized word. */
static const char *const pattern_heads[] = {"s", "m", "sp", "a"};

polisi_status polisi__titles_register(polisi__lexicon *lex) {
    static const polisi__word_list heads = POLISI__WORD_LIST(pattern_heads);
    polisi_status st = polisi__lexicon_add_words(lex, &heads, 1, POLISI__LEX_CUE_TITLE);
    if (st != POLISI_OK)
        return st;
    for (uint32_t t = 0; t < NTITLES; t++) {
        const char *code = titles[t].code;
        if (strpbrk(code, " ()"))
            st = strchr(code, '(') ? POLISI_OK : polisi__lexicon_add(lex, code, POLISI__LEX_TITLE, t, 0);
        else
            st = add_shapes(lex, code, t);
        if (st == POLISI_OK)
            st = add_variants(lex, titles[t].variants, t);
        if (st != POLISI_OK)
            return st;
    }
    return POLISI_OK;
}

/* ---- token tests ---- */


static int same_line(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE);
}


/* A dot glued to the token before it. */
static int glued_dot(const polisi__doc *doc, size_t i) {
    return polisi__tok_punct(doc, i, '.') && !(doc->toks[i].flags & POLISI__TF_SPACE_BEFORE);
}

static int is_word(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && doc->toks[i].kind == POLISI__TOK_WORD;
}

static int is_cap_word(const polisi__doc *doc, size_t i) {
    return is_word(doc, i) && (doc->toks[i].flags & (POLISI__TF_CAP | POLISI__TF_UPPER)) &&
           !(doc->toks[i].flags & POLISI__TF_LOWER);
}

static size_t tok_len(const polisi__doc *doc, size_t i) {
    return doc->toks[i].end - doc->toks[i].start;
}

static char first_byte(const polisi__doc *doc, size_t i) { return doc->text[doc->toks[i].start]; }

/* ASCII capitals in token i. */
static int capitals(const polisi__doc *doc, size_t i) {
    int n = 0;
    for (uint32_t k = doc->toks[i].start; k < doc->toks[i].end; k++)
        n += doc->text[k] >= 'A' && doc->text[k] <= 'Z';
    return n;
}

/* Token i is only ASCII letters, at most `max` of them. */
static int letters_only(const polisi__doc *doc, size_t i, size_t max) {
    if (!is_word(doc, i) || tok_len(doc, i) > max)
        return 0;
    for (uint32_t k = doc->toks[i].start; k < doc->toks[i].end; k++) {
        char c = doc->text[k];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
            return 0;
    }
    return 1;
}

/* The known title of position `pos` at token i: tokens matched, or 0. */
static size_t known_at(const polisi__ctx *ctx, size_t i, int pos, const title_def **out) {
    const polisi__lex_entry *e;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_TITLE, &e);
    if (!m || titles[e->value].pos != pos)
        return 0;
    *out = &titles[e->value];
    return m;
}

/* A rank phrase ends right before token i ("AKBP H. Ahmad"), or a rank
 * suffix word stands there ("Pol", "Polisi", "TNI"). */
static int rank_ends_before(const polisi__ctx *ctx, size_t i) {
    static const char *const suffixes[] = {"pol", "polisi", "tni", "purn", "purnawirawan"};
    if (polisi__tok_in(ctx->doc, i - 1, suffixes, sizeof suffixes / sizeof suffixes[0]))
        return 1;
    for (size_t back = 1; back <= 4 && back <= i; back++) {
        const polisi__lex_entry *e;
        size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i - back, POLISI__LEX_RANK, &e);
        if (m == back)
            return 1;
    }
    return 0;
}

static int rank_at(const polisi__ctx *ctx, size_t i) {
    const polisi__lex_entry *e;
    return polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_RANK, &e) != 0;
}

/* ---- a match ---- */

typedef struct title_match {
    size_t begin, end;      /* tokens */
    const title_def *def;   /* NULL for a title read by pattern */
    char code[48];          /* the pattern title's normal form */
    unsigned char pos, cat;
} title_match;

/* ---- prefix titles ---- */

/* Places named after a person: "RSUD dr. Soetomo", "Jalan Ir. H. Juanda". */
static const char *const named_places[] = {
    "jalan", "jl", "jln", "sakit", "umum", "rs", "rsu", "rsud", "rsup", "rsia", "rsj", "rsal",
    "rspad", "rsau", "igd", "ird", "universitas", "gedung", "bandara", "stadion", "museum",
    "yayasan", "lapangan", "taman", "makam", "kri",
};

/* Capitalized words that are no name: after a prefix title they name an
 * office ("Ir Kemenko Polhukam" is its inspectorate), before a suffix one a
 * company ("PT SAP"). */
static const char *const not_names[] = {
    "kemenko", "kementerian", "polri", "polda", "polres", "polsek", "mabes", "tni", "itjen",
    "inspektorat", "pt", "cv", "ud", "tbk", "persero",
};

/* Words that start sentences, capitalized there but never a name: "...
 * dan KH. Dalam kasus itu", "Sebelumnya SS ditahan". */
static const char *const common_words[] = {
    "dalam", "dia", "ia", "ini", "itu", "saat", "setelah", "sebelumnya", "sementara", "namun",
    "kemudian", "selain", "sedangkan", "karena", "menurut", "para", "pada", "di", "ke", "dari",
    "untuk", "yang", "hal", "kami", "kata", "akan", "adapun", "bahkan", "lalu", "maka", "oleh",
    "jika", "ketika", "sejak", "hingga", "tidak", "juga", "dengan", "bagi", "tersangka",
    "pelaku", "korban", "inisial", "berinisial", "yakni", "yaitu", "serta", "dan", "atau",
    "sebab", "usai", "selama", "terkait", "sedang", "kini", "the", "of",
};


static int not_name(const polisi__doc *doc, size_t i) {
    return polisi__tok_in(doc, i, not_names, sizeof not_names / sizeof not_names[0]) ||
           polisi__tok_in(doc, i, common_words, sizeof common_words / sizeof common_words[0]);
}

static int place_word(const polisi__doc *doc, size_t i) {
    return polisi__tok_in(doc, i, named_places, sizeof named_places / sizeof named_places[0]);
}

static int in_named_place(const polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    const title_def *d;
    size_t p = i;
    /* back over a run of prefix titles ("Prof. Dr. Ir. H."), at most 16
     * tokens: unbounded, "Dr. Dr. Dr. ..." cost its length squared */
    while (p > 0 && i - p < 16 &&
           (polisi__tok_punct(doc, p - 1, '.') || known_at(ctx, p - 1, PRE, &d) == 1))
        p--;
    if (p > 2 && polisi__tok_punct(doc, p - 1, ')') && polisi__tok_punct(doc, p - 3, '('))
        p -= 1; /* "Rumah Sakit Umum Pusat (RSUP) Prof ...": the abbreviation */
    if (p > 2 && (polisi__tok_is(doc, p - 1, "daerah") || polisi__tok_is(doc, p - 1, "pusat")) &&
        polisi__tok_is(doc, p - 2, "umum"))
        return 1; /* "Rumah Sakit Umum Daerah dr X" */
    return p > 0 && place_word(doc, p - 1);
}

/* Offices written before a place and a name: "Bupati Magetan H. Suprawoto". */
static const char *const offices[] = {
    "bupati", "wabup", "gubernur", "wagub", "walikota", "camat", "lurah", "kades", "sekda",
    "ketua", "kepala", "wakil", "kapolres", "kapolresta", "kapolda", "kapolsek", "dandim",
    "danrem", "pangdam", "kajari", "kajati", "rektor", "kota", "wali",
};

static int office_before(const polisi__doc *doc, size_t p) {
    for (size_t back = 0; back < 3 && back <= p; back++) {
        size_t k = p - back;
        if (!is_cap_word(doc, k))
            return 0;
        if (polisi__tok_in(doc, k, offices, sizeof offices / sizeof offices[0]))
            return 1;
    }
    return 0;
}

/* "H" at token i is Haji, not a name initial: it stands in the prefix zone,
 * after a rank, another prefix title, a lower-case word or punctuation, or
 * after an office and its place. */
static int haji_zone(const polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    if (i == 0 || (doc->toks[i].flags & POLISI__TF_LINE_BEFORE))
        return 1;
    size_t p = i - 1;
    const title_def *d;
    if (polisi__tok_punct(doc, p, '.'))
        return !(p > 0 && is_word(doc, p - 1) && tok_len(doc, p - 1) == 1);
    if (!is_cap_word(doc, p))
        return 1;
    return known_at(ctx, p, PRE, &d) == 1 || rank_ends_before(ctx, i) ||
           (p > 0 && office_before(doc, p - 1));
}

/* A name or another prefix title follows at token k. */
static int name_after_prefix(const polisi__ctx *ctx, size_t k) {
    const polisi__doc *doc = ctx->doc;
    const title_def *d;
    if (!same_line(doc, k) || !is_word(doc, k))
        return 0;
    return (is_cap_word(doc, k) && !not_name(doc, k)) || known_at(ctx, k, PRE, &d) > 0;
}

/* Dr. (doctorate) and dr. (physician) share their shapes; case decides. */
static const title_def *by_case(const polisi__doc *doc, size_t i, const title_def *d) {
    if (strcmp(d->code, "Dr.") && strcmp(d->code, "dr."))
        return d;
    const char *want = first_byte(doc, i) == 'd' ? "dr." : "Dr.";
    for (size_t t = 0; t < NTITLES; t++)
        if (!strcmp(titles[t].code, want))
            return &titles[t];
    return d;
}

/* The shape [i, end) has a dot in it or glued after it. */
static int has_dot(const polisi__doc *doc, size_t i, size_t end) {
    for (size_t k = i; k < end; k++)
        if (polisi__tok_punct(doc, k, '.'))
            return 1;
    return glued_dot(doc, end);
}

/* The known title at token i, either position: tokens matched, or 0. */
static size_t any_known_at(const polisi__ctx *ctx, size_t i, const title_def **out) {
    const polisi__lex_entry *e;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_TITLE, &e);
    *out = m ? &titles[e->value] : NULL;
    return m;
}

/* Reads the prefix title whose known shape [i, i + m) is d. */
static int read_prefix(const polisi__ctx *ctx, size_t i, size_t m, const title_def *d,
                       title_match *mt) {
    const polisi__doc *doc = ctx->doc;
    if (!m || d->pos != PRE)
        return 0;
    d = by_case(doc, i, d);
    int lower_ok = d->code[0] == 'd' && d->code[1] == 'r';
    if (((doc->toks[i].flags & POLISI__TF_LOWER) && !lower_ok) ||
        ((d->flags & T_DOT) && !has_dot(doc, i, i + m)))
        return 0;
    if (!strcmp(d->code, "H.") && (first_byte(doc, i) != 'H' || !haji_zone(ctx, i)))
        return 0;
    size_t end = i + m + glued_dot(doc, i + m);
    if (!name_after_prefix(ctx, end) || in_named_place(ctx, i))
        return 0;
    mt->begin = i;
    mt->end = end;
    mt->def = d;
    mt->pos = PRE;
    mt->cat = d->cat;
    return 1;
}

/* ---- suffix titles ---- */

/* A name word ends right before token i, maybe with a comma or a period
 * between ("Gultom. S. Sos", "Suparman,S.I.P.", "Sembiring M., S.I.K.");
 * *sep tells whether one was there. */
static int name_before(const polisi__doc *doc, size_t i, int *sep) {
    *sep = 0;
    if (i == 0 || (doc->toks[i].flags & POLISI__TF_LINE_BEFORE))
        return 0;
    size_t p = i - 1;
    if (polisi__tok_punct(doc, p, ',') || polisi__tok_punct(doc, p, '.')) {
        /* "Res.M.Enim": a dot glued on both sides joins an abbreviation */
        if (polisi__tok_punct(doc, p, '.') && !(doc->toks[i].flags & POLISI__TF_SPACE_BEFORE))
            return 0;
        *sep = 1;
        if (p == 0)
            return 0;
        p--;
        if (polisi__tok_punct(doc, p, '.') && p > 0 && is_word(doc, p - 1) && tok_len(doc, p - 1) == 1)
            return 1; /* an initial with its dot */
    }
    if (is_cap_word(doc, p))
        return !place_word(doc, p) && !not_name(doc, p); /* "Jl. M.H. Thamrin", "PT SAP" */
    /* "Mu'at", "Butar-butar": a lower-case piece glued to the name */
    return is_word(doc, p) && p > 1 && !(doc->toks[p].flags & POLISI__TF_SPACE_BEFORE) &&
           (polisi__tok_punct(doc, p - 1, '\'') || polisi__tok_punct(doc, p - 1, '-')) &&
           is_cap_word(doc, p - 2);
}

/* Token k may follow a suffix title that is glued to its name: the end of
 * the line, punctuation, a lower-case word, another title or a rank. */
static int end_after_suffix(const polisi__ctx *ctx, size_t k) {
    const polisi__doc *doc = ctx->doc;
    if (!same_line(doc, k) || !is_word(doc, k) || (doc->toks[k].flags & POLISI__TF_LOWER))
        return 1;
    const polisi__lex_entry *e;
    return polisi__lexicon_match(ctx->ex->lex, doc, k, POLISI__LEX_TITLE, &e) || rank_at(ctx, k);
}

/* Glued groups "S.Kep", "M.K.P", "A.Md.Kes": letters, dots, no space. */
static size_t read_groups(const polisi__doc *doc, size_t i, size_t *groups, size_t max) {
    size_t n = 0, k = i;
    while (n < max && letters_only(doc, k, 4)) {
        if (n && (doc->toks[k].flags & POLISI__TF_SPACE_BEFORE))
            break;
        groups[n++] = k;
        if (!glued_dot(doc, k + 1))
            break;
        k += 2;
    }
    return n;
}

static void put(char *buf, size_t *k, size_t cap, const char *s, size_t n) {
    if (*k + n + 1 < cap) {
        memcpy(buf + *k, s, n);
        *k += n;
    }
    buf[*k] = '\0';
}

/* An open-pattern degree: "S."/"M." (+ "Tr."), "A.Md.", "Sp." and capital
 * initials. Returns the tokens used (without a final dot), or 0. */
static size_t read_pattern(const polisi__doc *doc, size_t i, title_match *mt) {
    size_t g[5];
    size_t n = read_groups(doc, i, g, 5);
    if (n < 2)
        return 0;
    const char *s = doc->text + doc->toks[g[0]].start;
    size_t len0 = tok_len(doc, g[0]);
    int head = (len0 == 1 && (s[0] == 'S' || s[0] == 'M')) ||
               (len0 == 2 && s[0] == 'S' && s[1] == 'p') ||
               (len0 == 1 && s[0] == 'A' && polisi__tok_is(doc, g[1], "md"));
    if (!head)
        return 0;
    size_t k = 0;
    for (size_t j = 0; j < n; j++) {
        const char *w = doc->text + doc->toks[g[j]].start;
        if (j && !(w[0] >= 'A' && w[0] <= 'Z') && !(j == 1 && polisi__tok_is(doc, g[j], "tr")))
            return 0;
        put(mt->code, &k, sizeof mt->code, w, tok_len(doc, g[j]));
        put(mt->code, &k, sizeof mt->code, ".", 1);
    }
    return g[n - 1] + 1 - i;
}

static int vowels(const polisi__doc *doc, size_t i) {
    int n = 0;
    for (uint32_t k = doc->toks[i].start; k < doc->toks[i].end; k++)
        n += strchr("AEIOUaeiou", doc->text[k]) != NULL;
    return n;
}

/* In a run of titles, an undotted unknown degree ("MKP" -> "M.K.P.") or a
 * certification ("CRMP"). Returns 1 with mt->code set. */
static int read_run_extra(const polisi__doc *doc, size_t i, title_match *mt) {
    size_t n = tok_len(doc, i);
    const char *s = doc->text + doc->toks[i].start;
    if (!letters_only(doc, i, 6) || !(doc->toks[i].flags & POLISI__TF_UPPER) || n < 2)
        return 0;
    size_t k = 0;
    if ((s[0] == 'S' || s[0] == 'M') && n <= 4 && vowels(doc, i) <= 1) {
        for (size_t j = 0; j < n; j++) {
            put(mt->code, &k, sizeof mt->code, s + j, 1);
            put(mt->code, &k, sizeof mt->code, ".", 1);
        }
        mt->cat = ACAD;
        return 1;
    }
    if (s[0] == 'C' && n >= 3) {
        put(mt->code, &k, sizeof mt->code, s, n);
        mt->cat = PROF;
        return 1;
    }
    return 0;
}

/* A known suffix title's shape at [i, i + m) is allowed here. */
static int shape_ok(const polisi__doc *doc, size_t i, size_t m, const title_def *d, int in_run,
                    int sep) {
    int dotted = has_dot(doc, i, i + m);
    if ((d->flags & T_DOT) && !dotted)
        return 0;
    if ((d->flags & T_CERT) && !in_run)
        return 0;
    if (m == 1 && (d->flags & T_RUN) && !in_run &&
        ((d->flags & T_STRICT) || !sep || !polisi__tok_punct(doc, i - 1, ',')))
        return 0;
    if ((d->flags & T_SEP) && !in_run && !sep)
        return 0;
    if (m == 1 && !(d->flags & (T_WORD | T_CERT)) && capitals(doc, i) < 2)
        return 0;
    return (doc->toks[i].flags & POLISI__TF_CAP) != 0;
}

/* Reads the suffix title at i, whose known shape (if any) is [i, i + m)
 * of d; in_run: it follows another suffix title. */
static int read_suffix(const polisi__ctx *ctx, size_t i, size_t m, const title_def *d,
                       int in_run, title_match *mt) {
    const polisi__doc *doc = ctx->doc;
    int sep = 0;
    if (!(doc->toks[i].flags & POLISI__TF_CAP))
        return 0; /* every suffix title starts with a capital */
    if (m && d->pos != SUF)
        m = 0;
    size_t pm = read_pattern(doc, i, mt);
    if (!m && !pm && !in_run)
        return 0;
    if (!in_run && !name_before(doc, i, &sep))
        return 0;
    const title_def *next;
    /* "S.Tr.Sos." is one open-pattern title, "S.IK.MH" two known ones */
    if (m && pm > m && known_at(ctx, i + m + 1, SUF, &next))
        pm = 0;
    if (pm > m) {
        d = NULL;
        m = pm;
        mt->cat = ACAD;
    } else if (m && !shape_ok(doc, i, m, d, in_run, sep)) {
        return 0;
    } else if (!m) {
        if (!in_run || !read_run_extra(doc, i, mt))
            return 0;
        m = 1;
    }
    size_t end = i + m + glued_dot(doc, i + m);
    if (!in_run && !sep && !end_after_suffix(ctx, end))
        return 0;
    mt->begin = i;
    mt->end = end;
    mt->def = d;
    mt->pos = SUF;
    if (d)
        mt->cat = d->cat;
    return 1;
}

/* Token i follows the suffix title that ended at run_end, with nothing but
 * commas, periods or semicolons between. */
static int continues_run(const polisi__doc *doc, size_t run_end, size_t i) {
    if (run_end == 0 || run_end > i || i - run_end > 2 ||
        (doc->toks[i].flags & POLISI__TF_LINE_BEFORE))
        return 0; /* the gap test first: a long gap must cost nothing */
    for (size_t k = run_end; k < i; k++)
        if (!polisi__tok_punct(doc, k, ',') && !polisi__tok_punct(doc, k, '.') &&
            !polisi__tok_punct(doc, k, ';'))
            return 0;
    return 1;
}

static polisi_status emit(polisi__ctx *ctx, const title_match *mt) {
    polisi_status st = POLISI_OK;
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_TITLE, mt->begin, mt->end, &st);
    if (!e)
        return st;
    if (mt->def) {
        e->str[POLISI_FIELD_CODE] = mt->def->code;
        e->str[POLISI_FIELD_MEANING] = mt->def->meaning;
    } else {
        e->str[POLISI_FIELD_CODE] = polisi__arena_strndup(&ctx->res->arena, mt->code, strlen(mt->code));
        if (!e->str[POLISI_FIELD_CODE])
            return POLISI_ERR_NOMEM;
    }
    e->str[POLISI_FIELD_POSITION] = pos_names[mt->pos];
    e->str[POLISI_FIELD_CATEGORY] = cat_names[mt->cat];
    return POLISI_OK;
}

/* Token t may start a title: it starts a known shape (the lexicon's
 * classes bit), or it is a capitalized word that starts an open pattern
 * ("S."/"M."/"Sp."/"A.Md.": read_pattern's heads, at most two bytes) or
 * stands within two tokens after a suffix title (continues_run). Every
 * other token is skipped here, before read_prefix and read_suffix. The
 * wake rule (the TITLE and CUE_TITLE classes) lets through the first two
 * kinds and a few more; the third is read without it. */
static int may_start(const polisi__doc *doc, const polisi__token *t, size_t i, size_t run_end) {
    if (t->classes & POLISI__LEX_BIT(POLISI__LEX_TITLE))
        return 1;
    if (!(t->flags & POLISI__TF_CAP)) /* read_suffix needs it without a known shape */
        return 0;
    if (run_end && i - run_end <= 2) /* i >= run_end: the loop is past the title */
        return 1;
    char c = doc->text[t->start];
    return t->end - t->start <= 2 && (c == 'S' || c == 'M' || c == 'A');
}

/* From token i, the first that wakes titles (extract.c calls it only for a
 * text that has one). */
polisi_status polisi__titles_find(polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    const polisi__token *toks = doc->toks;
    size_t ntoks = doc->ntoks;
    size_t run_end = 0; /* one past the last suffix title; 0: none yet */
    while (i < ntoks) {
        /* nearly every token starts no known shape and no open pattern
         * (the wake rule): skipped 16 at a time, but for the two tokens
         * after a suffix title, where a run of titles may go on with any
         * capitalized word (read_run_extra) */
        if (!(run_end && i - run_end <= 2))
            i = polisi__next_wake(doc, i, POLISI__WAKE_TITLE);
        if (i >= ntoks)
            break;
        if (!may_start(doc, &toks[i], i, run_end)) {
            i++;
            continue;
        }
        title_match mt;
        memset(&mt, 0, sizeof mt);
        int found = 0;
        if (doc->toks[i].kind == POLISI__TOK_WORD) {
            const title_def *d;
            size_t m = any_known_at(ctx, i, &d);
            found = read_prefix(ctx, i, m, d, &mt);
            if (!found)
                found = read_suffix(ctx, i, m, d, continues_run(doc, run_end, i), &mt);
        }
        if (!found) {
            i++;
            continue;
        }
        polisi_status st = emit(ctx, &mt);
        if (st != POLISI_OK)
            return st;
        if (mt.pos == SUF)
            run_end = mt.end;
        i = mt.end;
    }
    return POLISI_OK;
}
