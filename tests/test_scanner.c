/* test_scanner.c: white-box tests of the scanner and the lexicon, the two
 * pieces every recognizer stands on. Links the static polisi_internal. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *t_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *t_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void t_free(void *p, void *ud) { (void)ud; free(p); }
static const polisi_allocator std_alloc = {t_malloc, t_realloc, t_free, NULL};

static void scan(polisi__doc *doc, const char *text, size_t len) {
    memset(doc, 0, sizeof *doc);
    assert_int_equal(polisi__scan(doc, text, len, &std_alloc), POLISI_OK);
}

/* Token i's key is exactly `want`. */
static void assert_key(const polisi__doc *doc, size_t i, const char *want) {
    assert_true(i < doc->ntoks);
    assert_int_equal(doc->toks[i].key_len, strlen(want));
    assert_memory_equal(polisi__tok_key(doc, i), want, strlen(want));
}

static void assert_span(const polisi__doc *doc, size_t i, size_t start, size_t end) {
    assert_int_equal(doc->toks[i].start, start);
    assert_int_equal(doc->toks[i].end, end);
}

static void test_words_numbers_punct(void **state) {
    (void)state;
    const char *s = "Kapolsek AKP SUKONO, S.H. (05/11/2018)";
    polisi__doc doc;
    scan(&doc, s, strlen(s));
    const char *keys[] = {"kapolsek", "akp", "sukono", ",", "s", ".", "h", ".",
                          "(",        "05",  "/",      "11", "/", "2018", ")"};
    assert_int_equal(doc.ntoks, sizeof keys / sizeof keys[0]);
    for (size_t i = 0; i < doc.ntoks; i++)
        assert_key(&doc, i, keys[i]);
    assert_int_equal(doc.toks[0].kind, POLISI__TOK_WORD);
    assert_true(doc.toks[0].flags & POLISI__TF_CAP);
    assert_false(doc.toks[0].flags & POLISI__TF_UPPER);
    assert_true(doc.toks[1].flags & POLISI__TF_UPPER);
    assert_true(doc.toks[2].flags & POLISI__TF_UPPER);
    assert_int_equal(doc.toks[3].kind, POLISI__TOK_PUNCT);
    assert_false(doc.toks[3].flags & POLISI__TF_SPACE_BEFORE);
    assert_int_equal(doc.toks[9].kind, POLISI__TOK_NUMBER);
    assert_span(&doc, 13, 33, 37);
    polisi__doc_free(&doc);
}

static void test_nbsp_crlf_keep_offsets(void **state) {
    (void)state;
    const char s[] = "AKP\xc2\xa0SUKONO\r\nhadir\r\n\r\nKompol";
    polisi__doc doc;
    scan(&doc, s, sizeof s - 1);
    assert_int_equal(doc.ntoks, 4);
    assert_span(&doc, 0, 0, 3);
    assert_span(&doc, 1, 5, 11); /* NBSP is two bytes of space */
    assert_true(doc.toks[1].flags & POLISI__TF_SPACE_BEFORE);
    assert_false(doc.toks[1].flags & POLISI__TF_LINE_BEFORE);
    assert_true(doc.toks[2].flags & POLISI__TF_LINE_BEFORE);
    assert_false(doc.toks[2].flags & POLISI__TF_PARA_BEFORE); /* CRLF is one break */
    assert_true(doc.toks[3].flags & POLISI__TF_PARA_BEFORE);
    assert_key(&doc, 3, "kompol");
    polisi__doc_free(&doc);
}

static void test_curly_quotes_fold(void **state) {
    (void)state;
    const char *s = "Jum\xe2\x80\x99" "at \xe2\x80\x9cKOMBES\xe2\x80\x9d";
    polisi__doc doc;
    scan(&doc, s, strlen(s));
    assert_int_equal(doc.ntoks, 6);
    assert_key(&doc, 1, "'");
    assert_span(&doc, 1, 3, 6);
    assert_key(&doc, 3, "\"");
    assert_key(&doc, 4, "kombes");
    assert_span(&doc, 4, 12, 18);
    polisi__doc_free(&doc);
}

static void test_non_ascii_letters(void **state) {
    (void)state;
    const char *s = "\xc3\x89MILE caf\xc3\xa9 \xef\xbd\x8b\xef\xbd\x8f\xef\xbd\x8d"; /* ÉMILE café ｋｏｍ */
    polisi__doc doc;
    scan(&doc, s, strlen(s));
    assert_int_equal(doc.ntoks, 3);
    assert_key(&doc, 0, "emile");
    assert_true(doc.toks[0].flags & POLISI__TF_UPPER);
    assert_true(doc.toks[0].flags & POLISI__TF_CAP);
    assert_key(&doc, 1, "cafe");
    assert_true(doc.toks[1].flags & POLISI__TF_LOWER);
    assert_key(&doc, 2, "kom");
    assert_span(&doc, 2, 13, 22);
    polisi__doc_free(&doc);
}

static void test_invalid_utf8_and_nul(void **state) {
    (void)state;
    /* overlong, lone continuation, truncated sequence, 0xFF, surrogate, NUL */
    const char s[] = "A\xc0\xaf" "B\x80" "C\xe2\x82" "D\xff" "E\xed\xa0\x80" "F\x00G";
    polisi__doc doc;
    scan(&doc, s, sizeof s - 1);
    size_t words = 0, invalid = 0;
    uint32_t prev_end = 0;
    for (size_t i = 0; i < doc.ntoks; i++) {
        assert_true(doc.toks[i].start >= prev_end); /* ordered, never overlapping */
        assert_true(doc.toks[i].end > doc.toks[i].start);
        assert_true(doc.toks[i].end <= sizeof s - 1);
        prev_end = doc.toks[i].end;
        words += doc.toks[i].kind == POLISI__TOK_WORD;
        invalid += doc.toks[i].kind == POLISI__TOK_INVALID;
    }
    assert_int_equal(words, 7); /* A B C D E F G stay separate words */
    assert_int_equal(invalid, 5);
    assert_span(&doc, doc.ntoks - 1, sizeof s - 2, sizeof s - 1);
    assert_true(doc.toks[doc.ntoks - 1].flags & POLISI__TF_SPACE_BEFORE); /* NUL separates */
    polisi__doc_free(&doc);
}

static void test_empty_and_spaces_only(void **state) {
    (void)state;
    polisi__doc doc;
    scan(&doc, "", 0);
    assert_int_equal(doc.ntoks, 0);
    polisi__doc_free(&doc);
    scan(&doc, " \t\r\n\xc2\xa0 ", 7);
    assert_int_equal(doc.ntoks, 0);
    polisi__doc_free(&doc);
}

static polisi__lexicon *small_lexicon(void) {
    polisi__lexicon *lex;
    assert_int_equal(polisi__lexicon_new(&std_alloc, &lex), POLISI_OK);
    assert_int_equal(polisi__lexicon_add(lex, "brigadir", POLISI__LEX_RANK, 1, 0), POLISI_OK);
    assert_int_equal(polisi__lexicon_add(lex, "Brigadir Jenderal", POLISI__LEX_RANK, 2, 0), POLISI_OK);
    assert_int_equal(polisi__lexicon_add(lex, "brigadir jenderal polisi", POLISI__LEX_RANK, 3, 0),
                     POLISI_OK);
    assert_int_equal(polisi__lexicon_add(lex, "pol", POLISI__LEX_RANK_SUFFIX, 4, 0), POLISI_OK);
    assert_int_equal(polisi__lexicon_add(lex, "S.H.", POLISI__LEX_RANK_SUFFIX, 5, 0), POLISI_OK);
    assert_int_equal(polisi__lexicon_freeze(lex), POLISI_OK);
    return lex;
}

static void test_lexicon_longest_match(void **state) {
    (void)state;
    polisi__lexicon *lex = small_lexicon();
    const char *s = "BRIGADIR JENDERAL Polisi X, Brigadir Jenderal\nPolisi, brigadir Pol, S. H.";
    polisi__doc doc;
    scan(&doc, s, strlen(s));
    const polisi__lex_entry *e = NULL;
    assert_int_equal(polisi__lexicon_match(lex, &doc, 0, POLISI__LEX_RANK, &e), 3);
    assert_int_equal(e->value, 3);
    /* a phrase never crosses a line break */
    assert_int_equal(polisi__lexicon_match(lex, &doc, 5, POLISI__LEX_RANK, &e), 2);
    assert_int_equal(e->value, 2);
    /* classes are separate: "pol" is no rank */
    assert_int_equal(polisi__lexicon_match(lex, &doc, 9, POLISI__LEX_RANK, &e), 1);
    assert_int_equal(polisi__lexicon_match(lex, &doc, 10, POLISI__LEX_RANK, &e), 0);
    assert_int_equal(polisi__lexicon_match(lex, &doc, 10, POLISI__LEX_RANK_SUFFIX, &e), 1);
    /* punctuation is part of phrases; spaces between tokens are not */
    assert_int_equal(polisi__lexicon_match(lex, &doc, 12, POLISI__LEX_RANK_SUFFIX, &e), 4);
    assert_int_equal(e->value, 5);
    /* out of range is no match */
    assert_int_equal(polisi__lexicon_match(lex, &doc, doc.ntoks, POLISI__LEX_RANK, &e), 0);
    polisi__doc_free(&doc);
    polisi__lexicon_free(lex);
}

static void test_arena_and_grow(void **state) {
    (void)state;
    polisi__arena arena;
    polisi__arena_init(&arena, &std_alloc);
    char *a = polisi__arena_strndup(&arena, "Polres", 6);
    char *big = polisi__arena_alloc(&arena, 100000); /* larger than a block */
    char *b = polisi__arena_strndup(&arena, "Magetan", 7);
    assert_non_null(big);
    assert_string_equal(a, "Polres");
    assert_string_equal(b, "Magetan");
    memset(big, 'x', 100000);
    assert_string_equal(a, "Polres");
    polisi__arena_free(&arena);

    int *items = NULL;
    size_t cap = 0;
    assert_int_equal(polisi__grow(&std_alloc, (void **)&items, &cap, 1000, sizeof *items), 0);
    assert_true(cap >= 1000);
    assert_int_equal(polisi__grow(&std_alloc, (void **)&items, &cap, SIZE_MAX / 2, sizeof *items), -1);
    assert_true(cap >= 1000); /* unchanged on failure */
    free(items);
}

static void test_valid_date(void **state) {
    (void)state;
    assert_true(polisi__valid_date(2024, 2, 29));
    assert_false(polisi__valid_date(2023, 2, 29));
    assert_false(polisi__valid_date(1900, 2, 29));
    assert_true(polisi__valid_date(2000, 2, 29));
    assert_false(polisi__valid_date(2018, 13, 1));
    assert_false(polisi__valid_date(2018, 4, 31));
    assert_false(polisi__valid_date(0, 1, 1));
}

/* The scanner takes 64 bytes at a time where it can and a byte at a time
 * elsewhere; both must make exactly the same tokens. Texts are built from
 * pieces that hit every edge of the block path: words that cross a block
 * boundary or run longer than a block, CRLF split over two blocks, NUL,
 * control bytes, non-ASCII letters and spaces, curly quotes and invalid
 * bytes right after a word. */
static uint32_t next_random(uint32_t *x) {
    *x ^= *x << 13;
    *x ^= *x >> 17;
    *x ^= *x << 5;
    return *x;
}

static void assert_same_tokens(const polisi__doc *a, const polisi__doc *b) {
    assert_int_equal(a->ntoks, b->ntoks);
    for (size_t i = 0; i < a->ntoks; i++) {
        const polisi__token *x = &a->toks[i], *y = &b->toks[i];
        assert_int_equal(x->start, y->start);
        assert_int_equal(x->end, y->end);
        assert_int_equal(x->kind, y->kind);
        assert_int_equal(x->flags, y->flags);
        assert_int_equal(x->hash, y->hash);
        assert_int_equal(x->key_len, y->key_len);
        assert_memory_equal(polisi__tok_key(a, i), polisi__tok_key(b, i), x->key_len);
        assert_int_equal(x->hash, polisi__hash(polisi__tok_key(a, i), x->key_len));
    }
}

/* The same lexicon lookups: group, classes and wake bits of every token. */
static void assert_same_classes(const polisi__doc *a, const polisi__doc *b) {
    assert_int_equal(a->ntoks, b->ntoks);
    for (size_t i = 0; i < a->ntoks; i++) {
        assert_int_equal(a->toks[i].group, b->toks[i].group);
        assert_int_equal(a->toks[i].classes, b->toks[i].classes);
    }
    assert_memory_equal(a->wake, b->wake, a->ntoks + 8);
}

/* Every path of the scanner makes the same tokens: 64 bytes at a time
 * (with AVX2 where the CPU has it, and without), and a byte at a time;
 * and scanning with the lexicon's prefilter leaves classify the same
 * lookups as scanning without. */
static void test_block_scan_agrees(void **state) {
    (void)state;
    polisi_extractor *ex;
    assert_int_equal(polisi_extractor_new(NULL, &ex), POLISI_OK);
    const polisi__prefilter *pf = polisi__lexicon_prefilter(ex->lex);
    static const char *const pieces[] = {
        "Kapolres", "AKBP", "S.H.", "SUKONO", "2018", "05/11/2018", "x", "a1b2", "9Ab",
        " ", " ", " ", " ", "  ", "\n", "\n\n", "\r\n", "\r", "\t", "\v\f", ",", ".", "(", ")",
        "-", "\x01", "\x7f", "\xc2\xa0", "\xc3\xa9", "Jos\xc3\xa9", "\xe2\x80\x9c", "\xe2\x80\x99",
        "\xff", "\xc3", "ABCDEFGHIJKLMNOPQRSTUV", "abcdefghijklmno", "abcdefghijklmnop",
        "0123456789012345678901234567890123456789012345678901234567890123456789",
        /* case shapes: digits before the first letter, capitals inside */
        "12Ab", "3abc", "7ABC", "aB", "iPhone", "A", "a", "Z9", "POLRES", "Jawa", "di", "pukul",
        "Senin", "WIB", "Polda", "kompol", "S.I.K.", "M.Si", "xyz", "Zulkifli", "@", "~",
    };
    const size_t npieces = sizeof pieces / sizeof pieces[0];
    char text[700];
    uint32_t seed = 0x9E3779B9u;
    for (int round = 0; round < 3000; round++) {
        size_t len = 0, want = next_random(&seed) % 600;
        while (len < want) {
            const char *piece = pieces[next_random(&seed) % npieces];
            size_t n = strlen(piece) + (piece[0] == '\0');
            if (len + n > sizeof text)
                break;
            memcpy(text + len, piece, n);
            len += n;
        }
        if (next_random(&seed) % 8 == 0) /* a NUL byte somewhere */
            text[next_random(&seed) % (len + 1) % sizeof text] = '\0';
        polisi__doc fast, sse2, slow, filtered;
        memset(&fast, 0, sizeof fast);
        memset(&sse2, 0, sizeof sse2);
        memset(&slow, 0, sizeof slow);
        memset(&filtered, 0, sizeof filtered);
        assert_int_equal(polisi__scan(&fast, text, len, &std_alloc), POLISI_OK);
        assert_int_equal(polisi__scan_sse2(&sse2, text, len, &std_alloc), POLISI_OK);
        assert_int_equal(polisi__scan_bytewise(&slow, text, len, &std_alloc), POLISI_OK);
        assert_int_equal(polisi__scan_prefiltered(&filtered, text, len, &std_alloc, pf), POLISI_OK);
        assert_same_tokens(&fast, &slow);
        assert_same_tokens(&sse2, &slow);
        assert_same_tokens(&filtered, &slow);
        polisi__lexicon_classify(ex->lex, &filtered);
        polisi__lexicon_classify(ex->lex, &slow);
        assert_same_classes(&filtered, &slow);
        polisi__doc_free(&fast);
        polisi__doc_free(&sse2);
        polisi__doc_free(&slow);
        polisi__doc_free(&filtered);
    }
    polisi_extractor_free(ex);
}

/* Entities are sorted through integer keys (insertion sort for a few,
 * qsort beyond), or, without memory for the keys, by qsort on the entities
 * themselves: every way gives the same order, ties in the order of
 * addition. */
static void *no_malloc(size_t n, void *ud) { (void)n; (void)ud; return NULL; }

static void fill_result(polisi_result *res, polisi_entity *ents, size_t n, uint32_t seed) {
    memset(res, 0, sizeof *res);
    res->ents = ents;
    res->count = res->cap = n;
    for (size_t i = 0; i < n; i++) {
        memset(&ents[i], 0, sizeof ents[i]);
        ents[i].start = next_random(&seed) % 40;
        ents[i].end = ents[i].start + 1 + next_random(&seed) % 4;
        ents[i].type = (uint8_t)(1 + next_random(&seed) % POLISI_PERSON);
        ents[i].grade = (int32_t)i; /* the order of addition, to check ties */
    }
}

static void test_resolve_order(void **state) {
    (void)state;
    const polisi_allocator failing = {no_malloc, t_realloc, t_free, NULL};
    static polisi_entity a[300], b[300];
    const size_t sizes[] = {2, 5, 48, 49, 300};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        polisi_result ra, rb;
        fill_result(&ra, a, sizes[k], 7u + (uint32_t)k);
        fill_result(&rb, b, sizes[k], 7u + (uint32_t)k);
        ra.alloc = &std_alloc;
        rb.alloc = &failing;
        assert_int_equal(polisi__result_resolve(&ra, POLISI_ALL_TYPES), POLISI_OK);
        assert_int_equal(polisi__result_resolve(&rb, POLISI_ALL_TYPES), POLISI_OK);
        assert_int_equal(ra.count, rb.count);
        assert_true(ra.count > 1);
        for (size_t i = 0; i < ra.count; i++) {
            assert_int_equal(a[i].start, b[i].start);
            assert_int_equal(a[i].end, b[i].end);
            assert_int_equal(a[i].type, b[i].type);
            assert_int_equal(a[i].grade, b[i].grade);
            if (i == 0)
                continue;
            const polisi_entity *p = &a[i - 1], *e = &a[i];
            assert_true(p->start < e->start ||
                        (p->start == e->start &&
                         (p->end > e->end || (p->end == e->end && p->type > e->type))));
        }
        t_free(ra.sort_buf, NULL); /* the keys' buffer a result keeps (result.c) */
        assert_null(rb.sort_buf);
    }
}

/* polisi__next_wake skips several tokens a step: it must stop at the
 * first token with one of the bits asked for, wherever it stands in a
 * step, and at ntoks when none follows (the wake bytes have
 * POLISI__WAKE_SLACK zeros after the last token, as classify leaves them). */
static void test_next_wake(void **state) {
    (void)state;
    polisi__doc doc;
    memset(&doc, 0, sizeof doc);
    uint8_t wake[40 + POLISI__WAKE_SLACK];
    memset(wake, 0, sizeof wake);
    doc.wake = wake;
    doc.ntoks = 40;
    wake[3] = POLISI__WAKE_DATE;
    wake[9] = POLISI__WAKE_RANK | POLISI__WAKE_TIME;
    wake[17] = POLISI__WAKE_RANK;
    wake[39] = POLISI__WAKE_UNIT;
    assert_int_equal(polisi__next_wake(&doc, 0, POLISI__WAKE_RANK), 9);
    assert_int_equal(polisi__next_wake(&doc, 9, POLISI__WAKE_RANK), 9);
    assert_int_equal(polisi__next_wake(&doc, 10, POLISI__WAKE_RANK), 17);
    assert_int_equal(polisi__next_wake(&doc, 18, POLISI__WAKE_RANK), 40);
    assert_int_equal(polisi__next_wake(&doc, 0, POLISI__WAKE_DATE | POLISI__WAKE_TIME), 3);
    assert_int_equal(polisi__next_wake(&doc, 4, POLISI__WAKE_DATE | POLISI__WAKE_TIME), 9);
    assert_int_equal(polisi__next_wake(&doc, 0, POLISI__WAKE_UNIT), 39);
    assert_int_equal(polisi__next_wake(&doc, 0, POLISI__WAKE_POSITION), 40);
    assert_int_equal(polisi__next_wake(&doc, 40, POLISI__WAKE_UNIT), 40);

    /* Against the plain loop, from every token, for every bit alone (the
     * 64-token steps) and for pairs (the 16-token steps): wakes sparse and
     * dense, runs longer than a step, and the last token woken or not. */
    enum { N = 300 };
    uint8_t many[N + POLISI__WAKE_SLACK];
    uint32_t seed = 12345;
    for (int round = 0; round < 40; round++) {
        unsigned density = 1 + round % 5; /* one token in 2^density has each bit */
        memset(many, 0, sizeof many);
        size_t n = N - (size_t)round; /* the zeros after the last token end the run */
        for (size_t i = 0; i < n; i++)
            for (unsigned bit = 1; bit <= POLISI__WAKE_POSITION; bit <<= 1)
                if ((next_random(&seed) >> 8) % (1u << density) == 0)
                    many[i] |= (uint8_t)bit;
        doc.wake = many;
        doc.ntoks = n;
        for (unsigned bits = 1; bits < 2 * POLISI__WAKE_POSITION; bits++) {
            if (__builtin_popcount(bits) > 2)
                continue;
            for (size_t i = 0; i <= n; i++) {
                size_t want = i;
                while (want < n && !(many[want] & bits))
                    want++;
                assert_int_equal(polisi__next_wake(&doc, i, bits), want);
            }
        }
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_words_numbers_punct),   cmocka_unit_test(test_nbsp_crlf_keep_offsets),
        cmocka_unit_test(test_curly_quotes_fold),     cmocka_unit_test(test_non_ascii_letters),
        cmocka_unit_test(test_invalid_utf8_and_nul),  cmocka_unit_test(test_empty_and_spaces_only),
        cmocka_unit_test(test_lexicon_longest_match), cmocka_unit_test(test_arena_and_grow),
        cmocka_unit_test(test_valid_date),            cmocka_unit_test(test_block_scan_agrees),
        cmocka_unit_test(test_resolve_order),         cmocka_unit_test(test_next_wake),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
