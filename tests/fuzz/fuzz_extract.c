/*
 * fuzz_extract.c: the libFuzzer target of polisi, over polisi_extract() and
 * the JSON writers, with options, types, reference dates, limits and
 * allocation failures taken from the first bytes of the input.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (POLISI_FUZZ=ON) it
 * is a fuzzer; built without libFuzzer (always, as fuzz_replay) its main()
 * replays files and directories of inputs, which is how ctest runs the
 * committed corpus in tests/fuzz/corpus/.
 *
 * Input layout: HEADER_LEN control bytes, then the text. An input shorter
 * than the header is all text, with the defaults.
 *
 *   [0] call types: bits 1..7 (POLISI_TYPE_BIT); 0 = not set
 *   [1] bits 0..2 the extractor variant (see `variants`),
 *       bit 3 no call options (NULL), bit 4 extract twice and compare,
 *       bit 5 pretty JSON, bit 6 entities-only JSON, bit 7 id = NULL
 *   [2] bit 7 a reference date; bit 6 any year 1..9999 (else 1950..2099)
 *   [3] [4] the year, [5] the month, [6] the day (reduced into range)
 *   [7] variant 7 only: fail the Nth allocation of the call (0 = none)
 *
 * Invariants checked (any violation aborts, so the fuzzer reports it):
 *   - the status is OK, or the one a limit explains (TOO_LARGE above
 *     max_input, LIMIT with a low max_entities, NOMEM when an allocation
 *     was failed); on failure the result is NULL and nothing leaked;
 *   - every entity has a known type within the asked types, and
 *     0 <= start < end <= len; its text is exactly input[start, end);
 *   - entities are sorted by start, longer first, then type descending
 *     (a person before what it contains); same-type entities never overlap;
 *   - normalized values have their SPEC.md shape: date values
 *     YYYY[-MM[-DD]] (XXXX for no year) naming real days, times HH:MM[:SS]
 *     in range, zones WIB/WITA/WIT, grades 1..22, booleans 0/1;
 *   - the JSON (all four flag combinations the header picks) parses with
 *     tools/json_reader.c, has one object per entity with the same type,
 *     start, end and, for valid UTF-8, text; polisi_result_write_json gives
 *     the same bytes as polisi_result_json;
 *   - with header bit [1].4, a second extraction gives byte-identical JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "polisi.h"
#include "../utf8_check.h"

#define HEADER_LEN 8

/* Aborts with a message: libFuzzer (and ASan) turn this into a report. */
#define CHECK(cond, ...)                                                                  \
    do {                                                                                  \
        if (!(cond)) {                                                                    \
            fprintf(stderr, "fuzz_extract.c:%d: check failed: %s: ", __LINE__, #cond);    \
            fprintf(stderr, __VA_ARGS__);                                                 \
            fputc('\n', stderr);                                                          \
            abort();                                                                      \
        }                                                                                 \
    } while (0)

/* ---- a counting allocator that fails on request (variant 7) ---- */

static struct {
    size_t attempts; /* allocation attempts since the last reset */
    size_t fail_at;  /* 0: never fail; else the fail_at-th attempt fails */
    long live;       /* blocks not freed */
    int failed;      /* an attempt was failed */
} chaos;

static int chaos_fail(void) {
    chaos.attempts++;
    if (chaos.fail_at && chaos.attempts == chaos.fail_at) {
        chaos.failed = 1;
        return 1;
    }
    return 0;
}

static void *chaos_malloc(size_t size, void *ud) {
    (void)ud;
    if (chaos_fail())
        return NULL;
    void *p = malloc(size);
    chaos.live += p != NULL;
    return p;
}

static void *chaos_realloc(void *ptr, size_t size, void *ud) {
    (void)ud;
    if (chaos_fail())
        return NULL;
    void *p = realloc(ptr, size);
    chaos.live += p != NULL && ptr == NULL;
    return p;
}

static void chaos_free(void *ptr, void *ud) {
    (void)ud;
    chaos.live -= ptr != NULL;
    free(ptr);
}

/* ---- extractors, built once per variant ---- */

#define ALL POLISI_ALL_TYPES
#define BIT(t) POLISI_TYPE_BIT(POLISI_##t)

typedef struct variant {
    unsigned types;
    size_t max_entities; /* 0: default */
    size_t max_input;    /* 0: default */
    int chaos;           /* the failing allocator */
} variant;

static const variant variants[8] = {
    {ALL, 0, 0, 0},
    {BIT(RANK), 0, 0, 0},
    {BIT(DATE) | BIT(TIME), 0, 0, 0},
    {BIT(TITLE) | BIT(PERSON), 0, 0, 0},
    {BIT(UNIT) | BIT(POSITION), 0, 0, 0},
    {ALL, 3, 0, 0},
    {ALL, 0, 64, 0},
    {ALL, 0, 0, 1},
};

static polisi_extractor *extractors[8];
/* One result per extractor, refilled by polisi_extract_into for input
 * after input: its JSON must be what polisi_extract gave. */
static polisi_result *reused[8];

static polisi_extractor *get_extractor(int v) {
    if (extractors[v])
        return extractors[v];
    polisi_options *o = NULL;
    CHECK(polisi_options_new(&o) == POLISI_OK, "options_new");
    CHECK(polisi_options_set_types(o, variants[v].types) == POLISI_OK, "set_types");
    if (variants[v].max_entities)
        CHECK(polisi_options_set_max_entities(o, variants[v].max_entities) == POLISI_OK, "max_ent");
    if (variants[v].max_input)
        CHECK(polisi_options_set_max_input(o, variants[v].max_input) == POLISI_OK, "max_input");
    if (variants[v].chaos) {
        polisi_allocator a = {chaos_malloc, chaos_realloc, chaos_free, NULL};
        CHECK(polisi_options_set_allocator(o, &a) == POLISI_OK, "set_allocator");
    }
    chaos.fail_at = 0;
    polisi_status st = polisi_extractor_new(o, &extractors[v]);
    CHECK(st == POLISI_OK, "extractor_new: %s", polisi_strerror(st));
    polisi_options_free(o);
    return extractors[v];
}

/* ---- the header ---- */

typedef struct config {
    unsigned call_types; /* 0: not set */
    int variant;
    int no_call_options, twice, id_null;
    unsigned json_flags;
    int has_ref;
    int year, month, day;
    size_t fail_at;
} config;

static int days_in_month(int y, int m) {
    static const int d[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d[m - 1] + (m == 2 && leap);
}

static void read_header(const uint8_t *h, config *c) {
    memset(c, 0, sizeof *c);
    c->call_types = h[0] & ALL;
    c->variant = h[1] & 7;
    c->no_call_options = (h[1] >> 3) & 1;
    c->twice = (h[1] >> 4) & 1;
    c->json_flags = (h[1] & 0x20 ? POLISI_JSON_PRETTY : 0) |
                    (h[1] & 0x40 ? POLISI_JSON_ENTITIES_ONLY : 0);
    c->id_null = (h[1] >> 7) & 1;
    c->has_ref = (h[2] >> 7) & 1;
    unsigned y16 = (unsigned)h[3] << 8 | h[4];
    c->year = h[2] & 0x40 ? 1 + (int)(y16 % 9999) : 1950 + (int)(y16 % 150);
    c->month = 1 + h[5] % 12;
    c->day = 1 + h[6] % days_in_month(c->year, c->month);
    c->fail_at = c->variant == 7 ? h[7] : 0;
}

/* ---- checks on values ---- */

static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

/* YYYY, YYYY-MM, YYYY-MM-DD with XXXX for an unknown year; a real day. */
static void check_date_value(const char *s) {
    size_t n = strlen(s);
    CHECK(n == 4 || n == 7 || n == 10, "date value \"%s\"", s);
    int y = memcmp(s, "XXXX", 4) == 0 ? 0 : digits(s, 4);
    CHECK(y >= 0, "date year \"%s\"", s);
    if (n == 4) {
        CHECK(y > 0, "a year alone must be digits: \"%s\"", s);
        return;
    }
    CHECK(s[4] == '-', "date value \"%s\"", s);
    int m = digits(s + 5, 2);
    CHECK(m >= 1 && m <= 12, "date month \"%s\"", s);
    if (n == 7)
        return;
    CHECK(s[7] == '-', "date value \"%s\"", s);
    int d = digits(s + 8, 2);
    /* with no year, 29 February is possible */
    CHECK(d >= 1 && d <= days_in_month(y ? y : 2000, m), "date day \"%s\"", s);
}

static void check_time_value(const char *s) {
    size_t n = strlen(s);
    CHECK(n == 5 || n == 8, "time value \"%s\"", s);
    int h = digits(s, 2), m = digits(s + 3, 2);
    CHECK(s[2] == ':' && h >= 0 && h <= 24 && m >= 0 && m <= 59, "time value \"%s\"", s);
    if (n == 8) {
        int sec = digits(s + 6, 2);
        CHECK(s[5] == ':' && sec >= 0 && sec <= 59, "time value \"%s\"", s);
    }
}

static void check_fields(const polisi_entity *e) {
    polisi_type t = polisi_entity_type(e);
    for (int f = 0; f < (int)POLISI_FIELD_COUNT; f++) {
        const char *s = polisi_entity_string(e, (polisi_field)f);
        int v;
        if (polisi_entity_int(e, (polisi_field)f, &v) == POLISI_OK) {
            CHECK(s == NULL, "field %d is both a string and an integer", f);
            if (f == POLISI_FIELD_GRADE)
                CHECK(v >= 1 && v <= 22, "grade %d", v);
            else
                CHECK(v == 0 || v == 1, "boolean field %d = %d", f, v);
        }
        (void)s;
    }
    size_t nt = polisi_entity_list_count(e, POLISI_FIELD_TITLES);
    for (size_t i = 0; i < nt; i++)
        CHECK(polisi_entity_list_item(e, POLISI_FIELD_TITLES, i) != NULL, "title %zu", i);
    CHECK(polisi_entity_list_item(e, POLISI_FIELD_TITLES, nt) == NULL, "title past the end");
    const char *value = polisi_entity_string(e, POLISI_FIELD_VALUE);
    const char *end_value = polisi_entity_string(e, POLISI_FIELD_END_VALUE);
    if (t == POLISI_DATE) {
        if (value)
            check_date_value(value);
        if (end_value)
            check_date_value(end_value);
        const char *wd = polisi_entity_string(e, POLISI_FIELD_WEEKDAY);
        if (wd) {
            static const char *const days[] = {"senin", "selasa", "rabu", "kamis",
                                               "jumat", "sabtu", "minggu"};
            int ok = 0;
            for (int i = 0; i < 7; i++)
                ok |= strcmp(wd, days[i]) == 0;
            CHECK(ok, "weekday \"%s\"", wd);
        }
    } else if (t == POLISI_TIME) {
        if (value)
            check_time_value(value);
        if (end_value)
            check_time_value(end_value);
        const char *zone = polisi_entity_string(e, POLISI_FIELD_ZONE);
        if (zone)
            CHECK(!strcmp(zone, "WIB") || !strcmp(zone, "WITA") || !strcmp(zone, "WIT"),
                  "zone \"%s\"", zone);
    }
}

/* ---- checks on a result ---- */

static void check_entities(const polisi_result *r, const uint8_t *text, size_t len,
                           unsigned mask) {
    size_t n = polisi_result_count(r);
    CHECK(polisi_result_entity(r, n) == NULL, "entity past the end");
    size_t reach[POLISI_PERSON + 1] = {0};
    for (size_t i = 0; i < n; i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        CHECK(e != NULL, "entity %zu of %zu is NULL", i, n);
        polisi_type t = polisi_entity_type(e);
        CHECK(t >= POLISI_RANK && t <= POLISI_PERSON, "type %d", (int)t);
        CHECK(mask & POLISI_TYPE_BIT(t), "type %s not asked for", polisi_type_name(t));
        size_t s = polisi_entity_start(e), f = polisi_entity_end(e), tl = 0;
        CHECK(s < f && f <= len, "span [%zu, %zu) in %zu bytes", s, f, len);
        const char *tx = polisi_entity_text(e, &tl);
        CHECK(tl == f - s && tx != NULL, "text length %zu for [%zu, %zu)", tl, s, f);
        CHECK(memcmp(tx, text + s, tl) == 0, "text of [%zu, %zu) is not the slice", s, f);
        if (i > 0) {
            const polisi_entity *p = polisi_result_entity(r, i - 1);
            size_t ps = polisi_entity_start(p), pf = polisi_entity_end(p);
            polisi_type pt = polisi_entity_type(p);
            CHECK(ps < s || (ps == s && (pf > f || (pf == f && pt > t))),
                  "order: %s [%zu, %zu) before %s [%zu, %zu)", polisi_type_name(pt), ps, pf,
                  polisi_type_name(t), s, f);
        }
        CHECK(s >= reach[t], "two %s entities overlap at %zu", polisi_type_name(t), s);
        reach[t] = f;
        check_fields(e);
    }
}

typedef struct buf {
    char *data;
    size_t len, cap;
} buf;

static int buf_write(const char *data, size_t len, void *ud) {
    buf *b = ud;
    if (b->len + len > b->cap) {
        size_t cap = (b->len + len) * 2 + 64;
        char *p = realloc(b->data, cap);
        CHECK(p != NULL, "out of memory in the harness");
        b->data = p;
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

/* The JSON of r under `flags` parses and describes the same entities. */
static void check_json(polisi_result *r, const uint8_t *text, const char *id, size_t id_len,
                       unsigned flags, char **copy, size_t *copy_len) {
    const char *json = NULL;
    size_t jl = 0;
    polisi_status st = polisi_result_json(r, id, id_len, flags, &json, &jl);
    if (st == POLISI_ERR_NOMEM && chaos.failed)
        return;
    CHECK(st == POLISI_OK && json != NULL, "result_json: %s", polisi_strerror(st));
    CHECK(json[jl] == '\0', "JSON not NUL-terminated");
    buf b = {NULL, 0, 0};
    CHECK(polisi_result_write_json(r, id, id_len, flags, buf_write, &b) == POLISI_OK,
          "write_json");
    CHECK(b.len == jl && memcmp(b.data, json, jl) == 0, "write_json and result_json differ");
    free(b.data);

    char err[128] = "";
    jr_value *root = NULL;
    CHECK(jr_parse(json, jl, &root, err, sizeof err) == 0, "JSON does not parse: %s\n%.*s", err,
          (int)(jl < 2000 ? jl : 2000), json);
    const jr_value *ents = root;
    if (!(flags & POLISI_JSON_ENTITIES_ONLY)) {
        CHECK(root->kind == JR_OBJECT && root->count == 2, "document object");
        const jr_value *jid = jr_get(root, "id");
        CHECK(jid && (id ? jid->kind == JR_STRING : jid->kind == JR_NULL), "id");
        if (id && valid_utf8((const unsigned char *)id, id_len))
            CHECK(jid->len == id_len && memcmp(jid->str, id, id_len) == 0, "id round trip");
        ents = jr_get(root, "entities");
    }
    size_t n = polisi_result_count(r);
    CHECK(ents && ents->kind == JR_ARRAY && ents->count == n, "%zu entities in the JSON array",
          n);
    for (size_t i = 0; i < n; i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        const jr_value *o = jr_at(ents, i);
        CHECK(o && o->kind == JR_OBJECT, "entity %zu is not an object", i);
        const jr_value *type = jr_get(o, "type"), *jtext = jr_get(o, "text");
        size_t s = 0, f = 0;
        CHECK(jr_to_size(jr_get(o, "start"), &s) == 0 && s == polisi_entity_start(e), "start");
        CHECK(jr_to_size(jr_get(o, "end"), &f) == 0 && f == polisi_entity_end(e), "end");
        CHECK(type && type->kind == JR_STRING &&
                  strcmp(type->str, polisi_type_name(polisi_entity_type(e))) == 0,
              "type");
        CHECK(jtext && jtext->kind == JR_STRING, "text");
        if (valid_utf8(text + s, f - s))
            CHECK(jtext->len == f - s && memcmp(jtext->str, text + s, f - s) == 0,
                  "JSON text of [%zu, %zu) is not the slice", s, f);
    }
    jr_free(root);
    if (copy) {
        *copy = malloc(jl + 1);
        CHECK(*copy != NULL, "out of memory in the harness");
        memcpy(*copy, json, jl + 1);
        *copy_len = jl;
    }
}

/* ---- one input ---- */

static polisi_call_options *make_call_options(const polisi_extractor *ex, const config *c) {
    if (c->no_call_options)
        return NULL;
    polisi_call_options *co = NULL;
    polisi_status st = polisi_call_options_new(ex, &co);
    CHECK(st == POLISI_OK, "call_options_new: %s", polisi_strerror(st));
    if (c->call_types)
        CHECK(polisi_call_options_set_types(co, c->call_types) == POLISI_OK, "call types");
    if (c->has_ref)
        CHECK(polisi_call_options_set_ref_date(co, c->year, c->month, c->day) == POLISI_OK,
              "ref date %d-%d-%d", c->year, c->month, c->day);
    return co;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t zero[HEADER_LEN];
    config c;
    const uint8_t *text = data;
    size_t len = size;
    if (size >= HEADER_LEN) {
        read_header(data, &c);
        text += HEADER_LEN;
        len -= HEADER_LEN;
    } else {
        read_header(zero, &c);
    }
    const variant *v = &variants[c.variant];
    polisi_extractor *ex = get_extractor(c.variant);
    polisi_call_options *co = make_call_options(ex, &c);
    unsigned mask = v->types & (co && c.call_types ? c.call_types : ALL);
    const char *id = c.id_null ? NULL : (const char *)data;
    size_t id_len = c.id_null ? 0 : (size < 4 ? size : 4);

    const long live0 = chaos.live;
    chaos.attempts = 0;
    chaos.failed = 0;
    chaos.fail_at = c.fail_at;
    polisi_result *r = (polisi_result *)&r; /* must be overwritten */
    polisi_status st = polisi_extract(ex, (const char *)text, len, co, &r);
    if (st != POLISI_OK) {
        CHECK(r == NULL, "failed extract left a result");
        CHECK(chaos.live == live0, "failed extract leaks %ld blocks", chaos.live - live0);
        if (st == POLISI_ERR_TOO_LARGE)
            CHECK(v->max_input && len > v->max_input, "TOO_LARGE for %zu bytes", len);
        else if (st == POLISI_ERR_LIMIT)
            CHECK(v->max_entities, "LIMIT with the default max_entities");
        else
            CHECK(st == POLISI_ERR_NOMEM && chaos.failed, "extract: %s", polisi_strerror(st));
    } else {
        CHECK(r != NULL, "OK without a result");
        CHECK(!v->max_input || len <= v->max_input, "%zu bytes over max_input", len);
        CHECK(!v->max_entities || polisi_result_count(r) <= v->max_entities, "over max_entities");
        check_entities(r, text, len, mask);
        char *json = NULL;
        size_t jl = 0;
        check_json(r, text, id, id_len, c.json_flags, &json, &jl);
        if (c.twice && json) {
            chaos.fail_at = 0;
            polisi_result *r2 = NULL;
            CHECK(polisi_extract(ex, (const char *)text, len, co, &r2) == POLISI_OK, "again");
            const char *j2 = NULL;
            size_t jl2 = 0;
            CHECK(polisi_result_json(r2, id, id_len, c.json_flags, &j2, &jl2) == POLISI_OK, "j2");
            CHECK(jl2 == jl && memcmp(j2, json, jl) == 0, "a second extraction differs");
            polisi_result_free(r2);
        }
        polisi_result_free(r);
        CHECK(chaos.live == live0, "result_free leaves %ld blocks", chaos.live - live0);
        if (json) { /* last: the reused result holds blocks from input to input */
            chaos.fail_at = 0;
            polisi_result **rr = &reused[c.variant];
            CHECK(polisi_extract_into(ex, (const char *)text, len, co, rr) == POLISI_OK, "into");
            const char *j3 = NULL;
            size_t jl3 = 0;
            CHECK(polisi_result_json(*rr, id, id_len, c.json_flags, &j3, &jl3) == POLISI_OK, "j3");
            CHECK(jl3 == jl && memcmp(j3, json, jl) == 0, "extract_into differs");
        }
        free(json);
    }
    chaos.fail_at = 0;
    polisi_call_options_free(co);
    return 0;
}

/* ---- replay (no libFuzzer) ---- */

#ifndef POLISI_LIBFUZZER
static void free_extractors(void) {
    for (int v = 0; v < 8; v++) {
        polisi_result_free(reused[v]);
        reused[v] = NULL;
        polisi_extractor_free(extractors[v]);
        extractors[v] = NULL;
    }
    CHECK(chaos.live == 0, "%ld blocks of the chaos allocator never freed", chaos.live);
}

#include "replay.h"

int main(int argc, char **argv) {
    return replay_main(argc, argv, "fuzz_replay", "every invariant held", free_extractors);
}
#endif
