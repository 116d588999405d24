/*
 * units.c: Polri units (SPEC.md "unit").
 *
 * Territorial units are a level word of units.def ("Polres", "Kepolisian
 * Resor", "Mapolres") followed by a place. Where the place ends is the hard
 * part: the gazetteer (regencies and districts of Indonesia) gives the
 * longest known name; an unknown place is at most two capitalized words
 * that are not a rank, a post, a unit word, a date word or a province;
 * compass words and a final "Kota" follow ("Polres Tanjab Barat",
 * "Polres Bogor Kota"). A Polda takes a province or its short form.
 *
 * Functional units (level satker) are phrases of units.def ("Satreskrim",
 * "Sat Reskrim", "Satuan Reserse Kriminal"), numbered sub-units ("Unit 4",
 * "Subdit III") and a bare function word right before a territorial unit
 * ("Reskrim Polsek Pallangga" = Unit Reskrim).
 */
#include <string.h>

#include "gazetteer.h"
#include "units.h"

/* Lexicon flags of units.def variants. */
#define VARIANT_AMBIGUOUS 1u /* '~': needs a capital */
#define VARIANT_HQ 2u        /* '@': the headquarters form */
#define VARIANT_METRO 4u     /* '^': the Jakarta type is in the word ("Polrestro") */
/* LEVEL entries whose value carries a province: "Poldasu", "PMJ". */
#define POLDA_FIXED(prov) ((uint32_t)POLISI__LV_POLDA | ((uint32_t)(prov) + 1u) << 8)

typedef struct level_def {
    const char *level, *kind, *word, *variants;
} level_def;

static const level_def levels[POLISI__LV_COUNT] = {
#define LEVEL(id, level, kind, word, variants) {level, kind, word, variants},
#include "units.def"
#undef LEVEL
};

typedef struct province_def {
    const char *name, *polda, *variants;
} province_def;

static const province_def provinces[POLISI__PROV_COUNT] = {
#define PROVINCE(id, name, variants) {name, "Polda " name, variants},
#include "units.def"
#undef PROVINCE
};

typedef struct satker_def {
    const char *canonical, *head, *variants;
} satker_def;

static const satker_def satkers[POLISI__SATKER_COUNT] = {
#define SATKER(id, canonical, head, variants) {canonical, head, variants},
#include "units.def"
#undef SATKER
};

const polisi__func_def polisi__funcs[POLISI__FUNC_COUNT] = {
#define FUNC(id, short_name, glue, at_polsek, at_polres, at_polda, variants) \
    {short_name, glue, at_polsek, at_polres, at_polda, variants},
#include "units.def"
#undef FUNC
};

const char *polisi__province_variants(int p) { return provinces[p].variants; }

const char *polisi__satker_head(int s) { return satkers[s].head; }

/* ---- registration ---- */

polisi_status polisi__add_variants(polisi__lexicon *lex, const char *variants,
                                   polisi__lex_class cls, uint32_t value, uint8_t flags) {
    char phrase[160];
    const char *p = variants;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        uint8_t f = flags;
        for (; n && (*p == '~' || *p == '@' || *p == '^'); p++, n--)
            f |= *p == '~' ? VARIANT_AMBIGUOUS : *p == '@' ? VARIANT_HQ : VARIANT_METRO;
        if (n == 0 || n >= sizeof phrase)
            return POLISI_ERR_INTERNAL;
        memcpy(phrase, p, n);
        phrase[n] = '\0';
        polisi_status st = polisi__lexicon_add(lex, phrase, cls, value, f);
        if (st != POLISI_OK)
            return st;
        p += n + (bar != NULL);
    }
    return POLISI_OK;
}

/* "Poldasu", "Poldajatim": "polda" glued to a province's one-word short forms. */
static polisi_status add_glued_poldas(polisi__lexicon *lex) {
    polisi_status st = polisi__lexicon_add(lex, "Poldasu", POLISI__LEX_UNIT,
                                           POLDA_FIXED(POLISI__PROV_SUMUT), 0);
    for (int p = 0; st == POLISI_OK && p < POLISI__PROV_COUNT; p++) {
        const char *v = provinces[p].variants;
        while (st == POLISI_OK && *v) {
            size_t n = strcspn(v, "|");
            if (n < 40 && !memchr(v, ' ', n) && !memchr(v, '.', n)) {
                char word[48] = "Polda";
                memcpy(word + 5, v, n);
                word[5 + n] = '\0';
                st = polisi__lexicon_add(lex, word, POLISI__LEX_UNIT, POLDA_FIXED(p), 0);
            }
            v += n + (v[n] == '|');
        }
    }
    return st;
}

/* The plain words a unit can start with besides the phrases of units.def:
 * "Mako"/"Markas" (polisi__unit_read), the words of read_subunit and of
 * read_prefixed_func. Registered as cues so that a token that starts no
 * unit is skipped with one bit test (POLISI__UNIT_START, units.h); a word
 * read there and missing here would never be read. */
static const char *const unit_cues[] = {
    "mako", "markas",                                            /* polisi__unit_read */
    "unit", "subdit", "subden", "subbid", "subbag",              /* read_subunit */
    "sat", "satuan", "dit", "direktorat", "bid", "bidang", "si", "seksi", /* read_prefixed_func */
};

static int place_words_checked(void);

/* The most tokens of a function word of units.def ("Perawatan Tahanan dan
 * Barang Bukti"): read_bare_func looks that far for the level word after
 * one. Checked at creation, against the lexicon's longest POS_FUNC phrase. */
#define FUNC_MAX_TOKENS 5

/* The gazetteer is searched by its index of first words, then by halves
 * among the names that begin with one word (gazetteer_match): a table
 * edited out of step with its index or out of order would miss names
 * silently, so creation checks both (gazetteer_checked). */
static int gazetteer_checked(void);

polisi_status polisi__units_register(polisi__lexicon *lex) {
    polisi_status st = gazetteer_checked() && place_words_checked() ? POLISI_OK
                                                                     : POLISI_ERR_INTERNAL;
    for (int l = 0; st == POLISI_OK && l < POLISI__LV_COUNT; l++)
        st = polisi__add_variants(lex, levels[l].variants, POLISI__LEX_UNIT, (uint32_t)l, 0);
    if (st == POLISI_OK)
        st = polisi__lexicon_add(lex, "PMJ", POLISI__LEX_UNIT, POLDA_FIXED(POLISI__PROV_METRO_JAYA),
                                 0);
    if (st == POLISI_OK)
        st = add_glued_poldas(lex);
    for (int p = 0; st == POLISI_OK && p < POLISI__PROV_COUNT; p++)
        st = polisi__add_variants(lex, provinces[p].variants, POLISI__LEX_PROVINCE, (uint32_t)p, 0);
    for (int s = 0; st == POLISI_OK && s < POLISI__SATKER_COUNT; s++)
        st = polisi__add_variants(lex, satkers[s].variants, POLISI__LEX_SATKER, (uint32_t)s, 0);
    for (int f = 0; st == POLISI_OK && f < POLISI__FUNC_COUNT; f++)
        st = polisi__add_variants(lex, polisi__funcs[f].variants, POLISI__LEX_POS_FUNC,
                                  (uint32_t)f, 0);
    if (st == POLISI_OK && polisi__lexicon_longest(lex, POLISI__LEX_POS_FUNC) > FUNC_MAX_TOKENS)
        st = POLISI_ERR_INTERNAL;
    static const polisi__word_list cues = POLISI__WORD_LIST(unit_cues);
    if (st == POLISI_OK)
        st = polisi__lexicon_add_words(lex, &cues, 1, POLISI__LEX_CUE_UNIT);
    return st;
}

/* ---- token helpers ---- */

static int word_on_line(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && doc->toks[i].kind == POLISI__TOK_WORD &&
           !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE);
}

int polisi__tok_capital(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && doc->toks[i].kind == POLISI__TOK_WORD &&
           (doc->toks[i].flags & (POLISI__TF_CAP | POLISI__TF_UPPER)) &&
           !(doc->toks[i].flags & POLISI__TF_LOWER);
}

/* The length of the phrase of class cls that starts at token i, or 0. */
static size_t tok_class(const polisi__ctx *ctx, size_t i, polisi__lex_class cls) {
    const polisi__lex_entry *e;
    return polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, cls, &e);
}

static int on_line(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && !(doc->toks[i].flags & POLISI__TF_LINE_BEFORE);
}

/* A capitalized word on the same line as the token before it. */
static int cap_next(const polisi__doc *doc, size_t i) {
    return on_line(doc, i) && polisi__tok_capital(doc, i);
}

static int punct_at(const polisi__doc *doc, size_t i, char c) {
    return on_line(doc, i) && polisi__tok_punct(doc, i, c);
}

static int glued(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && !(doc->toks[i].flags & (POLISI__TF_SPACE_BEFORE | POLISI__TF_LINE_BEFORE));
}

static int key_in(const polisi__doc *doc, size_t i, const char *const *words, size_t n) {
    /* Called with lists of up to a hundred words (not_place) on every word
     * of a place: compared bytewise in place, without a strlen or a call per
     * word (keys hold no NUL, so a shorter word stops at its end). */
    if (i >= doc->ntoks || doc->toks[i].key_len == 0)
        return 0;
    const char *key = polisi__tok_key(doc, i);
    size_t len = doc->toks[i].key_len;
    for (size_t k = 0; k < n; k++) {
        const char *w = words[k];
        if (w[0] != key[0])
            continue;
        size_t c = 1;
        while (c < len && w[c] == key[c])
            c++;
        if (c == len && w[len] == '\0')
            return 1;
    }
    return 0;
}
#define KEY_IN(doc, i, list) key_in(doc, i, list, sizeof list / sizeof list[0])

/* Key key[0, len) against the NUL-terminated word w, bytewise, as strcmp
 * would order them (keys hold no NUL, so a shorter word ends first). */
static int key_cmp(const char *key, size_t len, const char *w) {
    for (size_t c = 0; c < len; c++)
        if (key[c] != w[c])
            return (unsigned char)key[c] < (unsigned char)w[c] ? -1 : 1;
    return w[len] ? -1 : 0;
}

int polisi__key_in_sorted(const polisi__doc *doc, size_t i, const char *const *words, size_t n) {
    if (i >= doc->ntoks)
        return 0;
    const char *key = polisi__tok_key(doc, i);
    size_t len = doc->toks[i].key_len, lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = key_cmp(key, len, words[mid]);
        if (c == 0)
            return 1;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return 0;
}

int polisi__words_checked(const char *const *words, size_t n, const uint64_t *filter) {
    uint64_t want[POLISI__WORD_FILTER_WORDS] = {0};
    for (size_t k = 0; k < n; k++) {
        if (k > 0 && strcmp(words[k - 1], words[k]) >= 0)
            return 0;
        uint32_t b = polisi__hash(words[k], strlen(words[k])) >> (32 - POLISI__WORD_FILTER_BITS);
        want[b / 64] |= (uint64_t)1 << (b % 64);
    }
    return memcmp(want, filter, sizeof want) == 0;
}

/* ---- the gazetteer ---- */

/* The first entry of [lo, hi) whose key begins with s[0, n) or is above it
 * (only above it when `above`; bytewise, a shorter key is less). The keys
 * of [lo, hi) all begin with s[0, from). A probe compares from the bytes
 * that the keys on both sides of the range share with s: every key between
 * shares them too. Keys hold no NUL. */
static size_t gazetteer_bound(const char *s, size_t from, size_t n, size_t lo, size_t hi,
                              int above) {
    size_t shared_lo = from, shared_hi = from;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const char *k = polisi__gazetteer[mid].key;
        size_t c = shared_lo < shared_hi ? shared_lo : shared_hi;
        while (c < n && k[c] == s[c])
            c++;
        int below = c < n && (unsigned char)k[c] < (unsigned char)s[c];
        if (below || (above && c == n)) {
            lo = mid + 1;
            shared_lo = c;
        } else {
            hi = mid;
            shared_hi = c;
        }
    }
    return lo;
}

/* Key k begins with s[0, n), whose first `from` bytes it shares. */
static int gazetteer_begins(const char *k, const char *s, size_t from, size_t n) {
    while (from < n && k[from] == s[from])
        from++;
    return from == n;
}

/* The end of the run of entries of [lo, hi) that begin with s[0, n), where
 * entry lo does: by steps that double (a run is short), then by halves.
 * The keys of [lo, hi) all begin with s[0, from). */
static size_t gazetteer_run_end(const char *s, size_t from, size_t n, size_t lo, size_t hi) {
    size_t step = 1;
    while (lo + step < hi && gazetteer_begins(polisi__gazetteer[lo + step].key, s, from, n)) {
        lo += step;
        step *= 2;
    }
    return gazetteer_bound(s, from, n, lo + 1, lo + step < hi ? lo + step : hi, 1);
}

/* The names whose first token is s[0, n), of polisi__hash `hash`: their
 * run, or NULL. The slot's tag turns away nearly every other word's run
 * without reading its name. */
static const polisi__place_run *gazetteer_first(const char *s, size_t n, uint32_t hash) {
    const size_t mask = (1u << POLISI__GAZETTEER_FIRST_BITS) - 1;
    const unsigned char tag = (unsigned char)(hash >> (24 - POLISI__GAZETTEER_FIRST_BITS));
    for (size_t slot = hash >> (32 - POLISI__GAZETTEER_FIRST_BITS);; slot = (slot + 1) & mask) {
        const polisi__place_run *r = &polisi__gazetteer_first[slot];
        if (r->len == 0)
            return NULL;
        if (r->tag != tag)
            continue;
        /* the run's first name begins with its word (s holds no NUL, so
         * the loop stops at the end of a shorter name) */
        const char *k = polisi__gazetteer[r->lo].key;
        size_t c = 0;
        while (c < n && k[c] == s[c])
            c++;
        if (c == n && (k[n] == '\0' || k[n] == ' '))
            return r;
    }
}

/* Run by run: the index gives the run that starts there, and the run's
 * names begin with its word, in increasing order (the word itself first,
 * as gazetteer_match expects). Every name is then in the run its first word
 * finds. */
static int gazetteer_checked(void) {
    size_t g = 0;
    while (g < polisi__gazetteer_count) {
        const char *k = polisi__gazetteer[g].key;
        size_t n = 0;
        while (k[n] && k[n] != ' ')
            n++;
        const polisi__place_run *r = gazetteer_first(k, n, polisi__hash(k, n));
        if (!r || r->lo != g || r->lo + r->len > polisi__gazetteer_count)
            return 0;
        for (g++; g < (size_t)r->lo + r->len; g++) {
            const char *name = polisi__gazetteer[g].key;
            if (strncmp(name, k, n) != 0 || name[n] != ' ' ||
                strcmp(polisi__gazetteer[g - 1].key, name) >= 0)
                return 0;
        }
    }
    return 1;
}

/* The number of tokens of the longest gazetteer name that starts at token
 * i, on one line, or 0. The candidate grows a token at a time and stops as
 * soon as no longer name begins with it; [lo, hi) are the names that begin
 * with it, so each step searches only the names the one before found. The
 * names of the first token come from the index, in one probe. */
static size_t gazetteer_match(const polisi__doc *doc, size_t i) {
    enum { NAME_MAX_LEN = 160 };
    char buf[NAME_MAX_LEN + 16];
    size_t n = 0, best = 0, lo = 0, hi = polisi__gazetteer_count;
    for (size_t k = i; k < doc->ntoks && k - i < 12; k++) {
        const polisi__token *t = &doc->toks[k];
        if ((k > i && (t->flags & POLISI__TF_LINE_BEFORE)) || n + t->key_len + 2 > NAME_MAX_LEN ||
            t->kind == POLISI__TOK_INVALID)
            break;
        size_t from = n; /* what every name of [lo, hi) begins with */
        if (k > i)
            buf[n++] = ' ';
        /* a key of up to 16 bytes (nearly all) as 16 bytes, without a
         * call: the document's keys have KEY_SLACK readable bytes after
         * the last, and buf room after NAME_MAX_LEN */
        if (t->key_len <= 16)
            memcpy(buf + n, polisi__tok_key(doc, k), 16);
        else
            memcpy(buf + n, polisi__tok_key(doc, k), t->key_len);
        n += t->key_len;
        if (k == i) {
            /* the names of the first token: one probe of the index, by the
             * hash the scanner gave the token */
            const polisi__place_run *r = gazetteer_first(buf, n, t->hash);
            if (!r)
                break;
            lo = r->lo;
            hi = (size_t)r->lo + r->len;
        } else {
            lo = gazetteer_bound(buf, from, n, lo, hi, 0);
            if (lo == hi || !gazetteer_begins(polisi__gazetteer[lo].key, buf, from, n))
                break; /* no name begins with it */
            hi = gazetteer_run_end(buf, from, n, lo, hi);
        }
        /* in [lo, hi), sorted bytewise: the name itself first, then the
         * longer names ("name ..."), as ' ' is below every other byte */
        if (polisi__gazetteer[lo].key[n] == '\0') {
            best = k - i + 1;
            lo++;
        }
        if (lo == hi || polisi__gazetteer[lo].key[n] != ' ') /* no longer name */
            break;
    }
    return best;
}

/* ---- places ---- */

/* Capitalized words that end a place name rather than continue it:
 * function words, address words, and verbs that a headline in Title Case
 * writes right after a unit ("Polsek Foo Gelar Razia"). Sorted bytewise
 * (SORTED_IN, units.h): asked at nearly every word of a place. */
static const char *const not_place[] = {
    "akan", "amankan", "atas", "atau", "bagi", "bagikan", "bapak", "bekuk", "beri", "bersama",
    "beserta", "bu", "buru", "cek", "dalam", "dan", "dari", "datangi", "dengan", "desa", "di",
    "dr", "dra", "drs", "gang", "gelar", "h", "hadir", "hingga", "hj", "ibu", "imbau", "ini", "ir",
    "itu", "jajaran", "jalan", "jl", "jln", "juga", "kab", "kabupaten", "kapolres", "kapolsek",
    "ke", "kec", "kecamatan", "kelurahan", "kepada", "ketika", "kh", "kota", "kunjungi", "masih",
    "melalui", "menurut", "minta", "oleh", "pada", "pak", "pantau", "para", "pimpin", "polisi",
    "prof", "prov", "provinsi", "resmikan", "ringkus", "rt", "rw", "saat", "sampai", "sat",
    "satgas", "satuan", "saudara", "sdr", "se", "sebagai", "sejak", "selaku", "serta", "setempat",
    "sita", "subdit", "sudah", "tangkap", "telah", "terima", "terkait", "tersebut", "tim",
    "tinjau", "tni", "ungkap", "unit", "untuk", "usai", "wib", "wilayah", "wit", "wita", "yang",
};
/* Its filter (SORTED_IN, units.h): tools/gen_gazetteer.py --word-filter and
 * the words above. */
static const uint64_t not_place_filter[POLISI__WORD_FILTER_WORDS] = {
    0x0000000200000000u, 0x0004000000000000u, 0x1080000001080000u, 0x0000801010000000u,
    0x0000000100004008u, 0x0000004020000000u, 0x0000001000400002u, 0x0084000000000001u,
    0x0011030040000001u, 0x0000000000002180u, 0x0000008000100001u, 0x0000001000000000u,
    0x0400000004100000u, 0x1000000000000000u, 0x0000005008010440u, 0x0000000000000100u,
    0x0080000000008020u, 0x0010000000002000u, 0x4000000004400000u, 0x0002041800008080u,
    0x0000020000000204u, 0x0010000000202086u, 0x0000020000000000u, 0x0401840082010000u,
    0x0000820002000000u, 0x0000000000000000u, 0x0000000800100000u, 0x0021121040010004u,
    0x2000200000000000u, 0x0000800040040000u, 0x0080800001000000u, 0x0000002000001000u,
};

/* A word that starts like a verb ("Mengatakan", "Menyebut", "Membenarkan"):
 * no unknown place name does. */
static int verb_like(const polisi__doc *doc, size_t k) {
    static const char *const prefixes[] = {"meng", "meny", "memb", "memp", "mener", "menu"};
    const char *key = polisi__tok_key(doc, k);
    size_t len = doc->toks[k].key_len;
    if (len < 7 || key[0] != 'm' || key[1] != 'e') /* what every prefix needs */
        return 0;
    for (size_t p = 0; p < sizeof prefixes / sizeof prefixes[0]; p++) {
        size_t n = strlen(prefixes[p]);
        if (len >= n + 3 && memcmp(key, prefixes[p], n) == 0)
            return 1;
    }
    return 0;
}

/* Words that end many place names ("Luwu Utara", "Bogor Kota"). Sorted. */
static const char *const compass[] = {
    "barat", "baru", "besar", "daya", "hilir", "hulu", "ilir", "laut", "pusat", "raya", "selatan",
    "tengah", "tenggara", "timur", "ulu", "utara",
};
/* Its filter (SORTED_IN, units.h): tools/gen_gazetteer.py --word-filter and
 * the words above. */
static const uint64_t compass_filter[POLISI__WORD_FILTER_WORDS] = {
    0x0000000000002000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000800000u,
    0x0001000000000000u, 0x0000000000080000u, 0x0000000000000000u, 0x0000000000000002u,
    0x0000000000000000u, 0x0000000020000000u, 0x0000000000000000u, 0x0000000000000008u,
    0x2000000000000000u, 0x0000000000000000u, 0x0000000080000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000020000u, 0x0000000000000000u,
    0x0000002000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000800000000u,
    0x0000000000108000u, 0x0000000000000000u, 0x0000000040000200u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
};

#define STOP_CLASSES                                                                               \
    (POLISI__LEX_BIT(POLISI__LEX_RANK) | POLISI__LEX_BIT(POLISI__LEX_TITLE) |                      \
     POLISI__LEX_BIT(POLISI__LEX_DATEWORD) | POLISI__LEX_BIT(POLISI__LEX_UNIT) |                   \
     POLISI__LEX_BIT(POLISI__LEX_SATKER) | POLISI__LEX_BIT(POLISI__LEX_POSITION) |                 \
     POLISI__LEX_BIT(POLISI__LEX_POS_HEAD) | POLISI__LEX_BIT(POLISI__LEX_ACTING))

/* Token k can not be part of a place name, even a known one: not a
 * capitalized word on the line, a word of not_place, or a rank, title,
 * date word, unit or post; a province unless first. */
static int stops_known_place(const polisi__ctx *ctx, size_t k, int first) {
    const polisi__doc *doc = ctx->doc;
    if (!cap_next(doc, k) || SORTED_IN(doc, k, not_place))
        return 1;
    /* the classes of the phrases that start at k, from classify: most
     * words of a place start none, and skip the probes with one test */
    for (uint32_t c = doc->toks[k].classes & STOP_CLASSES; c; c &= c - 1)
        if (tok_class(ctx, k, (polisi__lex_class)__builtin_ctz(c)))
            return 1;
    return !first && tok_class(ctx, k, POLISI__LEX_PROVINCE);
}

/* Token k can not be (part of) an unknown place name: the above, or a word
 * that looks like a verb. */
int polisi__stops_place(const polisi__ctx *ctx, size_t k, int first) {
    return stops_known_place(ctx, k, first) || verb_like(ctx->doc, k);
}

/* One word of an unknown place, with what is glued to it: "P.Sidimpuan",
 * "Soekarno-Hatta", "IX-X". Returns the token after it, or k. */
static size_t place_word(const polisi__doc *doc, size_t k) {
    if (!cap_next(doc, k))
        return k;
    size_t j = k + 1;
    for (;;) {
        if ((punct_at(doc, j, '.') || punct_at(doc, j, '-')) && glued(doc, j) && glued(doc, j + 1) &&
            cap_next(doc, j + 1))
            j += 2;
        else
            return j;
    }
}


/* Words that begin many place names and are places on their own too.
 * Sorted. */
static const char *const generic_geo[] = {
    "air", "batu", "bukit", "gunung", "kampung", "koto", "kuala", "labuhan", "lubuk", "muara",
    "padang", "pangkalan", "pasar", "pulau", "rantau", "sei", "sungai", "tanah", "tanjung",
    "teluk",
};
/* Its filter (SORTED_IN, units.h): tools/gen_gazetteer.py --word-filter and
 * the words above. */
static const uint64_t generic_geo_filter[POLISI__WORD_FILTER_WORDS] = {
    0x0000000008000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000002000001u,
    0x0000100000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000004000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000010008000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000100000000000u, 0x0400800000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0004080000000000u, 0x0000000000000000u, 0x0000010000000000u,
    0x0000020000004000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000101000000u, 0x0000080000002010u, 0x0000000000000000u, 0x0000000000000000u,
};

/* Words before a place: "Kota Batu", "Kabupaten Kupang", "Pelabuhan
 * Tanjung Perak", "Bandara ...". Sorted. */
static const char *const place_prefixes[] = {
    "bandara", "kab", "kabupaten", "kawasan", "kota", "kp3", "pelabuhan", "pulau",
};
/* Its filter (SORTED_IN, units.h): tools/gen_gazetteer.py --word-filter and
 * the words above. */
static const uint64_t place_prefixes_filter[POLISI__WORD_FILTER_WORDS] = {
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000010000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000008000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0080000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0008000000000004u, 0x0000000000000000u, 0x0000000000000000u, 0x0400040000000000u,
    0x0000000200000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
    0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u, 0x0000000000000000u,
};

/* The word lists above are searched by halves: checked at creation like
 * the gazetteer. */
static int place_words_checked(void) {
    return WORDS_CHECKED(not_place) && WORDS_CHECKED(compass) && WORDS_CHECKED(generic_geo) &&
           WORDS_CHECKED(place_prefixes);
}

/* Compass words and a final "Kota" after a place ("Bogor Kota", not the
 * "Kota" of "Genuk Kota Semarang"). */
static size_t place_suffixes(const polisi__ctx *ctx, size_t j) {
    const polisi__doc *doc = ctx->doc;
    for (;;) {
        if (cap_next(doc, j) && SORTED_IN(doc, j, compass))
            j++;
        else if (cap_next(doc, j) && polisi__tok_is(doc, j, "kota") &&
                 polisi__stops_place(ctx, j + 1, 0))
            j++;
        else
            return j;
    }
}

/* The end of the place that starts at token i, or i when none does. */
static size_t place_end(const polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    if (!cap_next(doc, i))
        return i;
    if (SORTED_IN(doc, i, place_prefixes)) {
        size_t k = i + 1 + (punct_at(doc, i + 1, '.') && polisi__tok_is(doc, i, "kab"));
        if (polisi__tok_is(doc, i, "kawasan") && polisi__tok_is(doc, k, "pelabuhan"))
            k++;
        size_t e = place_end(ctx, k);
        return e > k ? e : i;
    }
    size_t m = gazetteer_match(doc, i);
    size_t j;
    if (m > 1 || (m == 1 && !stops_known_place(ctx, i, 1))) {
        j = i + m;
        /* "Tanjung Beringin": a generic word known alone, and its name */
        if (m == 1 && SORTED_IN(doc, i, generic_geo) && !polisi__stops_place(ctx, j, 0) &&
            !SORTED_IN(doc, j, compass))
            j = place_word(doc, j);
    } else {
        if (polisi__stops_place(ctx, i, 1))
            return i;
        j = place_word(doc, i);
        /* the headline test reads up to 128 tokens: asked last */
        if (j > i && !polisi__stops_place(ctx, j, 0) && !SORTED_IN(doc, j, compass) &&
            !gazetteer_match(doc, j) && !polisi__title_case_line(doc, i, 5))
            j = place_word(doc, j);
    }
    return place_suffixes(ctx, j);
}

/* ---- normalized strings ---- */

int polisi__tok_roman(const polisi__doc *doc, size_t k) {
    static const char *const numerals[] = {"i",    "ii",  "iii", "iv",  "v",    "vi",
                                           "vii",  "viii", "ix", "x",   "xi",   "xii",
                                           "xiii", "xiv", "xv",  "xvi", "xvii", "xviii"};
    if (k >= doc->ntoks || doc->toks[k].key_len > 5)
        return 0;
    /* asked of every word after a head: most fail at the first letter */
    const char *key = polisi__tok_key(doc, k);
    for (size_t c = 0; c < doc->toks[k].key_len; c++)
        if (key[c] != 'i' && key[c] != 'v' && key[c] != 'x')
            return 0;
    return KEY_IN(doc, k, numerals);
}

/* Title Case for capitals: when the level word is in capitals (the whole
 * name is), or when the place is a known name ("Polres MAGETAN"). A short
 * unknown word in capitals in normal text is an abbreviation: "Polres HSU". */
static int title_place(const polisi__ctx *ctx, size_t b, int caps) {
    return caps || gazetteer_match(ctx->doc, b) != 0;
}

/* Writes tokens [b, e) of the text into buf (spaces folded, capitals turned
 * to Title Case when title_place says so), returns the length; the caller
 * sized buf. title_place is asked only at a word in capitals, where it
 * matters (most places have none). */
static size_t place_text(const polisi__ctx *ctx, size_t b, size_t e, int caps, char *buf) {
    const polisi__doc *doc = ctx->doc;
    size_t n = 0;
    int title = -1; /* not asked yet */
    for (size_t k = b; k < e; k++) {
        const polisi__token *t = &doc->toks[k];
        if (k > b && (t->flags & (POLISI__TF_SPACE_BEFORE | POLISI__TF_LINE_BEFORE)))
            buf[n++] = ' ';
        size_t len = t->end - t->start;
        memcpy(buf + n, doc->text + t->start, len);
        if ((t->flags & POLISI__TF_UPPER) && len > 1 && title == -1)
            title = title_place(ctx, b, caps);
        if (title == 1 && (t->flags & POLISI__TF_UPPER) && len > 1 && !polisi__tok_roman(doc, k))
            for (size_t c = 1; c < len; c++)
                if (buf[n + c] >= 'A' && buf[n + c] <= 'Z')
                    buf[n + c] = (char)(buf[n + c] + 32);
        n += len;
    }
    return n;
}

/* Fills u's canonical ("<word> [Metro ]<place>") in the arena, and its
 * place, which is the end of the canonical. */
static int set_place(polisi__ctx *ctx, size_t b, size_t e, const char *word, int metro, int caps,
                     polisi__unit *u, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    size_t n = strlen(word);
    size_t size = n + 8 + 2 * (doc->toks[e - 1].end - doc->toks[b].start) + 2;
    char *buf = polisi__arena_alloc(&ctx->res->arena, size);
    if (!buf) {
        *st = POLISI_ERR_NOMEM;
        return 0;
    }
    memcpy(buf, word, n);
    buf[n++] = ' ';
    if (metro) {
        memcpy(buf + n, "Metro ", 6);
        n += 6;
    }
    size_t p = n;
    n += place_text(ctx, b, e, caps, buf + n);
    buf[n] = '\0';
    u->canonical = buf;
    u->place = buf + p; /* the end of the canonical name, no copy */
    return 1;
}

void polisi__unit_polda(int prov, polisi__unit *u) {
    u->level_id = POLISI__LV_POLDA;
    u->satker = -1;
    u->level = levels[POLISI__LV_POLDA].level;
    u->kind = NULL;
    u->place = provinces[prov].name;
    u->canonical = provinces[prov].polda;
}

/* "(Kalsel)" after "Polda Kalimantan Selatan": the same province again. */
static size_t province_bracket(const polisi__ctx *ctx, size_t j, uint32_t prov) {
    const polisi__lex_entry *e;
    if (!punct_at(ctx->doc, j, '('))
        return j;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, j + 1, POLISI__LEX_PROVINCE, &e);
    return m && e->value == prov && punct_at(ctx->doc, j + 1 + m, ')') ? j + m + 2 : j;
}

static int polda_place(polisi__ctx *ctx, size_t i, polisi__unit *u) {
    const polisi__lex_entry *e;
    if (!on_line(ctx->doc, i))
        return 0;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_PROVINCE, &e);
    if (!m)
        return 0;
    polisi__unit_polda((int)e->value, u);
    u->end = province_bracket(ctx, i + m, e->value);
    return 1;
}

/* A unit of the Jakarta type: the place after "Metro", "Metropolitan" or
 * "Polrestro" ("Polres Metro Jakarta Selatan", "Polsek Metro Gambir"). */
static int metro_type(polisi__ctx *ctx, size_t i, int level_id, int caps, polisi__unit *u,
                      polisi_status *st) {
    size_t e = place_end(ctx, i);
    if (e == i)
        return 0;
    u->kind = level_id == POLISI__LV_POLSEK ? "polsek-metro" : "polres-metro";
    u->end = e;
    return set_place(ctx, i, e, levels[level_id].word, 1, caps, u, st);
}

/* "Metro" after Polres/Polsek: the Jakarta type when a place follows, else
 * the city of Metro in Lampung ("Polres Metro") or one of its districts
 * ("Polsek Metro Pusat"). */
static int metro_place(polisi__ctx *ctx, size_t i, int level_id, int caps, polisi__unit *u,
                       polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    if (gazetteer_match(doc, i) < 2 && !polisi__tok_is(doc, i + 1, "jaya") &&
        !tok_class(ctx, i + 1, POLISI__LEX_PROVINCE) &&
        metro_type(ctx, i + 1, level_id, caps, u, st))
        return 1;
    if (*st != POLISI_OK || polisi__tok_is(doc, i, "metropolitan"))
        return 0;
    size_t e = place_end(ctx, i);
    u->end = e > i ? e : i + 1;
    return set_place(ctx, i, u->end, levels[level_id].word, 0, caps, u, st);
}

int polisi__unit_place(polisi__ctx *ctx, size_t i, int level_id, int caps, polisi__unit *u,
                       polisi_status *st) {
    const level_def *lv = &levels[level_id];
    memset(u, 0, sizeof *u);
    u->level_id = level_id;
    u->satker = -1;
    u->level = lv->level;
    u->kind = lv->kind;
    if (level_id == POLISI__LV_POLDA)
        return polda_place(ctx, i, u);
    if (level_id == POLISI__LV_POLRI || level_id == POLISI__LV_MABES)
        return 0;
    if ((level_id == POLISI__LV_POLRES || level_id == POLISI__LV_POLSEK) &&
        cap_next(ctx->doc, i) &&
        (polisi__tok_is(ctx->doc, i, "metro") || polisi__tok_is(ctx->doc, i, "metropolitan")))
        return metro_place(ctx, i, level_id, caps, u, st);
    size_t e = place_end(ctx, i);
    if (e == i)
        return 0;
    u->end = e;
    return set_place(ctx, i, e, lv->word, 0, caps, u, st);
}

/* ---- reading a unit ---- */

/* "(Polda)" after "Kepolisian Daerah", "(Polri)" after "Kepolisian Negara
 * Republik Indonesia": the same level again, in brackets. */
static size_t level_bracket(const polisi__ctx *ctx, size_t j, uint32_t level_id) {
    const polisi__lex_entry *e;
    if (!punct_at(ctx->doc, j, '('))
        return j;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, j + 1, POLISI__LEX_UNIT, &e);
    return m && (e->value & 0xff) == level_id && punct_at(ctx->doc, j + 1 + m, ')') ? j + m + 2
                                                                                    : j;
}

static int read_level(polisi__ctx *ctx, size_t i, size_t m, const polisi__lex_entry *e,
                      polisi__unit *u, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    uint32_t level_id = e->value & 0xff;
    const level_def *lv = &levels[level_id];
    if (e->value >> 8) { /* "Poldasu", "PMJ" */
        polisi__unit_polda((int)(e->value >> 8) - 1, u);
        u->end = province_bracket(ctx, i + m, (e->value >> 8) - 1);
        return 1;
    }
    size_t j = level_bracket(ctx, i + m, level_id);
    if (level_id == POLISI__LV_POLRI || level_id == POLISI__LV_MABES) {
        memset(u, 0, sizeof *u);
        u->level_id = (int)level_id;
        u->satker = -1;
        u->level = lv->level;
        u->canonical = lv->word;
        u->end = j;
        return 1;
    }
    const polisi__lex_entry *again; /* "Polres Polres Kepulauan Aru" */
    size_t m2 = polisi__lexicon_match(ctx->ex->lex, doc, j, POLISI__LEX_UNIT, &again);
    if (m2 && again->value == level_id && !(again->flags & VARIANT_HQ))
        j += m2;
    int caps = (doc->toks[i].flags & POLISI__TF_UPPER) != 0;
    if (e->flags & VARIANT_METRO) {
        memset(u, 0, sizeof *u);
        u->level_id = (int)level_id;
        u->satker = -1;
        u->level = lv->level;
        return metro_type(ctx, j, (int)level_id, caps, u, st);
    }
    return polisi__unit_place(ctx, j, (int)level_id, caps, u, st);
}

/* "(Divpropam)" after "Divisi Profesi dan Pengamanan", "(PPA)" after "Unit
 * Pelayanan Perempuan dan Anak": the unit again, or the last word of its
 * canonical name, in brackets. */
static size_t satker_bracket(const polisi__ctx *ctx, size_t j, int s) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *e;
    if (!punct_at(doc, j, '('))
        return j;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, j + 1, POLISI__LEX_SATKER, &e);
    if (m && (int)e->value == s && punct_at(doc, j + 1 + m, ')'))
        return j + m + 2;
    const char *canon = satkers[s].canonical, *last = strrchr(canon, ' ');
    last = last ? last + 1 : canon;
    char key[32];
    size_t n = strlen(last);
    if (n >= sizeof key || !word_on_line(doc, j + 1) || !punct_at(doc, j + 2, ')'))
        return j;
    for (size_t c = 0; c <= n; c++)
        key[c] = (char)(last[c] >= 'A' && last[c] <= 'Z' ? last[c] + 32 : last[c]);
    return polisi__tok_is(doc, j + 1, key) ? j + 3 : j;
}

static void set_satker(polisi__unit *u, int s, const char *canonical, size_t end) {
    memset(u, 0, sizeof *u);
    u->level_id = -1;
    u->satker = s;
    u->level = "satker";
    u->canonical = canonical;
    u->end = end;
}

static int read_satker(polisi__ctx *ctx, size_t i, size_t m, const polisi__lex_entry *e,
                       polisi__unit *u) {
    /* one word in lower case is a word ("stik"), not a unit; "akademi
     * kepolisian" is still a unit */
    if ((m == 1 || (e->flags & VARIANT_AMBIGUOUS)) && !polisi__tok_capital(ctx->doc, i))
        return 0;
    int s = (int)e->value;
    set_satker(u, s, satkers[s].canonical, satker_bracket(ctx, i + m, s));
    return 1;
}

/* "Unit 4", "Subdit III", "unit Reskrim", "Subdit IV Renakta". */
static int read_subunit(polisi__ctx *ctx, size_t i, polisi__unit *u, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    static const char *const words[] = {"unit", "subdit", "subden", "subbid", "subbag"};
    if (!KEY_IN(doc, i, words))
        return 0;
    size_t j = i + 1, num_end = j;
    if (polisi__tok_capital(doc, i) && on_line(doc, j) &&
        ((doc->toks[j].kind == POLISI__TOK_NUMBER && doc->toks[j].end - doc->toks[j].start <= 2) ||
         (polisi__tok_roman(doc, j) && (doc->toks[j].flags & POLISI__TF_UPPER))))
        num_end = j + 1;
    const polisi__lex_entry *f;
    size_t m = cap_next(doc, num_end)
                   ? polisi__lexicon_match(ctx->ex->lex, doc, num_end, POLISI__LEX_POS_FUNC, &f)
                   : 0;
    if (num_end == j && !m)
        return 0;
    const char *fname = m ? polisi__funcs[f->value].short_name : "";
    const polisi__token *w = &doc->toks[i];
    size_t wlen = w->end - w->start;
    size_t nlen = num_end > j ? doc->toks[j].end - doc->toks[j].start : 0;
    char *buf = polisi__arena_alloc(&ctx->res->arena, wlen + nlen + strlen(fname) + 3);
    if (!buf) {
        *st = POLISI_ERR_NOMEM;
        return 0;
    }
    size_t n = 0;
    memcpy(buf, doc->text + w->start, wlen);
    buf[0] = (char)(buf[0] >= 'a' && buf[0] <= 'z' ? buf[0] - 32 : buf[0]);
    for (size_t c = 1; c < wlen; c++) /* "UNIT" -> "Unit" */
        buf[c] = (char)(buf[c] >= 'A' && buf[c] <= 'Z' ? buf[c] + 32 : buf[c]);
    n = wlen;
    if (nlen) {
        buf[n++] = ' ';
        memcpy(buf + n, doc->text + doc->toks[j].start, nlen);
        n += nlen;
    }
    if (m) {
        buf[n++] = ' ';
        memcpy(buf + n, fname, strlen(fname));
        n += strlen(fname);
    }
    buf[n] = '\0';
    set_satker(u, -1, buf, num_end + m);
    return 1;
}

/* "Sat Res Narkoba", "Dit Lalu Lintas", "Seksi Propam": a unit word and a
 * function, the functional unit of that level. */
static int read_prefixed_func(polisi__ctx *ctx, size_t i, polisi__unit *u) {
    const polisi__doc *doc = ctx->doc;
    static const struct {
        const char *word;
        char level; /* 'r': at_polres, 'd': at_polda */
        const char *canonical_prefix;
    } prefixes[] = {
        {"sat", 'r', "Sat"}, {"satuan", 'r', "Sat"},       {"dit", 'd', "Dit"},
        {"direktorat", 'd', "Dit"}, {"bid", 'd', "Bid"},   {"bidang", 'd', "Bid"},
        {"si", 'r', "Si"},   {"seksi", 'r', "Si"},
    };
    for (size_t k = 0; k < sizeof prefixes / sizeof prefixes[0]; k++) {
        if (!polisi__tok_is(doc, i, prefixes[k].word))
            continue;
        size_t j = i + 1 + punct_at(doc, i + 1, '.');
        const polisi__lex_entry *f;
        size_t m = on_line(doc, j) && polisi__tok_capital(doc, j)
                       ? polisi__lexicon_match(ctx->ex->lex, doc, j, POLISI__LEX_POS_FUNC, &f)
                       : 0;
        if (!m)
            return 0;
        const polisi__func_def *fd = &polisi__funcs[f->value];
        const char *c = prefixes[k].level == 'r' ? fd->at_polres : fd->at_polda;
        if (!c || strncmp(c, prefixes[k].canonical_prefix, strlen(prefixes[k].canonical_prefix)))
            return 0;
        set_satker(u, -1, c, j + m);
        return 1;
    }
    return 0;
}

/* Token i is inside or right after the head of a post ("Kasat Reskrim",
 * "Direktur Reserse Kriminal Umum"): then the function word belongs to the
 * post. */
static int after_head(const polisi__ctx *ctx, size_t i) {
    const polisi__lex_entry *h; /* "Kepala Bidang (Kabid) Humas" */
    if (i >= 3 && polisi__tok_punct(ctx->doc, i - 1, ')') &&
        polisi__lexicon_match(ctx->ex->lex, ctx->doc, i - 2, POLISI__LEX_POS_HEAD, &h) == 1)
        return 1;
    for (size_t back = 1; back <= 4 && back <= i; back++) {
        const polisi__lex_entry *e;
        size_t s = i - back;
        size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, s, POLISI__LEX_POSITION, &e);
        if (m >= back)
            return 1;
        m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, s, POLISI__LEX_POS_HEAD, &e);
        if (m >= back)
            return 1;
        if (m && polisi__lexicon_match(ctx->ex->lex, ctx->doc, s + m, POLISI__LEX_POS_FUNC, &e) &&
            s + m < i)
            return 1;
    }
    return 0;
}

/* A level word may start within the FUNC_MAX_TOKENS tokens after token i:
 * one of them starts a phrase of class UNIT. */
static int level_soon(const polisi__doc *doc, size_t i) {
    uint32_t classes = 0;
    if (i + 1 + FUNC_MAX_TOKENS <= doc->ntoks) { /* a loop of constant length: unrolled */
        for (size_t k = 1; k <= FUNC_MAX_TOKENS; k++)
            classes |= doc->toks[i + k].classes;
    } else {
        for (size_t k = i + 1; k < doc->ntoks; k++)
            classes |= doc->toks[k].classes;
    }
    return !doc->classified || (classes & POLISI__LEX_BIT(POLISI__LEX_UNIT));
}

/* "Reskrim Polsek Pallangga" = Unit Reskrim, "Humas Polda Bali" = Bidhumas. */
static int read_bare_func(polisi__ctx *ctx, size_t i, polisi__unit *u, polisi_status *st) {
    const polisi__lex_entry *f;
    /* the class first: most level words that fail to read a unit and
     * reach here ("polisi", "kepolisian", "Pol") are no function words,
     * a branch predicted right where their case is not */
    if (!(ctx->doc->toks[i].classes & POLISI__LEX_BIT(POLISI__LEX_POS_FUNC)) ||
        !polisi__tok_capital(ctx->doc, i)) /* "lalu", "hukum": mostly plain words */
        return 0;
    /* the level word it needs right after the function, asked first from
     * the classes of the tokens: the function's lexicon probe is then
     * made for one capitalized function word in three */
    if (!level_soon(ctx->doc, i))
        return 0;
    size_t m = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i, POLISI__LEX_POS_FUNC, &f);
    if (!m)
        return 0;
    const polisi__func_def *fd = &polisi__funcs[f->value];
    if (!fd->at_polsek && !fd->at_polres && !fd->at_polda)
        return 0;
    /* the level word after it first: after_head looks back at up to four
     * tokens, worth it only for a real candidate */
    const polisi__lex_entry *e;
    size_t lm = polisi__lexicon_match(ctx->ex->lex, ctx->doc, i + m, POLISI__LEX_UNIT, &e);
    polisi__unit next;
    if (!lm || after_head(ctx, i) || !read_level(ctx, i + m, lm, e, &next, st))
        return 0;
    const char *canonical = next.level_id == POLISI__LV_POLDA ? fd->at_polda
                            : strcmp(next.level, "polres") == 0 ? fd->at_polres
                            : strcmp(next.level, "polsek") == 0 ? fd->at_polsek
                                                                : NULL;
    if (!canonical)
        return 0;
    set_satker(u, -1, canonical, i + m);
    return 1;
}

int polisi__unit_read(polisi__ctx *ctx, size_t i, polisi__unit *u, polisi_status *st) {
    const polisi__doc *doc = ctx->doc;
    const polisi__lex_entry *e;
    if (i >= doc->ntoks || doc->toks[i].kind != POLISI__TOK_WORD)
        return 0;
    uint32_t classes = doc->toks[i].classes; /* what the token may start */
    if (!(classes & POLISI__UNIT_START))
        return 0;
    size_t m = polisi__lexicon_match(ctx->ex->lex, doc, i, POLISI__LEX_UNIT, &e);
    if (m)
        return read_level(ctx, i, m, e, u, st);
    m = polisi__lexicon_match(ctx->ex->lex, doc, i, POLISI__LEX_SATKER, &e);
    if (m)
        return read_satker(ctx, i, m, e, u);
    if (classes & POLISI__LEX_BIT(POLISI__LEX_CUE_UNIT)) { /* the words of unit_cues */
        /* "Mako Brimob", "Markas Satbrimob": the headquarters of a functional unit */
        if ((polisi__tok_is(doc, i, "mako") || polisi__tok_is(doc, i, "markas")) &&
            on_line(doc, i + 1) &&
            (m = polisi__lexicon_match(ctx->ex->lex, doc, i + 1, POLISI__LEX_SATKER, &e)) != 0)
            return read_satker(ctx, i + 1, m, e, u);
        if (read_subunit(ctx, i, u, st) || read_prefixed_func(ctx, i, u))
            return 1;
    }
    return *st == POLISI_OK && read_bare_func(ctx, i, u, st);
}

/* ---- the recognizer ---- */

static polisi_status emit(polisi__ctx *ctx, size_t i, const polisi__unit *u) {
    polisi_status st = POLISI_OK;
    polisi_entity *ent = polisi__result_add(ctx->res, ctx->doc, POLISI_UNIT, i, u->end, &st);
    if (!ent)
        return st;
    ent->str[POLISI_FIELD_LEVEL] = u->level;
    ent->str[POLISI_FIELD_KIND] = u->kind;
    ent->str[POLISI_FIELD_PLACE] = u->place;
    ent->str[POLISI_FIELD_CANONICAL] = u->canonical;
    return POLISI_OK;
}

/* Token i may start a unit for polisi__unit_read: a word that starts a level
 * word, a functional unit or a cue, or a capitalized function word
 * (read_bare_func). Most function words the wake rule lets through are
 * plain words in lower case ("lalu", "hukum", "kecelakaan"): turned away
 * here without a call (units_find asks at every woken token). */
static int may_start_unit(const polisi__doc *doc, size_t i) {
    const polisi__token *t = &doc->toks[i];
    if (t->kind != POLISI__TOK_WORD)
        return 0;
    if (t->classes & (POLISI__UNIT_START & ~POLISI__LEX_BIT(POLISI__LEX_POS_FUNC)))
        return 1;
    /* a function word alone: the test read_bare_func makes first */
    return (t->classes & POLISI__LEX_BIT(POLISI__LEX_POS_FUNC)) && polisi__tok_capital(doc, i);
}

/* From token i, the first that wakes units (extract.c calls it only for a
 * text that has one). */
polisi_status polisi__units_find(polisi__ctx *ctx, size_t i) {
    const polisi__doc *doc = ctx->doc;
    size_t ntoks = doc->ntoks;
    /* i: a token that wakes units; nearly every other token starts no
     * unit: skipped 64 at a time (the loop's condition) */
    do {
        polisi__unit u;
        polisi_status st = POLISI_OK;
        if (may_start_unit(doc, i) && polisi__unit_read(ctx, i, &u, &st) && u.end > i) {
            st = emit(ctx, i, &u);
            if (st != POLISI_OK)
                return st;
            i = u.end;
            continue;
        }
        if (st != POLISI_OK)
            return st;
        i++;
    } while ((i = polisi__next_wake(doc, i, POLISI__WAKE_UNIT)) < ntoks);
    return POLISI_OK;
}
