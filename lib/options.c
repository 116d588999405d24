/* options.c: extractor options and per-call options. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static void *std_malloc(size_t size, void *ud) {
    (void)ud;
    return malloc(size);
}
static void *std_realloc(void *ptr, size_t size, void *ud) {
    (void)ud;
    return realloc(ptr, size);
}
static void std_free(void *ptr, void *ud) {
    (void)ud;
    free(ptr);
}

static const polisi_allocator std_allocator = {std_malloc, std_realloc, std_free, NULL};

#define DEFAULT_MAX_INPUT ((size_t)256 << 20)
#define DEFAULT_MAX_ENTITIES ((size_t)1000000)
/* Offsets are stored in 32 bits; UINT32_MAX itself is kept free. */
#define HARD_MAX_INPUT ((size_t)UINT32_MAX - 1)

void polisi__options_defaults(polisi_options *o) {
    o->types = POLISI_ALL_TYPES;
    o->max_input = DEFAULT_MAX_INPUT;
    o->max_entities = DEFAULT_MAX_ENTITIES;
    o->alloc = std_allocator;
}

polisi_status polisi_options_new(polisi_options **out) {
    if (!out)
        return POLISI_ERR_INVALID_ARG;
    *out = malloc(sizeof **out);
    if (!*out)
        return POLISI_ERR_NOMEM;
    polisi__options_defaults(*out);
    return POLISI_OK;
}

void polisi_options_free(polisi_options *options) { free(options); }

static int valid_mask(unsigned mask) { return mask != 0 && (mask & ~POLISI_ALL_TYPES) == 0; }

polisi_status polisi_options_set_types(polisi_options *o, unsigned mask) {
    if (!o || !valid_mask(mask))
        return POLISI_ERR_INVALID_ARG;
    o->types = mask;
    return POLISI_OK;
}

polisi_status polisi_options_set_max_input(polisi_options *o, size_t bytes) {
    if (!o || bytes == 0 || bytes > HARD_MAX_INPUT)
        return POLISI_ERR_INVALID_ARG;
    o->max_input = bytes;
    return POLISI_OK;
}

polisi_status polisi_options_set_max_entities(polisi_options *o, size_t count) {
    if (!o || count == 0)
        return POLISI_ERR_INVALID_ARG;
    o->max_entities = count;
    return POLISI_OK;
}

polisi_status polisi_options_set_allocator(polisi_options *o, const polisi_allocator *a) {
    if (!o)
        return POLISI_ERR_INVALID_ARG;
    if (!a) {
        o->alloc = std_allocator;
        return POLISI_OK;
    }
    if (!a->malloc || !a->realloc || !a->free)
        return POLISI_ERR_INVALID_ARG;
    o->alloc = *a;
    return POLISI_OK;
}

/* ---- per-call options ---- */

polisi_status polisi_call_options_new(const polisi_extractor *ex, polisi_call_options **out) {
    if (!out)
        return POLISI_ERR_INVALID_ARG;
    *out = NULL;
    if (!ex)
        return POLISI_ERR_INVALID_ARG;
    polisi_call_options *c = polisi__malloc(&ex->opts.alloc, sizeof *c);
    if (!c)
        return POLISI_ERR_NOMEM;
    memset(c, 0, sizeof *c);
    c->alloc = &ex->opts.alloc;
    *out = c;
    return POLISI_OK;
}

void polisi_call_options_free(polisi_call_options *c) {
    if (c)
        polisi__free(c->alloc, c);
}

int polisi__valid_date(int y, int m, int d) {
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
        return 0;
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

polisi_status polisi_call_options_set_ref_date(polisi_call_options *c, int y, int m, int d) {
    if (!c)
        return POLISI_ERR_INVALID_ARG;
    if (!polisi__valid_date(y, m, d))
        return POLISI_ERR_BAD_DATE;
    c->has_ref_date = 1;
    c->ref_year = y;
    c->ref_month = m;
    c->ref_day = d;
    return POLISI_OK;
}

/* Reads n ASCII digits; -1 when one is not a digit. */
static int digits(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

polisi_status polisi_call_options_set_ref_date_iso(polisi_call_options *c, const char *iso,
                                                   size_t len) {
    if (!c || (!iso && len))
        return POLISI_ERR_INVALID_ARG;
    if (len != 10 || iso[4] != '-' || iso[7] != '-')
        return POLISI_ERR_BAD_DATE;
    int y = digits(iso, 4), m = digits(iso + 5, 2), d = digits(iso + 8, 2);
    if (y < 0 || m < 0 || d < 0)
        return POLISI_ERR_BAD_DATE;
    return polisi_call_options_set_ref_date(c, y, m, d);
}

void polisi_call_options_clear_ref_date(polisi_call_options *c) {
    if (c)
        c->has_ref_date = 0;
}

polisi_status polisi_call_options_set_types(polisi_call_options *c, unsigned mask) {
    if (!c || !valid_mask(mask))
        return POLISI_ERR_INVALID_ARG;
    c->types = mask;
    return POLISI_OK;
}
