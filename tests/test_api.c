/*
 * test_api.c: the public API of polisi.h, through the public API only.
 *
 * Versions and status strings, type and field names, option setters and
 * their range checks, NULL handling, limits, reference dates, accessors,
 * JSON output and writers, custom allocators (counting, and failing the Nth
 * allocation until the call succeeds), and one extractor shared by threads.
 * Run it under valgrind or ASan to see that every error path frees all.
 */
#define _POSIX_C_SOURCE 200809L

#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "polisi.h"

#define RANK_BIT POLISI_TYPE_BIT(POLISI_RANK)
#define DATE_BIT POLISI_TYPE_BIT(POLISI_DATE)

/* Our own sentences (SPEC.md examples where the contract is spelled out). */
static const char TWO_RANKS[] = "Bripka Adi Nugraha dan Bripda Lina Marpaung hadir.";
static const char KAPOLRES[] = "Kapolres Sumbawa AKBP Yudha Pranata menjelaskan kronologi kejadian.";
static const char NEWS[] =
    "Kapolsek Plaosan AKP SUKONO, S.H., hadir dalam rapat di Polres Magetan, "
    "Senin (05/11/2018) pukul 08.00 WIB. Kapolres Magetan AKBP Yudha Pranata, S.I.K., "
    "bersama Wakapolres Kompol Heru Prasetyo meninjau pos pengamanan. \"Kami siaga,\" "
    "kata Kasat Reskrim Iptu Andreas Simanjuntak kemarin.";

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static polisi_extractor *new_extractor(void)
{
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_extractor_new(NULL, &ex), POLISI_OK);
    assert_non_null(ex);
    return ex;
}

static polisi_result *extract(const polisi_extractor *ex, const char *text, size_t len,
                              const polisi_call_options *co)
{
    polisi_result *r = NULL;
    assert_int_equal(polisi_extract(ex, text, len, co, &r), POLISI_OK);
    assert_non_null(r);
    return r;
}

/* The first entity of a type; fails the test (saying what is missing) when
 * there is none. */
static const polisi_entity *need_(const polisi_result *r, polisi_type type, const char *why,
                                  const char *file, int line)
{
    for (size_t i = 0; i < polisi_result_count(r); i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        if (polisi_entity_type(e) == type)
            return e;
    }
    print_error("%s:%d: no %s entity: %s\n", file, line, polisi_type_name(type), why);
    fail();
    return NULL;
}
#define need(r, type, why) need_((r), (type), (why), __FILE__, __LINE__)

static size_t count_of(const polisi_result *r, polisi_type type)
{
    size_t n = 0;
    for (size_t i = 0; i < polisi_result_count(r); i++)
        n += polisi_entity_type(polisi_result_entity(r, i)) == type;
    return n;
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* ------------------------------------------------------------------------
 * 1. Versions and status codes
 * ------------------------------------------------------------------------ */

static void test_version(void **state)
{
    (void)state;
    assert_non_null(polisi_version());
    assert_string_equal(polisi_version(), POLISI_VERSION_STRING);
    assert_int_equal(polisi_version_number(), POLISI_VERSION_NUMBER);
    assert_int_equal(POLISI_VERSION_NUMBER, POLISI_VERSION_MAJOR * 10000 +
                                                POLISI_VERSION_MINOR * 100 + POLISI_VERSION_PATCH);
    char buf[64];
    snprintf(buf, sizeof buf, "%d.%d.%d", POLISI_VERSION_MAJOR, POLISI_VERSION_MINOR,
             POLISI_VERSION_PATCH);
    assert_string_equal(polisi_version(), buf);
}

static void test_strerror(void **state)
{
    (void)state;
    static const polisi_status all[] = {
        POLISI_OK,          POLISI_ERR_NOMEM, POLISI_ERR_INVALID_ARG, POLISI_ERR_TOO_LARGE,
        POLISI_ERR_BAD_DATE, POLISI_ERR_LIMIT, POLISI_ERR_REGEX,       POLISI_ERR_NO_FIELD,
        POLISI_ERR_WRITE,   POLISI_ERR_INTERNAL,
    };
    const size_t n = sizeof all / sizeof all[0];
    const char *unknown = polisi_strerror((polisi_status)-100);
    assert_non_null(unknown);
    assert_string_equal(unknown, "unknown polisi status");
    assert_string_equal(polisi_strerror((polisi_status)1), "unknown polisi status");
    assert_string_equal(polisi_strerror((polisi_status)-10), "unknown polisi status");
    assert_string_equal(polisi_strerror((polisi_status)INT_MIN), "unknown polisi status");
    for (size_t i = 0; i < n; i++) {
        const char *s = polisi_strerror(all[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, unknown);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, polisi_strerror(all[j])); /* each is distinct */
    }
}

/* ------------------------------------------------------------------------
 * 2. Types and fields
 * ------------------------------------------------------------------------ */

static void test_type_names(void **state)
{
    (void)state;
    static const char *const names[] = { NULL,   "rank", "title", "unit",
                                         "position", "date", "time",  "person" };
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++) {
        assert_non_null(polisi_type_name((polisi_type)t));
        assert_string_equal(polisi_type_name((polisi_type)t), names[t]);
    }
    assert_null(polisi_type_name((polisi_type)0));
    assert_null(polisi_type_name((polisi_type)8));
    assert_null(polisi_type_name((polisi_type)-1));
    assert_int_equal(POLISI_ALL_TYPES, 0xFEu);
}

static void test_field_names(void **state)
{
    (void)state;
    for (int f = 0; f < (int)POLISI_FIELD_COUNT; f++) {
        const char *n = polisi_field_name((polisi_field)f);
        assert_non_null(n);
        assert_true(strlen(n) > 0);
        for (int g = 0; g < f; g++)
            assert_string_not_equal(n, polisi_field_name((polisi_field)g));
    }
    assert_string_equal(polisi_field_name(POLISI_FIELD_CODE), "code");
    assert_string_equal(polisi_field_name(POLISI_FIELD_NAME), "name");
    assert_string_equal(polisi_field_name(POLISI_FIELD_GRADE), "grade");
    assert_string_equal(polisi_field_name(POLISI_FIELD_RETIRED), "retired");
    assert_string_equal(polisi_field_name(POLISI_FIELD_CANONICAL), "canonical");
    assert_string_equal(polisi_field_name(POLISI_FIELD_END_VALUE), "end_value");
    assert_string_equal(polisi_field_name(POLISI_FIELD_WEEKDAY_OK), "weekday_ok");
    assert_string_equal(polisi_field_name(POLISI_FIELD_UTC_OFFSET), "utc_offset");
    assert_string_equal(polisi_field_name(POLISI_FIELD_DISPLAY), "display");
    assert_string_equal(polisi_field_name(POLISI_FIELD_RANK), "rank");
    assert_string_equal(polisi_field_name(POLISI_FIELD_TITLES), "titles");
    assert_null(polisi_field_name(POLISI_FIELD_COUNT));
    assert_null(polisi_field_name((polisi_field)-1));
    assert_null(polisi_field_name((polisi_field)1000));
}

static void test_types_parse(void **state)
{
    (void)state;
    unsigned mask = 0;
    assert_int_equal(polisi_types_parse("rank,date", &mask), POLISI_OK);
    assert_int_equal(mask, RANK_BIT | DATE_BIT);
    mask = 0;
    assert_int_equal(polisi_types_parse(" Rank , DATE ", &mask), POLISI_OK);
    assert_int_equal(mask, RANK_BIT | DATE_BIT);
    assert_int_equal(polisi_types_parse("all", &mask), POLISI_OK);
    assert_int_equal(mask, POLISI_ALL_TYPES);
    assert_int_equal(polisi_types_parse("ALL", &mask), POLISI_OK);
    assert_int_equal(mask, POLISI_ALL_TYPES);
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++) {
        assert_int_equal(polisi_types_parse(polisi_type_name((polisi_type)t), &mask), POLISI_OK);
        assert_int_equal(mask, POLISI_TYPE_BIT(t));
    }
    assert_int_equal(polisi_types_parse("person,title,unit,position,time", &mask), POLISI_OK);
    assert_int_equal(mask, POLISI_ALL_TYPES & ~(RANK_BIT | DATE_BIT));

    assert_int_equal(polisi_types_parse("", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("   ", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("bogus", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("rank,bogus", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("ranks", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("ran", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("satker", &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse(NULL, &mask), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_types_parse("rank", NULL), POLISI_ERR_INVALID_ARG);
}

/* ------------------------------------------------------------------------
 * 3-4. Options and the extractor
 * ------------------------------------------------------------------------ */

static void test_options_setters(void **state)
{
    (void)state;
    polisi_options *o = NULL;
    assert_int_equal(polisi_options_new(NULL), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_non_null(o);

    assert_int_equal(polisi_options_set_types(o, 0), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_types(o, 1u), POLISI_ERR_INVALID_ARG); /* bit 0 */
    assert_int_equal(polisi_options_set_types(o, 1u << 8), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_types(o, RANK_BIT | (1u << 31)), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_types(o, POLISI_ALL_TYPES | 1u), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_types(o, RANK_BIT), POLISI_OK);
    assert_int_equal(polisi_options_set_types(o, POLISI_ALL_TYPES), POLISI_OK);
    assert_int_equal(polisi_options_set_types(NULL, RANK_BIT), POLISI_ERR_INVALID_ARG);

    assert_int_equal(polisi_options_set_max_input(o, 0), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_max_input(o, 1), POLISI_OK);
    assert_int_equal(polisi_options_set_max_input(o, 4294967294u), POLISI_OK);
#if SIZE_MAX > 4294967294u
    assert_int_equal(polisi_options_set_max_input(o, (size_t)4294967295u), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_max_input(o, SIZE_MAX), POLISI_ERR_INVALID_ARG);
#endif
    assert_int_equal(polisi_options_set_max_input(NULL, 10), POLISI_ERR_INVALID_ARG);

    assert_int_equal(polisi_options_set_max_entities(o, 0), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_options_set_max_entities(o, 1), POLISI_OK);
    assert_int_equal(polisi_options_set_max_entities(o, SIZE_MAX), POLISI_OK);
    assert_int_equal(polisi_options_set_max_entities(NULL, 1), POLISI_ERR_INVALID_ARG);

    assert_int_equal(polisi_options_set_allocator(o, NULL), POLISI_OK);
    assert_int_equal(polisi_options_set_allocator(NULL, NULL), POLISI_ERR_INVALID_ARG);
    polisi_allocator half = { NULL, NULL, NULL, NULL }; /* all three are required */
    assert_int_equal(polisi_options_set_allocator(o, &half), POLISI_ERR_INVALID_ARG);

    /* Options are only read by extractor_new and may be freed at once. */
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);
    polisi_result *r = extract(ex, KAPOLRES, strlen(KAPOLRES), NULL);
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

static void test_free_null(void **state)
{
    (void)state;
    polisi_options_free(NULL);
    polisi_extractor_free(NULL);
    polisi_call_options_free(NULL);
    polisi_result_free(NULL);
    polisi_call_options_clear_ref_date(NULL);
}

static void test_extractor_new(void **state)
{
    (void)state;
    assert_int_equal(polisi_extractor_new(NULL, NULL), POLISI_ERR_INVALID_ARG);
    polisi_extractor *ex = (polisi_extractor *)&ex; /* garbage the call must overwrite */
    assert_int_equal(polisi_extractor_new(NULL, &ex), POLISI_OK);
    assert_non_null(ex);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * 5. Extraction: arguments, limits, reference date, types
 * ------------------------------------------------------------------------ */

static void test_extract_args(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_result *r = NULL;

    assert_int_equal(polisi_extract(ex, NULL, 0, NULL, &r), POLISI_OK);
    assert_non_null(r);
    assert_int_equal(polisi_result_count(r), 0);
    assert_null(polisi_result_entity(r, 0));
    polisi_result_free(r);

    r = extract(ex, "", 0, NULL);
    assert_int_equal(polisi_result_count(r), 0);
    polisi_result_free(r);

    r = (polisi_result *)&r;
    assert_int_equal(polisi_extract(NULL, "AKP Budi", 8, NULL, &r), POLISI_ERR_INVALID_ARG);
    assert_null(r);
    assert_int_equal(polisi_extract(ex, "AKP Budi", 8, NULL, NULL), POLISI_ERR_INVALID_ARG);
    r = (polisi_result *)&r;
    assert_int_equal(polisi_extract(ex, NULL, 5, NULL, &r), POLISI_ERR_INVALID_ARG);
    assert_null(r);

    /* call options need an extractor and an out-param */
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(NULL, &co), POLISI_ERR_INVALID_ARG);
    assert_null(co);
    assert_int_equal(polisi_call_options_new(ex, NULL), POLISI_ERR_INVALID_ARG);
    polisi_extractor_free(ex);
}

static void test_max_input(void **state)
{
    (void)state;
    polisi_options *o = NULL;
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_max_input(o, 10), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);

    polisi_result *r = (polisi_result *)&r;
    assert_int_equal(polisi_extract(ex, "Bripka Adi!", 11, NULL, &r), POLISI_ERR_TOO_LARGE);
    assert_null(r);
    r = extract(ex, "Bripka Adi", 10, NULL); /* exactly the limit */
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

static void test_max_entities(void **state)
{
    (void)state;
    polisi_options *o = NULL;
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_max_entities(o, 1), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);

    polisi_result *r = (polisi_result *)&r;
    assert_int_equal(polisi_extract(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r), POLISI_ERR_LIMIT);
    assert_null(r);

    /* Only ranks reported: still two of them. */
    polisi_extractor_free(ex);
    assert_int_equal(polisi_options_set_types(o, RANK_BIT), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    r = (polisi_result *)&r;
    assert_int_equal(polisi_extract(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r), POLISI_ERR_LIMIT);
    assert_null(r);
    /* One rank fits. */
    r = extract(ex, "Bripka Adi Nugraha hadir.", 25, NULL);
    assert_int_equal(polisi_result_count(r), 1);
    polisi_result_free(r);

    /* Two fit in two. */
    polisi_extractor_free(ex);
    assert_int_equal(polisi_options_set_max_entities(o, 2), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    r = extract(ex, TWO_RANKS, strlen(TWO_RANKS), NULL);
    assert_int_equal(polisi_result_count(r), 2);
    polisi_result_free(r);
    polisi_extractor_free(ex);
    polisi_options_free(o);
}

/* ------------------------------------------------------------------------
 * 5b. Extraction into a reused result
 * ------------------------------------------------------------------------ */

/* `text` repeated n times, into a new buffer. */
static char *repeat(const char *text, size_t n, size_t *len)
{
    size_t one = strlen(text);
    char *s = malloc(one * n + 1);
    assert_non_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * one, text, one);
    s[one * n] = '\0';
    *len = one * n;
    return s;
}

/* polisi_extract_into(*reused) gives the JSON polisi_extract gives. */
static void assert_into_same(const polisi_extractor *ex, const char *text, size_t len,
                             const polisi_call_options *co, polisi_result **reused)
{
    polisi_result *fresh = extract(ex, text, len, co);
    assert_int_equal(polisi_extract_into(ex, text, len, co, reused), POLISI_OK);
    assert_non_null(*reused);
    const char *want, *got;
    size_t want_len, got_len;
    assert_int_equal(polisi_result_json(fresh, "x", 1, 0, &want, &want_len), POLISI_OK);
    assert_int_equal(polisi_result_json(*reused, "x", 1, 0, &got, &got_len), POLISI_OK);
    assert_int_equal(got_len, want_len);
    assert_memory_equal(got, want, want_len);
    assert_int_equal(polisi_result_count(*reused), polisi_result_count(fresh));
    polisi_result_free(fresh);
}

static void test_extract_into(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 5), POLISI_OK);
    size_t long_len;
    char *long_text = repeat(NEWS, 60, &long_len); /* ~17 KB, 1,000 entities or so */

    /* NULL makes a result; then texts shorter and longer than the last,
     * an empty one, and the long one's entities and strings, which
     * outgrow the result's first block. */
    polisi_result *r = NULL;
    assert_into_same(ex, NEWS, strlen(NEWS), co, &r);
    assert_true(polisi_result_count(r) > 10);
    assert_into_same(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r);
    assert_int_equal(count_of(r, POLISI_RANK), 2);
    assert_into_same(ex, long_text, long_len, co, &r);
    assert_true(polisi_result_count(r) > 500);
    assert_into_same(ex, "", 0, co, &r);
    assert_int_equal(polisi_result_count(r), 0);
    assert_into_same(ex, KAPOLRES, strlen(KAPOLRES), co, &r);
    assert_into_same(ex, long_text, long_len, co, &r);
    assert_into_same(ex, NEWS, strlen(NEWS), co, &r);

    /* The call's types apply, as with polisi_extract. */
    assert_int_equal(polisi_call_options_set_types(co, DATE_BIT), POLISI_OK);
    assert_into_same(ex, NEWS, strlen(NEWS), co, &r);
    assert_true(polisi_result_count(r) > 0);
    assert_int_equal(count_of(r, POLISI_DATE), polisi_result_count(r));

    polisi_result_free(r);

    /* A result of polisi_extract is refilled the same way. */
    r = extract(ex, KAPOLRES, strlen(KAPOLRES), co);
    assert_into_same(ex, long_text, long_len, co, &r);
    assert_into_same(ex, TWO_RANKS, strlen(TWO_RANKS), co, &r);
    polisi_result_free(r);
    free(long_text);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);
}

static void test_extract_into_args(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor(), *other = new_extractor();
    polisi_result *r = NULL;
    assert_int_equal(polisi_extract_into(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, NULL),
                     POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_extract_into(ex, NULL, 0, NULL, &r), POLISI_OK); /* NULL, 0: "" */
    assert_non_null(r);
    assert_int_equal(polisi_extract_into(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r), POLISI_OK);

    /* Argument errors leave the result as it was, usable. */
    polisi_result *kept = r;
    size_t count = polisi_result_count(r);
    assert_true(count >= 2);
    assert_int_equal(polisi_extract_into(NULL, "AKP Budi", 8, NULL, &r), POLISI_ERR_INVALID_ARG);
    assert_ptr_equal(r, kept);
    assert_int_equal(polisi_extract_into(ex, NULL, 5, NULL, &r), POLISI_ERR_INVALID_ARG);
    assert_ptr_equal(r, kept);
    assert_int_equal(polisi_extract_into(other, "AKP Budi", 8, NULL, &r), POLISI_ERR_INVALID_ARG);
    assert_ptr_equal(r, kept);
    assert_int_equal(polisi_result_count(r), count);

    /* Another extractor's own results are its to refill. */
    polisi_result *o = NULL;
    assert_int_equal(polisi_extract_into(other, "AKP Budi", 8, NULL, &o), POLISI_OK);
    assert_int_equal(count_of(o, POLISI_RANK), 1);
    polisi_result_free(o);
    polisi_result_free(r);
    polisi_extractor_free(other);
    polisi_extractor_free(ex);
}

static void test_extract_into_errors(void **state)
{
    (void)state;
    polisi_options *o = NULL;
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_max_input(o, 60), POLISI_OK);
    assert_int_equal(polisi_options_set_max_entities(o, 1), POLISI_OK);
    assert_int_equal(polisi_options_set_types(o, RANK_BIT), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);

    /* Other errors free the result and leave NULL; the next call makes a
     * new one. */
    polisi_result *r = NULL;
    assert_int_equal(polisi_extract_into(ex, "Bripka Adi", 10, NULL, &r), POLISI_OK);
    assert_int_equal(polisi_extract_into(ex, NEWS, strlen(NEWS), NULL, &r), POLISI_ERR_TOO_LARGE);
    assert_null(r);
    assert_int_equal(polisi_extract_into(ex, "Bripka Adi", 10, NULL, &r), POLISI_OK);
    assert_int_equal(polisi_result_count(r), 1);
    assert_int_equal(polisi_extract_into(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r),
                     POLISI_ERR_LIMIT);
    assert_null(r);
    assert_int_equal(polisi_extract_into(ex, TWO_RANKS, strlen(TWO_RANKS), NULL, &r),
                     POLISI_ERR_LIMIT);
    assert_null(r);
    polisi_extractor_free(ex);
}

static void test_ref_date_setters(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_non_null(co);

    assert_int_equal(polisi_call_options_set_ref_date(co, 2024, 2, 29), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2000, 2, 29), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2023, 2, 29), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 1900, 2, 29), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 13, 1), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 0, 1), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 4, 31), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 12, 0), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 12, 31), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, -1, 5), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date(NULL, 2018, 11, 5), POLISI_ERR_INVALID_ARG);

    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-11-05", 10), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2024-02-29", 10), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2023-02-29", 10), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-13-01", 10), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-1-05", 9), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-1-05", 10), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "", 0), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018/11/05", 10), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-11-05T", 11), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-11-0x", 10), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "+018-11-05", 10), POLISI_ERR_BAD_DATE);
    /* `len` bytes are read, not up to a NUL: the prefix of a longer string */
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-11-05 08:00", 10), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date_iso(NULL, "2018-11-05", 10),
                     POLISI_ERR_INVALID_ARG);
    assert_true(polisi_call_options_set_ref_date_iso(co, NULL, 10) < 0);

    polisi_call_options_clear_ref_date(co);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);
}

/* The reference date reaches the date recognizer; a rejected date leaves
 * the previous one in place; clearing it gives null again (SPEC.md 2, date). */
static void test_ref_date_effect(void **state)
{
    (void)state;
    static const char text[] = "Pelaku ditangkap kemarin.";
    polisi_extractor *ex = new_extractor();
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);

    polisi_result *r = extract(ex, text, strlen(text), co);
    const polisi_entity *d = need(r, POLISI_DATE, "\"kemarin\" is a relative date (SPEC.md 2, date)");
    assert_null(polisi_entity_string(d, POLISI_FIELD_VALUE)); /* no reference date: null */
    polisi_result_free(r);

    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 5), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 2, 30), POLISI_ERR_BAD_DATE);
    assert_int_equal(polisi_call_options_set_ref_date_iso(co, "2018-02-30", 10), POLISI_ERR_BAD_DATE);
    r = extract(ex, text, strlen(text), co);
    d = need(r, POLISI_DATE, "\"kemarin\" with a reference date");
    assert_non_null(polisi_entity_string(d, POLISI_FIELD_VALUE));
    assert_string_equal(polisi_entity_string(d, POLISI_FIELD_VALUE), "2018-11-04");
    polisi_result_free(r);

    polisi_call_options_clear_ref_date(co);
    r = extract(ex, text, strlen(text), co);
    d = need(r, POLISI_DATE, "\"kemarin\" after clearing the reference date");
    assert_null(polisi_entity_string(d, POLISI_FIELD_VALUE));
    polisi_result_free(r);

    polisi_call_options_free(co);
    polisi_extractor_free(ex);
}

static void test_call_types(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);

    assert_int_equal(polisi_call_options_set_types(co, 0), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_call_options_set_types(co, 1u), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_call_options_set_types(co, 1u << 8), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_call_options_set_types(NULL, RANK_BIT), POLISI_ERR_INVALID_ARG);

    polisi_result *r = extract(ex, NEWS, strlen(NEWS), NULL);
    assert_true(count_of(r, POLISI_RANK) > 0);
    polisi_result_free(r);

    assert_int_equal(polisi_call_options_set_types(co, DATE_BIT), POLISI_OK);
    r = extract(ex, NEWS, strlen(NEWS), co);
    assert_int_equal(count_of(r, POLISI_RANK), 0);
    for (size_t i = 0; i < polisi_result_count(r); i++)
        assert_int_equal(polisi_entity_type(polisi_result_entity(r, i)), POLISI_DATE);
    polisi_result_free(r);

    /* Persons need the other recognizers, but only persons are reported. */
    assert_int_equal(polisi_call_options_set_types(co, POLISI_TYPE_BIT(POLISI_PERSON)), POLISI_OK);
    r = extract(ex, NEWS, strlen(NEWS), co);
    for (size_t i = 0; i < polisi_result_count(r); i++)
        assert_int_equal(polisi_entity_type(polisi_result_entity(r, i)), POLISI_PERSON);
    polisi_result_free(r);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);

    /* Call types are intersected with the extractor's: rank ∩ date = nothing. */
    polisi_options *o = NULL;
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_types(o, RANK_BIT), POLISI_OK);
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);
    r = extract(ex, NEWS, strlen(NEWS), NULL);
    assert_true(polisi_result_count(r) > 0);
    for (size_t i = 0; i < polisi_result_count(r); i++)
        assert_int_equal(polisi_entity_type(polisi_result_entity(r, i)), POLISI_RANK);
    polisi_result_free(r);
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_types(co, DATE_BIT), POLISI_OK);
    r = extract(ex, NEWS, strlen(NEWS), co);
    assert_int_equal(polisi_result_count(r), 0);
    polisi_result_free(r);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * 6. Reading a result
 * ------------------------------------------------------------------------ */

static void test_entity_accessors(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    /* The result keeps its own copy: the caller's buffer is wiped and freed. */
    size_t len = strlen(KAPOLRES);
    char *buf = malloc(len);
    assert_non_null(buf);
    memcpy(buf, KAPOLRES, len);
    polisi_result *r = extract(ex, buf, len, NULL);
    memset(buf, 'X', len);
    free(buf);

    const polisi_entity *e = need(r, POLISI_RANK, "AKBP in KAPOLRES");
    size_t st = polisi_entity_start(e), en = polisi_entity_end(e), tl = 0;
    const char *t = polisi_entity_text(e, &tl);
    assert_int_equal(st, 17);
    assert_int_equal(en, 21);
    assert_int_equal(tl, en - st);
    assert_non_null(t);
    assert_memory_equal(t, KAPOLRES + st, tl);
    assert_memory_equal(t, "AKBP", 4);

    assert_string_equal(polisi_entity_string(e, POLISI_FIELD_CODE), "AKBP");
    assert_string_equal(polisi_entity_string(e, POLISI_FIELD_FORCE), "polri");
    assert_string_equal(polisi_entity_string(e, POLISI_FIELD_GROUP), "pamen");
    assert_string_equal(polisi_entity_string(e, POLISI_FIELD_NAME), "Ajun Komisaris Besar Polisi");
    int grade = -1;
    assert_int_equal(polisi_entity_int(e, POLISI_FIELD_GRADE, &grade), POLISI_OK);
    assert_int_equal(grade, 17);
    int v = 12345;
    assert_int_equal(polisi_entity_int(e, POLISI_FIELD_CODE, &v), POLISI_ERR_NO_FIELD);
    assert_int_equal(polisi_entity_int(e, POLISI_FIELD_VALUE, &v), POLISI_ERR_NO_FIELD);
    assert_null(polisi_entity_string(e, POLISI_FIELD_GRADE)); /* an integer, not a string */
    assert_null(polisi_entity_string(e, POLISI_FIELD_CANONICAL)); /* a unit field */
    assert_null(polisi_entity_string(e, POLISI_FIELD_COUNT));
    assert_true(polisi_entity_int(e, POLISI_FIELD_COUNT, &v) < 0);
    assert_int_equal(polisi_entity_list_count(e, POLISI_FIELD_TITLES), 0);
    assert_null(polisi_entity_list_item(e, POLISI_FIELD_TITLES, 0));
    assert_int_equal(polisi_entity_list_count(e, POLISI_FIELD_CODE), 0);

    /* Out of range */
    size_t n = polisi_result_count(r);
    assert_null(polisi_result_entity(r, n));
    assert_null(polisi_result_entity(r, n + 1));
    assert_null(polisi_result_entity(r, SIZE_MAX));

    /* Every entity is a slice of the original text; sorted by start, then
     * longer span first. */
    for (size_t i = 0; i < n; i++) {
        const polisi_entity *x = polisi_result_entity(r, i);
        assert_non_null(x);
        size_t s = polisi_entity_start(x), f = polisi_entity_end(x), xl = 0;
        const char *xt = polisi_entity_text(x, &xl);
        assert_true(s <= f && f <= len);
        assert_int_equal(xl, f - s);
        assert_memory_equal(xt, KAPOLRES + s, xl);
        if (i > 0) {
            const polisi_entity *p = polisi_result_entity(r, i - 1);
            size_t ps = polisi_entity_start(p), pe = polisi_entity_end(p);
            assert_true(ps < s || (ps == s && pe >= f));
        }
    }
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

/* Every field of every type, asked of an entity of each type: a type's own
 * string fields (polisi.h's list of fields) match its JSON and are set
 * here, but for those this text has no value for; every other field of
 * the type, and a field out of range, reads as absent. */
static const char ALL_TYPES[] =
    "Kapolres Bogor AKBP Iman Imanuddin, S.H., S.I.K. mengatakan pada Senin (12/3/2024) "
    "pukul 10.00 WIB di Mapolres Bogor.";

#define F(f) ((uint64_t)1 << POLISI_FIELD_##f)
static const uint64_t type_strings[POLISI_PERSON + 1] = {
    [POLISI_RANK] = F(CODE) | F(NAME) | F(FORCE) | F(GROUP) | F(CORPS),
    [POLISI_TITLE] = F(CODE) | F(POSITION) | F(CATEGORY) | F(MEANING),
    [POLISI_UNIT] = F(LEVEL) | F(KIND) | F(PLACE) | F(CANONICAL),
    [POLISI_POSITION] = F(CODE) | F(FORCE) | F(UNIT) | F(ACTING),
    [POLISI_DATE] = F(VALUE) | F(END_VALUE) | F(WEEKDAY),
    [POLISI_TIME] = F(VALUE) | F(END_VALUE) | F(ZONE) | F(UTC_OFFSET),
    [POLISI_PERSON] = F(NAME) | F(POSITION) | F(UNIT) | F(DISPLAY) | F(RANK),
};
static const uint64_t type_ints[POLISI_PERSON + 1] = {
    [POLISI_RANK] = F(GRADE) | F(RETIRED),
    [POLISI_DATE] = F(WEEKDAY_OK),
};
/* The fields ALL_TYPES has no value for. */
static const uint64_t type_absent[POLISI_PERSON + 1] = {
    [POLISI_RANK] = F(CORPS),
    [POLISI_POSITION] = F(ACTING),
    [POLISI_DATE] = F(END_VALUE),
    [POLISI_TIME] = F(END_VALUE),
};

static void test_every_field(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, ALL_TYPES, strlen(ALL_TYPES), NULL);
    const char *json = NULL;
    size_t json_len = 0;
    assert_int_equal(polisi_result_json(r, NULL, 0, POLISI_JSON_ENTITIES_ONLY, &json, &json_len),
                     POLISI_OK);
    uint64_t seen[POLISI_PERSON + 1] = {0};
    for (size_t i = 0; i < polisi_result_count(r); i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        polisi_type t = polisi_entity_type(e);
        assert_true(t >= POLISI_RANK && t <= POLISI_PERSON);
        for (int f = -1; f <= (int)POLISI_FIELD_COUNT; f++) {
            int own = f >= 0 && f < (int)POLISI_FIELD_COUNT;
            uint64_t bit = own ? (uint64_t)1 << f : 0;
            const char *s = polisi_entity_string(e, (polisi_field)f);
            if (!(type_strings[t] & bit)) {
                assert_null(s);
            } else if (s) {
                seen[t] |= bit;
                char pair[256]; /* "field":"value", as in the JSON (no escapes here) */
                snprintf(pair, sizeof pair, "\"%s\":\"%s\"", polisi_field_name((polisi_field)f), s);
                assert_non_null(strstr(json, pair));
            }
            int v = 0;
            polisi_status st = polisi_entity_int(e, (polisi_field)f, &v);
            if (type_ints[t] & bit) {
                assert_int_equal(st, POLISI_OK);
                seen[t] |= bit;
            } else {
                assert_int_equal(st, POLISI_ERR_NO_FIELD);
            }
            if (f != POLISI_FIELD_TITLES || t != POLISI_PERSON) {
                assert_int_equal(polisi_entity_list_count(e, (polisi_field)f), 0);
                assert_null(polisi_entity_list_item(e, (polisi_field)f, 0));
            }
        }
    }
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++) {
        assert_true(count_of(r, (polisi_type)t) > 0);
        assert_int_equal(seen[t], (type_strings[t] | type_ints[t]) & ~type_absent[t]);
    }
    const polisi_entity *p = need(r, POLISI_PERSON, "in ALL_TYPES");
    assert_int_equal(polisi_entity_list_count(p, POLISI_FIELD_TITLES), 2);
    assert_string_equal(polisi_entity_list_item(p, POLISI_FIELD_TITLES, 1), "S.I.K.");
    polisi_result_free(r);
    polisi_extractor_free(ex);
}
#undef F

/* A NUL byte is just a byte: both ranks, with their offsets. */
static void test_nul_bytes(void **state)
{
    (void)state;
    static const char text[] = "Bripda Andi\0 lalu Aiptu Joko hadir.";
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, text, sizeof text - 1, NULL);
    assert_int_equal(count_of(r, POLISI_RANK), 2);
    size_t k = 0;
    for (size_t i = 0; i < polisi_result_count(r); i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        if (polisi_entity_type(e) != POLISI_RANK)
            continue;
        assert_int_equal(polisi_entity_start(e), k == 0 ? 0 : 18);
        k++;
    }
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

/* A person's titles through the list accessors (SPEC.md 2, person). */
static void test_list_accessors(void **state)
{
    (void)state;
    static const char text[] = "Kapolsek Plaosan AKP SUKONO, S.H., M.H., hadir.";
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, text, strlen(text), NULL);
    const polisi_entity *p = need(r, POLISI_PERSON, "Kapolsek Plaosan AKP SUKONO, S.H., M.H.");
    assert_string_equal(polisi_entity_string(p, POLISI_FIELD_NAME), "SUKONO");
    assert_string_equal(polisi_entity_string(p, POLISI_FIELD_RANK), "AKP");
    assert_int_equal(polisi_entity_list_count(p, POLISI_FIELD_TITLES), 2);
    assert_string_equal(polisi_entity_list_item(p, POLISI_FIELD_TITLES, 0), "S.H.");
    assert_string_equal(polisi_entity_list_item(p, POLISI_FIELD_TITLES, 1), "M.H.");
    assert_null(polisi_entity_list_item(p, POLISI_FIELD_TITLES, 2));
    assert_null(polisi_entity_list_item(p, POLISI_FIELD_TITLES, SIZE_MAX));
    int v;
    assert_int_equal(polisi_entity_int(p, POLISI_FIELD_TITLES, &v), POLISI_ERR_NO_FIELD);
    assert_null(polisi_entity_string(p, POLISI_FIELD_TITLES));
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * 7. JSON
 * ------------------------------------------------------------------------ */

typedef struct collect {
    char *data;
    size_t len;
    size_t calls;
    size_t fail_at; /* 0: never fail; else fail the fail_at-th call */
} collect;

static int collect_write(const char *data, size_t len, void *user_data)
{
    collect *c = user_data;
    c->calls++;
    if (c->fail_at && c->calls == c->fail_at)
        return 1;
    char *p = realloc(c->data, c->len + len + 1);
    if (!p)
        return 1;
    c->data = p;
    memcpy(c->data + c->len, data, len);
    c->len += len;
    c->data[c->len] = '\0';
    return 0;
}

static void test_json(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, KAPOLRES, strlen(KAPOLRES), NULL);
    const char *json = NULL;
    size_t jl = 0;

    assert_int_equal(polisi_result_json(r, "doc-1", 5, 0, &json, &jl), POLISI_OK);
    assert_non_null(json);
    assert_int_equal(strlen(json), jl); /* NUL-terminated, no NUL inside */
    assert_true(starts_with(json, "{\"id\":"));
    assert_non_null(strstr(json, "\"doc-1\""));
    assert_non_null(strstr(json, "\"entities\""));
    assert_non_null(strstr(json, "\"AKBP\""));
    assert_null(strchr(json, '\n'));
    assert_int_equal(json[jl - 1], '}');

    /* write_json gives the same bytes */
    collect c = { 0 };
    assert_int_equal(polisi_result_write_json(r, "doc-1", 5, 0, collect_write, &c), POLISI_OK);
    assert_int_equal(c.len, jl);
    assert_memory_equal(c.data, json, jl);
    free(c.data);

    assert_int_equal(polisi_result_json(r, NULL, 0, 0, &json, &jl), POLISI_OK);
    assert_true(starts_with(json, "{\"id\":null"));
    assert_non_null(strstr(json, "\"entities\""));

    /* id_len bytes only; quotes in the id are escaped */
    assert_int_equal(polisi_result_json(r, "a\"bXYZ", 3, 0, &json, &jl), POLISI_OK);
    assert_true(starts_with(json, "{\"id\":\"a\\\"b\""));
    assert_null(strstr(json, "XYZ"));

    assert_int_equal(polisi_result_json(r, NULL, 0, POLISI_JSON_ENTITIES_ONLY, &json, &jl), POLISI_OK);
    assert_int_equal(json[0], '[');
    assert_int_equal(json[jl - 1], ']');
    assert_null(strstr(json, "\"entities\""));
    assert_non_null(strstr(json, "\"type\":\"rank\""));

    assert_int_equal(polisi_result_json(r, "x", 1, POLISI_JSON_PRETTY, &json, &jl), POLISI_OK);
    assert_non_null(strchr(json, '\n'));
    assert_non_null(strstr(json, "\n  "));
    assert_int_equal(strlen(json), jl);

    assert_int_equal(polisi_result_json(r, NULL, 0, POLISI_JSON_PRETTY | POLISI_JSON_ENTITIES_ONLY,
                                        &json, &jl),
                     POLISI_OK);
    assert_int_equal(json[0], '[');
    assert_non_null(strchr(json, '\n'));

    assert_int_equal(polisi_result_json(r, NULL, 0, 0, NULL, &jl), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_result_json(NULL, NULL, 0, 0, &json, &jl), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_result_write_json(r, NULL, 0, 0, NULL, NULL), POLISI_ERR_INVALID_ARG);
    assert_int_equal(polisi_result_write_json(NULL, NULL, 0, 0, collect_write, &c),
                     POLISI_ERR_INVALID_ARG);

    /* an empty result */
    polisi_result *empty = extract(ex, NULL, 0, NULL);
    assert_int_equal(polisi_result_json(empty, NULL, 0, POLISI_JSON_ENTITIES_ONLY, &json, &jl),
                     POLISI_OK);
    assert_string_equal(json, "[]");
    assert_int_equal(polisi_result_json(empty, "e", 1, 0, &json, &jl), POLISI_OK);
    assert_true(starts_with(json, "{\"id\":\"e\""));
    polisi_result_free(empty);

    polisi_result_free(r);
    polisi_extractor_free(ex);
}

/* Invalid UTF-8 appears as U+FFFD in the JSON; offsets stay byte offsets. */
static void test_json_invalid_utf8(void **state)
{
    (void)state;
    static const char text[] = "\xff Kapolres AKBP Yudha Pranata \xfe hadir.";
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, text, sizeof text - 1, NULL);
    const polisi_entity *e = need(r, POLISI_RANK, "AKBP between invalid bytes");
    assert_int_equal(polisi_entity_start(e), 11);
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "\xff", 1, 0, &json, &jl), POLISI_OK);
    assert_null(strchr(json, '\xff'));
    assert_null(strchr(json, '\xfe'));
    assert_non_null(strstr(json, "\"start\":11"));
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

static void test_write_json_fails(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    polisi_result *r = extract(ex, NEWS, strlen(NEWS), NULL);
    collect all = { 0 };
    assert_int_equal(polisi_result_write_json(r, "d", 1, 0, collect_write, &all), POLISI_OK);
    assert_true(all.calls >= 1);
    /* Fail each call in turn (all of them for a short output, else a sample). */
    size_t step = all.calls <= 200 ? 1 : all.calls / 100;
    for (size_t k = 1; k <= all.calls; k += step) {
        collect c = { 0 };
        c.fail_at = k;
        assert_int_equal(polisi_result_write_json(r, "d", 1, 0, collect_write, &c), POLISI_ERR_WRITE);
        assert_int_equal(c.calls, k); /* stops at the first failure */
        free(c.data);
    }
    collect last = { 0 };
    last.fail_at = all.calls;
    assert_int_equal(polisi_result_write_json(r, "d", 1, POLISI_JSON_PRETTY, collect_write, &last),
                     POLISI_ERR_WRITE);
    free(last.data);
    free(all.data);
    polisi_result_free(r);
    polisi_extractor_free(ex);
}

/* ------------------------------------------------------------------------
 * Allocators
 * ------------------------------------------------------------------------ */

/* Every block carries a header with a magic number, so a pointer that did
 * not come from this allocator (or one freed twice) is caught. */
#define MAGIC 0x706f6c69u
typedef union header {
    struct {
        unsigned magic;
        size_t size;
    } h;
    max_align_t align;
} header;

typedef struct counting {
    size_t mallocs, reallocs, frees;
    size_t allocs;      /* new blocks: malloc, and realloc of NULL */
    long live;          /* blocks allocated and not yet freed */
    size_t attempts;    /* allocation attempts (malloc + realloc) */
    size_t fail_at;     /* 0: never; else fail the fail_at-th attempt */
    int bad_user_data;  /* set when user_data was not ours */
    int bad_pointer;    /* set when a foreign pointer was freed/reallocated */
    pthread_mutex_t lock;
} counting;

static counting *g_counting_expected;

static int should_fail(counting *c)
{
    c->attempts++;
    return c->fail_at && c->attempts == c->fail_at;
}

static void *c_malloc(size_t size, void *ud)
{
    counting *c = ud;
    if (c != g_counting_expected) {
        /* cannot even lock: record through the expected one */
        g_counting_expected->bad_user_data = 1;
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    void *ret = NULL;
    if (!should_fail(c)) {
        header *h = malloc(sizeof(header) + size);
        if (h) {
            h->h.magic = MAGIC;
            h->h.size = size;
            c->mallocs++;
            c->allocs++;
            c->live++;
            ret = h + 1;
        }
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

static void *c_realloc(void *ptr, size_t size, void *ud)
{
    counting *c = ud;
    if (c != g_counting_expected) {
        g_counting_expected->bad_user_data = 1;
        return NULL;
    }
    pthread_mutex_lock(&c->lock);
    void *ret = NULL;
    header *old = ptr ? (header *)ptr - 1 : NULL;
    if (old && old->h.magic != MAGIC) {
        c->bad_pointer = 1;
    } else if (!should_fail(c)) {
        if (old)
            old->h.magic = 0; /* realloc may move it */
        header *h = realloc(old, sizeof(header) + size);
        if (h) {
            h->h.magic = MAGIC;
            h->h.size = size;
            c->reallocs++;
            if (!old) {
                c->allocs++;
                c->live++;
            }
            ret = h + 1;
        } else if (old) {
            old->h.magic = MAGIC; /* the old block is still valid */
        }
    }
    pthread_mutex_unlock(&c->lock);
    return ret;
}

static void c_free(void *ptr, void *ud)
{
    counting *c = ud;
    if (c != g_counting_expected) {
        g_counting_expected->bad_user_data = 1;
        return;
    }
    if (!ptr)
        return;
    pthread_mutex_lock(&c->lock);
    header *h = (header *)ptr - 1;
    if (h->h.magic != MAGIC) {
        c->bad_pointer = 1;
    } else {
        h->h.magic = 0xdeadu;
        c->frees++;
        c->live--;
        free(h);
    }
    pthread_mutex_unlock(&c->lock);
}

static void counting_init(counting *c)
{
    memset(c, 0, sizeof *c);
    pthread_mutex_init(&c->lock, NULL);
    g_counting_expected = c;
}

static polisi_options *options_with(counting *c)
{
    polisi_options *o = NULL;
    polisi_allocator a = { c_malloc, c_realloc, c_free, c };
    assert_int_equal(polisi_options_new(&o), POLISI_OK);
    assert_int_equal(polisi_options_set_allocator(o, &a), POLISI_OK);
    return o;
}

/* An extractor built with the counting allocator c (initialized here). */
static polisi_extractor *counting_extractor(counting *c)
{
    counting_init(c);
    polisi_options *o = options_with(c);
    polisi_extractor *ex = NULL;
    assert_int_equal(polisi_extractor_new(o, &ex), POLISI_OK);
    polisi_options_free(o);
    return ex;
}

/* Every block came back, and only ours were freed. */
static void counting_done(counting *c)
{
    assert_int_equal(c->live, 0);
    assert_false(c->bad_pointer);
    assert_false(c->bad_user_data);
    pthread_mutex_destroy(&c->lock);
}

static void test_allocator_counting(void **state)
{
    (void)state;
    counting c;
    polisi_extractor *ex = counting_extractor(&c);
    size_t after_new = c.mallocs + c.reallocs;
    assert_true(after_new > 0); /* the extractor was built with our allocator */

    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 5), POLISI_OK);
    polisi_result *r = extract(ex, NEWS, strlen(NEWS), co);
    assert_true(c.mallocs + c.reallocs > after_new); /* and the result too */
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "a", 1, 0, &json, &jl), POLISI_OK);
    assert_int_equal(polisi_result_json(r, "a", 1, POLISI_JSON_PRETTY, &json, &jl), POLISI_OK);
    polisi_result_free(r);
    polisi_call_options_free(co);
    polisi_extractor_free(ex);

    assert_false(c.bad_user_data);
    assert_false(c.bad_pointer);
    assert_int_equal(c.live, 0);
    assert_int_equal(c.allocs, c.frees); /* every block handed out came back */
    pthread_mutex_destroy(&c.lock);
}

/* Fails the Nth allocation attempt, N = 1, 2, ... until the call succeeds.
 * Each failure must be POLISI_ERR_NOMEM with *out NULL and nothing leaked. */
#define MAX_ATTEMPTS 200000

/* A reused result allocates nothing for a text like one it held: the
 * first call and a longer text allocate (the longer text twice at most:
 * then its strings, which spilled out of the result's block, get room in
 * a larger one); everything comes back. */
static void test_allocator_into_reuses(void **state)
{
    (void)state;
    counting c;
    polisi_extractor *ex = counting_extractor(&c);
    size_t long_len;
    char *long_text = repeat(NEWS, 8, &long_len);

    polisi_result *r = NULL;
    size_t before = c.attempts;
    assert_int_equal(polisi_extract_into(ex, NEWS, strlen(NEWS), NULL, &r), POLISI_OK);
    assert_true(c.attempts > before);
    before = c.attempts;
    assert_int_equal(polisi_extract_into(ex, NEWS, strlen(NEWS), NULL, &r), POLISI_OK);
    assert_int_equal(polisi_extract_into(ex, KAPOLRES, strlen(KAPOLRES), NULL, &r), POLISI_OK);
    assert_int_equal(c.attempts, before);
    assert_int_equal(polisi_extract_into(ex, long_text, long_len, NULL, &r), POLISI_OK);
    assert_true(c.attempts > before);
    assert_int_equal(polisi_extract_into(ex, long_text, long_len, NULL, &r), POLISI_OK);
    before = c.attempts;
    assert_int_equal(polisi_extract_into(ex, long_text, long_len, NULL, &r), POLISI_OK);
    assert_int_equal(polisi_extract_into(ex, NEWS, strlen(NEWS), NULL, &r), POLISI_OK);
    assert_int_equal(polisi_extract_into(ex, long_text, long_len, NULL, &r), POLISI_OK);
    assert_int_equal(c.attempts, before);

    polisi_result_free(r);
    free(long_text);
    polisi_extractor_free(ex);
    counting_done(&c);
}

/* Fails the Nth allocation of a call that refills a result with a longer
 * text (a new block, the scan's buffers grown): POLISI_ERR_NOMEM, *result
 * NULL, nothing leaked; the next call works. */
static void test_allocator_failing_into(void **state)
{
    (void)state;
    counting c;
    polisi_extractor *ex = counting_extractor(&c);
    const long base = c.live;
    size_t long_len;
    char *long_text = repeat(NEWS, 8, &long_len);
    size_t n;
    for (n = 1; n < MAX_ATTEMPTS; n++) {
        polisi_result *r = NULL;
        assert_int_equal(polisi_extract_into(ex, KAPOLRES, strlen(KAPOLRES), NULL, &r), POLISI_OK);
        c.attempts = 0;
        c.fail_at = n;
        polisi_status st = polisi_extract_into(ex, long_text, long_len, NULL, &r);
        c.fail_at = 0;
        if (st == POLISI_OK) {
            assert_non_null(r);
            polisi_result_free(r);
            if (c.attempts < n)
                break; /* nothing failed: done */
            continue;
        }
        if (st != POLISI_ERR_NOMEM)
            fail_msg("extract_into with allocation %zu failing: %s, not NOMEM", n,
                     polisi_strerror(st));
        assert_null(r);
        if (c.live != base)
            fail_msg("extract_into with allocation %zu failing leaks %ld blocks", n,
                     c.live - base);
        assert_int_equal(polisi_extract_into(ex, NEWS, strlen(NEWS), NULL, &r), POLISI_OK);
        polisi_result_free(r);
    }
    assert_true(n < MAX_ATTEMPTS);
    assert_true(n > 2); /* a new block and the scan's buffers at least */
    free(long_text);
    polisi_extractor_free(ex);
    counting_done(&c);
}

static void test_allocator_failing_new(void **state)
{
    (void)state;
    counting c;
    counting_init(&c);
    polisi_options *o = options_with(&c);
    size_t n;
    for (n = 1; n < MAX_ATTEMPTS; n++) {
        c.attempts = 0;
        c.fail_at = n;
        polisi_extractor *ex = (polisi_extractor *)&ex;
        polisi_status st = polisi_extractor_new(o, &ex);
        if (st == POLISI_OK) {
            polisi_extractor_free(ex);
            if (c.live != 0)
                fail_msg("extractor_new/free with allocation %zu failing leaks %ld blocks", n, c.live);
            if (c.attempts < n)
                break; /* nothing failed: done */
            continue;  /* a failed allocation was tolerated (a fallback): go on */
        }
        if (st != POLISI_ERR_NOMEM)
            fail_msg("extractor_new with allocation %zu failing: %s, not NOMEM", n,
                     polisi_strerror(st));
        assert_null(ex);
        if (c.live != 0)
            fail_msg("extractor_new with allocation %zu failing leaks %ld blocks", n, c.live);
    }
    assert_true(n < MAX_ATTEMPTS);
    assert_true(n > 1); /* building an extractor allocates */
    assert_int_equal(c.live, 0);
    assert_false(c.bad_pointer);
    assert_false(c.bad_user_data);
    polisi_options_free(o);
    pthread_mutex_destroy(&c.lock);
}

static void test_allocator_failing_extract(void **state)
{
    (void)state;
    counting c;
    polisi_extractor *ex = counting_extractor(&c);
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 5), POLISI_OK);
    const long base = c.live;

    size_t n;
    for (n = 1; n < MAX_ATTEMPTS; n++) {
        c.attempts = 0;
        c.fail_at = n;
        polisi_result *r = (polisi_result *)&r;
        polisi_status st = polisi_extract(ex, NEWS, strlen(NEWS), co, &r);
        if (st == POLISI_OK && c.attempts >= n) {
            /* a failed allocation was tolerated (a fallback): go on */
            polisi_result_free(r);
            continue;
        }
        if (st == POLISI_OK) {
            assert_non_null(r);
            /* the JSON string is allocated too: fail those in turn */
            size_t m;
            for (m = 1; m < MAX_ATTEMPTS; m++) {
                c.attempts = 0;
                c.fail_at = m;
                const char *json = NULL;
                size_t jl = 0;
                polisi_status js = polisi_result_json(r, "id", 2, POLISI_JSON_PRETTY, &json, &jl);
                if (js == POLISI_OK) {
                    assert_non_null(json);
                    break;
                }
                if (js != POLISI_ERR_NOMEM)
                    fail_msg("result_json with allocation %zu failing: %s", m, polisi_strerror(js));
            }
            assert_true(m < MAX_ATTEMPTS);
            c.fail_at = 0;
            polisi_result_free(r);
            break;
        }
        if (st != POLISI_ERR_NOMEM)
            fail_msg("extract with allocation %zu failing: %s, not NOMEM", n, polisi_strerror(st));
        assert_null(r);
        if (c.live != base)
            fail_msg("extract with allocation %zu failing leaks %ld blocks", n, c.live - base);
    }
    assert_true(n < MAX_ATTEMPTS);
    assert_true(n > 1); /* extraction allocates at least once */
    c.fail_at = 0;

    /* call_options_new fails cleanly too */
    c.attempts = 0;
    c.fail_at = 1;
    polisi_call_options *co2 = (polisi_call_options *)&co2;
    polisi_status st = polisi_call_options_new(ex, &co2);
    c.fail_at = 0;
    if (st == POLISI_OK)
        polisi_call_options_free(co2);
    else {
        assert_int_equal(st, POLISI_ERR_NOMEM);
        assert_null(co2);
    }

    polisi_call_options_free(co);
    polisi_extractor_free(ex);
    counting_done(&c);
}

/* ------------------------------------------------------------------------
 * Threads: one extractor, four threads, the same text, the same JSON
 * ------------------------------------------------------------------------ */

#define THREADS 4
#define ROUNDS 25

typedef struct job {
    const polisi_extractor *ex;
    const char *expected;
    size_t expected_len;
    int mismatches;
    int errors;
} job;

static void *thread_main(void *arg)
{
    job *j = arg;
    for (int i = 0; i < ROUNDS; i++) {
        polisi_call_options *co = NULL;
        polisi_result *r = NULL;
        const char *json = NULL;
        size_t jl = 0;
        if (polisi_call_options_new(j->ex, &co) != POLISI_OK ||
            polisi_call_options_set_ref_date(co, 2018, 11, 5) != POLISI_OK ||
            polisi_extract(j->ex, NEWS, strlen(NEWS), co, &r) != POLISI_OK ||
            polisi_result_json(r, "t", 1, 0, &json, &jl) != POLISI_OK) {
            j->errors++;
        } else if (jl != j->expected_len || memcmp(json, j->expected, jl) != 0) {
            j->mismatches++;
        }
        polisi_result_free(r);
        polisi_call_options_free(co);
    }
    return NULL;
}

static void run_threads(const polisi_extractor *ex)
{
    polisi_call_options *co = NULL;
    assert_int_equal(polisi_call_options_new(ex, &co), POLISI_OK);
    assert_int_equal(polisi_call_options_set_ref_date(co, 2018, 11, 5), POLISI_OK);
    polisi_result *r = extract(ex, NEWS, strlen(NEWS), co);
    const char *json = NULL;
    size_t jl = 0;
    assert_int_equal(polisi_result_json(r, "t", 1, 0, &json, &jl), POLISI_OK);
    assert_true(polisi_result_count(r) > 0);

    job jobs[THREADS];
    pthread_t tid[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){ ex, json, jl, 0, 0 };
        assert_int_equal(pthread_create(&tid[i], NULL, thread_main, &jobs[i]), 0);
    }
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_join(tid[i], NULL), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(jobs[i].errors, 0);
        assert_int_equal(jobs[i].mismatches, 0);
    }
    polisi_result_free(r);
    polisi_call_options_free(co);
}

static void test_threads(void **state)
{
    (void)state;
    polisi_extractor *ex = new_extractor();
    run_threads(ex);
    polisi_extractor_free(ex);
}

/* The same with the (thread-safe) counting allocator: all freed at the end. */
static void test_threads_allocator(void **state)
{
    (void)state;
    counting c;
    polisi_extractor *ex = counting_extractor(&c);
    run_threads(ex);
    polisi_extractor_free(ex);
    counting_done(&c);
}

int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_type_names),
        cmocka_unit_test(test_field_names),
        cmocka_unit_test(test_types_parse),
        cmocka_unit_test(test_options_setters),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_extractor_new),
        cmocka_unit_test(test_extract_args),
        cmocka_unit_test(test_max_input),
        cmocka_unit_test(test_max_entities),
        cmocka_unit_test(test_extract_into),
        cmocka_unit_test(test_extract_into_args),
        cmocka_unit_test(test_extract_into_errors),
        cmocka_unit_test(test_ref_date_setters),
        cmocka_unit_test(test_ref_date_effect),
        cmocka_unit_test(test_call_types),
        cmocka_unit_test(test_entity_accessors),
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_nul_bytes),
        cmocka_unit_test(test_list_accessors),
        cmocka_unit_test(test_json),
        cmocka_unit_test(test_json_invalid_utf8),
        cmocka_unit_test(test_write_json_fails),
        cmocka_unit_test(test_allocator_counting),
        cmocka_unit_test(test_allocator_failing_new),
        cmocka_unit_test(test_allocator_failing_extract),
        cmocka_unit_test(test_allocator_into_reuses),
        cmocka_unit_test(test_allocator_failing_into),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_threads_allocator),
    };
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    /* Not the failure count: 77 would read as "skipped" to ctest. */
    return failed ? 1 : 0;
}
