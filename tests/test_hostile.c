/*
 * test_hostile.c: pathological and huge input, each case bounded in time
 * and with a clear expected result (SECURITY.md lists them).
 *
 * Every extraction here is timed (CPU time) and must finish within
 * LIMIT_SECONDS even under ASan + UBSan; the sizes are chosen so that
 * linear work takes well under a second in a normal build and a few seconds
 * under ASan, and anything quadratic takes minutes. Every result is checked for the invariants of the output
 * contract (spans in bounds and sorted, text == the slice) and its JSON
 * must parse. Timings are printed, one line per extraction.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "json_reader.h"
#include "polisi.h"
#include "utf8_check.h"

#define LIMIT_SECONDS 20.0
#define MB ((size_t)1 << 20)
#define RANK_BIT POLISI_TYPE_BIT(POLISI_RANK)

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

/* CPU time of this process: on a loaded CI machine wall time says more
 * about the neighbours than about polisi. */
static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static polisi_extractor *extractor_with(size_t max_input, size_t max_entities, unsigned types)
{
    polisi_options *o = NULL;
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    if (max_input)
        assert_int_equal(polisi_options_set_max_input(o, max_input), POLISI_OK);
    if (max_entities)
        assert_int_equal(polisi_options_set_max_entities(o, max_entities), POLISI_OK);
    if (types)
        assert_int_equal(polisi_options_set_types(o, types), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);
    return ex;
}

/* The JSON of r parses and has one object per entity. */
static void check_json_parses(polisi_result *r)
{
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "h", 1, 0, &json, &jl), POLISI_OK);
    jr_value *root = NULL;
    char err[128];
    if (jr_parse(json, jl, &root, err, sizeof err) != 0)
        fail_msg("the JSON does not parse: %s", err);
    const jr_value *ents = jr_get(root, "entities");
    assert_non_null(ents);
    assert_int_equal(ents->count, polisi_result_count(r));
    jr_free(root);
}

/* Results with more entities than this have their JSON checked for UTF-8
 * and shape only (a full parse of each costs minutes under ASan); the
 * 100,000-entity test parses its JSON in full. */
#define PARSE_MAX 20000

/* The invariants of every result: spans in [0, len), non-empty, sorted by
 * start then longer first, text == the slice; the JSON is valid UTF-8 and
 * parses. */
static void check_result(polisi_result *r, const char *text, size_t len)
{
    size_t n = polisi_result_count(r);
    for (size_t i = 0; i < n; i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        size_t s = polisi_entity_start(e), f = polisi_entity_end(e), tl = 0;
        const char *t = polisi_entity_text(e, &tl);
        assert_true(s < f && f <= len);
        assert_int_equal(tl, f - s);
        assert_memory_equal(t, text + s, tl);
        if (i > 0) {
            const polisi_entity *p = polisi_result_entity(r, i - 1);
            size_t ps = polisi_entity_start(p), pf = polisi_entity_end(p);
            assert_true(ps < s || (ps == s && pf >= f));
        }
    }
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "h", 1, 0, &json, &jl), POLISI_OK);
    assert_true(valid_utf8((const unsigned char *)json, jl));
    assert_true(jl >= 2 && json[0] == '{' && json[jl - 1] == '}');
    if (n <= PARSE_MAX)
        check_json_parses(r);
}

/* Extracts, prints the time, checks the time bound and (on success) the
 * invariants. Returns the status; *out gets the result (or NULL). */
static polisi_status run(const char *what, const polisi_extractor *ex, const char *text,
                         size_t len, unsigned call_types, polisi_result **out)
{
    polisi_call_options *co = NULL;
    if (call_types) {
        assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
        assert_int_equal(polisi_call_options_set_types(co, call_types), POLISI_OK);
    }
    double t0 = now();
    polisi_result *r = (polisi_result *)&r;
    polisi_status st = polisi_extract(ex, text, len, co, &r);
    double dt = now() - t0;
    printf("hostile: %-44s %10zu bytes %8.3f s  %s, %zu entities\n", what, len, dt,
           polisi_strerror(st), st == POLISI_OK ? polisi_result_count(r) : 0);
    polisi_call_options_free(co);
    if (dt > LIMIT_SECONDS)
        fail_msg("%s: %.1f s, over the %.0f s bound", what, dt, LIMIT_SECONDS);
    if (st != POLISI_OK) {
        assert_null(r);
        *out = NULL;
        return st;
    }
    assert_non_null(r);
    check_result(r, text, len);
    *out = r;
    return st;
}

/* Extracts and expects success; frees the result, returns its count of
 * `type` entities (all entities when type is 0). */
static size_t count_ok(const char *what, const polisi_extractor *ex, const char *text, size_t len,
                       unsigned call_types, polisi_type type)
{
    polisi_result *r = NULL;
    polisi_status st = run(what, ex, text, len, call_types, &r);
    if (st != POLISI_OK)
        fail_msg("%s: %s", what, polisi_strerror(st));
    size_t n = 0;
    for (size_t i = 0; i < polisi_result_count(r); i++)
        n += !type || polisi_entity_type(polisi_result_entity(r, i)) == type;
    polisi_result_free(r);
    return n;
}

/* A buffer of `len` bytes repeating `unit` (ulen bytes). */
static char *repeat(const char *unit, size_t ulen, size_t len)
{
    char *b = malloc(len ? len : 1);
    assert_non_null(b);
    size_t have = len < ulen ? len : ulen;
    memcpy(b, unit, have);
    while (have < len) { /* doubling: few calls, fast under ASan too */
        size_t k = have < len - have ? have : len - have;
        memcpy(b + have, b, k);
        have += k;
    }
    return b;
}

/* `n` copies of a NUL-terminated unit; *len receives the size. */
static char *copies(const char *unit, size_t n, size_t *len)
{
    size_t ulen = strlen(unit);
    *len = ulen * n;
    return repeat(unit, ulen, *len);
}

/* ------------------------------------------------------------------------
 * Invalid UTF-8 of every class, and NUL bytes
 * ------------------------------------------------------------------------ */

typedef struct bad_seq {
    const char *name;
    const char *bytes;
    size_t len;
} bad_seq;

#define SEQ(name, s) { name, s, sizeof s - 1 }
static const bad_seq bad_seqs[] = {
    SEQ("0xFF", "\xff"),
    SEQ("0xFE", "\xfe"),
    SEQ("0xC0 0xC1 (never valid)", "\xc0\xc1"),
    SEQ("F5..F7 (past U+10FFFF)", "\xf5\x80\x80\x80\xf7\xbf\xbf\xbf"),
    SEQ("F4 90 80 80 (U+110000)", "\xf4\x90\x80\x80"),
    SEQ("overlong '/' in 2 bytes", "\xc0\xaf"),
    SEQ("overlong '/' in 3 bytes", "\xe0\x80\xaf"),
    SEQ("overlong '/' in 4 bytes", "\xf0\x80\x80\xaf"),
    SEQ("overlong NUL", "\xc0\x80"),
    SEQ("surrogate U+D800", "\xed\xa0\x80"),
    SEQ("surrogate U+DFFF", "\xed\xbf\xbf"),
    SEQ("surrogate pair in CESU-8", "\xed\xa0\xbd\xed\xb8\x80"),
    SEQ("truncated 2-byte", "\xc3"),
    SEQ("truncated 3-byte", "\xe2\x82"),
    SEQ("truncated 4-byte", "\xf0\x9f\x98"),
    SEQ("lone continuation bytes", "\x80\xbf\x80"),
    SEQ("lead byte then ASCII", "\xe2("),
    SEQ("5- and 6-byte forms", "\xf8\x88\x80\x80\x80\xfc\x84\x80\x80\x80\x80"),
    SEQ("noncharacters U+FFFE U+FFFF (valid)", "\xef\xbf\xbe\xef\xbf\xbf"),
};

static void test_invalid_utf8_classes(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    for (size_t k = 0; k < sizeof bad_seqs / sizeof bad_seqs[0]; k++) {
        const bad_seq *b = &bad_seqs[k];
        char text[256];
        /* around a rank, glued to it, alone */
        size_t n = 0;
        memcpy(text, b->bytes, b->len), n += b->len;
        memcpy(text + n, " AKBP Yudha ", 12), n += 12;
        memcpy(text + n, b->bytes, b->len), n += b->len;
        memcpy(text + n, " hadir.", 7), n += 7;
        polisi_result *r = NULL;
        assert_int_equal(run(b->name, ex, text, n, RANK_BIT, &r), POLISI_OK);
        assert_int_equal(polisi_result_count(r), 1);
        assert_int_equal(polisi_entity_start(polisi_result_entity(r, 0)), b->len + 1);
        assert_int_equal(polisi_entity_end(polisi_result_entity(r, 0)), b->len + 5);
        polisi_result_free(r);

        n = 0;
        memcpy(text, b->bytes, b->len), n += b->len;
        memcpy(text + n, "AKBP", 4), n += 4;
        memcpy(text + n, b->bytes, b->len), n += b->len;
        memcpy(text + n, " Yudha", 6), n += 6;
        assert_int_equal(run(b->name, ex, text, n, RANK_BIT, &r), POLISI_OK);
        assert_int_equal(polisi_result_count(r), 1); /* a separator, like a space */
        assert_int_equal(polisi_entity_start(polisi_result_entity(r, 0)), b->len);
        polisi_result_free(r);

        assert_int_equal(count_ok(b->name, ex, b->bytes, b->len, 0, 0), 0);
    }
    polisi_extractor_free(ex);
}

/* 512 KB of each class in a row, 2 MB of every byte value cycled, 2 MB of
 * random bytes. */
static void test_invalid_utf8_bulk(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    for (size_t k = 0; k < sizeof bad_seqs / sizeof bad_seqs[0]; k++) {
        char *t = repeat(bad_seqs[k].bytes, bad_seqs[k].len, MB / 2);
        count_ok(bad_seqs[k].name, ex, t, MB / 2, 0, 0);
        free(t);
    }
    char *t = malloc(2 * MB);
    assert_non_null(t);
    for (size_t i = 0; i < 2 * MB; i++)
        t[i] = (char)(i & 0xff);
    count_ok("every byte value 0..255 cycled", ex, t, 2 * MB, 0, 0);
    /* xorshift noise */
    uint64_t x = 0x9e3779b97f4a7c15u;
    for (size_t i = 0; i < 2 * MB; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        t[i] = (char)(x >> 56);
    }
    count_ok("random bytes", ex, t, 2 * MB, 0, 0);
    free(t);
    polisi_extractor_free(ex);
}

static void test_nul_bytes(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    static const char glued[] = "\0AKBP\0Yudha\0hadir\0";
    polisi_result *r = NULL;
    assert_int_equal(run("NUL around a rank", ex, glued, sizeof glued - 1, RANK_BIT, &r),
                     POLISI_OK);
    assert_int_equal(polisi_result_count(r), 1);
    assert_int_equal(polisi_entity_start(polisi_result_entity(r, 0)), 1);
    polisi_result_free(r);

    /* a NUL is white space: inside a rank's span it stays a byte of the text */
    static const char inside[] = "Kombes\0Pol Yudha hadir.";
    assert_int_equal(run("NUL inside a rank", ex, inside, sizeof inside - 1, RANK_BIT, &r),
                     POLISI_OK);
    assert_int_equal(polisi_result_count(r), 1);
    size_t tl = 0;
    const char *t = polisi_entity_text(polisi_result_entity(r, 0), &tl);
    assert_int_equal(tl, 10);
    assert_memory_equal(t, "Kombes\0Pol", 10);
    assert_string_equal(polisi_entity_string(polisi_result_entity(r, 0), POLISI_FIELD_CODE),
                        "Kombes Pol");
    polisi_result_free(r);

    char *zeros = calloc(1, 8 * MB);
    assert_non_null(zeros);
    assert_int_equal(count_ok("8 MB of NUL", ex, zeros, 8 * MB, 0, 0), 0);
    free(zeros);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * Huge tokens, long runs, long lines, no spaces
 * ------------------------------------------------------------------------ */

static void test_one_token_50mb(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    char *t = repeat("a", 1, 50 * MB);
    assert_int_equal(count_ok("50 MB of one token (a...)", ex, t, 50 * MB, 0, 0), 0);
    memcpy(t, "AKBP ", 5); /* a rank, then the giant token as its "name" */
    assert_int_equal(count_ok("a rank before a 50 MB token", ex, t, 50 * MB, RANK_BIT,
                              POLISI_RANK), 1);
    free(t);
    polisi_extractor_free(ex);
}

/* Runs of one character, and of short patterns that look like the start of
 * dates, times, ranks, titles, names and brackets (256 KB each: 40,000 to
 * 130,000 tokens, so that quadratic work would take minutes). */
static void test_long_runs(void **state)
{
    (void)state;
    static const char *const singles[] = {"9", "/", ".", ",", "(", ")", "[", "]", "-",
                                          ":", "'", "\"", " ", "\n", "\r", "\r\n", "\t"};
    static const char *const patterns[] = {
        "1/", "1.", "12.", "1,", "(1)", "01/01/", "12:00 ", "12.00.", "1-", "1/1/1/1 ",
        "31-12-", "(AKBP)", "AKBP (", "(Pol) ", "Pol. ", "pukul ", "pukul 1", "jam 7 ",
        "tanggal 1 ", "Senin (", "Senin, ", "5 November ", "November 2018 ", "s.d. ",
        "S.H., ", "S.", "Dr. ", "H. ", "Kapolres ", "Polres ", "Polda ", "Kasat ",
        "Jenderal Budi ", "Brigadir Jenderal ", "Komisaris Besar ", "AKBP Yudha, S.I.K., ",
        "Kepolisian Resor ", "(Purn) ", "Laut (P) ", "TNI ", "WIB ", "kemarin ",
        "hari ini ", "lalu ", "((((((((", "))))))))", "([{", "..,,//", "AKP Adi ",
        "Ipda Ali, ", "dr. Ali ", "Prof. Dr. ", "Bripka MHM ", "Kapolsek ", "Polsek Ciawi ",
        "Kasat Reskrim ", "Plt. ", "Bapak ", "ujar Ali ", "RSUD dr. ", "Jalan Ir. H. ",
        "AKBP H. Ali, S.H., M.H., ", "S.H. ", "M. ", "Aa ", "A ", "A. ", "Dr.Ir.H.", "S.I.K.,",
    };
    polisi_extractor *ex = extractor_with(0, 0, 0);
    char what[80];
    for (size_t k = 0; k < sizeof singles / sizeof singles[0]; k++) {
        char *t = repeat(singles[k], strlen(singles[k]), MB);
        snprintf(what, sizeof what, "1 MB run of %s",
                 singles[k][0] == '\n' ? "LF" : singles[k][0] == '\r' ? "CR/CRLF"
                 : singles[k][0] == '\t' ? "TAB" : singles[k]);
        /* no entity in a run of one character (digits are no year alone) */
        assert_int_equal(count_ok(what, ex, t, MB, 0, 0), 0);
        free(t);
    }
    for (size_t k = 0; k < sizeof patterns / sizeof patterns[0]; k++) {
        char *t = repeat(patterns[k], strlen(patterns[k]), MB / 4);
        snprintf(what, sizeof what, "256 KB of \"%s\"", patterns[k]);
        count_ok(what, ex, t, MB / 4, 0, 0);
        free(t);
    }
    polisi_extractor_free(ex);
}

/* Headline check regression (lib/ranks.c title_case_line): an ambiguous
 * rank word re-read its whole line, so one line of N of them took N^2. */
static void test_ambiguous_ranks_one_line(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    size_t len;
    char *t = copies("Jenderal Budi ", 100000, &len);
    count_ok("100,000 'Jenderal Budi' on one line", ex, t, len, 0, 0);
    free(t);
    t = copies("kata Brigadir Budi. ", 50000, &len);
    count_ok("50,000 'kata Brigadir Budi.' on one line", ex, t, len, 0, 0);
    free(t);
    polisi_extractor_free(ex);
}

static const char SENTENCE[] =
    "Kapolres Magetan AKBP Yudha Pranata, S.I.K., bersama Kasat Reskrim Iptu Andreas "
    "Simanjuntak meninjau pos pengamanan di Polsek Plaosan, Senin (05/11/2018) pukul "
    "08.00 WIB. ";

/* The entities of text[0, len) by type, into n[POLISI_PERSON + 1]. */
static void count_types(const char *what, const polisi_extractor *ex, const char *text, size_t len,
                        size_t n[POLISI_PERSON + 1])
{
    polisi_result *r = NULL;
    polisi_status st = run(what, ex, text, len, 0, &r);
    if (st != POLISI_OK)
        fail_msg("%s: %s", what, polisi_strerror(st));
    memset(n, 0, (POLISI_PERSON + 1) * sizeof n[0]);
    for (size_t i = 0; i < polisi_result_count(r); i++)
        n[polisi_entity_type(polisi_result_entity(r, i))]++;
    polisi_result_free(r);
}

/* k copies of unit have what one copy and then each further one has, type by
 * type: a text of hundreds of thousands of tokens finds what its pieces
 * find (the persons recognizer's table by token, the lexicon and the
 * resolver's inline sizes are all far exceeded). */
static void assert_copies_add_up(const char *what, const polisi_extractor *ex, const char *t,
                                 size_t unit_len, size_t k)
{
    size_t one[POLISI_PERSON + 1], two[POLISI_PERSON + 1], all[POLISI_PERSON + 1];
    count_types("one copy", ex, t, unit_len, one);
    count_types("two copies", ex, t, 2 * unit_len, two);
    count_types(what, ex, t, k * unit_len, all);
    for (int type = POLISI_RANK; type <= POLISI_PERSON; type++) {
        size_t each = two[type] - one[type];
        if (all[type] != one[type] + (k - 1) * each)
            fail_msg("%s: %zu %s, want %zu", what, all[type], polisi_type_name((polisi_type)type),
                     one[type] + (k - 1) * each);
    }
    assert_true(one[POLISI_PERSON] > 0 && two[POLISI_PERSON] == 2 * one[POLISI_PERSON]);
}

static void test_long_line(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    const size_t reps = 12000; /* ~2 MB, no line break */
    size_t len;
    char *t = copies(SENTENCE, reps, &len);
    assert_int_equal(count_ok("2 MB line of news sentences", ex, t, len, RANK_BIT, POLISI_RANK),
                     2 * reps);
    assert_copies_add_up("the same, every type", ex, t, sizeof SENTENCE - 1, reps);
    /* the same as one paragraph per sentence */
    for (size_t i = sizeof SENTENCE - 2; i < len; i += sizeof SENTENCE - 1)
        t[i] = '\n';
    assert_copies_add_up("the same with a line break per sentence", ex, t, sizeof SENTENCE - 1,
                         reps);
    free(t);
    polisi_extractor_free(ex);
}

static void test_no_spaces(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    size_t len;
    char *t = copies("AKBPYudhaPranata", 500000, &len); /* one 8 MB word */
    assert_int_equal(count_ok("8 MB word of glued ranks and names", ex, t, len, 0, 0), 0);
    free(t);
    t = copies("AKBP.Yudha,S.I.K.(05/11/2018)pukul08.00WIB;", 25000, &len);
    count_ok("1 MB of punctuation-glued news", ex, t, len, 0, 0);
    free(t);
    polisi_extractor_free(ex);
}

/* Code points whose keys grow: ligatures that decompose to 18 letters,
 * combining marks stripped from one giant word, fullwidth letters. */
static void test_unicode_expansion(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    char *t = repeat("\xef\xb7\xba", 3, 3 * MB / 4); /* U+FDFA: 18 code points in NFKD */
    count_ok("256K x U+FDFA (18x decomposition)", ex, t, 3 * MB / 4, 0, 0);
    free(t);
    t = repeat("\xcc\x81", 2, 2 * MB); /* U+0301, a combining acute */
    t[0] = 'a', t[1] = 'a';
    count_ok("a + 1M combining marks (one word)", ex, t, 2 * MB, 0, 0);
    free(t);
    size_t len;
    /* ＡＫＢＰ folds to akbp: one rank per copy */
    t = copies("\xef\xbc\xa1\xef\xbc\xab\xef\xbc\xa2\xef\xbc\xb0 Yudha hadir. ", 100000, &len);
    assert_int_equal(count_ok("100,000 fullwidth AKBP", ex, t, len, RANK_BIT, POLISI_RANK),
                     100000);
    free(t);
    polisi_extractor_free(ex);
}

/* Every prefix and every suffix of a news text: each recognizer meets the
 * end (and the start) of the text in every state of its look-ahead (and
 * look-behind). Regression: "Ka" as the last token made positions.c read
 * past the token array (found by the fuzzer); the scanner now fits the
 * array to its tokens, so such a read is an ASan error here. */
static const char CUT_TEXT[] =
    "Kapolres Magetan AKBP Yudha Pranata, S.I.K., M.H., bersama Wakil Kepala Satgas "
    "Damai Cartenz dan Kepala Satuan Tugas Khusus Polri, Senin (05/11/2018) pukul 08.00-10.00 "
    "WIB. Kasat Reskrim Polres Magetan Iptu Andreas kemarin; Kapolda Jawa Timur Irjen Pol "
    "Drs. H. Machfud Arifin (Purn) hadir 12-14 November 2018 jam 7 malam, Letkol Inf Bambang, "
    "S.Sos., Dr. H. Suprawoto, M.Si., Kepolisian Daerah (Polda) Kalimantan Selatan (Kalsel), "
    "Wakil Kepolisian Daerah (Wakapolda) Sulut, Kepala Divisi Hubungan Masyarakat (Kadiv "
    "Humas) Polri, Brigadir Jenderal Polisi (Brigjen Pol) Budi, Plt. Kasi Humas AKP Ali";

static void test_every_prefix_and_suffix(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(0, 0, 0);
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 6), POLISI_OK);
    const size_t len = sizeof CUT_TEXT - 1;
    double t0 = now();
    for (size_t cut = 0; cut <= len; cut++) {
        for (int side = 0; side < 2; side++) {
            const char *t = side ? CUT_TEXT + cut : CUT_TEXT;
            size_t n = side ? len - cut : cut;
            char *copy = malloc(n ? n : 1); /* exactly n bytes: ASan sees overreads */
            assert_non_null(copy);
            memcpy(copy, t, n);
            polisi_result *r = NULL;
            assert_int_equal(polisi_extract(ex, copy, n, co, &r), POLISI_OK);
            check_result(r, copy, n);
            polisi_result_free(r);
            free(copy);
        }
    }
    printf("hostile: %-44s %10zu bytes %8.3f s\n", "every prefix and suffix", len, now() - t0);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * Many entities, and the limits
 * ------------------------------------------------------------------------ */

static void test_100k_entities(void **state)
{
    (void)state;
    const size_t n = 100000;
    size_t len;
    char *t = copies("Bripka Adi hadir.\n", n, &len);
    polisi_extractor *ex = extractor_with(0, 1000000, 0);
    assert_int_equal(count_ok("100,000 ranks", ex, t, len, RANK_BIT, POLISI_RANK), n);
    assert_true(count_ok("100,000 ranks, every type", ex, t, len, 0, 0) >= n);
    polisi_extractor_free(ex);

    /* one fewer allowed: a status, not a cut */
    ex = extractor_with(0, n - 1, RANK_BIT);
    polisi_result *r = NULL;
    assert_int_equal(run("100,000 ranks, max_entities 99,999", ex, t, len, 0, &r),
                     POLISI_ERR_LIMIT);
    polisi_extractor_free(ex);
    ex = extractor_with(0, n, RANK_BIT);
    assert_int_equal(count_ok("100,000 ranks, max_entities 100,000", ex, t, len, 0, 0), n);
    r = NULL;
    assert_int_equal(run("100,000 ranks, the JSON parsed", ex, t, len, 0, &r), POLISI_OK);
    check_json_parses(r);
    polisi_result_free(r);
    polisi_extractor_free(ex);
    free(t);

    /* realistic sentences on one line: every recognizer at volume */
    ex = extractor_with(0, 2000000, 0);
    t = copies(SENTENCE, 10000, &len);
    assert_true(count_ok("10,000 news sentences", ex, t, len, 0, 0) >= 20000);
    free(t);
    polisi_extractor_free(ex);
}

static void test_too_large(void **state)
{
    (void)state;
    polisi_extractor *ex = extractor_with(1000, 0, 0);
    char *t = repeat("AKBP Yudha ", 11, 1001);
    polisi_result *r = NULL;
    assert_int_equal(run("1001 bytes, max_input 1000", ex, t, 1001, 0, &r), POLISI_ERR_TOO_LARGE);
    assert_true(count_ok("1000 bytes, max_input 1000", ex, t, 1000, 0, 0) > 0);
    polisi_extractor_free(ex);
    free(t);

    /* the default limit, 256 MiB: one byte more is refused before anything
     * is read or copied (calloc'd pages are never touched) */
    size_t big = ((size_t)256 << 20) + 1;
    t = calloc(1, big);
    assert_non_null(t);
    ex = extractor_with(0, 0, 0);
    assert_int_equal(run("256 MiB + 1, the default max_input", ex, t, big, 0, &r),
                     POLISI_ERR_TOO_LARGE);
    polisi_extractor_free(ex);
    free(t);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid_utf8_classes),
        cmocka_unit_test(test_invalid_utf8_bulk),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_one_token_50mb),
        cmocka_unit_test(test_long_runs),
        cmocka_unit_test(test_ambiguous_ranks_one_line),
        cmocka_unit_test(test_long_line),
        cmocka_unit_test(test_no_spaces),
        cmocka_unit_test(test_unicode_expansion),
        cmocka_unit_test(test_every_prefix_and_suffix),
        cmocka_unit_test(test_100k_entities),
        cmocka_unit_test(test_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
