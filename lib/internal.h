/*
 * internal.h: what the files of lib/ share. Nothing here is public.
 *
 * The pipeline (DESIGN.md): scan -> recognize -> resolve -> assemble -> emit.
 * A call of polisi_extract() owns one polisi__doc (tokens of the text) and
 * one polisi_result (the entities, their strings in an arena). Recognizers
 * read tokens and append entities; extract.c sorts and settles overlaps.
 */
#ifndef POLISI_INTERNAL_H
#define POLISI_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "polisi.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* ---- allocation (alloc.c) ---------------------------------------------- */

void *polisi__malloc(const polisi_allocator *a, size_t size);
void *polisi__realloc(const polisi_allocator *a, void *ptr, size_t size);
void polisi__free(const polisi_allocator *a, void *ptr);

/* Grows *items (of `item_size` bytes each) so it holds at least `need`;
 * doubles the capacity. Returns 0, or -1 when allocation fails (the array
 * is then unchanged). */
int polisi__grow(const polisi_allocator *a, void **items, size_t *cap, size_t need,
                 size_t item_size);
/* The same for an array that may lie in memory it does not own
 * (`borrowed`: part of a larger allocation): growing it then moves it to an
 * allocation of its own, with its *cap items copied. */
int polisi__grow_out(const polisi_allocator *a, void **items, size_t *cap, size_t need,
                     size_t item_size, int borrowed);

/* A bump allocator for the strings and small arrays of one result, freed
 * all at once. Blocks come from the allocator. */
typedef struct polisi__arena_block polisi__arena_block;
typedef struct polisi__arena {
    const polisi_allocator *alloc;
    polisi__arena_block *head;
    size_t used, size; /* of the head block */
    polisi__arena_block *borrowed; /* the first block, not the arena's to free */
    size_t spilled; /* bytes in the blocks it allocated (not the borrowed one) */
} polisi__arena;

void polisi__arena_init(polisi__arena *arena, const polisi_allocator *alloc);
/* The same, with `size` bytes at `buf` (aligned like malloc's) as the first
 * block, so that a small result needs no allocation of its own for its
 * strings. The caller owns buf; polisi__arena_free leaves it alone. */
void polisi__arena_init_buffer(polisi__arena *arena, const polisi_allocator *alloc, void *buf,
                               size_t size);
void *polisi__arena_alloc(polisi__arena *arena, size_t size);
/* Copies len bytes and adds a NUL. */
char *polisi__arena_strndup(polisi__arena *arena, const char *s, size_t len);
void polisi__arena_free(polisi__arena *arena);

/* ---- options (options.c) ----------------------------------------------- */

struct polisi_options {
    unsigned types;
    size_t max_input;
    size_t max_entities;
    polisi_allocator alloc;
};

struct polisi_call_options {
    const polisi_allocator *alloc; /* the extractor's, for _free */
    unsigned types;                /* 0 = the extractor's */
    int has_ref_date;
    int ref_year, ref_month, ref_day;
};

void polisi__options_defaults(polisi_options *options);
/* 1 when y-m-d is a real day of the Gregorian calendar (years 1..9999). */
int polisi__valid_date(int year, int month, int day);

/* ---- scanner (scanner.c) ----------------------------------------------- */

typedef enum polisi__tok_kind {
    POLISI__TOK_WORD = 1, /* letters, marks and digits, at least one letter */
    POLISI__TOK_NUMBER,   /* ASCII digits only */
    POLISI__TOK_PUNCT,    /* one punctuation or symbol code point */
    POLISI__TOK_INVALID   /* a run of bytes that are not UTF-8: a separator */
} polisi__tok_kind;

/* Token flags. */
enum {
    POLISI__TF_SPACE_BEFORE = 1u << 0, /* white space (or NUL) right before it */
    POLISI__TF_LINE_BEFORE = 1u << 1,  /* a line break between it and the token before */
    POLISI__TF_CAP = 1u << 2,          /* a word whose first letter is upper case */
    POLISI__TF_UPPER = 1u << 3,        /* a word with no lower-case letter (ALL CAPS) */
    POLISI__TF_LOWER = 1u << 4,        /* a word with no upper-case letter */
    POLISI__TF_PARA_BEFORE = 1u << 5   /* an empty line between it and the token before */
};

/* One token. Offsets are byte offsets into the text; the key is the token
 * case-folded and compatibility-decomposed, without combining marks, so
 * "KOMBES", "Kombes" and "ｋｏｍｂｅｓ" share the key "kombes". Curly quotes
 * and apostrophes fold to "'", typographic dashes to "-". */
typedef struct polisi__token {
    uint32_t start, end;
    uint32_t key;     /* offset of the key in doc->keys */
    uint32_t hash;    /* of the key */
    uint32_t key_len;
    /* Set by polisi__lexicon_classify: the lexicon's phrases that start with
     * this token's key (their group's number; 0, a group of none, when
     * none) and their classes, one bit
     * per polisi__lex_class. A recognizer skips a token that starts nothing
     * it reads with one bit test instead of a hash probe per question. */
    uint32_t group;
    uint32_t classes;
    uint8_t kind;
    uint8_t flags;
} polisi__token;

typedef struct polisi__doc {
    const char *text;
    size_t len;
    polisi__token *toks;
    size_t ntoks, cap;
    char *keys;
    size_t keys_len, keys_cap;
    const polisi_allocator *alloc;
    int classified; /* polisi__lexicon_classify has run on these tokens */
    /* The scan wrote every token's wake bits by kind and flags (it had a
     * lexicon's prefilter, and that lexicon classifies the doc): classify
     * keeps them rather than looking them up again per candidate. 0 after
     * polisi__scan. */
    int wake_kinds;
    /* Per token, a bit for each recognizer that may start there
     * (POLISI__WAKE_*), one byte a token so that a recognizer skips 64
     * tokens a step (polisi__next_wake). Written by the scan (see
     * polisi__prefilter), completed by polisi__lexicon_classify. cap +
     * POLISI__WAKE_SLACK bytes; the POLISI__WAKE_SLACK after the last token
     * are zero once classified. */
    uint8_t *wake;
    size_t wake_cap;
    /* The first scan allocates toks, wake and keys as one block; an array
     * that outgrows it moves to an allocation of its own (in_block loses
     * its bit: scanner.c's IN_BLOCK_*). */
    void *block;
    unsigned in_block;
} polisi__doc;

/* Readable bytes after the last key of a document or of the lexicon (zeros),
 * so that keys are compared 16 bytes at a time. */
#define KEY_SLACK 16

/* What the scanner needs of the lexicon to do most of
 * polisi__lexicon_classify's work while a token's hash is in a register:
 * a bit filter of the hashes of the lexicon's first words, and the wake
 * bits that a token's kind and flags give (as marks). The scanner writes
 * every token's wake byte from these, with POLISI__WAKE_CANDIDATE when the
 * filter lets its hash through; classify then looks up only the candidates
 * (about one token in five) in the table. */
#define POLISI__FILTER_BITS 16
#define POLISI__FILTER_SHIFT (32 - POLISI__FILTER_BITS)
#define POLISI__FILTER_WORDS ((1u << POLISI__FILTER_BITS) / 64)
typedef struct polisi__prefilter {
    const uint64_t *filter; /* bit hash >> POLISI__FILTER_SHIFT, of FILTER_WORDS words */
    /* The scanner's 64-byte path knows a token's kind and flags by a
     * 5-bit mark (scanner.c): what each mark gives, as kind | flags << 8 |
     * wake bits << 16 (polisi__prefilter_marks). */
    const uint32_t *marks;
    /* The wake bits by kind and flags, [kind << 6 | flags], for the tokens
     * scanned a byte at a time. polisi__scan's are zeros: classify adds
     * them (polisi__doc's wake_kinds). */
    const uint8_t *kind_flag_wake;
} polisi__prefilter;
#define POLISI__MARKS 32

/* The marks of a prefilter from the wake bits by token kind and flags,
 * [kind << 6 | flags] (kind < 8, flags < 64): after every change to them. */
void polisi__prefilter_marks(const uint8_t *wake, uint32_t marks[POLISI__MARKS]);

/* In a token's wake byte after the scan: the token may start a phrase of
 * the lexicon; classify looks it up and clears the bit. */
#define POLISI__WAKE_CANDIDATE 0x80u
/* The wake bytes after the last token that classify reads (64 at a time). */
#define POLISI__WAKE_SLACK 80

/* Tokenizes text[0, len) into doc, which must be zeroed or hold the buffers
 * of an earlier scan with ntoks and keys_len set to 0. One pass, never
 * fails on any byte sequence; returns POLISI_OK or POLISI_ERR_NOMEM.
 * Every token is a candidate for classify (the lexicon scans its phrases
 * this way). */
polisi_status polisi__scan(polisi__doc *doc, const char *text, size_t len,
                           const polisi_allocator *alloc);
/* The same, with the tokens' wake bytes prefiltered for the lexicon of pf
 * (polisi__lexicon_prefilter). */
polisi_status polisi__scan_prefiltered(polisi__doc *doc, const char *text, size_t len,
                                       const polisi_allocator *alloc,
                                       const polisi__prefilter *pf);
/* The same tokens by the byte-at-a-time path alone (polisi__scan takes 64
 * bytes at a time where it can, and reads their classes with AVX2 where the
 * CPU has it), and without AVX2: for the tests that the paths agree. */
polisi_status polisi__scan_bytewise(polisi__doc *doc, const char *text, size_t len,
                                    const polisi_allocator *alloc);
polisi_status polisi__scan_sse2(polisi__doc *doc, const char *text, size_t len,
                                const polisi_allocator *alloc);
void polisi__doc_free(polisi__doc *doc);
/* Empties doc for another scan, keeping its buffers. */
void polisi__doc_reuse(polisi__doc *doc);
/* Marks the spare capacity after the last token unreadable for
 * AddressSanitizer, so that a recognizer reading past the last token is
 * reported (valgrind reports it too: that memory was never written). */
void polisi__doc_guard_spare(polisi__doc *doc);

#if defined(__SANITIZE_ADDRESS__)
#define POLISI__ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POLISI__ASAN 1
#endif
#endif
#ifdef POLISI__ASAN
#include <sanitizer/asan_interface.h>
#define POLISI__ASAN_POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define POLISI__ASAN_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POLISI__ASAN_POISON(p, n) ((void)(p), (void)(n))
#define POLISI__ASAN_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

/* The key of token i, not NUL-terminated. */
static inline const char *polisi__tok_key(const polisi__doc *doc, size_t i) {
    return doc->keys + doc->toks[i].key;
}
/* 1 when token i's key is exactly the NUL-terminated string s (0 when
 * i >= doc->ntoks, so look-ahead needs no bounds check). */
static inline int polisi__tok_is(const polisi__doc *doc, size_t i, const char *s) {
    if (i >= doc->ntoks)
        return 0;
    const polisi__token *t = &doc->toks[i];
    /* Inlined, strlen of a literal is a constant: most tests end at the
     * length, the rest at the first byte. */
    size_t n = strlen(s);
    return t->key_len == n && (n == 0 || (doc->keys[t->key] == s[0] &&
                                          memcmp(doc->keys + t->key, s, n) == 0));
}
/* 1 when token i is the punctuation character c (ASCII); 0 past the end. */
static inline int polisi__tok_punct(const polisi__doc *doc, size_t i, char c) {
    if (i >= doc->ntoks)
        return 0;
    const polisi__token *t = &doc->toks[i];
    return t->kind == POLISI__TOK_PUNCT && t->key_len == 1 && doc->keys[t->key] == c;
}
/* 1 when token i's key is one of the n NUL-terminated words of list (0
 * past the end). */
int polisi__tok_in(const polisi__doc *doc, size_t i, const char *const *list, size_t n);

/* Token i stands in a headline in Title Case ("Prabowo Peringatkan Jenderal
 * Terlibat Tambang Ilegal"), where a capital is no sign of a name: nearly
 * all words of four letters or more around it on its line are capitalized,
 * and there are at least min_words of them. */
int polisi__title_case_line(const polisi__doc *doc, size_t i, size_t min_words);

/* The hash of keys. Its high bits are the well mixed ones: take a table
 * index or a filter bit from the top (hash >> (32 - bits)). */
uint32_t polisi__hash(const char *s, size_t len);

/* ---- lexicon (lexicon.c) ----------------------------------------------- */

/* One hashed table of phrases (sequences of token keys), built once at
 * extractor creation and read by every recognizer: the longest phrase of a
 * class that starts at a token is found with one hash probe. */
typedef enum polisi__lex_class {
    POLISI__LEX_RANK = 1,
    POLISI__LEX_RANK_SUFFIX, /* "pol", "tni", "purn", corps words */
    POLISI__LEX_TITLE,       /* titles.c: every written shape of a known title */
    POLISI__LEX_DATEWORD,    /* day and month names, relative days, clock words (dates.def) */
    POLISI__LEX_DAYPART,     /* "pagi", "dini hari", "malam" (dates.def) */
    POLISI__LEX_UNIT,        /* units.def: level words (Polres, Kepolisian Resor), Polri, Mabes */
    POLISI__LEX_SATKER,      /* units.def: functional units (Satreskrim, Bidang Humas) */
    POLISI__LEX_PROVINCE,    /* units.def: provinces and their short forms, for Polda */
    POLISI__LEX_POSITION,    /* positions.def: whole posts (Kapolres, Kasatreskrim, Dandim) */
    POLISI__LEX_POS_HEAD,    /* positions.def: heads of a post (Kasat, Kepala Bidang, Dir) */
    POLISI__LEX_POS_FUNC,    /* units.def: what a head heads (Reskrim, Humas, Lalu Lintas) */
    POLISI__LEX_ACTING,      /* positions.def: Plt, Plh, PS., Pelaksana Tugas */
    /* Cues: words a recognizer looks for that are no phrase of the classes
     * above ("mako", "pukul", "pada"). Registered so that a token that is no
     * cue and starts no phrase is skipped with one bit test. */
    POLISI__LEX_CUE_RANK,
    POLISI__LEX_CUE_TITLE,
    POLISI__LEX_CUE_UNIT,
    POLISI__LEX_CUE_POSITION,
    POLISI__LEX_CUE_DATE,
    POLISI__LEX_CUE_TIME,
    POLISI__LEX_CUE_PERSON,
    /* dates.c: a CUE_DATE word that may be a date with nothing after it
     * (a weekday, a month name, "kemarin"); the others need a number, a
     * date word or punctuation after them, which one look tells. */
    POLISI__LEX_CUE_DATE_FREE,
    /* dates.c: the first word of what may follow a number in a date
     * ("hari", a month, a range word): the numbers that wake dates are
     * told from the token after them with one bit test. */
    POLISI__LEX_CUE_DATE_AFTER_NUM,
    POLISI__LEX_CLASS_MAX = 31
} polisi__lex_class;

typedef struct polisi__lex_entry {
    uint32_t first;   /* index of the first word key in the lexicon's key table */
    uint16_t ntoks;   /* tokens in the phrase */
    uint8_t cls;      /* polisi__lex_class */
    uint8_t flags;    /* class-specific */
    uint32_t value;   /* class-specific, e.g. an index into a table */
    uint32_t second;  /* the hash of the second word (0: one word), tested first */
} polisi__lex_entry;

typedef struct polisi__lexicon polisi__lexicon;

polisi_status polisi__lexicon_new(const polisi_allocator *alloc, polisi__lexicon **out);
/* Adds a phrase: words separated by spaces, tokenized like text (so "S.H."
 * is four tokens). Case and accents do not matter. */
polisi_status polisi__lexicon_add(polisi__lexicon *lex, const char *phrase, polisi__lex_class cls,
                                  uint32_t value, uint8_t flags);
/* A list of words, for polisi__lexicon_add_words. */
typedef struct polisi__word_list {
    const char *const *words;
    size_t n;
} polisi__word_list;
#define POLISI__WORD_LIST(array) {array, sizeof array / sizeof array[0]}
/* Adds every word of the n lists as a phrase of class cls (value and
 * flags 0): the cue words a recognizer reads around what it finds. */
polisi_status polisi__lexicon_add_words(polisi__lexicon *lex, const polisi__word_list *lists,
                                        size_t n, polisi__lex_class cls);
/* The most tokens of a phrase of class cls added so far. */
size_t polisi__lexicon_longest(const polisi__lexicon *lex, polisi__lex_class cls);
/* Makes the table ready for lookups; no add after this. */
polisi_status polisi__lexicon_freeze(polisi__lexicon *lex);
void polisi__lexicon_free(polisi__lexicon *lex);

/* What wakes a recognizer: a token that starts a phrase of one of
 * `classes`, is of a kind in `kinds` (bit POLISI__TOK_*), or has one of
 * `flags`, which may be POLISI__TF_CAP, _UPPER and _LOWER only (the
 * scanner takes a token's wake bits from its kind and case alone). A
 * superset of where the recognizer can start; it makes its own finer tests
 * at the tokens it is woken at. */
typedef struct polisi__wake_rule {
    uint32_t classes;
    uint8_t kinds;
    uint8_t flags;
} polisi__wake_rule;

/* The wake bits, one per recognizer of phase 1. */
enum {
    POLISI__WAKE_RANK = 1u << 0,
    POLISI__WAKE_DATE = 1u << 1,
    POLISI__WAKE_TIME = 1u << 2,
    POLISI__WAKE_TITLE = 1u << 3,
    POLISI__WAKE_UNIT = 1u << 4,
    POLISI__WAKE_POSITION = 1u << 5
};

/* Sets the rules of wake bits 0..n-1 (n <= 7: bit 7 is
 * POLISI__WAKE_CANDIDATE), after freezing. */
void polisi__lexicon_set_wake(polisi__lexicon *lex, const polisi__wake_rule *rules, size_t n);

/* The prefilter for scanning text to be classified with lex (frozen, wake
 * rules set); it lives as long as lex. */
const polisi__prefilter *polisi__lexicon_prefilter(const polisi__lexicon *lex);

/* Sets the group, classes and wake bits of every token the scan left a
 * candidate (POLISI__WAKE_CANDIDATE): one hash probe each, once per
 * document, so that polisi__lexicon_match, polisi__tok_classes and
 * polisi__next_wake are a bit test for the tokens that start nothing
 * (nearly all). Scanned with polisi__scan, every token is a candidate. */
void polisi__lexicon_classify(const polisi__lexicon *lex, polisi__doc *doc);

/* The first token at or after i whose wake bits have one of `bits`, or
 * doc->ntoks. The document must be classified. */
_Static_assert(POLISI__WAKE_SLACK >= 64, "polisi__next_wake reads 64 wake bytes a step");
static inline size_t polisi__next_wake(const polisi__doc *doc, size_t i, unsigned bits) {
    const uint8_t *w = doc->wake;
    size_t n = doc->ntoks;
#if defined(__SSE2__)
    /* 64 tokens a step: the next token woken is nearly always among them,
     * so that the loop ends at its first step, a branch predicted right
     * (steps of 16 ended after a varying number, mispredicted about once a
     * call). The POLISI__WAKE_SLACK zeros that classify leaves after the
     * last token end the run (a step reads 63 bytes past i). A single bit
     * (every caller's) is moved to the top of each byte, where movemask
     * reads it: a 16-bit shift moves the high byte's bit there too. */
    if ((bits & (bits - 1)) == 0 && bits != 0) {
        const __m128i shift = _mm_cvtsi32_si128(7 - __builtin_ctz(bits));
        for (; i < n; i += 64) {
            uint64_t m = 0;
            for (int k = 0; k < 4; k++) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(w + i + 16 * k));
                m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_sll_epi16(x, shift)) << (16 * k);
            }
            if (m)
                return i + (size_t)__builtin_ctzll(m);
        }
        return n;
    }
    /* 16 tokens a step for any bits */
    const __m128i pattern = _mm_set1_epi8((char)bits), zero = _mm_setzero_si128();
    for (; i < n; i += 16) {
        __m128i x = _mm_and_si128(_mm_loadu_si128((const __m128i *)(const void *)(w + i)), pattern);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, zero)) ^ 0xFFFFu;
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    return n;
#elif defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ && defined(__GNUC__)
    const uint64_t pattern = (uint64_t)0x0101010101010101u * (uint8_t)bits;
    for (; i < n; i += 8) { /* the 8 zero bytes after the last token end the run */
        uint64_t x;
        memcpy(&x, w + i, 8);
        x &= pattern;
        if (x)
            return i + (size_t)__builtin_ctzll(x) / 8;
    }
    return n;
#else
    while (i < n && !(w[i] & bits))
        i++;
    return i;
#endif
}

/* The classes of the phrases that start at token i (0 past the end). The
 * document must be classified. */
static inline uint32_t polisi__tok_classes(const polisi__doc *doc, size_t i) {
    return i < doc->ntoks ? doc->toks[i].classes : 0;
}
#define POLISI__LEX_BIT(cls) (1u << (cls))
/* Token i is a word of `array`, whose words were all added as cues of
 * class cls (polisi__lexicon_add_words): a token without that class bit,
 * nearly every one, is answered without reading the list. */
#define POLISI__CUE_IN(doc, i, cls, array)                                                  \
    ((polisi__tok_classes(doc, i) & POLISI__LEX_BIT(cls)) &&                                \
     polisi__tok_in(doc, i, array, sizeof array / sizeof array[0]))

size_t polisi__lexicon_match_slow(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                                  polisi__lex_class cls, const polisi__lex_entry **out);

/* The longest phrase of class `cls` that starts at token i and whose tokens
 * follow each other with nothing but spaces (no line break) between them.
 * Returns the number of tokens matched (0: none) and the entry in *out. */
static inline size_t polisi__lexicon_match(const polisi__lexicon *lex, const polisi__doc *doc,
                                           size_t i, polisi__lex_class cls,
                                           const polisi__lex_entry **out) {
    if (i >= doc->ntoks || (doc->classified && !(doc->toks[i].classes & (1u << cls))))
        return 0;
    return polisi__lexicon_match_slow(lex, doc, i, cls, out);
}

/* ---- entities and results (result.c) ----------------------------------- */

/* Which fields hold integers, booleans or lists; the rest are strings. */
#define POLISI__NO_INT INT32_MIN

struct polisi_entity {
    const struct polisi_result *owner; /* for the text */
    uint32_t start, end;               /* bytes */
    uint32_t tok_begin, tok_end;       /* tokens [begin, end), for assembly */
    uint8_t type;
    uint32_t seq;                      /* the order of addition, while sorting */
    int32_t grade;                     /* POLISI__NO_INT when absent */
    int8_t retired, weekday_ok;        /* -1 absent, 0, 1 */
    /* POLISI_FIELD_COUNT string fields (NULL = absent), in the result's
     * arena: not in the entity, so that sorting moves 64 bytes, not 264. */
    const char **str;
    const char *const *titles;
    uint32_t ntitles;
};

struct polisi_result {
    const polisi_allocator *alloc;
    char *text; /* a copy of the input */
    size_t len;
    polisi_entity *ents;
    size_t count, cap;
    size_t max_entities;
    polisi__arena arena;
    /* Room for the string fields of the next entities (result.c). */
    const char **fields_next;
    size_t fields_left; /* entities' worth */
    /* How many entities lead in output order, settled: those of the last
     * resolve (result.c); entities added since come after them. */
    size_t sorted;
    size_t block_size; /* of the allocation that starts with this header */
    /* From here on, what a reused result keeps from call to call
     * (polisi_extract_into); polisi__result_new zeroes it. */
    polisi__doc kept; /* the scan's memory */
    char *json;       /* polisi_result_json's buffer */
    size_t json_len, json_cap;
    void *sort_buf;   /* resolve's keys of a larger result (result.c) */
    size_t sort_cap;
};

/* A new result with room for a copy of a text of len bytes, NUL after it,
 * which the caller makes (polisi_extract, after its scan); NULL without
 * memory. */
polisi_result *polisi__result_new(const polisi_allocator *alloc, size_t max_entities, size_t len);
/* res emptied for a call on a text of len bytes, reusing its memory, or
 * moved to a larger block when the text does not fit (what res keeps moves
 * with it): polisi__result_new when res is NULL. NULL without memory, res
 * freed. */
polisi_result *polisi__result_renew(polisi_result *res, const polisi_allocator *alloc,
                                    size_t max_entities, size_t len);
/* Appends an entity of `type` over tokens [tb, te) of doc (te > tb).
 * Returns it zeroed but for its span, or NULL with *status set. */
polisi_entity *polisi__result_add(polisi_result *res, const polisi__doc *doc, polisi_type type,
                                  size_t tb, size_t te, polisi_status *status);
/* Sorts by start, longer first, then type; drops an entity that overlaps a
 * longer one of the same type; keeps only the types in `mask`. */
polisi_status polisi__result_resolve(polisi_result *res, unsigned mask);

/* ---- recognizers ------------------------------------------------------- */

/* The per-call state a recognizer gets. */
typedef struct polisi__ctx {
    const polisi_extractor *ex;
    const polisi__doc *doc;
    polisi_result *res;
    const polisi_call_options *call; /* never NULL */
} polisi__ctx;

/* Adds a recognizer's phrases to the lexicon at extractor creation. */
polisi_status polisi__ranks_register(polisi__lexicon *lex);
/* Appends the recognizer's entities; POLISI_OK or an error status. The
 * recognizers of phase 1 start at `first`, the first token that wakes
 * them (extract.c calls them only for a text that has one). */
polisi_status polisi__ranks_find(polisi__ctx *ctx, size_t first);
/* Dates and times (dates.c, times.c; their words in calendar.c). */
polisi_status polisi__dates_register(polisi__lexicon *lex);
polisi_status polisi__dates_find(polisi__ctx *ctx, size_t first);
polisi_status polisi__times_register(polisi__lexicon *lex);
polisi_status polisi__times_find(polisi__ctx *ctx, size_t first);
polisi_status polisi__titles_register(polisi__lexicon *lex);
polisi_status polisi__titles_find(polisi__ctx *ctx, size_t first);
polisi_status polisi__units_register(polisi__lexicon *lex);
polisi_status polisi__units_find(polisi__ctx *ctx, size_t first);
polisi_status polisi__positions_register(polisi__lexicon *lex);
polisi_status polisi__positions_find(polisi__ctx *ctx, size_t first);
/* Phase 2: persons read the settled entities of phase 1 from ctx->res. */
polisi_status polisi__persons_register(polisi__lexicon *lex);
polisi_status polisi__persons_find(polisi__ctx *ctx);

struct polisi_extractor {
    polisi_options opts;
    polisi__lexicon *lex;
};

#endif /* POLISI_INTERNAL_H */
