/*
 * persons.c: the person assembler (SPEC.md "person").
 *
 * Phase 2: the entities of phase 1 are sorted and settled in ctx->res, and
 * a person is read off them in the orders real text uses:
 *
 *   [position [units] [,]] [rank [,] [position [units]]] [prefix titles]
 *   NAME [[,|.] suffix title ...] [[,] position [units]  (apposition)]
 *
 * "Kapolres Sidrap AKBP Erwin Syah. S.I.K", "Kasat Lantas Polres Gowa, AKP
 * Ayip Rizal, SE", "Irjen Pol Kakorlantas Aan Sukanan", "Bripka MHM",
 * "kata Ipda Syamsuar, Kanit Reskrim Polsek Pallangga". A person needs a
 * name and one of a rank, a title or a position right before the name. A
 * name with only suffix titles is read backwards from its first title
 * ("ujar Said Hud SS"). The span runs from the first part before the name
 * to the last suffix title; an apposition after it fills position and unit
 * but does not widen the span. The parts stay entities of their own.
 *
 * Where a name stops: punctuation other than an initial's dot, a lower-case
 * word, a line break, a number, the next entity (rank, position, unit,
 * title, date), a verb or a function word, or seven words.
 */
#include <string.h>

#include "internal.h"

/* ---- finding the settled entities of phase 1 ---- */

/* Tokens the tables of ents tell apart (a power of 2). */
#define START_BITS 2048

/* The entities of phase 1 are res->ents[0, n), sorted by start. Persons
 * are appended after them, so only indices are kept (the array moves).
 * types[k % START_BITS] has the bit (POLISI_TYPE_BIT) of the type of every
 * entity that starts at token k: most tokens asked about start none of
 * the type asked for, and are answered with one test, without a search.
 * When one does, first[k % START_BITS] is the first entity of the lowest
 * token with that remainder: nearly always token k itself, so the entities
 * at k are found without a search (one is made only when two tokens share
 * the slot, in a text of more than START_BITS tokens, where types is the
 * union of theirs). */
typedef struct ents {
    const polisi_result *res;
    size_t n, ntoks;
    uint8_t types[START_BITS];
    uint32_t first[START_BITS];
} ents;

static void ents_init(ents *es, const polisi_result *res, size_t ntoks) {
    es->res = res;
    es->n = res->count;
    es->ntoks = ntoks;
    memset(es->types, 0, ntoks < START_BITS ? ntoks : START_BITS);
    /* backwards, so that the lowest index of a slot is written last: no
     * test whether the slot is taken */
    for (size_t i = es->n; i-- > 0;) {
        size_t b = res->ents[i].tok_begin & (START_BITS - 1);
        es->types[b] |= (uint8_t)POLISI_TYPE_BIT(res->ents[i].type);
        es->first[b] = (uint32_t)i;
    }
}

/* The types of the entities that may start at token k (certainly none of
 * the others). */
static unsigned types_at(const ents *es, size_t k) {
    return k < es->ntoks ? es->types[k & (START_BITS - 1)] : 0;
}

/* The first entity that starts at token k or later: by halves, with a
 * select instead of a branch. The steps depend on n alone, the same for
 * every call on a text, so the loop is predicted; a search that branched
 * on the entities missed
 * about once a call, as where the answer lies varies. */
static size_t first_from(const ents *es, size_t k) {
    const polisi_entity *e = es->res->ents;
    size_t base = 0, len = es->n;
    if (len == 0)
        return 0;
    while (len > 1) { /* the answer is in [base, base + len] */
        size_t half = len / 2;
        base = e[base + half - 1].tok_begin < k ? base + half : base;
        len -= half;
    }
    return base + (e[base].tok_begin < k);
}

/* The first entity at token k, where types_at(es, k) has a type: from the
 * slot, by a search when the slot holds another token. */
static size_t first_at(const ents *es, size_t k) {
    size_t i = es->first[k & (START_BITS - 1)];
    return es->res->ents[i].tok_begin == k ? i : first_from(es, k);
}

/* The longest entity of `type` that starts at token k, or -1; k has one
 * in types. */
static long ent_search(const ents *es, polisi_type type, size_t k) {
    for (size_t i = first_at(es, k); i < es->n && es->res->ents[i].tok_begin == k; i++)
        if (es->res->ents[i].type == type)
            return (long)i;
    return -1;
}

/* The longest entity of `type` that starts at token k, or -1: the test of
 * types in the caller, as most calls end there. */
static inline long ent_at(const ents *es, polisi_type type, size_t k) {
    return types_at(es, k) & POLISI_TYPE_BIT(type) ? ent_search(es, type, k) : -1;
}

static const polisi_entity *ent(const ents *es, long i) { return &es->res->ents[i]; }

/* Some entity of phase 1 starts at token k (every one is of a type other
 * than person): its type byte, and the first entity at k when the slot is
 * shared. */
static int any_ent_at(const ents *es, size_t k) {
    if (!types_at(es, k))
        return 0;
    size_t i = first_at(es, k);
    return i < es->n && es->res->ents[i].tok_begin == k;
}

static int is_prefix_title(const polisi_entity *e) {
    const char *p = e->str[POLISI_FIELD_POSITION];
    return e->type == POLISI_TITLE && p && p[0] == 'p';
}

/* ---- token tests ---- */


static int glued(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && !(doc->toks[i].flags & (POLISI__TF_SPACE_BEFORE | POLISI__TF_LINE_BEFORE));
}

static int new_line(const polisi__doc *doc, size_t i) {
    return i >= doc->ntoks || (doc->toks[i].flags & POLISI__TF_LINE_BEFORE);
}

static int is_word(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks && doc->toks[i].kind == POLISI__TOK_WORD;
}

static int is_cap_word(const polisi__doc *doc, size_t i) {
    return is_word(doc, i) && (doc->toks[i].flags & (POLISI__TF_CAP | POLISI__TF_UPPER)) &&
           !(doc->toks[i].flags & POLISI__TF_LOWER);
}


/* Every word of stop_words, address_words, particles and name_abbrevs is a
 * CUE_PERSON cue (persons_register): a token without that bit is in none
 * of them, and nearly every token is answered by the bit, without reading
 * a list. */
#define IN_LIST(doc, i, list) POLISI__CUE_IN(doc, i, POLISI__LEX_CUE_PERSON, list)

/* The 8 bytes at s as one integer: for a literal padded with NULs, a
 * constant. */
static inline uint64_t word8(const char *s) {
    uint64_t v;
    memcpy(&v, s, 8);
    return v;
}

/* function_word's words: the one list that its switch and its
 * first-letter filter are made from. */
#define FUNCTION_WORDS(X, a)                                                                 \
    X(a, "di") X(a, "ke") X(a, "no") X(a, "dan") X(a, "ini") X(a, "itu") X(a, "pun")         \
    X(a, "akan") X(a, "atau") X(a, "dari") X(a, "hari") X(a, "juga") X(a, "kata")            \
    X(a, "pada") X(a, "saat") X(a, "ujar") X(a, "usai") X(a, "yang") X(a, "dalam")           \
    X(a, "masih") X(a, "namun") X(a, "nomor") X(a, "pasal") X(a, "pukul") X(a, "sudah")      \
    X(a, "tahun") X(a, "telah") X(a, "untuk") X(a, "yakni") X(a, "adalah") X(a, "dengan")    \
    X(a, "kepada") X(a, "ketika") X(a, "selaku") X(a, "bersama") X(a, "beserta")             \
    X(a, "melalui") X(a, "meminta") X(a, "menjadi") X(a, "sebagai") X(a, "tentang")          \
    X(a, "memimpin") X(a, "menyebut") X(a, "tersebut") X(a, "mengimbau") X(a, "sedangkan")   \
    X(a, "sementara") X(a, "didampingi") X(a, "menegaskan") X(a, "mengatakan")               \
    X(a, "membenarkan") X(a, "menambahkan") X(a, "menjelaskan") X(a, "menyebutkan")          \
    X(a, "menyampaikan") X(a, "mengungkapkan")
#define FW_LEN(w) (sizeof w - 1)
#define FW_LONGEST 13
#define FW_CHECK(a, w) _Static_assert(FW_LEN(w) >= 2 && FW_LEN(w) <= FW_LONGEST, w);
FUNCTION_WORDS(FW_CHECK, 0)
#undef FW_CHECK

/* The first letters of the function words of each length, a bit per
 * letter: a key whose first letter is not among those of its length is
 * none of them. */
#define FW_LETTER(n, w) (FW_LEN(w) == (n) ? 1u << ((w)[0] - 'a') : 0u) |
#define FW_ROW(n) [n] = FUNCTION_WORDS(FW_LETTER, n) 0u
static const uint32_t fw_first_letters[FW_LONGEST + 1] = {
    FW_ROW(2), FW_ROW(3), FW_ROW(4),  FW_ROW(5),  FW_ROW(6),  FW_ROW(7),
    FW_ROW(8), FW_ROW(9), FW_ROW(10), FW_ROW(11), FW_ROW(12), FW_ROW(13),
};
#undef FW_ROW
#undef FW_LETTER

/* Capitalized words that end a name: verbs and function words (at a
 * sentence start or in ALL CAPS text); they also end the words between a
 * position and its officer's rank. No lexicon cues: they are a fifth of
 * all words, and a cue costs the lexicon's classify a probe at each.
 * Instead a switch on the key's length, then a compare with the few words
 * of that length: the key's first 8 bytes (and last 8 of a longer key) as
 * integers against constants. Keys have KEY_SLACK readable bytes after
 * them; the bytes after a short key are masked off. */
static int function_word(const polisi__doc *doc, size_t k) {
    static const unsigned char first_bytes[16] = {255, 255, 255, 255, 255, 255, 255, 255};
    if (k >= doc->ntoks)
        return 0;
    const char *key = polisi__tok_key(doc, k);
    size_t n = doc->toks[k].key_len;
    /* Most words asked about are names, and most of those differ from
     * every function word of their length in the first letter: they are
     * answered here, before the switch on the length, which mispredicts
     * at two calls in three (the lengths vary). Keys shorter than 2 bytes
     * are none (read first: the byte at an empty key is no key's). */
    unsigned first = (unsigned char)key[0] - 'a';
    if (n < 2 || n > FW_LONGEST || first >= 26 || !((fw_first_letters[n] >> first) & 1))
        return 0;
    uint64_t head = word8(key), tail = word8(key + (n > 8 ? n - 8 : 0)), mask;
    memcpy(&mask, first_bytes + 8 - (n < 8 ? n : 8), 8); /* the first n bytes */
    head &= mask;
#define IS(w)                                                         \
    (sizeof w <= 9 ? head == word8(w "\0\0\0\0\0\0\0\0")               \
                   : head == word8(w) &&                              \
                         tail == word8(&(w)[sizeof w > 9 ? sizeof w - 9 : 0]))
    /* a case per length, each the words of its length (the others fold
     * away: FW_LEN(w) == n is a constant) */
#define IS_OF(n, w) (FW_LEN(w) == (n) && IS(w)) ||
#define CASE(n)                                                                            \
    case n: return FUNCTION_WORDS(IS_OF, n) 0;
    switch (n) {
        CASE(2) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7)
        CASE(8) CASE(9) CASE(10) CASE(11) CASE(12) CASE(13)
    default:
        return 0;
    }
#undef CASE
#undef IS_OF
#undef IS
}

/* Further capitalized words that end a name: unit and position words for
 * what the unit and position recognizers may not know, offices, and verbs
 * of Title Case headlines. */
static const char *const stop_words[] = {
    "polres", "polresta", "polrestabes", "polda", "polsek", "polsekta", "polri", "mabes",
    "mapolres", "mapolda", "mapolsek", "satreskrim", "satlantas", "satresnarkoba", "satuan",
    "ditreskrimum", "ditreskrimsus", "ditresnarkoba", "bareskrim", "korlantas", "brimob",
    "densus", "kodim", "korem", "kodam", "koramil", "kepolisian", "unit", "tim", "satgas",
    /* position words, for posts the position recognizer may not know */
    "kapolri", "wakapolri", "kapolda", "wakapolda", "kapolres", "wakapolres", "kapolresta",
    "kapolrestabes", "kapolsek", "wakapolsek", "kasat", "kanit", "kasi", "kabid", "kabag",
    "kasubdit", "kasubbag", "kasubbid", "kadiv", "dir", "wadir", "direktur", "kepala", "wakil",
    "paur", "panit", "kbo", "bhabinkamtibmas", "babinsa", "danramil", "dandim", "danrem",
    "pangdam", "kabareskrim", "kakorlantas", "komandan", "ketua", "bupati", "gubernur",
    /* offices and common nouns written with a capital before a name */
    "wali", "walikota", "kota", "kabupaten", "provinsi", "menteri", "presiden", "rektor",
    "pengamat", "hukum", "anggota", "sekretaris", "koordinator", "camat", "lurah", "mantan",
    "calon", "general", "lieutenant", "colonel", "major", "captain", "jaksa", "hakim",
    /* verbs of Title Case headlines: "Komjen Heru Pimpin BNN" */
    "pimpin", "jabat", "jadi", "resmi", "tewas", "tangkap", "ungkap", "minta", "beri", "sebut",
    "datangi", "tinjau", "cek", "bantah", "akui", "pastikan", "lantik", "dilantik", "copot",
    "gantikan", "ganti", "imbau", "tegaskan", "bongkar", "buru", "kunjungi", "terima", "serahkan",
};

/* Forms of address: not part of the name (SPEC.md). */
static const char *const address_words[] = {"bapak", "pak", "ibu", "bu", "sdr", "saudara",
                                            "sdri", "saudari"};

/* Name particles written in lower case between name words. */
static const char *const particles[] = {"bin", "binti", "van", "von", "der", "den", "de", "da"};

/* Abbreviated given names that take a dot: "Moh. Rizal", "Abd. Rahman". */
static const char *const name_abbrevs[] = {"moh", "muh", "moch", "mochd", "mohd", "mhd", "muhd",
                                           "abd", "ach", "achm", "ahm", "sy"};

/* ---- reading a name ---- */

typedef struct name_read {
    size_t begin, end; /* tokens */
    int words;
} name_read;

/* Token k can be a word of a name here. */
static int name_word(const ents *es, const polisi__doc *doc, size_t k) {
    /* the token tests first, the search of the entities last */
    return is_cap_word(doc, k) && !IN_LIST(doc, k, stop_words) && !function_word(doc, k) &&
           !any_ent_at(es, k);
}

static int initial_word(const polisi__doc *doc, size_t k) {
    return doc->toks[k].end - doc->toks[k].start == 1 || IN_LIST(doc, k, name_abbrevs);
}

/* The name word at k with what is glued to it: "Da'i", "Butar-butar",
 * and an initial's dot ("M.", "Moh."). Returns the token after it. */
static size_t word_end(const polisi__doc *doc, size_t k) {
    size_t end = k + 1;
    if (!glued(doc, end)) /* nearly every word of a name: a space after it */
        return end;
    while ((polisi__tok_punct(doc, end, '\'') || polisi__tok_punct(doc, end, '-')) && glued(doc, end) &&
           glued(doc, end + 1) && is_word(doc, end + 1))
        end += 2;
    if (end == k + 1 && initial_word(doc, k) && polisi__tok_punct(doc, end, '.') && glued(doc, end))
        end++;
    return end;
}

/* Reads the name that starts at token k; 0 when there is none. */
static int read_name(const ents *es, const polisi__doc *doc, size_t k, name_read *nr) {
    if (new_line(doc, k))
        return 0;
    if (IN_LIST(doc, k, address_words) && is_cap_word(doc, k)) {
        k += 1 + (polisi__tok_punct(doc, k + 1, '.') && glued(doc, k + 1));
        if (new_line(doc, k))
            return 0;
    }
    if (!name_word(es, doc, k))
        return 0;
    nr->begin = k;
    nr->words = 0;
    for (;;) {
        nr->end = word_end(doc, k);
        size_t next = nr->end;
        if (++nr->words >= 7 || new_line(doc, next))
            break;
        if (is_word(doc, next) && IN_LIST(doc, next, particles) && !new_line(doc, next + 1) &&
            name_word(es, doc, next + 1))
            next++;
        if (!name_word(es, doc, next))
            break;
        k = next;
    }
    return 1;
}

/* Reads a name backwards from token k (exclusive): "ujar Said Hud SS". */
static int read_name_back(const ents *es, const polisi__doc *doc, size_t k, name_read *nr) {
    size_t b = k;
    int words = 0;
    while (b > 0 && words < 4 && !(b < k && new_line(doc, b))) {
        size_t p = b - 1;
        if (polisi__tok_punct(doc, p, '.') && p > 0 && glued(doc, p) && is_cap_word(doc, p - 1) &&
            initial_word(doc, p - 1))
            p--; /* an initial with its dot */
        if (!name_word(es, doc, p))
            break;
        b = p;
        words++;
    }
    /* four capitalized words and more before it: no sure start ("Wali
     * Kota Jambi Syarif Fasha, ME") */
    if (!words || (words == 4 && b > 0 && !new_line(doc, b) && name_word(es, doc, b - 1)))
        return 0;
    nr->begin = b;
    nr->end = k;
    nr->words = words;
    return 1;
}

/* ---- the person being built ---- */

#define MAX_TITLES 12

typedef struct person {
    size_t begin, end;   /* tokens of the span */
    long position, rank; /* entity indices or -1 */
    long titles[MAX_TITLES];
    size_t ntitles;
    name_read name;
    size_t after;        /* the token after everything read (apposition too) */
} person;

static void add_title(person *p, long t) {
    if (p->ntitles < MAX_TITLES)
        p->titles[p->ntitles++] = t;
}

/* Skips the units right after a position ("Kasat Reskrim Polres Bogor"). */
static size_t skip_units(const ents *es, size_t k) {
    long u;
    while ((u = ent_at(es, POLISI_UNIT, k)) >= 0)
        k = ent(es, u)->tok_end;
    return k;
}

/* Words between a position and the rank that the unit recognizer did not
 * take ("Kaops Satgas Damai Cartenz Brigjen ...", "Babinsa Posramil X
 * Kodim 0114/Aceh Jaya Serda ..."): capitalized words, numbers, "/" and
 * "-", at most ten tokens. Returns the rank's token or 0. */
static size_t gap_to_rank(const ents *es, const polisi__doc *doc, size_t k) {
    for (size_t n = 0; n <= 10; n++, k++) {
        k = skip_units(es, k);
        if (k >= doc->ntoks || new_line(doc, k))
            return 0;
        size_t r = k + polisi__tok_punct(doc, k, ',');
        if (ent_at(es, POLISI_RANK, r) >= 0)
            return r;
        const polisi__token *t = &doc->toks[k];
        if (!(is_cap_word(doc, k) || t->kind == POLISI__TOK_NUMBER || polisi__tok_punct(doc, k, '/') ||
              polisi__tok_punct(doc, k, '-')) || function_word(doc, k))
            return 0;
    }
    return 0;
}

/* Prefix titles at k: appended; returns the token after them. */
static size_t read_prefixes(const ents *es, size_t k, person *p) {
    long t;
    while ((t = ent_at(es, POLISI_TITLE, k)) >= 0 && is_prefix_title(ent(es, t))) {
        add_title(p, t);
        k = ent(es, t)->tok_end;
    }
    return k;
}

/* Suffix titles after the name, separated by at most a comma or period
 * each: "Gultom. S. Sos, SIK, M. Han". Returns the token after the last. */
static size_t read_suffixes(const ents *es, const polisi__doc *doc, size_t k, person *p) {
    /* the first title is within two tokens: after nearly every name none
     * is, told without the tests of the punctuation between */
    if (!((types_at(es, k) | types_at(es, k + 1) | types_at(es, k + 2)) &
          POLISI_TYPE_BIT(POLISI_TITLE)))
        return k;
    size_t end = k;
    for (;;) {
        size_t j = end, gap = 0;
        while (gap < 2 && (polisi__tok_punct(doc, j, ',') || polisi__tok_punct(doc, j, '.') || polisi__tok_punct(doc, j, ';')))
            j++, gap++;
        long t = ent_at(es, POLISI_TITLE, j);
        if (t < 0 || is_prefix_title(ent(es, t)) || (gap == 2 && end == k))
            return end;
        add_title(p, t);
        end = ent(es, t)->tok_end;
    }
}

/* A position in apposition after the person: "Ipda Syamsuar, Kanit Reskrim
 * Polsek Pallangga". It must not lead to another officer. */
static void read_apposition(const ents *es, const polisi__doc *doc, person *p) {
    /* no position right after it or after one token: nearly every person,
     * told without the test of a comma */
    if (!((types_at(es, p->end) | types_at(es, p->end + 1)) & POLISI_TYPE_BIT(POLISI_POSITION)))
        return;
    size_t k = p->end + polisi__tok_punct(doc, p->end, ',');
    long pos = ent_at(es, POLISI_POSITION, k);
    if (pos < 0 || new_line(doc, k))
        return;
    size_t after = skip_units(es, ent(es, pos)->tok_end);
    size_t next = after + polisi__tok_punct(doc, after, ',');
    if (ent_at(es, POLISI_RANK, next) >= 0 || ent_at(es, POLISI_TITLE, next) >= 0 ||
        (!polisi__tok_punct(doc, after, ',') && name_word(es, doc, after) && !new_line(doc, after)))
        return;
    if (p->position < 0)
        p->position = pos;
    p->after = after;
}

/* Bounds title_case_after like polisi__title_case_line. */
#define LINE_WINDOW 64

/* The words after token k on its line, up to six of four letters or more,
 * are all capitalized: a title in Title Case goes on ("... Puji Peran
 * Ojol, Dorong Regulasi Perlindungan Driver"). */
static int title_case_after(const polisi__doc *doc, size_t k) {
    size_t words = 0, end = k + LINE_WINDOW; /* bounded, as polisi__title_case_line */
    for (; k < doc->ntoks && k < end && !new_line(doc, k) && words < 6; k++) {
        const polisi__token *t = &doc->toks[k];
        if (t->kind != POLISI__TOK_WORD || t->end - t->start < 4)
            continue;
        if (!(t->flags & (POLISI__TF_CAP | POLISI__TF_UPPER)))
            break;
        words++;
    }
    return words >= 3;
}

/* A name right after a position, with no rank or title, is weaker
 * evidence. The post must name its unit, so that it is one office held by
 * one officer ("Kapolri Tito Karnavian", "Kapolda Jatim Luki Hermawan";
 * not "Kasdam Jaya", "Kasubbag Humas Ditjen Imigrasi"); the name must end
 * where names end (not at a unit or position word that would make it a
 * place: "Babinsa Posramil Indra Jaya Kodim ..."), have at most four words,
 * and not stand in a headline. */
static int position_name_ok(const ents *es, const polisi__doc *doc, long pos,
                            const name_read *nr) {
    size_t k = nr->end;
    if (!ent(es, pos)->str[POLISI_FIELD_UNIT] || nr->words > 4 ||
        polisi__title_case_line(doc, nr->begin, 4) || title_case_after(doc, k))
        return 0;
    return new_line(doc, k) || !is_cap_word(doc, k) ||
           (function_word(doc, k) && !any_ent_at(es, k));
}

/* Builds the person whose first part is entity `first`; 1 when one is
 * there. */
static int build(const ents *es, const polisi__doc *doc, long first, person *p) {
    p->ntitles = 0; /* the other fields are set before they are read */
    p->position = p->rank = -1;
    const polisi_entity *e = ent(es, first);
    size_t k = e->tok_begin;
    p->begin = k;
    if (e->type == POLISI_POSITION) {
        p->position = first;
        k = skip_units(es, e->tok_end);
        size_t r = gap_to_rank(es, doc, k);
        if (r)
            k = r;
        else if (polisi__tok_punct(doc, k, ',') && ent_at(es, POLISI_TITLE, k + 1) >= 0)
            k++; /* "Bupati, Dr. H. ..." */
    }
    long r = ent_at(es, POLISI_RANK, k);
    if (r >= 0) {
        p->rank = r;
        k = ent(es, r)->tok_end;
        k += polisi__tok_punct(doc, k, ',') && !new_line(doc, k + 1);
        long pos = ent_at(es, POLISI_POSITION, k);
        if (pos >= 0 && p->position < 0) { /* "Irjen Pol Kakorlantas Aan Sukanan" */
            p->position = pos;
            k = skip_units(es, ent(es, pos)->tok_end);
        }
    }
    k = read_prefixes(es, k, p);
    if (p->rank < 0 && p->ntitles == 0 && p->position < 0)
        return 0;
    if (!read_name(es, doc, k, &p->name))
        return 0;
    if (p->rank < 0 && p->ntitles == 0 && !position_name_ok(es, doc, p->position, &p->name))
        return 0;
    p->end = read_suffixes(es, doc, p->name.end, p);
    p->after = p->end;
    read_apposition(es, doc, p);
    return 1;
}

/* A person named only before its suffix titles: "ujar Said Hud SS". */
static int build_back(const ents *es, const polisi__doc *doc, long title, person *p) {
    p->ntitles = 0; /* the other fields are set before they are read */
    p->position = p->rank = -1;
    size_t k = ent(es, title)->tok_begin;
    size_t b = k;
    if (b > 0 && (polisi__tok_punct(doc, b - 1, ',') || polisi__tok_punct(doc, b - 1, '.')))
        b--;
    if (!read_name_back(es, doc, b, &p->name))
        return 0;
    p->begin = p->name.begin;
    p->end = read_suffixes(es, doc, p->name.end, p);
    if (!p->ntitles)
        return 0;
    p->after = p->end;
    read_apposition(es, doc, p);
    return 1;
}

/* ---- emitting ---- */

static int is_upper(char c) { return c >= 'A' && c <= 'Z'; }
static int is_lower(char c) { return c >= 'a' && c <= 'z'; }

/* A word of the name [s, s + n) in ALL CAPS that reads as a word, not as
 * initials: three letters or more, one of them a vowel ("SUKONO", "ALI";
 * not "MHM", "DS"). */
static int caps_word(const char *s, size_t n) {
    size_t letters = 0, vowels = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_lower(s[i]))
            return 0;
        if (is_upper(s[i])) {
            letters++;
            vowels += s[i] == 'A' || s[i] == 'E' || s[i] == 'I' || s[i] == 'O' || s[i] == 'U';
        }
    }
    return letters >= 3 && vowels > 0;
}

/* The name with its ALL-CAPS words in Title Case: a copy made in the arena
 * at the first such word, or the name itself when it has none (nearly
 * always). NULL when out of memory. */
static const char *make_display(polisi__arena *arena, const char *name, size_t len) {
    char *buf = NULL;
    size_t i = 0;
    while (i < len) {
        while (i < len && name[i] == ' ')
            i++;
        size_t w = i;
        while (i < len && name[i] != ' ')
            i++;
        if (!caps_word(name + w, i - w))
            continue;
        if (!buf && !(buf = polisi__arena_strndup(arena, name, len)))
            return NULL;
        int start = 1;
        for (size_t k = w; k < i; k++) {
            if (is_upper(buf[k]) && !start)
                buf[k] = (char)(buf[k] + 32);
            start = !(is_upper(buf[k]) || is_lower(buf[k]) || (unsigned char)buf[k] >= 0x80) &&
                    buf[k] != '\'';
        }
    }
    return buf ? buf : name;
}

/* Every word of tokens [b, e) has an ASCII lower-case letter: then no word
 * of their text is one that caps_word takes (every letter of the text is
 * in a word token, so a word of the text with letters has one of these
 * words, and its lower-case letter). A word's first letters are read
 * until a lower-case one, nearly always the second: a loop on tokens that
 * the predictor follows, instead of make_display's loops on bytes, which
 * mispredict at the end of every word. */
static int words_have_lower(const polisi__doc *doc, size_t b, size_t e) {
    for (size_t k = b; k < e; k++) {
        const polisi__token *t = &doc->toks[k];
        if (t->kind != POLISI__TOK_WORD)
            continue;
        const char *s = doc->text + t->start, *end = doc->text + t->end;
        while (s < end && !is_lower(*s))
            s++;
        if (s == end)
            return 0;
    }
    return 1;
}

static polisi_status set_name(polisi__ctx *ctx, polisi_entity *e, const person *p) {
    const polisi__doc *doc = ctx->doc;
    size_t a = doc->toks[p->name.begin].start, b = doc->toks[p->name.end - 1].end;
    const char *name = polisi__arena_strndup(&ctx->res->arena, doc->text + a, b - a);
    const char *display = !name                                                ? NULL
                          : words_have_lower(doc, p->name.begin, p->name.end) ? name
                              : make_display(&ctx->res->arena, name, b - a);
    if (!display)
        return POLISI_ERR_NOMEM;
    e->str[POLISI_FIELD_NAME] = name;
    e->str[POLISI_FIELD_DISPLAY] = display;
    return POLISI_OK;
}

static polisi_status emit(polisi__ctx *ctx, const ents *es, const person *p) {
    polisi_status st = POLISI_OK;
    /* the entity array may move: read every part before adding */
    const char *rank = p->rank >= 0 ? ent(es, p->rank)->str[POLISI_FIELD_CODE] : NULL;
    const char *pos = p->position >= 0 ? ent(es, p->position)->str[POLISI_FIELD_CODE] : NULL;
    const char *unit = p->position >= 0 ? ent(es, p->position)->str[POLISI_FIELD_UNIT] : NULL;
    const char **titles = NULL;
    if (p->ntitles) {
        titles = polisi__arena_alloc(&ctx->res->arena, p->ntitles * sizeof *titles);
        if (!titles)
            return POLISI_ERR_NOMEM;
        for (size_t t = 0; t < p->ntitles; t++)
            titles[t] = ent(es, p->titles[t])->str[POLISI_FIELD_CODE];
    }
    polisi_entity *e = polisi__result_add(ctx->res, ctx->doc, POLISI_PERSON, p->begin, p->end, &st);
    if (!e)
        return st;
    e->str[POLISI_FIELD_RANK] = rank;
    e->str[POLISI_FIELD_POSITION] = pos;
    e->str[POLISI_FIELD_UNIT] = unit;
    e->titles = titles;
    e->ntitles = (uint32_t)p->ntitles;
    return set_name(ctx, e, p);
}

polisi_status polisi__persons_register(polisi__lexicon *lex) {
    static const polisi__word_list lists[] = {
        POLISI__WORD_LIST(stop_words), POLISI__WORD_LIST(address_words),
        POLISI__WORD_LIST(particles), POLISI__WORD_LIST(name_abbrevs),
    };
    return polisi__lexicon_add_words(lex, lists, sizeof lists / sizeof lists[0],
                                     POLISI__LEX_CUE_PERSON);
}

/* The types of the entities a person may start at. */
#define PERSON_STARTS \
    (POLISI_TYPE_BIT(POLISI_POSITION) | POLISI_TYPE_BIT(POLISI_RANK) | POLISI_TYPE_BIT(POLISI_TITLE))

/* Entities taken at a time to pick those a person may start at. */
#define CHUNK 64

/* persons_find where there are entities of phase 1. Apart (noinline), so
 * that a text with none (a short one, often) returns without its setup:
 * the registers saved and restored, the 10 KB of ents on the stack. */
__attribute__((noinline)) static polisi_status persons_from(polisi__ctx *ctx) {
    ents es;
    ents_init(&es, ctx->res, ctx->doc->ntoks);
    size_t covered = 0; /* tokens before this belong to a person already */
    for (size_t base = 0; base < es.n; base += CHUNK) {
        /* the positions, ranks and titles of the chunk, picked without a
         * branch: units, dates and times, half the entities, start no
         * person, and a test at each missed often */
        uint32_t starts[CHUNK];
        size_t nstarts = 0, end = es.n - base < CHUNK ? es.n : base + CHUNK;
        for (size_t i = base; i < end; i++) {
            starts[nstarts] = (uint32_t)i;
            nstarts += (POLISI_TYPE_BIT(ctx->res->ents[i].type) & PERSON_STARTS) != 0;
        }
        for (size_t s = 0; s < nstarts; s++) {
            size_t i = starts[s];
            const polisi_entity *e = &ctx->res->ents[i];
            if (e->tok_begin < covered)
                continue;
            person p;
            int ok = e->type != POLISI_TITLE || is_prefix_title(e)
                         ? build(&es, ctx->doc, (long)i, &p)
                         : build_back(&es, ctx->doc, (long)i, &p);
            if (!ok)
                continue;
            polisi_status st = emit(ctx, &es, &p);
            if (st != POLISI_OK)
                return st;
            covered = p.after;
        }
    }
    return POLISI_OK;
}

polisi_status polisi__persons_find(polisi__ctx *ctx) {
    /* a person starts at an entity of phase 1 */
    return ctx->res->count ? persons_from(ctx) : POLISI_OK;
}
