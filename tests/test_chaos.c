/*
 * test_chaos.c: allocation failure, everywhere.
 *
 * A custom allocator (polisi_options_set_allocator) fails the Nth
 * allocation attempt, for N = 1, 2, 3, ... until the call succeeds, through
 * extractor creation, call options, extraction of realistic texts (every
 * type, several masks, with and without a reference date) and both JSON
 * writers. Each failure must give POLISI_ERR_NOMEM with the out-param NULL
 * and every block freed; the call must succeed once N passes its last
 * allocation, with the same output as without failures. A second mode
 * fails every attempt from the Nth on ("the heap is gone"), so the error
 * paths themselves are exercised while memory stays short.
 *
 * The allocator puts a header with a magic number and the size before
 * every block, so a block freed twice, a foreign pointer, or a realloc of a
 * freed block is caught, and it counts blocks: allocs == frees at the end.
 *
 * POLISI_CHAOS_STRIDE=K (environment) tests only every Kth N past the first
 * 2000 of extractor creation, for the sanitizer builds, where building an
 * extractor 20,000+ times costs minutes. Extraction is always exhaustive.
 */
#define _POSIX_C_SOURCE 200809L

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "polisi.h"

/* ------------------------------------------------------------------------
 * The failing allocator
 * ------------------------------------------------------------------------ */

#define MAGIC 0x63686173u  /* "chas" */
#define FREED 0x64656164u  /* "dead" */

typedef union header {
    struct {
        unsigned magic;
        size_t size;
    } h;
    max_align_t align;
} header;

typedef struct chaos {
    size_t attempts;   /* allocation attempts (malloc + realloc) since reset */
    size_t fail_at;    /* 0: never; else the fail_at-th attempt fails ... */
    int sticky;        /* ... and, when set, every attempt after it */
    size_t failures;   /* attempts failed since reset */
    size_t allocs, frees;
    long live;
    int bad;           /* a foreign or freed pointer was passed back */
} chaos;

static int should_fail(chaos *c)
{
    c->attempts++;
    if (c->fail_at && (c->attempts == c->fail_at || (c->sticky && c->attempts > c->fail_at))) {
        c->failures++;
        return 1;
    }
    return 0;
}

static void *ch_malloc(size_t size, void *ud)
{
    chaos *c = ud;
    if (should_fail(c))
        return NULL;
    header *h = malloc(sizeof(header) + size);
    if (!h)
        return NULL;
    h->h.magic = MAGIC;
    h->h.size = size;
    c->allocs++;
    c->live++;
    return h + 1;
}

/* realloc of a block (ptr != NULL; see ch_realloc_entry). */
static void *ch_realloc(void *ptr, size_t size, void *ud)
{
    chaos *c = ud;
    header *old = (header *)ptr - 1;
    if (old->h.magic != MAGIC) {
        c->bad = 1;
        return NULL;
    }
    if (should_fail(c))
        return NULL; /* the old block stays valid */
    header *h = realloc(old, sizeof(header) + size);
    if (!h)
        return NULL;
    h->h.size = size;
    return h + 1;
}

static void ch_free(void *ptr, void *ud)
{
    chaos *c = ud;
    if (!ptr)
        return;
    header *h = (header *)ptr - 1;
    if (h->h.magic != MAGIC) {
        c->bad = 1;
        return;
    }
    h->h.magic = FREED;
    c->frees++;
    c->live--;
    free(h);
}

/* realloc(NULL, n) is a malloc: count it as one attempt. */
static void *ch_realloc_entry(void *ptr, size_t size, void *ud)
{
    if (!ptr)
        return ch_malloc(size, ud);
    return ch_realloc(ptr, size, ud);
}

static void arm(chaos *c, size_t fail_at, int sticky)
{
    c->attempts = 0;
    c->failures = 0;
    c->fail_at = fail_at;
    c->sticky = sticky;
}

static polisi_options *options_for(chaos *c, unsigned types)
{
    polisi_options *o = NULL;
    polisi_allocator a = { ch_malloc, ch_realloc_entry, ch_free, c };
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_allocator(o, &a), POLISI_OK);
    if (types)
        assert_int_equal(polisi_options_set_types(o, types), POLISI_OK);
    return o;
}

static size_t stride(void)
{
    const char *s = getenv("POLISI_CHAOS_STRIDE");
    long k = s ? strtol(s, NULL, 10) : 1;
    return k > 1 ? (size_t)k : 1;
}

#define MAX_N 2000000 /* no call allocates this often: the loops end sooner */

/* ------------------------------------------------------------------------
 * Texts: realistic news with every type, and some hostile bytes
 * ------------------------------------------------------------------------ */

static const char NEWS[] =
    "Kapolres Magetan AKBP Yudha Pranata, S.I.K., M.H., bersama Wakapolres Kompol Heru "
    "Prasetyo meninjau pos pengamanan di Polsek Plaosan, Senin (05/11/2018) pukul 08.00 WIB.\n\n"
    "\"Kami siaga,\" kata Kasat Reskrim Polres Magetan Iptu Andreas Simanjuntak kemarin. "
    "Kapolda Jawa Timur Irjen Pol Drs. H. Machfud Arifin hadir pada 12-14 November 2018 "
    "bersama Dandim 0804 Letkol Inf Bambang, S.Sos. Sebelumnya, Selasa malam jam 7, Bripka "
    "MHM dan Brigadir J ditemui di Mapolda Jatim. Dr. H. Suprawoto, M.Si. (Bupati Magetan) "
    "menyebut Polri dan Kepolisian Resor Ngawi siap. Pada 2019, Kabid Humas Polda Jatim "
    "Kombes Pol Frans Barung Mangera menyatakan AKP (Purn) Sukono, S.H. pensiun.";

static const char HOSTILE[] =
    "\xff\xfe Bripda\0Andi \xc0\xaf AKBP\xed\xa0\x80Yudha (05/11/2018\xe2\x82 pukul 25.99 "
    "\xef\xbc\xa1\xef\xbc\xab\xef\xbc\xa2\xef\xbc\xb0 Budi, S.H.\r\nKapolsek \xf0\x9f\x98";

typedef struct text {
    const char *name;
    const char *s;
    size_t len;
} text;

static const text texts[] = {
    { "news", NEWS, sizeof NEWS - 1 },
    { "hostile bytes", HOSTILE, sizeof HOSTILE - 1 },
    { "empty", "", 0 },
};

/* ------------------------------------------------------------------------
 * Tests
 * ------------------------------------------------------------------------ */

/* extractor_new with the Nth attempt failing, for every N (see stride). */
static void test_extractor_new(void **state)
{
    (void)state;
    chaos c;
    memset(&c, 0, sizeof c);
    polisi_options *o = options_for(&c, 0);
    const size_t k = stride();
    size_t n, tried = 0;
    for (n = 1; n < MAX_N; n++) {
        if (n > 2000 && n % k != 0)
            continue;
        arm(&c, n, 0);
        polisi_extractor *ex = (polisi_extractor *)&ex; /* must be overwritten */
        polisi_status st = polisi_extractor_new(o, &ex);
        tried++;
        if (st == POLISI_OK) {
            assert_non_null(ex);
            polisi_extractor_free(ex);
            if (c.live != 0)
                fail_msg("allocation %zu failing: %ld blocks left after free", n, c.live);
            if (c.failures == 0)
                break; /* n passed the last allocation */
            continue;     /* a failure was tolerated */
        }
        if (st != POLISI_ERR_NOMEM)
            fail_msg("allocation %zu failing: %s, not NOMEM", n, polisi_strerror(st));
        assert_null(ex);
        if (c.live != 0)
            fail_msg("allocation %zu failing: %ld blocks leaked", n, c.live);
        assert_false(c.bad);
    }
    assert_true(n < MAX_N);
    printf("chaos: extractor_new: %zu allocation attempts, %zu failure points tried%s\n",
           c.attempts, tried, k > 1 ? " (strided)" : "");
    assert_int_equal(c.allocs, c.frees);
    assert_false(c.bad);
    polisi_options_free(o);
}

/* The same with every attempt from the Nth on failing. */
static void test_extractor_new_sticky(void **state)
{
    (void)state;
    chaos c;
    memset(&c, 0, sizeof c);
    polisi_options *o = options_for(&c, 0);
    const size_t k = stride() * 7;
    size_t n;
    for (n = 1; n < MAX_N; n += n <= 500 ? 1 : k) {
        arm(&c, n, 1);
        polisi_extractor *ex = (polisi_extractor *)&ex;
        polisi_status st = polisi_extractor_new(o, &ex);
        if (st == POLISI_OK) {
            polisi_extractor_free(ex);
            assert_int_equal(c.live, 0);
            if (c.failures == 0)
                break;
            continue;
        }
        assert_int_equal(st, POLISI_ERR_NOMEM);
        assert_null(ex);
        if (c.live != 0)
            fail_msg("allocations %zu.. failing: %ld blocks leaked", n, c.live);
    }
    assert_true(n < MAX_N);
    assert_int_equal(c.allocs, c.frees);
    assert_false(c.bad);
    polisi_options_free(o);
}

/* The reference output of a text, without failures. */
static char *reference_json(const polisi_extractor *ex, const text *t,
                            const polisi_call_options *co)
{
    polisi_result *r = NULL;
    assert_int_equal(polisi_extract(ex, t->s, t->len, co, &r), POLISI_OK);
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "c", 1, POLISI_JSON_PRETTY, &json, &jl), POLISI_OK);
    char *copy = malloc(jl + 1);
    assert_non_null(copy);
    memcpy(copy, json, jl + 1);
    polisi_result_free(r);
    return copy;
}

/* polisi_result_json on r with the Nth attempt failing, for every N. */
static void json_chaos(chaos *c, polisi_result *r, const char *expect, int sticky)
{
    size_t m;
    for (m = 1; m < MAX_N; m++) {
        arm(c, m, sticky);
        const char *json = (const char *)&json;
        size_t jl = 0;
        polisi_status st = polisi_result_json(r, "c", 1, POLISI_JSON_PRETTY, &json, &jl);
        if (st == POLISI_OK) {
            assert_string_equal(json, expect);
            if (c->failures == 0)
                break;
            continue;
        }
        if (st != POLISI_ERR_NOMEM)
            fail_msg("result_json with allocation %zu failing: %s", m, polisi_strerror(st));
        assert_null(json);
    }
    assert_true(m < MAX_N);
}

/* extract (then JSON) with the Nth attempt failing, for every N, one
 * extractor per type mask, each text, with and without a reference date. */
static void extract_chaos(unsigned types, int sticky)
{
    chaos c;
    memset(&c, 0, sizeof c);
    polisi_options *o = options_for(&c, types);
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    const long base = c.live; /* the extractor and the call options */
    size_t total = 0;

    for (int ref = 0; ref < 2; ref++) {
        if (ref)
            assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 6), POLISI_OK);
        for (size_t t = 0; t < sizeof texts / sizeof texts[0]; t++) {
            arm(&c, 0, 0);
            char *expect = reference_json(ex, &texts[t], co);
            size_t n;
            for (n = 1; n < MAX_N; n++) {
                arm(&c, n, sticky);
                polisi_result *r = (polisi_result *)&r;
                polisi_status st = polisi_extract(ex, texts[t].s, texts[t].len, co, &r);
                total++;
                if (st == POLISI_OK) {
                    assert_non_null(r);
                    int done = c.failures == 0;
                    json_chaos(&c, r, expect, sticky);
                    arm(&c, 0, 0);
                    polisi_result_free(r);
                    if (c.live != base)
                        fail_msg("%s: result_free leaves %ld blocks", texts[t].name, c.live - base);
                    if (done)
                        break;
                    continue; /* a tolerated failure: the output was still checked */
                }
                if (st != POLISI_ERR_NOMEM)
                    fail_msg("%s, types 0x%x, allocation %zu failing: %s, not NOMEM",
                             texts[t].name, types, n, polisi_strerror(st));
                assert_null(r);
                if (c.live != base)
                    fail_msg("%s, types 0x%x, allocation %zu failing: %ld blocks leaked",
                             texts[t].name, types, n, c.live - base);
                assert_false(c.bad);
            }
            assert_true(n < MAX_N);
            free(expect);
        }
    }
    arm(&c, 0, 0);
    printf("chaos: extract, types 0x%02x%s: %zu failure points tried\n", types,
           sticky ? ", sticky" : "", total);

    /* call_options_new fails cleanly too */
    arm(&c, 1, 0);
    polisi_call_options *co2 = (polisi_call_options *)&co2;
    assert_int_equal(polisi_call_options_new(ex, &co2), POLISI_ERR_NOMEM);
    assert_null(co2);
    arm(&c, 0, 0);

    polisi_call_options_free(co);
    polisi_extractor_free(ex);
    assert_int_equal(c.live, 0);
    assert_int_equal(c.allocs, c.frees);
    assert_false(c.bad);
}

static void test_extract_all_types(void **state)
{
    (void)state;
    extract_chaos(POLISI_ALL_TYPES, 0);
}

static void test_extract_each_type(void **state)
{
    (void)state;
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++)
        extract_chaos(POLISI_TYPE_BIT(t), 0);
}

static void test_extract_sticky(void **state)
{
    (void)state;
    extract_chaos(POLISI_ALL_TYPES, 1);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extractor_new),
        cmocka_unit_test(test_extractor_new_sticky),
        cmocka_unit_test(test_extract_all_types),
        cmocka_unit_test(test_extract_each_type),
        cmocka_unit_test(test_extract_sticky),
    };
    return cmocka_run_group_tests(tests, NULL, NULL) ? 1 : 0;
}
