/*
 * ranks.c: Polri, former Polri and TNI ranks (SPEC.md "rank").
 *
 * A rank is a phrase of ranks.def (longest match through the lexicon)
 * followed by any of the suffixes real text puts after it: "Pol", "Pol.",
 * "Polisi", "(Pol)", "TNI", a TNI corps ("Inf", "Laut (P)", "Pnb"),
 * "(Purn)", and the abbreviation or the spelled-out form in brackets
 * ("Brigadir Jenderal Polisi (Brigjen Pol)"). The suffixes decide the
 * reading: "Kapten Pol" is the pre-2001 Polri rank, "Kapten" the TNI one,
 * "Brigjen TNI" the TNI twin of "Brigjen Pol".
 */
#include <string.h>

#include "internal.h"

/* Every word that ranks.c looks for around a rank (suffixes, corps, the
 * word lists below) is a CUE_RANK cue (register_cues): a token without
 * the bit is none of them, told with one bit test instead of a list. */
#define CUE_BIT POLISI__LEX_BIT(POLISI__LEX_CUE_RANK)
#define CUE_IN(doc, i, list) POLISI__CUE_IN(doc, i, POLISI__LEX_CUE_RANK, list)

enum force { POLRI, TNI, TNI_AD, TNI_AL, TNI_AU, POLRI_FORMER };
enum group { TAMTAMA, BINTARA, PAMA, PAMEN, PATI };

static const char *const force_names[] = {"polri", "tni", "tni-ad", "tni-al", "tni-au",
                                          "polri-former"};
static const char *const group_names[] = {"tamtama", "bintara", "pama", "pamen", "pati"};

enum rank_id {
#define RANK(id, ...) RK_##id,
#include "ranks.def"
#undef RANK
    RK_COUNT,
    RK_NONE
};

typedef struct rank_def {
    const char *code, *name;
    unsigned char force, group, grade;
    unsigned char twin;
    const char *tni_code, *former_code, *former_name;
    const char *variants;
} rank_def;

static const rank_def ranks[RK_COUNT] = {
#define RANK(id, code, name, force, group, grade, twin, tni_code, former_code, former_name, variants) \
    {code, name, force, group, grade, RK_##twin, tni_code, former_code, former_name, variants},
#include "ranks.def"
#undef RANK
};

/* Lexicon entry flag: the variant is a rank only before a name or suffix. */
#define VARIANT_AMBIGUOUS 1u

static polisi_status register_cues(polisi__lexicon *lex);

polisi_status polisi__ranks_register(polisi__lexicon *lex) {
    char phrase[128];
    for (uint32_t r = 0; r < RK_COUNT; r++) {
        const char *p = ranks[r].variants;
        while (*p) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            uint8_t flags = 0;
            if (*p == '~') {
                flags = VARIANT_AMBIGUOUS;
                p++;
                n--;
            }
            if (n == 0 || n >= sizeof phrase)
                return POLISI_ERR_INTERNAL;
            memcpy(phrase, p, n);
            phrase[n] = '\0';
            polisi_status st = polisi__lexicon_add(lex, phrase, POLISI__LEX_RANK, r, flags);
            if (st != POLISI_OK)
                return st;
            p += n + (bar != NULL);
        }
    }
    return register_cues(lex);
}

/* ---- corps ---- */

typedef struct corps_def {
    const char *key, *canonical;
    unsigned char force;
} corps_def;

/* ranks.md section 4: AD corps, AL "Mar", AU specialities. "Laut (X)" is
 * read separately. */
static const corps_def corps_table[] = {
    {"inf", "Inf", TNI_AD},   {"kav", "Kav", TNI_AD},   {"arm", "Arm", TNI_AD},
    {"arh", "Arh", TNI_AD},   {"czi", "Czi", TNI_AD},   {"cpn", "Cpn", TNI_AD},
    {"chb", "Chb", TNI_AD},   {"cpl", "Cpl", TNI_AD},   {"cpm", "Cpm", TNI_AD},
    {"ckm", "Ckm", TNI_AD},   {"cba", "Cba", TNI_AD},   {"ctp", "Ctp", TNI_AD},
    {"caj", "Caj", TNI_AD},   {"chk", "Chk", TNI_AD},   {"cku", "Cku", TNI_AD},
    {"mar", "Mar", TNI_AL},   {"marinir", "Mar", TNI_AL}, {"pnb", "Pnb", TNI_AU},
    {"adm", "Adm", TNI_AU},   {"nav", "Nav", TNI_AU},   {"tek", "Tek", TNI_AU},
    {"lek", "Lek", TNI_AU},   {"kal", "Kal", TNI_AU},   {"pas", "Pas", TNI_AU},
    {"kes", "Kes", TNI_AU},   {"sus", "Sus", TNI_AU},   {"pom", "Pom", TNI_AU},
};

/* Navy corps letters in "Laut (P)". */
static const char *const navy_corps[][2] = {
    {"p", "Laut (P)"}, {"t", "Laut (T)"}, {"e", "Laut (E)"},
    {"s", "Laut (S)"}, {"k", "Laut (K)"}, {"kh", "Laut (KH)"},
};

/* ---- reading what follows a rank ---- */

typedef struct rank_read {
    size_t end;        /* one past the last token of the rank */
    int pol, tni;      /* "Pol"/"Polisi" or "TNI" written */
    int retired;
    int bracket;       /* an abbreviation or expansion in brackets */
    const char *corps;
    unsigned char corps_force;
} rank_read;


/* Token i exists, is on the same line as the token before, and its key is
 * s (not empty). The first byte is compared first: the corps loops pass
 * words that are no literal, whose strlen is no constant. */
static int next_is(const polisi__doc *doc, size_t i, const char *s) {
    return i < doc->ntoks && !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE) &&
           doc->toks[i].key_len && polisi__tok_key(doc, i)[0] == s[0] &&
           polisi__tok_is(doc, i, s);
}


/* Token i exists, is on the same line as the token before, and is the
 * punctuation c. */
static int next_punct(const polisi__doc *doc, size_t i, char c) {
    return i < doc->ntoks && !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE) &&
           polisi__tok_punct(doc, i, c);
}

/* "Pol", "Pol.", "Polisi", "(Pol)", "(Polisi)": tokens used, or 0. */
static size_t read_pol(const polisi__doc *doc, size_t i) {
    if (next_is(doc, i, "pol"))
        return 1 + next_punct(doc, i + 1, '.');
    if (next_is(doc, i, "polisi"))
        return 1;
    if (next_punct(doc, i, '(') && (next_is(doc, i + 1, "pol") || next_is(doc, i + 1, "polisi"))) {
        size_t k = i + 2 + next_punct(doc, i + 2, '.');
        return next_punct(doc, k, ')') ? k + 1 - i : 0;
    }
    return 0;
}

/* "(Purn)", "(Purn.)", "Purn.", "Purnawirawan", and "(P)" after a Polri rank. */
static size_t read_retired(const polisi__doc *doc, size_t i, int polri) {
    if (next_is(doc, i, "purnawirawan"))
        return 1;
    if (next_is(doc, i, "purn"))
        return 1 + next_punct(doc, i + 1, '.');
    if (!next_punct(doc, i, '('))
        return 0;
    size_t k = i + 1;
    if (next_is(doc, k, "purn") || next_is(doc, k, "purnawirawan") || (polri && next_is(doc, k, "p")))
        k++;
    else
        return 0;
    k += next_punct(doc, k, '.');
    return next_punct(doc, k, ')') ? k + 1 - i : 0;
}

/* A corps after a TNI rank; sets r->corps. */
static size_t read_corps(const polisi__doc *doc, size_t i, rank_read *r) {
    if (next_is(doc, i, "laut")) {
        r->corps = "Laut";
        r->corps_force = TNI_AL;
        if (!next_punct(doc, i + 1, '('))
            return 1;
        for (size_t c = 0; c < sizeof navy_corps / sizeof navy_corps[0]; c++) {
            if (next_is(doc, i + 2, navy_corps[c][0]) && next_punct(doc, i + 3, ')')) {
                r->corps = navy_corps[c][1];
                return 4;
            }
        }
        return 1;
    }
    for (size_t c = 0; c < sizeof corps_table / sizeof corps_table[0]; c++) {
        if (next_is(doc, i, corps_table[c].key)) {
            r->corps = corps_table[c].canonical;
            r->corps_force = corps_table[c].force;
            return 1 + next_punct(doc, i + 1, '.');
        }
    }
    return 0;
}

/* "(Irjen)", "(Brigjen Pol)", "(Ajun Komisaris Besar Polisi)", "(Irda)": a
 * rank in brackets right after a rank restates it. */
static size_t read_bracket(const polisi__lexicon *lex, const polisi__doc *doc, size_t i) {
    if (!next_punct(doc, i, '(') || i + 1 >= doc->ntoks)
        return 0;
    const polisi__lex_entry *e;
    size_t k = i + 1;
    size_t m = polisi__lexicon_match(lex, doc, k, POLISI__LEX_RANK, &e);
    if (m)
        k += m;
    else if (next_is(doc, k, "irda")) /* a wrong abbreviation of Ipda seen in print */
        k++;
    else
        return 0;
    k += next_punct(doc, k, '.');
    k += read_pol(doc, k);
    if (next_is(doc, k, "tni"))
        k++;
    return next_punct(doc, k, ')') ? k + 1 - i : 0;
}

/* Reads every suffix after the phrase [i, j) of rank `def`. */
static void read_suffixes(const polisi__lexicon *lex, const polisi__doc *doc, const rank_def *def,
                          size_t j, rank_read *r) {
    memset(r, 0, sizeof *r);
    int may_be_tni = def->force != POLRI || def->twin != RK_NONE;
    for (;;) {
        size_t n = 0, k = j + next_punct(doc, j, '.'); /* "Jend. Pol", "AKBP.(Purn)" */
        /* every suffix starts with "(" or a suffix word (a CUE_RANK cue):
         * after nearly every rank, one test ends the loop */
        if (!next_punct(doc, k, '(') && !(polisi__tok_classes(doc, k) & CUE_BIT))
            break;
        if (!r->pol && !r->tni && (n = read_pol(doc, k)) != 0)
            r->pol = 1;
        else if (!r->pol && !r->tni && may_be_tni && next_is(doc, k, "tni"))
            r->tni = 1, n = 1;
        else if (!r->retired && (n = read_retired(doc, k, def->force == POLRI)) != 0)
            r->retired = 1;
        else if (!r->corps && !r->pol && def->force != POLRI && (n = read_corps(doc, k, r)) != 0)
            ;
        else if (!r->bracket && (n = read_bracket(lex, doc, k)) != 0)
            r->bracket = 1;
        if (!n)
            break;
        j = k + n;
    }
    r->end = j;
}

/* ---- deciding ---- */

/* Words after an ambiguous rank word that show it is not a rank. */
static const char *const not_names[] = {
    "utama", "independen", "jenderal", "polisi", "tim", "timnas", "kapal", "klub",
    "kesebelasan", "bank", "pt", "dan", "atau", "yang",
};

/* Prefix titles that may stand, lower case, between a rank and a name. */
static const char *const name_prefixes[] = {"dr", "drs", "dra", "ir", "h", "hj", "prof"};

/* Token i could start a person's name: a capitalized word, an initial, or
 * a prefix title ("AKBP dr Adam"). */
static int name_follows(const polisi__doc *doc, size_t i) {
    i += next_punct(doc, i, ','); /* "AKBP, Mu'at" */
    if (i >= doc->ntoks || (doc->toks[i].flags & POLISI__TF_LINE_BEFORE))
        return 0;
    const polisi__token *t = &doc->toks[i];
    if (t->kind != POLISI__TOK_WORD)
        return 0;
    if (CUE_IN(doc, i, name_prefixes))
        return 1;
    if (!(t->flags & (POLISI__TF_CAP | POLISI__TF_UPPER)) || (t->flags & POLISI__TF_LOWER))
        return 0;
    return !polisi__tok_in(doc, i, not_names, sizeof not_names / sizeof not_names[0]);
}

/* Civil offices named "... Jenderal" ("Inspektorat Jenderal Kementerian PU",
 * "Sekretaris Jenderal"): the word after them is no rank. */
static const char *const civil_offices[] = {
    "inspektorat", "sekretaris", "sekretariat", "direktur", "direktorat", "jaksa", "kejaksaan",
    "auditor",
};

static int after_civil_office(const polisi__doc *doc, size_t i) {
    return i > 0 && CUE_IN(doc, i - 1, civil_offices);
}

/* An ambiguous rank word ("Brigadir", "Jenderal", "Mayor", "Irjen") counts
 * when a suffix makes it a rank, or when it is capitalized and a name
 * follows outside a headline and outside a civil office's name. */
static int ambiguous_is_rank(const polisi__doc *doc, size_t i, const rank_read *r) {
    if (r->pol || r->tni || r->retired || r->corps)
        return 1;
    return (doc->toks[i].flags & POLISI__TF_CAP) && name_follows(doc, r->end) &&
           !after_civil_office(doc, i) && !polisi__title_case_line(doc, i, 5);
}

/* Places named after a person: "Jalan Brigjen Katamso", "KRI Laksamana ...". */
static const char *const named_places[] = {
    "jalan", "jl", "jln", "universitas", "gedung", "bandara", "lapangan", "museum",
    "taman", "monumen", "stadion", "kri", "kapal", "makam", "yayasan",
};

static int after_named_place(const polisi__doc *doc, size_t i) {
    if (i == 0)
        return 0;
    size_t p = i - 1;
    if (polisi__tok_punct(doc, p, '.') && p > 0)
        p--;
    return CUE_IN(doc, p, named_places);
}

/* Bare "Jenderal" is Polri in police news unless TNI is named just before
 * ("Panglima TNI Jenderal ..."). */
static const char *const tni_words[] = {"tni", "panglima", "ksad", "kasad", "pangdam", "ad"};

static int tni_context(const polisi__doc *doc, size_t i) {
    for (size_t back = 1; back <= 4 && back <= i; back++)
        if (CUE_IN(doc, i - back, tni_words))
            return 1;
    return 0;
}

/* The suffix words read_suffixes asks for by name. */
static const char *const suffix_words[] = {"pol", "polisi", "tni", "purn", "purnawirawan", "laut"};

static polisi_status register_cues(polisi__lexicon *lex) {
    static const polisi__word_list lists[] = {
        POLISI__WORD_LIST(suffix_words), POLISI__WORD_LIST(name_prefixes),
        POLISI__WORD_LIST(civil_offices), POLISI__WORD_LIST(named_places),
        POLISI__WORD_LIST(tni_words),
    };
    polisi_status st = polisi__lexicon_add_words(lex, lists, sizeof lists / sizeof lists[0],
                                                 POLISI__LEX_CUE_RANK);
    for (size_t c = 0; c < sizeof corps_table / sizeof corps_table[0] && st == POLISI_OK; c++)
        st = polisi__lexicon_add(lex, corps_table[c].key, POLISI__LEX_CUE_RANK, 0, 0);
    return st;
}

static polisi_status emit(polisi__ctx *ctx, size_t i, const rank_def *def, const rank_read *r) {
    polisi_status st = POLISI_OK;
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_RANK, i, r->end, &st);
    if (!e)
        return st;
    const char *code = def->code, *name = def->name;
    int force = def->force;
    if (r->pol && def->former_code) {
        code = def->former_code;
        name = def->former_name;
        force = POLRI_FORMER;
    } else if (r->tni && def->tni_code) {
        code = def->tni_code;
    } else if (force == TNI && r->corps) {
        force = r->corps_force;
    }
    e->str[POLISI_FIELD_CODE] = code;
    e->str[POLISI_FIELD_NAME] = name;
    e->str[POLISI_FIELD_FORCE] = force_names[force];
    e->str[POLISI_FIELD_GROUP] = group_names[def->group];
    if (def->grade)
        e->grade = def->grade;
    e->retired = (int8_t)r->retired;
    if (r->corps && force != POLRI_FORMER)
        e->str[POLISI_FIELD_CORPS] = r->corps;
    return POLISI_OK;
}

/* A dot right after a rank is the abbreviation's when a name of two parts
 * follows ("AKBP. Moh. Mukhson", "AKP. JONI SIREGAR"); before a sentence
 * ("Bripka. Sebelumnya ia ...") it ends the sentence. */
static int abbreviation_dot(const polisi__doc *doc, size_t dot) {
    if (!next_punct(doc, dot, '.') || (doc->toks[dot].flags & POLISI__TF_SPACE_BEFORE) ||
        !name_follows(doc, dot + 1))
        return 0;
    size_t after = dot + 2;
    if (after >= doc->ntoks || (doc->toks[after].flags & POLISI__TF_LINE_BEFORE))
        return 0;
    const polisi__token *t = &doc->toks[after];
    return t->kind == POLISI__TOK_PUNCT ? polisi__tok_punct(doc, after, '.')
                                        : !(t->flags & POLISI__TF_LOWER);
}

/* Tries a rank at token i; returns the token after it, or i when none. */
static size_t try_rank(polisi__ctx *ctx, size_t i, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *entry;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, i, POLISI__LEX_RANK, &entry);
    if (!m || after_named_place(doc, i))
        return i;
    const rank_def *def = &ranks[entry->value];
    rank_read r;
    read_suffixes(ctx->ex->lex, doc, def, i + m, &r);
    if ((entry->flags & VARIANT_AMBIGUOUS) && !ambiguous_is_rank(doc, i, &r))
        return i;
    if (def->twin != RK_NONE && (r.tni || (!r.pol && tni_context(doc, i))))
        def = &ranks[def->twin];
    if (abbreviation_dot(doc, r.end))
        r.end++;
    *st = emit(ctx, i, def, &r);
    return r.end;
}

/* From token i, the first that wakes ranks (extract.c calls it only for a
 * text that has one). */
polisi_status polisi__ranks_find(polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    const polisi__token *toks = doc->toks;
    size_t ntoks = doc->ntoks;
    do {
        if (toks[i].kind != POLISI__TOK_WORD) {
            i++;
        } else {
            polisi_status st = POLISI_OK;
            size_t next = try_rank(ctx, i, &st);
            if (st != POLISI_OK)
                return st;
            i = next > i ? next : i + 1;
        }
        /* every rank starts with a rank phrase (the wake rule): the tokens
         * before the next one are skipped 64 at a time */
        i = polisi__next_wake(doc, i, POLISI__WAKE_RANK);
    } while (i < ntoks);
    return POLISI_OK;
}
