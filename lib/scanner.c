/*
 * scanner.c: one pass over the bytes makes the token array.
 *
 * ASCII, which is nearly all of Indonesian news, is read 64 bytes at a
 * time (scan_blocks: bit masks of the byte classes, the tokens walked with
 * count-trailing-zeros, their keys the block lower-cased in place); the
 * rest a byte at a time (scan_one: a lookup table for ASCII, utf8proc for
 * other code points' categories and keys - case fold + compatibility
 * decomposition - marks, lumped punctuation). Bytes that are not UTF-8
 * become INVALID tokens: offsets never shift. While a token's hash is in a
 * register the scanner also tests it against the lexicon's filter
 * (polisi__prefilter), so that classify looks up only the candidates.
 */
/* Scheduled for Zen 3, where the benchmark runs; the code still runs on
 * any x86-64 (a tuning, not an instruction set). The generic tuning put
 * a zeroing xor before every tzcnt, for a false dependency that AMD's and
 * newer Intel CPUs do not have, and kept fewer constants in registers: the
 * block token loop took 51 instructions a token, 47 with this. For the
 * whole file, so that its helpers, of the same tuning, are still inlined
 * (a function tuned apart from them was not). */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 11 && defined(__x86_64__)
#pragma GCC target("tune=znver3")
#endif
#include <stddef.h>
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

/* The 64-byte block path needs SSE2 (every x86-64 has it); its AVX2 and
 * BMI2 variant is chosen at run time, where the compiler can target it per
 * function. */
#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__)) && \
    (defined(__x86_64__) || defined(__i386__)) && !defined(POLISI_NO_AVX2)
#define POLISI__AVX2 1
#else
#define POLISI__AVX2 0
#endif

/* Byte classes of the ASCII fast path. */
enum { C_OTHER = 0, C_SPACE, C_NEWLINE, C_CR, C_UPPER, C_LOWER, C_DIGIT, C_PUNCT, C_HIGH };

static const unsigned char ascii_class[256] = {
    [0] = C_SPACE, /* NUL is just a separator */
    ['\t'] = C_SPACE, ['\v'] = C_SPACE, ['\f'] = C_SPACE, [' '] = C_SPACE,
    ['\n'] = C_NEWLINE, ['\r'] = C_CR,
    ['A'] = C_UPPER, ['B'] = C_UPPER, ['C'] = C_UPPER, ['D'] = C_UPPER, ['E'] = C_UPPER,
    ['F'] = C_UPPER, ['G'] = C_UPPER, ['H'] = C_UPPER, ['I'] = C_UPPER, ['J'] = C_UPPER,
    ['K'] = C_UPPER, ['L'] = C_UPPER, ['M'] = C_UPPER, ['N'] = C_UPPER, ['O'] = C_UPPER,
    ['P'] = C_UPPER, ['Q'] = C_UPPER, ['R'] = C_UPPER, ['S'] = C_UPPER, ['T'] = C_UPPER,
    ['U'] = C_UPPER, ['V'] = C_UPPER, ['W'] = C_UPPER, ['X'] = C_UPPER, ['Y'] = C_UPPER,
    ['Z'] = C_UPPER,
    ['a'] = C_LOWER, ['b'] = C_LOWER, ['c'] = C_LOWER, ['d'] = C_LOWER, ['e'] = C_LOWER,
    ['f'] = C_LOWER, ['g'] = C_LOWER, ['h'] = C_LOWER, ['i'] = C_LOWER, ['j'] = C_LOWER,
    ['k'] = C_LOWER, ['l'] = C_LOWER, ['m'] = C_LOWER, ['n'] = C_LOWER, ['o'] = C_LOWER,
    ['p'] = C_LOWER, ['q'] = C_LOWER, ['r'] = C_LOWER, ['s'] = C_LOWER, ['t'] = C_LOWER,
    ['u'] = C_LOWER, ['v'] = C_LOWER, ['w'] = C_LOWER, ['x'] = C_LOWER, ['y'] = C_LOWER,
    ['z'] = C_LOWER,
    ['0'] = C_DIGIT, ['1'] = C_DIGIT, ['2'] = C_DIGIT, ['3'] = C_DIGIT, ['4'] = C_DIGIT,
    ['5'] = C_DIGIT, ['6'] = C_DIGIT, ['7'] = C_DIGIT, ['8'] = C_DIGIT, ['9'] = C_DIGIT,
    ['!'] = C_PUNCT, ['"'] = C_PUNCT, ['#'] = C_PUNCT, ['$'] = C_PUNCT, ['%'] = C_PUNCT,
    ['&'] = C_PUNCT, ['\''] = C_PUNCT, ['('] = C_PUNCT, [')'] = C_PUNCT, ['*'] = C_PUNCT,
    ['+'] = C_PUNCT, [','] = C_PUNCT, ['-'] = C_PUNCT, ['.'] = C_PUNCT, ['/'] = C_PUNCT,
    [':'] = C_PUNCT, [';'] = C_PUNCT, ['<'] = C_PUNCT, ['='] = C_PUNCT, ['>'] = C_PUNCT,
    ['?'] = C_PUNCT, ['@'] = C_PUNCT, ['['] = C_PUNCT, ['\\'] = C_PUNCT, [']'] = C_PUNCT,
    ['^'] = C_PUNCT, ['_'] = C_PUNCT, ['`'] = C_PUNCT, ['{'] = C_PUNCT, ['|'] = C_PUNCT,
    ['}'] = C_PUNCT, ['~'] = C_PUNCT,
    /* other control bytes stay C_OTHER: each is a punctuation token */
#define HIGH4(b) [b] = C_HIGH, [b + 1] = C_HIGH, [b + 2] = C_HIGH, [b + 3] = C_HIGH
#define HIGH16(b) HIGH4(b), HIGH4(b + 4), HIGH4(b + 8), HIGH4(b + 12)
    HIGH16(0x80), HIGH16(0x90), HIGH16(0xA0), HIGH16(0xB0),
    HIGH16(0xC0), HIGH16(0xD0), HIGH16(0xE0), HIGH16(0xF0),
#undef HIGH16
#undef HIGH4
};

static inline int byte_class(unsigned char c) { return ascii_class[c]; }

/* The ASCII letters and digits of words: the key byte (lower case) in the
 * low byte, and in the high byte what the byte says about the word's case
 * (LETTER_UPPER, LETTER_LOWER; nothing for a digit). 0: not a word byte. */
enum { LETTER_UPPER = 1, LETTER_LOWER = 2, LETTER_OTHER = 4 };
#define UP(c) [c] = (uint16_t)(LETTER_UPPER << 8 | ((c) + 32))
#define LO(c) [c] = (uint16_t)(LETTER_LOWER << 8 | (c))
#define DG(c) [c] = (uint16_t)(c)
static const uint16_t word_byte[256] = {
    UP('A'), UP('B'), UP('C'), UP('D'), UP('E'), UP('F'), UP('G'), UP('H'), UP('I'),
    UP('J'), UP('K'), UP('L'), UP('M'), UP('N'), UP('O'), UP('P'), UP('Q'), UP('R'),
    UP('S'), UP('T'), UP('U'), UP('V'), UP('W'), UP('X'), UP('Y'), UP('Z'),
    LO('a'), LO('b'), LO('c'), LO('d'), LO('e'), LO('f'), LO('g'), LO('h'), LO('i'),
    LO('j'), LO('k'), LO('l'), LO('m'), LO('n'), LO('o'), LO('p'), LO('q'), LO('r'),
    LO('s'), LO('t'), LO('u'), LO('v'), LO('w'), LO('x'), LO('y'), LO('z'),
    DG('0'), DG('1'), DG('2'), DG('3'), DG('4'), DG('5'), DG('6'), DG('7'), DG('8'), DG('9'),
};
#undef UP
#undef LO
#undef DG

/* The hash of keys reads them 16 bytes at a time: a key of up to 16 bytes
 * (nearly every word) is two 64-bit words, zero-padded, and two
 * multiplications, where a byte-at-a-time hash would chain a
 * multiplication per byte. The scanner's fast path computes the same value
 * from the bytes it already holds in a register.
 *
 * A product's bit i depends on the factor's bits 0..i only, so the hash is
 * the high half of the last product, which every key byte reaches; users
 * take its TOP bits (polisi__hash's contract). No key holds a NUL byte, so
 * the zero padding tells "ab" from "ab" + anything without the length.
 *
 * The words are read little-endian on every machine, so a hash is the same
 * everywhere and tables of hashes can be made ahead of time
 * (tools/gen_gazetteer.py: the gazetteer's index, the word filters of
 * units.h). */
static inline uint64_t load_le64(const char *s, size_t n) { /* n <= 8, zero-padded */
    uint64_t v = 0;
    memcpy(&v, s, n);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    v = __builtin_bswap64(v); /* the byte at s first, as on a little-endian machine */
#endif
    return v;
}

#define HASH_MUL_HI 0xC2B2AE3D27D4EB4Fu
#define HASH_MUL 0x9E3779B97F4A7C15u
static inline uint64_t hash_step(uint64_t h, uint64_t lo, uint64_t hi) {
    return (h ^ lo ^ hi * HASH_MUL_HI) * HASH_MUL;
}

/* The hash of a key of at most 16 bytes given as its two zero-padded words. */
static inline uint32_t hash_short(uint64_t lo, uint64_t hi) {
    return (uint32_t)(hash_step(0, lo, hi) >> 32);
}

uint32_t polisi__hash(const char *s, size_t len) {
    uint64_t h = 0;
    while (len > 16) { /* the rare long word: chained, the high bits folded down */
        h = hash_step(h, load_le64(s, 8), load_le64(s + 8, 8));
        h ^= h >> 32;
        s += 16;
        len -= 16;
    }
    uint64_t lo = load_le64(s, len < 8 ? len : 8), hi = len > 8 ? load_le64(s + 8, len - 8) : 0;
    return (uint32_t)(hash_step(h, lo, hi) >> 32);
}

/* ---- the scan state ---- */

typedef struct scan {
    polisi__doc *doc;
    const polisi__prefilter *pf;
    const unsigned char *s;
    size_t len, pos;
    unsigned pending; /* flags for the next token */
    int newlines;     /* line breaks since the last token */
    int avx2;         /* the CPU has AVX2 and BMI2: scan_blocks_avx2 */
} scan;

/* Which of a document's arrays are in doc->block. */
enum { IN_BLOCK_TOKS = 1, IN_BLOCK_WAKE = 2, IN_BLOCK_KEYS = 4 };

/* polisi__grow for an array of doc's: one in the block moves out to an
 * allocation of its own (the block is freed whole). */
static int grow_array(polisi__doc *doc, void **items, size_t *cap, size_t need, size_t size,
                      unsigned bit) {
    if (polisi__grow_out(doc->alloc, items, cap, need, size, (doc->in_block & bit) != 0))
        return -1;
    doc->in_block &= ~bit;
    return 0;
}

static int keys_reserve(polisi__doc *doc, size_t more) {
    if (more <= doc->keys_cap - doc->keys_len) /* the usual case: no call */
        return 0;
    if (more > UINT32_MAX - doc->keys_len)
        return -1;
    return grow_array(doc, (void **)&doc->keys, &doc->keys_cap, doc->keys_len + more, 1,
                      IN_BLOCK_KEYS);
}

/* Room for `more` tokens after the last, and for their wake bytes and
 * the slack after them. */
static inline int tokens_reserve(polisi__doc *doc, size_t more) {
    if (doc->ntoks + more <= doc->cap) /* the usual case: no call */
        return 0;
    if (grow_array(doc, (void **)&doc->toks, &doc->cap, doc->ntoks + more, sizeof *doc->toks,
                   IN_BLOCK_TOKS))
        return -1;
    return grow_array(doc, (void **)&doc->wake, &doc->wake_cap, doc->cap + POLISI__WAKE_SLACK, 1,
                      IN_BLOCK_WAKE);
}

/* The bytes at a time path makes every token a candidate; token_wake
 * writes its wake byte. */
static inline polisi__token *new_token(polisi__doc *doc) {
    return &doc->toks[doc->ntoks++];
}

/* The wake byte of token t, made a byte at a time, once its kind and flags
 * are known: a candidate, with the wake bits they give (as the blocks'
 * marks give theirs), so that classify need not look them up. */
static inline void token_wake(scan *sc, const polisi__token *t) {
    polisi__doc *doc = sc->doc;
    doc->wake[t - doc->toks] = (uint8_t)(POLISI__WAKE_CANDIDATE |
                                         sc->pf->kind_flag_wake[(t->kind & 7) << 6 |
                                                                (t->flags & 63)]);
}

static inline polisi__token *push_token(scan *sc, size_t start, uint8_t kind) {
    polisi__doc *doc = sc->doc;
    if (tokens_reserve(doc, 1))
        return NULL;
    polisi__token *t = new_token(doc);
    t->start = (uint32_t)start;
    t->end = (uint32_t)start;
    t->key = (uint32_t)doc->keys_len;
    t->key_len = 0;
    t->hash = 0;
    t->group = 0;
    t->classes = 0;
    t->kind = kind;
    t->flags = (uint8_t)sc->pending;
    if (sc->newlines > 0)
        t->flags |= POLISI__TF_LINE_BEFORE;
    if (sc->newlines > 1)
        t->flags |= POLISI__TF_PARA_BEFORE;
    sc->pending = 0;
    sc->newlines = 0;
    return t; /* its wake byte: token_wake, once its kind and flags are final */
}

static void finish_key(polisi__doc *doc, polisi__token *t) {
    t->key_len = (uint32_t)(doc->keys_len - t->key);
    t->hash = polisi__hash(doc->keys + t->key, t->key_len);
}

/* The key form of one code point: case-folded, compatibility-decomposed,
 * without marks, punctuation lumped to ASCII. Returns the count in buf. */
static int fold_decompose(utf8proc_int32_t cp, utf8proc_int32_t buf[32]) {
    /* utf8proc lumps single quotes to "'" but leaves double ones alone */
    if (cp == 0x201C || cp == 0x201D || cp == 0x201E || cp == 0x201F || cp == 0x00AB ||
        cp == 0x00BB || cp == 0x2033) {
        buf[0] = '"';
        return 1;
    }
    int bound = 0;
    utf8proc_ssize_t n = utf8proc_decompose_char(
        cp, buf, 32,
        UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_COMPAT | UTF8PROC_STRIPMARK |
            UTF8PROC_LUMP | UTF8PROC_IGNORE,
        &bound);
    if (n < 0 || n > 32) { /* not for a valid code point; keep it as is */
        buf[0] = cp;
        n = 1;
    }
    return (int)n;
}

/* Appends the key form of code point cp to the keys; 0 or -1 (nomem). */
static int fold_cp(polisi__doc *doc, utf8proc_int32_t cp) {
    utf8proc_int32_t buf[32];
    int n = fold_decompose(cp, buf);
    if (keys_reserve(doc, (size_t)n * 4))
        return -1;
    for (int i = 0; i < n; i++)
        doc->keys_len += (size_t)utf8proc_encode_char(buf[i], (utf8proc_uint8_t *)doc->keys + doc->keys_len);
    return 0;
}

/* What a non-ASCII code point is to the scanner. */
enum { U_WORD, U_UPPER, U_LOWER, U_SPACE, U_LINE, U_PUNCT };

static int unicode_role(utf8proc_int32_t cp) {
    switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: return U_UPPER;
    case UTF8PROC_CATEGORY_LL: return U_LOWER;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND: return U_WORD;
    case UTF8PROC_CATEGORY_ZS: return U_SPACE;
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP: return U_LINE;
    case UTF8PROC_CATEGORY_CF: return U_SPACE; /* ZWSP, BOM, soft hyphen: invisible */
    default: return cp == 0x85 ? U_LINE : U_PUNCT;
    }
}

/* Decodes the code point at sc->pos; returns its byte length, or -1 when
 * the bytes there are not UTF-8 (then exactly one byte is invalid). */
static int decode(const scan *sc, utf8proc_int32_t *cp) {
    utf8proc_ssize_t n = utf8proc_iterate(sc->s + sc->pos, (utf8proc_ssize_t)(sc->len - sc->pos), cp);
    return n > 0 ? (int)n : -1;
}

/* The length of the run of ASCII letters and digits at p (at most avail). */
static size_t word_run(const unsigned char *p, size_t avail) {
    size_t n = 0;
    while (n < avail && word_byte[p[n]])
        n++;
    return n;
}

/* A run of ASCII letters and digits of a word. */
typedef struct word_state {
    unsigned seen;   /* LETTER_* */
    int first_upper; /* -1 until the letter that decides TF_CAP is seen */
} word_state;

/* Copies the run of ASCII letters and digits at sc->pos into the keys,
 * lower-cased. 0, or -1 when out of memory. */
static int ascii_run(scan *sc, word_state *ws) {
    polisi__doc *doc = sc->doc;
    const unsigned char *s = sc->s + sc->pos;
    /* Room for the run's key bytes, as scan_ascii_word reserves, not for
     * all the text left (which a key cannot outgrow): that moved the keys
     * out of the document's first block for a word early in a text. */
    size_t n = word_run(s, sc->len - sc->pos);
    if (keys_reserve(doc, n))
        return -1;
    if (ws->first_upper < 0) { /* the run's first letter, after any digits */
        for (size_t q = 0; q < n; q++) {
            unsigned bits = word_byte[s[q]] >> 8;
            if (bits) {
                ws->first_upper = bits == LETTER_UPPER;
                break;
            }
        }
    }
    char *k = doc->keys + doc->keys_len;
    unsigned seen = 0;
    for (size_t q = 0; q < n; q++) {
        unsigned w = word_byte[s[q]];
        k[q] = (char)(unsigned char)w;
        seen |= w;
    }
    ws->seen |= seen >> 8;
    doc->keys_len += n;
    sc->pos += n;
    return 0;
}

/* A word: a run of letters, marks and digits, ASCII or not. */
static int scan_word(scan *sc) {
    polisi__doc *doc = sc->doc;
    polisi__token *t = push_token(sc, sc->pos, POLISI__TOK_NUMBER);
    if (!t)
        return -1;
    word_state ws = {0, -1};
    for (;;) {
        if (ascii_run(sc, &ws))
            return -1;
        if (sc->pos >= sc->len || sc->s[sc->pos] < 0x80)
            break;
        utf8proc_int32_t cp;
        int n = decode(sc, &cp);
        if (n < 0)
            break;
        int role = unicode_role(cp);
        if (role != U_WORD && role != U_UPPER && role != U_LOWER)
            break;
        ws.seen |= LETTER_OTHER | (role == U_UPPER ? LETTER_UPPER : 0) |
                   (role == U_LOWER ? LETTER_LOWER : 0);
        if (ws.first_upper < 0 && role != U_WORD) /* a mark does not decide */
            ws.first_upper = role == U_UPPER;
        if (fold_cp(doc, cp))
            return -1;
        sc->pos += (size_t)n;
    }
    t = &doc->toks[doc->ntoks - 1];
    t->end = (uint32_t)sc->pos;
    t->key_len = (uint32_t)(doc->keys_len - t->key);
    t->hash = polisi__hash(doc->keys + t->key, t->key_len);
    if (ws.seen) /* not only ASCII digits */
        t->kind = POLISI__TOK_WORD;
    if (ws.first_upper == 1)
        t->flags |= POLISI__TF_CAP;
    unsigned cased = ws.seen & (LETTER_UPPER | LETTER_LOWER);
    if (cased == LETTER_UPPER)
        t->flags |= POLISI__TF_UPPER;
    else if (cased == LETTER_LOWER)
        t->flags |= POLISI__TF_LOWER;
    token_wake(sc, t);
    return 0;
}

/* What the fast path learns of an ASCII word: its end, the hash of its
 * key, LETTER_* seen, and whether its first letter (after any digits) is a
 * capital (-1: no letter). */
typedef struct ascii_word {
    size_t end;
    uint32_t hash;
    unsigned seen;
    int first_upper;
} ascii_word;

/* Reads the word at p byte by byte, any length (at most avail bytes). */
static void read_word(const unsigned char *p, size_t avail, char *k, ascii_word *w) {
    size_t n = 0;
    unsigned seen = 0;
    int first_upper = -1;
    for (; n < avail; n++) {
        unsigned b = word_byte[p[n]];
        if (!b)
            break;
        k[n] = (char)(unsigned char)b;
        if (first_upper < 0 && (b >> 8))
            first_upper = (b >> 8) == LETTER_UPPER;
        seen |= b >> 8;
    }
    w->end = n;
    w->hash = polisi__hash(k, n);
    w->seen = seen;
    w->first_upper = first_upper;
}

/* A token's kind (low byte) and case flags (high byte) by the bits of
 * word_ends (below) at its end, its shape: [no capital << 2 | no small letter << 1
 * | first letter a capital]. Neither letter case: digits only. A capital
 * first and no capital: punctuation. */
#define SHAPE_CASE(i)                                                                        \
    (((i) & 1 ? POLISI__TF_CAP : 0) | ((i) & 2 ? POLISI__TF_UPPER : 0) |                    \
     ((i) & 4 ? POLISI__TF_LOWER : 0))
#define SHAPE(i)                                                                             \
    (((i) & 5) == 5   ? POLISI__TOK_PUNCT                                                    \
     : ((i) & 6) == 6 ? POLISI__TOK_NUMBER                                                   \
                      : POLISI__TOK_WORD | SHAPE_CASE(i) << 8)
/* A block token's "mark": its shape, and at bits 3..4 what came right
 * before it (see before_masks): nothing, white space, a line break, an
 * empty line (each implies the ones before it, so two bits say which).
 * The mark gives its kind (low byte) and its flags (high byte); the
 * prefilter's marks add the wake bits. */
enum { MARK_BEFORE_ODD = 8, MARK_BEFORE_LINE = 16 };
#define BEFORE(i)                                                                            \
    ((i) >= 8 ? POLISI__TF_SPACE_BEFORE : 0) | ((i) >= 16 ? POLISI__TF_LINE_BEFORE : 0) |     \
        ((i) >= 24 ? POLISI__TF_PARA_BEFORE : 0)
#define MARK(i, x) (uint32_t)(SHAPE((i) & 7) | (BEFORE(i)) << 8 | (x))
#define MARK8(i, x)                                                                          \
    MARK(i, x), MARK(i + 1, x), MARK(i + 2, x), MARK(i + 3, x), MARK(i + 4, x),              \
        MARK(i + 5, x), MARK(i + 6, x), MARK(i + 7, x)
#define MARK32(x) MARK8(0, x), MARK8(8, x), MARK8(16, x), MARK8(24, x)
static const uint32_t kind_flags_of_mark[32] = {MARK32(0)};
/* The marks of a prefilter that makes every token a candidate. */
static const uint32_t candidate_marks[32] = {MARK32(POLISI__WAKE_CANDIDATE << 16)};
/* and its wake bits by kind and flags: none, classify adds them */
static const uint8_t no_kind_flag_wake[8 << 6];
#undef MARK32
#undef MARK8
#undef MARK
#undef BEFORE
#undef SHAPE
#undef SHAPE_CASE

void polisi__prefilter_marks(const uint8_t *wake, uint32_t marks[POLISI__MARKS]) {
    for (unsigned i = 0; i < POLISI__MARKS; i++) {
        uint32_t shape = kind_flags_of_mark[i & 7]; /* wake rules read kinds and case flags */
        marks[i] = kind_flags_of_mark[i] | (uint32_t)wake[(shape & 7) << 6 | shape >> 8] << 16;
    }
}

#if defined(__SSE2__)
#include <emmintrin.h>

static inline __m128i byte_range(__m128i c, char lo, char hi) { /* lo <= c <= hi, signed */
    return _mm_and_si128(_mm_cmpgt_epi8(c, _mm_set1_epi8((char)(lo - 1))),
                         _mm_cmplt_epi8(c, _mm_set1_epi8((char)(hi + 1))));
}

/* 16 bytes of 0xFF, then 16 zeros: the 16 bytes at key_window + 16 - n
 * keep the first n bytes of a vector (n <= 16). */
static const unsigned char key_window[32] = {
    0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
};

/* The key of the 16 bytes c (capitals, in `up`, moved down to small
 * letters), stored to k: 16 bytes written, only the key's length kept. */
static inline __m128i store_key16(__m128i c, __m128i up, char *k) {
    __m128i key = _mm_add_epi8(c, _mm_and_si128(up, _mm_set1_epi8(0x20)));
    _mm_storeu_si128((__m128i *)(void *)k, key);
    return key;
}

/* polisi__hash of the bytes of a key held in a vector that `window` (16
 * bytes of key_window) keeps. */
static inline uint32_t hash_window16(__m128i key, const unsigned char *window) {
    key = _mm_and_si128(key, _mm_loadu_si128((const __m128i *)(const void *)window));
    uint64_t lo = (uint64_t)_mm_cvtsi128_si64(key);
    uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(key, key));
    return hash_short(lo, hi);
}

/* polisi__hash of the first n < 16 bytes of a key held in a vector. */
static inline uint32_t hash_key16(__m128i key, unsigned n) {
    return hash_window16(key, key_window + 16 - n);
}

/* Reads the word at p from the 16 bytes there (all inside the text) with a
 * handful of vector instructions and no branch per byte: the masks of
 * capitals, small letters and digits give its length, its case and, with
 * the capitals moved down to small letters, its key, which is stored to k
 * (16 bytes written, the key's length kept). Returns 0 when the word has 16
 * bytes or more: the caller reads it byte by byte. */
static inline int read_word16(const unsigned char *p, char *k, ascii_word *w) {
    __m128i c = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i up = byte_range(c, 'A', 'Z'), low = byte_range(c, 'a', 'z');
    __m128i word = _mm_or_si128(_mm_or_si128(up, low), byte_range(c, '0', '9'));
    unsigned n = (unsigned)__builtin_ctz(~(unsigned)_mm_movemask_epi8(word));
    if (n >= 16)
        return 0;
    __m128i key = store_key16(c, up, k);
    unsigned in = (1u << n) - 1;
    unsigned mu = (unsigned)_mm_movemask_epi8(up) & in, ml = (unsigned)_mm_movemask_epi8(low) & in;
    w->end = n;
    w->hash = hash_key16(key, n);
    w->seen = (mu ? LETTER_UPPER : 0) | (ml ? LETTER_LOWER : 0);
    unsigned letters = mu | ml;
    w->first_upper = letters ? (mu & letters & (0u - letters)) != 0 : -1;
    return 1;
}

/* ---- 64 bytes at a time ----
 *
 * Most of a news text is ASCII words, spaces and a little punctuation. The
 * block scanner classifies 64 bytes at once into bit masks (word bytes,
 * capitals, small letters, white space, line breaks) and walks the token
 * starts with count-trailing-zeros: no branch per byte and none on the
 * class of the next byte, which a byte-at-a-time scanner mispredicts about
 * once a token. It makes exactly the tokens scan_one would; anything it is
 * unsure of (a non-ASCII byte, a word reaching the end of the block) is left
 * to scan_one. */
typedef struct block_masks {
    uint64_t word, upper, lower, digits, gap, lines, high;
} block_masks;

static inline __m128i byte_is(__m128i c, char b) { return _mm_cmpeq_epi8(c, _mm_set1_epi8(b)); }

static inline uint64_t mask16(__m128i m, int k) {
    return (uint64_t)(unsigned)_mm_movemask_epi8(m) << (16 * k);
}

/* Line breaks are few: clearing one bit at a time beats the library call
 * __builtin_popcountll becomes without -mpopcnt. */
static inline unsigned count_bits(uint64_t x) {
    unsigned n = 0;
    for (; x; x &= x - 1)
        n++;
    return n;
}

/* x rotated right by k, 0 < k < 64. */
static inline uint64_t rotate_right(uint64_t x, unsigned k) {
    return x >> k | x << (64 - k);
}

/* Bits 0..n-1 set, n <= 64, without a branch. */
static inline uint64_t low_bits(unsigned n) {
    return (((uint64_t)1 << (n & 63)) - 1) | (0 - (uint64_t)(n >> 6));
}

/* What the case of each word of a block is, as a bit at the byte after
 * the word (a word is a run of letters and digits): the shape of its
 * mark. The masks are made for all the words of the block at once, with
 * additions whose carries run along a word: a bit added at a word's first
 * byte carries up to the first byte that is not in the mask added to, or
 * past the word's end. */
typedef struct word_ends {
    uint64_t cap;      /* its first letter is a capital */
    uint64_t no_lower; /* no small letter */
    uint64_t no_upper; /* no capital */
} word_ends;

/* The bits of `set` (within words) carried from each word's start to the
 * first byte of the word not in `set`, or to its end: the start's bit
 * added to `set` (where the start is not in `set`, the sum only sets its
 * bit: no carry). The other bits of `set` are left as they are: callers
 * keep only the bytes they want. No carry reaches another word's start:
 * the byte before one is no word byte. */
static inline uint64_t carry_from_starts(uint64_t set, uint64_t starts) {
    return set + starts;
}

/* starts: of the words; punct: the punctuation bytes, which are marked at
 * the byte after them as "a capital first and no capital", which no word
 * is (no word ends there: the punctuation byte is no part of one). */
static inline word_ends shape_at_ends(const block_masks *m, uint64_t starts, uint64_t punct) {
    uint64_t word = m->word, digits = m->digits;
    /* The first letter of each word: its start, or the byte after its
     * leading digits; a capital there carries to the word's end. */
    uint64_t first = carry_from_starts(digits, starts) & ~digits;
    word_ends e;
    e.cap = ((word + (first & m->upper)) & ~word) | punct << 1;
    e.no_lower = carry_from_starts(word & ~m->lower, starts) & ~word;
    e.no_upper = (carry_from_starts(word & ~m->upper, starts) & ~word) | punct << 1;
    return e;
}

/* Line breaks from the masks of LF and CR: a CR followed by LF (next_lf:
 * the byte after the block is LF) is no line break of its own. */
static inline uint64_t line_breaks(uint64_t nl, uint64_t cr, int next_lf) {
    return nl | (cr & ~(nl >> 1 | (uint64_t)next_lf << 63));
}

/* The masks of the 64 bytes at p, and their keys (the bytes, ASCII
 * capitals lowered) written to k. Letters are the bytes that are 'a'..'z'
 * with bit 5 set, and bit 5 tells small from capital: fewer compares than a
 * range each. White space is ' ', NUL and \t \n \v \f \r. */
static void classify_block_sse2(const unsigned char *p, int next_lf, block_masks *m, char *k) {
    uint64_t letters = 0, small = 0, digits = 0, gap = 0, nl = 0, cr = 0, high = 0;
    for (int i = 0; i < 4; i++) {
        __m128i c = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        __m128i letter = byte_range(_mm_or_si128(c, _mm_set1_epi8(0x20)), 'a', 'z');
        _mm_storeu_si128((__m128i *)(void *)(k + 16 * i),
                         _mm_or_si128(c, _mm_and_si128(letter, _mm_set1_epi8(0x20))));
        letters |= mask16(letter, i);
        small |= mask16(_mm_slli_epi16(c, 2), i); /* bit 5 of each byte */
        digits |= mask16(byte_range(c, '0', '9'), i);
        gap |= mask16(_mm_or_si128(_mm_or_si128(byte_is(c, ' '), byte_is(c, '\0')),
                                   byte_range(c, '\t', '\r')),
                      i);
        nl |= mask16(byte_is(c, '\n'), i);
        cr |= mask16(byte_is(c, '\r'), i);
        high |= mask16(c, i); /* the sign bits */
    }
    *m = (block_masks){letters | digits, letters & ~small, letters & small, digits, gap,
                       line_breaks(nl, cr, next_lf), high};
}

/* 16 bytes: `value` where bit k of m is set, else 0. */
static inline __m128i bits_to_bytes16(unsigned m, char value) {
    __m128i x = _mm_cvtsi32_si128((int)m);
    x = _mm_unpacklo_epi8(x, x);  /* each byte of m twice */
    x = _mm_unpacklo_epi16(x, x); /* four times */
    x = _mm_unpacklo_epi32(x, x); /* eight times */
    const __m128i bit = _mm_set1_epi64x((long long)0x8040201008040201u);
    x = _mm_cmpeq_epi8(_mm_and_si128(x, bit), bit);
    return _mm_and_si128(x, _mm_set1_epi8(value));
}

/* A block's marks as bytes: byte i of out[0, 64) has bit j when bit i of
 * m[j] is set, j = 0..2 (the shape); byte i of out[64, 128) has bit j when
 * bit i of m[j] is set, j = 3..4 (what came before). */
static void mark_bytes_sse2(const uint64_t m[5], uint8_t out[128]) {
    for (int k = 0; k < 4; k++) {
        int at = 16 * k;
        __m128i shape = _mm_or_si128(_mm_or_si128(bits_to_bytes16((m[0] >> at) & 0xFFFF, 1),
                                                  bits_to_bytes16((m[1] >> at) & 0xFFFF, 2)),
                                     bits_to_bytes16((m[2] >> at) & 0xFFFF, 4));
        __m128i before = _mm_or_si128(bits_to_bytes16((m[3] >> at) & 0xFFFF, 8),
                                      bits_to_bytes16((m[4] >> at) & 0xFFFF, 16));
        _mm_storeu_si128((__m128i *)(void *)(out + at), shape);
        _mm_storeu_si128((__m128i *)(void *)(out + 64 + at), before);
    }
}

#if POLISI__AVX2
#include <immintrin.h>
/* The same with 32 bytes a step, where the CPU has AVX2 (checked at run
 * time: the library is built for any x86-64): half the instructions. */
#define AVX2_FN __attribute__((target("avx2")))
/* The vector constants of the AVX2 block steps, 32 bytes each. They are
 * read from memory, through a pointer the compiler cannot see through
 * (avx2_consts): gcc would otherwise rebuild each of them (mov, vmovd,
 * vpbroadcastb) in every block, where a compare reads it from memory at no
 * cost. */
enum {
    K_BIT5, K_BEFORE_A, K_AFTER_Z, K_BEFORE_0, K_AFTER_9, K_GAP_OF_LOW4, K_LF, K_CR,
    K_BITS, K_1, K_2, K_4, K_8, K_16, K_COUNT
};
#define R8(x) x, x, x, x, x, x, x, x
#define R32(x) {R8(x), R8(x), R8(x), R8(x)}
#define BITS8 1, 2, 4, 8, 16, 32, 64, 128
/* By a byte's low 4 bits, the white space byte (but NUL) that has them;
 * 0x80, which no ASCII byte is, where none has. */
#define GAP16                                                                                \
    ' ', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, '\t', '\n', '\v', '\f', '\r', 0x80, 0x80
static const uint8_t avx2_const_table[K_COUNT][32] __attribute__((aligned(32))) = {
    [K_BIT5] = R32(0x20),      [K_BEFORE_A] = R32('a' - 1), [K_AFTER_Z] = R32('z' + 1),
    [K_BEFORE_0] = R32('0' - 1), [K_AFTER_9] = R32('9' + 1),
    [K_GAP_OF_LOW4] = {GAP16, GAP16},
    [K_LF] = R32('\n'),       [K_CR] = R32('\r'),
    [K_BITS] = {BITS8, BITS8, BITS8, BITS8},
    [K_1] = R32(1),            [K_2] = R32(2),             [K_4] = R32(4),
    [K_8] = R32(8),            [K_16] = R32(16),
};
#undef GAP16
#undef BITS8
#undef R32
#undef R8
static inline const __m256i *avx2_consts(void) {
    const void *table = avx2_const_table;
    __asm__("" : "+r"(table)); /* its contents unknown to the compiler: see above */
    return (const __m256i *)table;
}

/* lo < c < hi, signed */
AVX2_FN static inline __m256i byte_between32(__m256i c, __m256i lo, __m256i hi) {
    return _mm256_and_si256(_mm256_cmpgt_epi8(c, lo), _mm256_cmpgt_epi8(hi, c));
}
AVX2_FN static inline uint64_t mask32(__m256i m, int k) {
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(m) << (32 * k);
}
AVX2_FN static void classify_block_avx2(const unsigned char *p, block_masks *m, char *k) {
    const __m256i *K = avx2_consts();
    uint64_t letters = 0, small = 0, digits = 0, gap = 0, lines = 0, high = 0;
    for (int i = 0; i < 2; i++) {
        __m256i c = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * i));
        __m256i letter = byte_between32(_mm256_or_si256(c, K[K_BIT5]), K[K_BEFORE_A], K[K_AFTER_Z]);
        _mm256_storeu_si256((__m256i *)(void *)(k + 32 * i),
                            _mm256_or_si256(c, _mm256_and_si256(letter, K[K_BIT5])));
        letters |= mask32(letter, i);
        small |= mask32(_mm256_slli_epi16(c, 2), i);
        digits |= mask32(byte_between32(c, K[K_BEFORE_0], K[K_AFTER_9]), i);
        /* white space: the byte that the table gives for its low 4 bits
         * (pshufb gives 0 for a byte with bit 7 set, which is no white
         * space), or NUL: four instructions where compares took seven */
        __m256i blank = _mm256_cmpeq_epi8(_mm256_shuffle_epi8(K[K_GAP_OF_LOW4], c), c);
        gap |= mask32(_mm256_or_si256(blank, _mm256_cmpeq_epi8(c, _mm256_setzero_si256())), i);
        /* line breaks: LF, and CR but where LF follows (the 32 bytes from
         * the next one: one mask, where LF's and CR's took two and the
         * shifts of line_breaks) */
        __m256i next = _mm256_loadu_si256((const __m256i *)(const void *)(p + 32 * i + 1));
        __m256i lone_cr = _mm256_andnot_si256(_mm256_cmpeq_epi8(next, K[K_LF]),
                                              _mm256_cmpeq_epi8(c, K[K_CR]));
        lines |= mask32(_mm256_or_si256(_mm256_cmpeq_epi8(c, K[K_LF]), lone_cr), i);
        high |= mask32(c, i);
    }
    *m = (block_masks){letters | digits, letters & ~small, letters & small, digits, gap, lines,
                       high};
}
/* The 64 bits of m as 64 bytes, two vectors of 32: K[value] where a bit
 * is set, else 0. One broadcast of m serves both. */
AVX2_FN static inline void bits_to_bytes(const __m256i *K, uint64_t m, int value, __m256i out[2]) {
    const __m256i bytes_0_3 = _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                                               2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);
    const __m256i bytes_4_7 = _mm256_setr_epi8(4, 4, 4, 4, 4, 4, 4, 4, 5, 5, 5, 5, 5, 5, 5, 5,
                                               6, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 7, 7, 7, 7, 7);
    __m256i all = _mm256_set1_epi64x((long long)m);
    for (int k = 0; k < 2; k++) {
        __m256i x = _mm256_shuffle_epi8(all, k ? bytes_4_7 : bytes_0_3);
        x = _mm256_and_si256(x, K[K_BITS]); /* the byte's bit, or 0 */
        if (value == K_1) /* a constant: the smaller of it and 1, without a compare */
            out[k] = _mm256_min_epu8(x, K[K_1]);
        else
            out[k] = _mm256_and_si256(_mm256_cmpeq_epi8(x, K[K_BITS]), K[value]);
    }
}

/* 64 bytes: at position i, bit j set when bit i of m[j] is, j = 0..2
 * (the shape); 64 more with bits 3 and 4 for m[3] and m[4] (what came
 * before). */
AVX2_FN static void mark_bytes_avx2(const uint64_t m[5], uint8_t out[128]) {
    const __m256i *K = avx2_consts();
    __m256i b[5][2];
    static const int value[5] = {K_1, K_2, K_4, K_8, K_16};
    for (int j = 0; j < 5; j++)
        bits_to_bytes(K, m[j], value[j], b[j]);
    for (int k = 0; k < 2; k++) {
        __m256i shape = _mm256_or_si256(_mm256_or_si256(b[0][k], b[1][k]), b[2][k]);
        _mm256_storeu_si256((__m256i *)(void *)(out + 32 * k), shape);
        _mm256_storeu_si256((__m256i *)(void *)(out + 64 + 32 * k), _mm256_or_si256(b[3][k], b[4][k]));
    }
}
#undef AVX2_FN
#endif

/* avx2 is a constant where this is inlined (scan_blocks_for). */
static inline void classify_block(int avx2, const unsigned char *p, block_masks *m, char *k) {
#if POLISI__AVX2
    if (avx2) {
        classify_block_avx2(p, m, k);
        return;
    }
#else
    (void)avx2;
#endif
    classify_block_sse2(p, p[64] == '\n', m, k);
}

/* mark_bytes_avx2 or mark_bytes_sse2; avx2 is a constant where this is
 * inlined. */
static inline void mark_bytes(int avx2, const uint64_t m[5], uint8_t out[128]) {
#if POLISI__AVX2
    if (avx2) {
        mark_bytes_avx2(m, out);
        return;
    }
#else
    (void)avx2;
#endif
    mark_bytes_sse2(m, out);
}

#if POLISI__AVX2
/* BMI's own: bzhi keeps all 64 bits for n = 64, tzcnt gives 64 for 0. Not
 * always_inline, so that the functions that call them need no target of
 * their own; inlined where the caller is scan_blocks_avx2. */
__attribute__((target("bmi2"))) static inline uint64_t bzhi64(uint64_t x, unsigned n) {
    return _bzhi_u64(x, n);
}
__attribute__((target("bmi"))) static inline unsigned tzcnt64(uint64_t x) {
    return (unsigned)_tzcnt_u64(x);
}
#endif

/* x & low_bits(n), n <= 64; bmi (a constant where inlined): in
 * scan_blocks_avx2, one bzhi where low_bits takes four or five
 * instructions. */
__attribute__((always_inline)) static inline uint64_t keep_low(uint64_t x, unsigned n, int bmi) {
#if POLISI__AVX2
    if (bmi)
        return bzhi64(x, n);
#endif
    (void)bmi;
    return x & low_bits(n);
}

/* The index of the lowest bit set, or 64 for 0; one tzcnt with bmi, where
 * gcc made `x ? ctz : 64` a branch with two paths. */
__attribute__((always_inline)) static inline unsigned first_bit(uint64_t x, int bmi) {
#if POLISI__AVX2
    if (bmi)
        return tzcnt64(x);
#endif
    (void)bmi;
    return x ? (unsigned)__builtin_ctzll(x) : 64;
}

/* Which tokens of a block scan_blocks takes. */
typedef struct block_plan {
    unsigned limit;        /* the first non-ASCII byte, or 64 */
    uint64_t punct;        /* punctuation bytes before the limit */
    uint64_t word_starts;  /* first bytes of words */
    uint64_t starts;       /* of the tokens to take */
    uint64_t lasts;        /* their last bytes: the k-th is the k-th start's */
    unsigned end;          /* the bytes the block consumes */
} block_plan;

/* bmi: see keep_low */
__attribute__((always_inline)) static inline void plan_block(const block_masks *m,
                                                         block_plan *plan, int bmi) {
    unsigned limit = first_bit(m->high, bmi); /* ASCII before it */
    uint64_t punct = keep_low(~(m->word | m->gap), limit, bmi);
    uint64_t word_starts = m->word & ~(m->word << 1);
    uint64_t starts = keep_low(word_starts | punct, limit, bmi);
    uint64_t lasts = (m->word & ~(m->word >> 1)) | punct;
    /* A token must end before the limit, and before byte 63: a word there
     * may go on in the next block (or in non-ASCII letters at the limit).
     * The tokens from `cut` on are left to the next block: the word that
     * holds byte end_limit - 1, and everything after it. Every token that
     * starts before the cut ends before it. After the last token taken, up
     * to the limit or to the cut, there is nothing but white space: the
     * block consumes it. */
    unsigned end_limit = limit < 63 ? limit : 63;
    /* without a branch: about one block in five ends between words (gcc
     * made the conditional expression a branch, mispredicted in 1 block
     * in 6) */
    unsigned last_start = 63 - (unsigned)__builtin_clzll(keep_low(word_starts, end_limit, bmi) | 1);
    unsigned crosses = 0u - (unsigned)((m->word << 1 >> end_limit) & 1); /* all ones or 0 */
    unsigned cut = end_limit ^ ((end_limit ^ last_start) & crosses);
    uint64_t taken = keep_low(starts, cut, bmi);
    *plan = (block_plan){limit, punct, word_starts, taken, keep_low(lasts, cut, bmi),
                         taken != starts ? cut : limit};
}

/* What comes right before each token of a block, as two masks with a bit
 * at its first byte (m[3] and m[4]: MARK_BEFORE_ODD and _LINE): white
 * space, a line break or two line breaks (an empty line), each of which
 * implies the ones before it. The line breaks in a run of white space are
 * found for all the runs at once by adding them to the run: the carry
 * leaves the run at its end, which is the next token's start. Added again
 * without the first of each run (which the first addition turned to 0),
 * they find the runs with two. */
static inline void before_masks(const block_masks *m, unsigned pending, uint64_t out[2]) {
    uint64_t gap = m->gap, lines = m->lines;
    uint64_t sum = gap + lines;
    uint64_t space = gap << 1 | (pending & POLISI__TF_SPACE_BEFORE);
    uint64_t line = sum & ~gap, para = (gap + (sum & lines)) & ~gap;
    out[0] = space ^ line ^ para; /* 1 or 3 of them */
    out[1] = line;                /* 2 or 3 */
}

/* What the token loop reads for every token, copied to the stack once a
 * call (scan_blocks_for): read from there by the stack pointer, with no
 * register of their own. With the multipliers, the window and the filter's
 * address as constants, gcc had too few registers for the loop: it rebuilt
 * both multipliers (movabs) and the window's address (lea) and reloaded
 * the filter pointer from the stack, every token; as memory operands they
 * cost no instruction. */
typedef struct token_tables {
    uint64_t mul[2]; /* hash_step's: hash_short with these gives the same hash */
    unsigned char window[32]; /* key_window */
    /* By mark (the prefilter's marks, split): a token's last 8 bytes,
     * classes (0), kind, flags and the padding (0), as one store; and its
     * wake bits. */
    uint64_t tail[POLISI__MARKS];
    uint8_t wake[POLISI__MARKS];
} token_tables;
/* A token's key_len and group (0), and its tail, are stored 8 bytes each. */
_Static_assert(offsetof(polisi__token, group) == offsetof(polisi__token, key_len) + 4 &&
                   offsetof(polisi__token, classes) == offsetof(polisi__token, group) + 4 &&
                   offsetof(polisi__token, kind) == offsetof(polisi__token, classes) + 4 &&
                   offsetof(polisi__token, flags) == offsetof(polisi__token, kind) + 1 &&
                   sizeof(polisi__token) == offsetof(polisi__token, classes) + 8,
               "a token ends with key_len, group, classes, kind, flags and 2 bytes of padding");

/* Writes the tokens of a block (plan->starts, plan->lasts) from t on, and
 * their wake bytes from wake on; returns the token after the last. keys:
 * the block's keys; marks_at: mark_bytes' output. Keys of 16 bytes or more
 * only where `long_keys` (a constant where this is inlined). */
__attribute__((always_inline)) static inline polisi__token *
take_tokens(polisi__token *t, uint8_t *wake, const char *keys, size_t base,
            const block_plan *plan, const uint8_t marks_at[128], const token_tables *tt,
            const uint64_t *filter, int long_keys) {
    const uint8_t *shape_at = marks_at, *before_at = marks_at + 64;
    /* The tokens' ends (the bytes after them: no token ends at byte 63),
     * rather than their last bytes: one addition fewer a token. */
    for (uint64_t starts = plan->starts, ends = plan->lasts << 1; starts;
         starts &= starts - 1, ends &= ends - 1) {
        size_t b = (size_t)__builtin_ctzll(starts), e = (size_t)__builtin_ctzll(ends);
        size_t len = e - b; /* < 64, 64 bits wide: the store of len_group needs no extension */
        uint32_t hash;
        if (!long_keys || len < 16) {
            /* key_window + 16 - len, from b and e: one subtraction fewer */
            __m128i key = _mm_and_si128(
                _mm_loadu_si128((const __m128i *)(const void *)(keys + b)),
                _mm_loadu_si128((const __m128i *)(const void *)(tt->window + 16 + b - e)));
            uint64_t lo = (uint64_t)_mm_cvtsi128_si64(key);
            uint64_t hi = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(key, key));
            hash = (uint32_t)((lo ^ hi * tt->mul[0]) * tt->mul[1] >> 32); /* hash_short */
        } else {
            hash = polisi__hash(keys + b, len);
        }
        unsigned mark = shape_at[e] | before_at[b]; /* e < 64 */
        /* Four plain stores: CMakeLists.txt builds this file without gcc's
         * SLP vectorizer, which assembled them in a vector register first
         * (six instructions, where the stores and the end's addition take
         * five). */
        uint32_t start = (uint32_t)(base + b);
        t->start = start;
        t->end = start + (uint32_t)len;
        t->key = start;
        t->hash = hash;
        uint64_t len_group = len; /* group 0 */
        memcpy(&t->key_len, &len_group, 8);
        memcpy(&t->classes, &tt->tail[mark], 8);
        t++;
        /* The filter's bit hash >> POLISI__FILTER_SHIFT: its word, and its
         * place in the word from the hash rotated (one rorx with BMI2, where
         * a shift would need a copy of the hash first). */
        _Static_assert(POLISI__FILTER_SHIFT == 16, "the rotation moves bit 16 to bit 0");
        uint32_t rotated = hash >> 16 | hash << 16;
        uint64_t word = filter[hash >> (POLISI__FILTER_SHIFT + 6)];
        *wake++ = (uint8_t)(tt->wake[mark] | ((word >> (rotated % 64) & 1) << 7));
    }
    return t;
}

static int scan_bytes_to(scan *sc, size_t stop);

/* Scans 64 bytes at a time from sc->pos to the end of the text: the tokens
 * that lie wholly in a block, then the next block from the end of the
 * last. A block is read with 16 bytes beyond it, so the last 80 bytes are
 * read from a copy. At a non-ASCII byte, and at a word that fills a
 * block, scan_one takes the bytes up to and with it; then blocks again, to
 * the end of the text. Returns 0, or -1 when out of memory.
 *
 * Every token, word or punctuation, takes the same branch-free steps: a
 * punctuation byte is a "word" of no word bytes, made one byte long; its
 * key (the byte, which lower-casing leaves alone) and hash come out of the
 * same vector steps. */
__attribute__((always_inline)) static inline int scan_blocks_for(scan *sc, int avx2) {
    polisi__doc *doc = sc->doc;
    size_t base = sc->pos;
    unsigned newlines = (unsigned)sc->newlines, pending = sc->pending;
    const uint64_t *filter = sc->pf->filter;
    token_tables tt; /* every byte written below: no memset */
    tt.mul[0] = HASH_MUL_HI;
    tt.mul[1] = HASH_MUL;
    memcpy(tt.window, key_window, sizeof tt.window);
    for (unsigned i = 0; i < POLISI__MARKS; i++) {
        uint32_t v = sc->pf->marks[i];
        tt.tail[i] = (uint64_t)(uint16_t)v << 32; /* kind, flags (little-endian) */
        tt.wake[i] = (uint8_t)(v >> 16);
    }
    __asm__("" : "+m"(tt)); /* unknown to the compiler: read from memory (token_tables) */
    unsigned char last[64 + 16]; /* the text's last bytes, then NULs */
    /* The blocks from here on are read from `last`: one compare a block
     * finds both them and the end of the text. */
    const size_t copy_from = sc->len < sizeof last ? 0 : sc->len - sizeof last + 1;
    for (;;) {
        const unsigned char *p = sc->s + base;
        if (base >= copy_from) {
            if (base >= sc->len)
                break;
            /* A block reads 80 bytes; the last ones are copied, and the NULs
             * after them read as the white space after the text. */
            memset(last, 0, sizeof last);
            memcpy(last, p, sc->len - base);
            p = last;
        }
        if (tokens_reserve(doc, 64))
            return -1;
        block_masks m;
        classify_block(avx2, p, &m, doc->keys + base);
        block_plan plan;
        plan_block(&m, &plan, avx2);
        /* Each token's mark laid out as bytes: its shape at the byte after
         * it, what came before it at its first byte. */
        word_ends ends = shape_at_ends(&m, plan.word_starts, plan.punct);
        uint64_t mark_masks[5] = {ends.cap, ends.no_lower, ends.no_upper};
        before_masks(&m, pending, mark_masks + 3);
        uint8_t marks_at[128], *before_at = marks_at + 64;
        mark_bytes(avx2, mark_masks, marks_at);
        if (newlines && plan.starts) { /* line breaks before the block count for its first token */
            unsigned b = (unsigned)__builtin_ctzll(plan.starts);
            newlines += count_bits(keep_low(m.lines, b, avx2));
            before_at[b] = (uint8_t)(newlines > 1 ? MARK_BEFORE_ODD | MARK_BEFORE_LINE
                                                  : MARK_BEFORE_LINE);
        }
        polisi__token *t0 = doc->toks + doc->ntoks, *t = t0;
        /* In locals: the stores of bytes below may alias anything in memory */
        uint8_t *wake = doc->wake + doc->ntoks;
        const char *keys = doc->keys + base; /* the block's keys: its bytes lowered */
        /* A block with a run of 16 word bytes or more (rare) takes the copy
         * of the token loop that hashes a long key with polisi__hash: the
         * common one then has no branch on the length and no call, whose
         * registers it would save around it. The runs are found by
         * rotations (rorx with BMI2: no copy before each shift), of the word
         * bytes without byte 63: a run then cannot wrap around, and one
         * that reaches byte 63 is no token of this block (the cut). */
        uint64_t run = m.word & ~((uint64_t)1 << 63);
        run &= rotate_right(run, 1);
        run &= rotate_right(run, 2);
        run &= rotate_right(run, 4);
        if (__builtin_expect((run & rotate_right(run, 8)) != 0, 0))
            t = take_tokens(t, wake, keys, base, &plan, marks_at, &tt, filter, 1);
        else
            t = take_tokens(t, wake, keys, base, &plan, marks_at, &tt, filter, 0);
        /* the white space after the last token comes before the next one */
        unsigned end = plan.end;
        if (plan.lasts) {
            unsigned done = 64 - (unsigned)__builtin_clzll(plan.lasts); /* the last token's end */
            /* the line breaks from the last token's end (done < 64) to `end` */
            newlines = count_bits(keep_low(m.lines, end, avx2) & ~(uint64_t)0 << done);
            pending = end > done ? POLISI__TF_SPACE_BEFORE : 0;
        } else {
            newlines += count_bits(keep_low(m.lines, end, avx2));
            if (end > 0)
                pending = POLISI__TF_SPACE_BEFORE;
        }
        doc->ntoks += (size_t)(t - t0); /* a popcount: doc->toks is not read again */
        if (end == 0 || plan.limit < 64) {
            /* scan_one's turn: the word or the byte, then blocks again,
             * here rather than after a return: the tables above are made
             * once a document, not once a non-ASCII character */
            size_t stop = base + (plan.limit < 64 ? plan.limit : 0);
            sc->pending = pending;
            sc->newlines = (int)newlines;
            sc->pos = base + end; /* <= stop: at a block's first byte or before its limit */
            if (scan_bytes_to(sc, stop))
                return -1;
            base = sc->pos;
            pending = sc->pending;
            newlines = (unsigned)sc->newlines;
            continue;
        }
        base += end;
    }
    if (base > sc->len) /* the NULs after the text were taken for white space */
        base = sc->len;
    sc->pending = pending;
    sc->newlines = (int)newlines;
    sc->pos = base;
    return 0;
}

/* scan_blocks_for twice: for any x86-64 (SSE2), and for CPUs with AVX2 and
 * BMI2, whose three-operand shifts and bit instructions the per-token steps
 * need fewer registers with (checked at run time: scan.avx2). */
static int scan_blocks(scan *sc) { return scan_blocks_for(sc, 0); }
#if POLISI__AVX2
__attribute__((target("avx2,bmi,bmi2,popcnt"))) static int scan_blocks_avx2(scan *sc) {
    return scan_blocks_for(sc, 1);
}
#endif
#endif

/* The common word, all ASCII letters and digits and followed by ASCII (or
 * the end): copied, hashed and classified, its token written once.
 * Anything else goes to scan_word, which starts over. */
static int scan_ascii_word(scan *sc) {
    polisi__doc *doc = sc->doc;
    const unsigned char *s = sc->s;
    size_t start = sc->pos, len = sc->len;
    if (tokens_reserve(doc, 1))
        return -1;
    /* The keys get room for what is written, not for all the text left:
     * that moved them out of the document's first block (a malloc, a copy
     * and a free) for most texts with a non-ASCII byte before their last
     * eighth. */
    ascii_word w;
    int got = 0;
#if defined(__SSE2__)
    /* 16 bytes are read and written: only where the text has them */
    if (len - start >= 16) {
        if (keys_reserve(doc, 16))
            return -1;
        got = read_word16(s + start, doc->keys + doc->keys_len, &w);
    }
#endif
    if (!got) { /* near the text's end, or a word of 16 bytes or more */
        size_t n = word_run(s + start, len - start);
        if (keys_reserve(doc, n))
            return -1;
        read_word(s + start, n, doc->keys + doc->keys_len, &w);
    }
    size_t pos = start + w.end;
    if (pos < len && s[pos] >= 0x80)
        return scan_word(sc); /* the word may go on: nothing is kept yet */
    unsigned seen = w.seen;
    unsigned flags = sc->pending;
    if (sc->newlines > 0)
        flags |= POLISI__TF_LINE_BEFORE;
    if (sc->newlines > 1)
        flags |= POLISI__TF_PARA_BEFORE;
    if (seen) {
        if (w.first_upper == 1)
            flags |= POLISI__TF_CAP;
        if (seen == LETTER_UPPER)
            flags |= POLISI__TF_UPPER;
        else if (seen == LETTER_LOWER)
            flags |= POLISI__TF_LOWER;
    }
    polisi__token *t = new_token(doc);
    t->start = (uint32_t)start;
    t->end = (uint32_t)pos;
    t->key = (uint32_t)doc->keys_len;
    t->key_len = (uint32_t)w.end;
    t->hash = w.hash;
    t->group = 0;
    t->classes = 0;
    t->kind = seen ? POLISI__TOK_WORD : POLISI__TOK_NUMBER;
    t->flags = (uint8_t)flags;
    token_wake(sc, t);
    doc->keys_len += w.end;
    sc->pending = 0;
    sc->newlines = 0;
    if (pos < len && s[pos] == ' ') { /* the usual space after a word, as scan_one does */
        sc->pending = POLISI__TF_SPACE_BEFORE;
        pos++;
    }
    sc->pos = pos;
    return 0;
}

/* One ASCII punctuation (or control) byte: its own key. */
static inline int scan_ascii_punct(scan *sc, unsigned char c) {
    polisi__doc *doc = sc->doc;
    polisi__token *t = push_token(sc, sc->pos, POLISI__TOK_PUNCT);
    if (!t || keys_reserve(doc, 1))
        return -1;
    doc->keys[doc->keys_len++] = (char)c;
    t->end = (uint32_t)++sc->pos;
    t->key_len = 1;
    t->hash = hash_short(c, 0);
    token_wake(sc, t);
    return 0;
}

/* One punctuation code point of n bytes; its key is lumped ("’" -> "'"). */
static int scan_punct(scan *sc, utf8proc_int32_t cp, int n) {
    polisi__token *t = push_token(sc, sc->pos, POLISI__TOK_PUNCT);
    if (!t)
        return -1;
    if (cp < 0x80) {
        if (keys_reserve(sc->doc, 1))
            return -1;
        sc->doc->keys[sc->doc->keys_len++] = (char)cp;
    } else if (fold_cp(sc->doc, cp)) {
        return -1;
    }
    t = &sc->doc->toks[sc->doc->ntoks - 1];
    sc->pos += (size_t)n;
    t->end = (uint32_t)sc->pos;
    finish_key(sc->doc, t);
    token_wake(sc, t);
    return 0;
}

/* A run of bytes that are not UTF-8; its key is U+FFFD. */
static int scan_invalid(scan *sc) {
    polisi__token *t = push_token(sc, sc->pos, POLISI__TOK_INVALID);
    if (!t)
        return -1;
    utf8proc_int32_t cp;
    do
        sc->pos++;
    while (sc->pos < sc->len && sc->s[sc->pos] >= 0x80 && decode(sc, &cp) < 0);
    if (keys_reserve(sc->doc, 3))
        return -1;
    memcpy(sc->doc->keys + sc->doc->keys_len, "\xEF\xBF\xBD", 3);
    sc->doc->keys_len += 3;
    t = &sc->doc->toks[sc->doc->ntoks - 1];
    t->end = (uint32_t)sc->pos;
    finish_key(sc->doc, t);
    token_wake(sc, t);
    return 0;
}

static void space(scan *sc, int newline) {
    sc->pending |= POLISI__TF_SPACE_BEFORE;
    sc->newlines += newline;
}

/* Handles the non-ASCII code point at sc->pos. */
static int scan_high(scan *sc) {
    utf8proc_int32_t cp;
    int n = decode(sc, &cp);
    if (n < 0)
        return scan_invalid(sc);
    switch (unicode_role(cp)) {
    case U_SPACE: space(sc, 0); break;
    case U_LINE: space(sc, 1); break;
    case U_PUNCT: return scan_punct(sc, cp, n);
    default: return scan_word(sc);
    }
    sc->pos += (size_t)n;
    return 0;
}

static int scan_one(scan *sc) {
    unsigned char c = sc->s[sc->pos];
    switch (byte_class(c)) {
    case C_SPACE: space(sc, 0); sc->pos++; return 0;
    case C_NEWLINE: space(sc, 1); sc->pos++; return 0;
    case C_CR: /* CRLF is one line break */
        space(sc, !(sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == '\n'));
        sc->pos++;
        return 0;
    case C_UPPER:
    case C_LOWER:
    case C_DIGIT: return scan_ascii_word(sc);
    case C_HIGH: return scan_high(sc);
    default: return scan_ascii_punct(sc, c);
    }
}

/* scan_one from sc->pos up to and with the byte at stop (and not past the
 * text). A call of its own: the block loop that calls it keeps its
 * registers. */
__attribute__((noinline)) static int scan_bytes_to(scan *sc, size_t stop) {
    while (sc->pos <= stop && sc->pos < sc->len)
        if (scan_one(sc))
            return -1;
    return 0;
}

/* How scan_text goes: a byte at a time, or 64 bytes at a time where it can
 * (their masks with AVX2 where the CPU has it, or not). */
enum { PATH_BYTES, PATH_BLOCKS_SSE2, PATH_BLOCKS_BEST };

static int cpu_has_avx2(void) {
#if POLISI__AVX2
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi2") &&
           __builtin_cpu_supports("popcnt");
#else
    return 0;
#endif
}

/* A new document's arrays in one allocation: ntoks tokens, their wake
 * bytes, nkeys key bytes. -1 without memory. */
static int first_block(polisi__doc *doc, size_t ntoks, size_t nkeys) {
    size_t toks_size = ntoks * sizeof *doc->toks;
    size_t wake_size = (ntoks + POLISI__WAKE_SLACK + 15) & ~(size_t)15;
    char *block = polisi__malloc(doc->alloc, toks_size + wake_size + nkeys);
    if (!block)
        return -1;
    doc->block = block;
    doc->toks = (polisi__token *)(void *)block;
    doc->cap = ntoks;
    doc->wake = (uint8_t *)block + toks_size;
    doc->wake_cap = wake_size;
    doc->keys = block + toks_size + wake_size;
    doc->keys_cap = nkeys;
    doc->in_block = IN_BLOCK_TOKS | IN_BLOCK_WAKE | IN_BLOCK_KEYS;
    return 0;
}

static polisi_status scan_text(polisi__doc *doc, const char *text, size_t len,
                               const polisi_allocator *alloc, int path,
                               const polisi__prefilter *pf) {
    /* Most news runs about one token per six bytes; reserve that up front,
     * and the room scan_blocks asks for (64 tokens) beyond it, all in one
     * allocation for a new document. The keys of the tokens scanned 64
     * bytes at a time are the text lower-cased in place, 64 bytes a block:
     * keys[0, len + 64); the others' follow. */
    size_t ntoks = len / 5 + 16 + 64, nkeys = len + 64 + len / 8 + 64 + KEY_SLACK;
    /* Buffers of an earlier scan too small for this one (a reused result,
     * polisi_extract_into) are given back for one new block: growing each
     * array out of the old block would keep the block and the arrays. */
    if (doc->block && (doc->cap < ntoks || doc->keys_cap < nkeys))
        polisi__doc_free(doc);
    doc->text = text;
    doc->len = len;
    doc->alloc = alloc;
    doc->classified = 0;
    doc->wake_kinds = pf->kind_flag_wake != no_kind_flag_wake;
    if (!doc->toks && !doc->wake && !doc->keys && len < SIZE_MAX / 16) {
        if (first_block(doc, ntoks, nkeys)) /* the room, all of it */
            return POLISI_ERR_NOMEM;
    } else if (tokens_reserve(doc, ntoks) || keys_reserve(doc, nkeys - KEY_SLACK)) {
        return POLISI_ERR_NOMEM;
    }
    doc->keys_len = len + 64;
    scan sc = {doc, pf, (const unsigned char *)text, len, 0, 0, 0,
               path == PATH_BLOCKS_BEST && cpu_has_avx2()};
#if defined(__SSE2__)
    if (path != PATH_BYTES) { /* the whole text: blocks, and scan_one where they stop */
#if POLISI__AVX2
        int st = sc.avx2 ? scan_blocks_avx2(&sc) : scan_blocks(&sc);
#else
        int st = scan_blocks(&sc);
#endif
        if (st)
            return POLISI_ERR_NOMEM;
    }
#endif
    /* a byte at a time: the whole text (PATH_BYTES), or nothing (the
     * blocks took it to its end: no call, which a short text notices) */
    if (sc.pos < len && scan_bytes_to(&sc, len))
        return POLISI_ERR_NOMEM;
    if (keys_reserve(doc, KEY_SLACK))
        return POLISI_ERR_NOMEM;
    memset(doc->keys + doc->keys_len, 0, KEY_SLACK);
    return POLISI_OK;
}

/* The prefilter of polisi__scan: every token is a candidate, whatever its
 * hash, kind and flags; classify does it all. */
static const uint64_t no_filter[POLISI__FILTER_WORDS];
static const polisi__prefilter pass_all = {no_filter, candidate_marks, no_kind_flag_wake};

polisi_status polisi__scan(polisi__doc *doc, const char *text, size_t len,
                           const polisi_allocator *alloc) {
    return scan_text(doc, text, len, alloc, PATH_BLOCKS_BEST, &pass_all);
}

polisi_status polisi__scan_prefiltered(polisi__doc *doc, const char *text, size_t len,
                                       const polisi_allocator *alloc,
                                       const polisi__prefilter *pf) {
    return scan_text(doc, text, len, alloc, PATH_BLOCKS_BEST, pf);
}

polisi_status polisi__scan_bytewise(polisi__doc *doc, const char *text, size_t len,
                                    const polisi_allocator *alloc) {
    return scan_text(doc, text, len, alloc, PATH_BYTES, &pass_all);
}

polisi_status polisi__scan_sse2(polisi__doc *doc, const char *text, size_t len,
                                const polisi_allocator *alloc) {
    return scan_text(doc, text, len, alloc, PATH_BLOCKS_SSE2, &pass_all);
}

void polisi__doc_guard_spare(polisi__doc *doc) {
    /* Poisoned rather than given back: a realloc per call cost more than
     * the rest of the call's allocations together. */
    POLISI__ASAN_POISON(doc->toks + doc->ntoks, (doc->cap - doc->ntoks) * sizeof *doc->toks);
}

void polisi__doc_free(polisi__doc *doc) {
    POLISI__ASAN_UNPOISON(doc->toks, doc->cap * sizeof *doc->toks);
    if (!(doc->in_block & IN_BLOCK_WAKE))
        polisi__free(doc->alloc, doc->wake);
    if (!(doc->in_block & IN_BLOCK_TOKS))
        polisi__free(doc->alloc, doc->toks);
    if (!(doc->in_block & IN_BLOCK_KEYS))
        polisi__free(doc->alloc, doc->keys);
    polisi__free(doc->alloc, doc->block);
    memset(doc, 0, sizeof *doc);
}

void polisi__doc_reuse(polisi__doc *doc) {
    POLISI__ASAN_UNPOISON(doc->toks, doc->cap * sizeof *doc->toks);
    doc->text = NULL;
    doc->len = doc->ntoks = doc->keys_len = 0;
}

/* Both tests below take any i: past the last token they are false, so a
 * recognizer looking ahead ("is the token after next 'khusus'?") never
 * reads past the array (the fuzzer found "Ka" at the end of a text doing
 * that in positions.c). */
int polisi__tok_in(const polisi__doc *doc, size_t i, const char *const *list, size_t n) {
    if (i >= doc->ntoks || doc->toks[i].key_len == 0)
        return 0;
    char c = polisi__tok_key(doc, i)[0]; /* most words fail on the first byte */
    for (size_t k = 0; k < n; k++)
        if (list[k][0] == c && polisi__tok_is(doc, i, list[k]))
            return 1;
    return 0;
}

int polisi__title_case_line(const polisi__doc *doc, size_t i, size_t min_words) {
    /* Only this many tokens on each side are read: a headline is shorter,
     * and reading a whole line per candidate made a long line quadratic.
     * It stops as soon as the lower-case words seen are too many for the
     * tokens still unread to make up: the line needs caps * 10 >= words *
     * 9, that is words >= 10 * lower. A line of prose, nearly every line
     * asked about, then costs a few dozen tokens. */
    const size_t window = 64;
    const polisi__token *toks = doc->toks;
    size_t right_end = doc->ntoks - i > window ? i + window : doc->ntoks; /* exclusive */
    size_t left_end = i > window ? i - window : 0;                          /* inclusive */
    size_t unread = (right_end - i - 1) + (i - left_end + 1), words = 0, lower = 0;
#define COUNT(t)                                                                             \
    do {                                                                                     \
        if ((t)->kind == POLISI__TOK_WORD && (t)->end - (t)->start >= 4) {                   \
            words++;                                                                         \
            lower += !((t)->flags & (POLISI__TF_CAP | POLISI__TF_UPPER));                    \
        }                                                                                    \
    } while (0)
    for (size_t k = i + 1; k < right_end; k++) {
        if (toks[k].flags & POLISI__TF_LINE_BEFORE) {
            unread -= right_end - k;
            break;
        }
        unread--;
        COUNT(&toks[k]);
        if (lower * 10 > words + unread)
            return 0;
    }
    for (size_t k = i;; k--) {
        unread--;
        COUNT(&toks[k]);
        if (lower * 10 > words + unread)
            return 0;
        if (k == left_end || (toks[k].flags & POLISI__TF_LINE_BEFORE))
            break;
    }
#undef COUNT
    return words >= min_words && words >= 10 * lower;
}
