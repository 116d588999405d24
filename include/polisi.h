/*
 * polisi.h: find police ranks, titles, units, positions, dates, times and
 * the officers they describe in Indonesian news text.
 *
 * The whole public API is in this one header. It reads like a manual:
 *
 *   1. Versions and status codes
 *   2. Entity types and fields
 *   3. Allocation
 *   4. The extractor (built once, shared by threads)
 *   5. Extraction (one call per document)
 *   6. Reading a result
 *   7. JSON
 *
 * Ownership, in short: every object you get from a `_new` function or from
 * polisi_extract() is yours and is released with the matching `_free`
 * function, which accepts NULL. Pointers returned by accessors belong to the
 * object they were read from and stay valid until that object is freed.
 *
 * Thread safety: a polisi_extractor is immutable once built and may be used
 * by any number of threads at once. Options and results are plain values:
 * use each from one thread at a time. The library has no global mutable
 * state, never prints, never aborts and never touches errno.
 *
 * Offsets are byte offsets into the text exactly as the caller passed it,
 * half-open [start, end). Input may hold invalid UTF-8, NUL bytes, CRLF,
 * NBSP and curly quotes: none of them shifts an offset.
 *
 * The output contract (what each entity type means and how every field is
 * normalized) is SPEC.md, shipped beside the sources.
 */
#ifndef POLISI_H
#define POLISI_H

#include <stddef.h>

#include "polisi_export.h"
#include "polisi_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------
 * 1. Versions and status codes
 * ------------------------------------------------------------------------ */

/* The version of the library that is linked, "MAJOR.MINOR.PATCH". Compare it
 * with POLISI_VERSION_STRING (the version of this header) when it matters. */
POLISI_EXPORT const char *polisi_version(void);

/* The same as one number: MAJOR * 10000 + MINOR * 100 + PATCH. */
POLISI_EXPORT int polisi_version_number(void);

/* Every function that can fail returns one of these. 0 is success; errors
 * are negative, so `if (st < 0)` catches them all. */
typedef enum polisi_status {
    POLISI_OK = 0,
    POLISI_ERR_NOMEM = -1,        /* an allocation failed; nothing leaked */
    POLISI_ERR_INVALID_ARG = -2,  /* NULL where an object is required, a value out of range */
    POLISI_ERR_TOO_LARGE = -3,    /* input longer than the max_input limit */
    POLISI_ERR_BAD_DATE = -4,     /* a reference date that is not a real YYYY-MM-DD day */
    POLISI_ERR_LIMIT = -5,        /* more entities than the max_entities limit */
    POLISI_ERR_REGEX = -6,        /* PCRE2 failed to compile or hit its match limit */
    POLISI_ERR_NO_FIELD = -7,     /* the entity has no such field, or it has another kind */
    POLISI_ERR_WRITE = -8,        /* a polisi_write_fn callback reported failure */
    POLISI_ERR_INTERNAL = -9      /* a bug in polisi: please report it */
} polisi_status;

/* A short English sentence for a status code. Never NULL; the string is
 * static. Unknown codes give "unknown polisi status". */
POLISI_EXPORT const char *polisi_strerror(polisi_status status);

/* ------------------------------------------------------------------------
 * 2. Entity types and fields
 * ------------------------------------------------------------------------ */

/* The seven entity types of SPEC.md. */
typedef enum polisi_type {
    POLISI_RANK = 1,
    POLISI_TITLE = 2,
    POLISI_UNIT = 3,
    POLISI_POSITION = 4,
    POLISI_DATE = 5,
    POLISI_TIME = 6,
    POLISI_PERSON = 7
} polisi_type;

/* Sets of types are bit masks: POLISI_TYPE_BIT(POLISI_RANK) | ... */
#define POLISI_TYPE_BIT(type) (1u << (unsigned)(type))
#define POLISI_ALL_TYPES                                                         \
    (POLISI_TYPE_BIT(POLISI_RANK) | POLISI_TYPE_BIT(POLISI_TITLE) |              \
     POLISI_TYPE_BIT(POLISI_UNIT) | POLISI_TYPE_BIT(POLISI_POSITION) |           \
     POLISI_TYPE_BIT(POLISI_DATE) | POLISI_TYPE_BIT(POLISI_TIME) |               \
     POLISI_TYPE_BIT(POLISI_PERSON))

/* The JSON name of a type ("rank", "title", ...), or NULL when unknown. */
POLISI_EXPORT const char *polisi_type_name(polisi_type type);

/* Parses a comma-separated list of type names ("rank,date", case-insensitive,
 * spaces allowed; "all" means every type) into a mask. Returns
 * POLISI_ERR_INVALID_ARG for an empty list or an unknown name. */
POLISI_EXPORT polisi_status polisi_types_parse(const char *list, unsigned *mask);

/* The normalized fields of SPEC.md, by their JSON names. A field has one
 * kind (string, integer, boolean or list of strings) and applies to the types
 * noted. Some names are shared: `name` is a rank's full name and a person's
 * name; `position` is a title's prefix/suffix and a person's position code;
 * `unit` is a canonical unit name for positions and persons. New fields are
 * only ever appended, so values never change meaning. */
typedef enum polisi_field {
    POLISI_FIELD_CODE = 0,   /* string  rank, title, position */
    POLISI_FIELD_NAME,       /* string  rank (full name), person */
    POLISI_FIELD_FORCE,      /* string  rank, position */
    POLISI_FIELD_GROUP,      /* string  rank */
    POLISI_FIELD_GRADE,      /* integer rank: 1 (Bharada) .. 22 (Jenderal Pol) */
    POLISI_FIELD_RETIRED,    /* boolean rank */
    POLISI_FIELD_CORPS,      /* string  rank */
    POLISI_FIELD_POSITION,   /* string  title ("prefix"/"suffix"), person (position code) */
    POLISI_FIELD_CATEGORY,   /* string  title */
    POLISI_FIELD_MEANING,    /* string  title */
    POLISI_FIELD_LEVEL,      /* string  unit */
    POLISI_FIELD_KIND,       /* string  unit */
    POLISI_FIELD_PLACE,      /* string  unit */
    POLISI_FIELD_CANONICAL,  /* string  unit */
    POLISI_FIELD_UNIT,       /* string  position, person */
    POLISI_FIELD_ACTING,     /* string  position */
    POLISI_FIELD_VALUE,      /* string  date, time */
    POLISI_FIELD_END_VALUE,  /* string  date, time */
    POLISI_FIELD_WEEKDAY,    /* string  date */
    POLISI_FIELD_WEEKDAY_OK, /* boolean date */
    POLISI_FIELD_ZONE,       /* string  time */
    POLISI_FIELD_UTC_OFFSET, /* string  time */
    POLISI_FIELD_DISPLAY,    /* string  person */
    POLISI_FIELD_RANK,       /* string  person (rank code) */
    POLISI_FIELD_TITLES,     /* list    person (title codes in order) */
    POLISI_FIELD_COUNT       /* not a field: the number of fields */
} polisi_field;

/* The JSON name of a field ("code", "end_value", ...), or NULL. */
POLISI_EXPORT const char *polisi_field_name(polisi_field field);

/* ------------------------------------------------------------------------
 * 3. Allocation
 * ------------------------------------------------------------------------ */

/* A custom allocator. All three functions are required; each receives
 * `user_data`. Set on polisi_options, it is used for the extractor, every
 * call option and result made with it, and PCRE2's memory (the options
 * object itself comes from malloc, as it exists before the allocator). The functions must be safe to call from
 * every thread that uses the extractor. */
typedef struct polisi_allocator {
    void *(*malloc)(size_t size, void *user_data);
    void *(*realloc)(void *ptr, size_t size, void *user_data);
    void (*free)(void *ptr, void *user_data);
    void *user_data;
} polisi_allocator;

/* ------------------------------------------------------------------------
 * 4. The extractor
 * ------------------------------------------------------------------------ */

/* Options for building an extractor. */
typedef struct polisi_options polisi_options;

/* Makes options with the defaults: every type, max_input 256 MiB,
 * max_entities 1,000,000, the C library's malloc. */
POLISI_EXPORT polisi_status polisi_options_new(polisi_options **out);
POLISI_EXPORT void polisi_options_free(polisi_options *options);

/* Which entity types the extractor reports (a mask of POLISI_TYPE_BIT).
 * Persons need the other recognizers, which then run but are not reported.
 * 0 or bits outside POLISI_ALL_TYPES give POLISI_ERR_INVALID_ARG. */
POLISI_EXPORT polisi_status polisi_options_set_types(polisi_options *options, unsigned mask);

/* The longest input polisi_extract() accepts, in bytes (1 .. 4294967294).
 * Longer input gives POLISI_ERR_TOO_LARGE; nothing is ever cut silently. */
POLISI_EXPORT polisi_status polisi_options_set_max_input(polisi_options *options, size_t bytes);

/* The most entities one result may hold (at least 1). A text with more
 * gives POLISI_ERR_LIMIT and no result. */
POLISI_EXPORT polisi_status polisi_options_set_max_entities(polisi_options *options, size_t count);

/* Uses `allocator` (copied) instead of malloc/realloc/free. NULL restores
 * the C library's functions. */
POLISI_EXPORT polisi_status polisi_options_set_allocator(polisi_options *options,
                                                         const polisi_allocator *allocator);

/* The extractor: every table hashed and every pattern compiled once. */
typedef struct polisi_extractor polisi_extractor;

/* Builds an extractor. `options` may be NULL for the defaults; it is only
 * read, and may be freed as soon as this returns. */
POLISI_EXPORT polisi_status polisi_extractor_new(const polisi_options *options,
                                                 polisi_extractor **out);

/* Frees the extractor. Free its results first: a result never outlives the
 * extractor that made it. */
POLISI_EXPORT void polisi_extractor_free(polisi_extractor *extractor);

/* ------------------------------------------------------------------------
 * 5. Extraction
 * ------------------------------------------------------------------------ */

/* Options of one call. Reusable; read only during polisi_extract(). */
typedef struct polisi_call_options polisi_call_options;

POLISI_EXPORT polisi_status polisi_call_options_new(const polisi_extractor *extractor,
                                                    polisi_call_options **out);
POLISI_EXPORT void polisi_call_options_free(polisi_call_options *options);

/* The reference date (usually the publication date): year-less dates take
 * the year nearest to it and relative days ("kemarin") resolve against it.
 * Without one, nothing depends on the clock. An impossible day gives
 * POLISI_ERR_BAD_DATE and leaves the options unchanged. */
POLISI_EXPORT polisi_status polisi_call_options_set_ref_date(polisi_call_options *options,
                                                             int year, int month, int day);

/* The same from ISO text "YYYY-MM-DD" (exactly ten bytes, `len` of them). */
POLISI_EXPORT polisi_status polisi_call_options_set_ref_date_iso(polisi_call_options *options,
                                                                 const char *iso, size_t len);

/* Forgets the reference date. */
POLISI_EXPORT void polisi_call_options_clear_ref_date(polisi_call_options *options);

/* Narrows the reported types for this call (intersected with the
 * extractor's). 0 or bits outside POLISI_ALL_TYPES: POLISI_ERR_INVALID_ARG. */
POLISI_EXPORT polisi_status polisi_call_options_set_types(polisi_call_options *options,
                                                          unsigned mask);

/* The entities of one text, sorted by start, then longer span first. */
typedef struct polisi_result polisi_result;

/* Finds every entity in text[0, len). `text` may be NULL when len is 0;
 * `options` may be NULL. On success *out is a new result (possibly with no
 * entity); on failure *out is NULL. The result keeps a copy of the text, so
 * the caller's buffer may be reused at once. */
POLISI_EXPORT polisi_status polisi_extract(const polisi_extractor *extractor, const char *text,
                                           size_t len, const polisi_call_options *options,
                                           polisi_result **out);

/* polisi_extract() for a loop over many texts, reusing one result. When
 * *result is NULL a new result is made. Otherwise *result, a result of this
 * extractor, is emptied and refilled: everything read from it before
 * (entities, strings, JSON) is invalid, and *result may move, as with
 * realloc(), so read only the pointer it holds after the call. It keeps its
 * memory, and the scan's working memory, from call to call (as much as its
 * largest text needed, about 15 bytes a byte), so that most calls allocate
 * nothing: 3 to 5% faster on news articles, more on short texts.
 *
 * On POLISI_ERR_INVALID_ARG (NULL `result` or extractor, NULL text with
 * len > 0, or a result of another extractor) *result is untouched. On any
 * other error it is freed and set to NULL, as polisi_extract() leaves *out,
 * and the next call makes a new one. Free it with polisi_result_free(). */
POLISI_EXPORT polisi_status polisi_extract_into(const polisi_extractor *extractor,
                                                const char *text, size_t len,
                                                const polisi_call_options *options,
                                                polisi_result **result);

POLISI_EXPORT void polisi_result_free(polisi_result *result);

/* ------------------------------------------------------------------------
 * 6. Reading a result
 * ------------------------------------------------------------------------ */

typedef struct polisi_entity polisi_entity;

/* The number of entities, and the i-th of them (NULL when out of range). */
POLISI_EXPORT size_t polisi_result_count(const polisi_result *result);
POLISI_EXPORT const polisi_entity *polisi_result_entity(const polisi_result *result, size_t i);

POLISI_EXPORT polisi_type polisi_entity_type(const polisi_entity *entity);

/* Byte offsets into the text that was passed: [start, end). */
POLISI_EXPORT size_t polisi_entity_start(const polisi_entity *entity);
POLISI_EXPORT size_t polisi_entity_end(const polisi_entity *entity);

/* The matched bytes, exactly as in the input (not NUL-terminated: it may
 * hold NUL bytes or invalid UTF-8); *len receives end - start. */
POLISI_EXPORT const char *polisi_entity_text(const polisi_entity *entity, size_t *len);

/* A string field as a NUL-terminated UTF-8 string, or NULL when the entity
 * has no value for it (the field is absent or `null` in JSON). */
POLISI_EXPORT const char *polisi_entity_string(const polisi_entity *entity, polisi_field field);

/* An integer or boolean field (a boolean reads as 0 or 1). Returns
 * POLISI_ERR_NO_FIELD when the value is absent or of another kind. */
POLISI_EXPORT polisi_status polisi_entity_int(const polisi_entity *entity, polisi_field field,
                                              int *out);

/* A list field (a person's titles): its length (0 when absent) and items. */
POLISI_EXPORT size_t polisi_entity_list_count(const polisi_entity *entity, polisi_field field);
POLISI_EXPORT const char *polisi_entity_list_item(const polisi_entity *entity, polisi_field field,
                                                  size_t i);

/* ------------------------------------------------------------------------
 * 7. JSON
 * ------------------------------------------------------------------------ */

#define POLISI_JSON_PRETTY 1u        /* indent with two spaces */
#define POLISI_JSON_ENTITIES_ONLY 2u /* only the array of entities, without the document object */

/* Receives the JSON in pieces. Returns 0 to go on, anything else to stop
 * (the writer then returns POLISI_ERR_WRITE). */
typedef int (*polisi_write_fn)(const char *data, size_t len, void *user_data);

/* Writes the result in the SPEC.md shape, {"id": ..., "entities": [...]},
 * with `id` (id_len bytes of UTF-8) as a JSON string, or null when `id` is
 * NULL. Invalid UTF-8 in the text appears as U+FFFD; offsets stay byte
 * offsets. Nothing is allocated. */
POLISI_EXPORT polisi_status polisi_result_write_json(const polisi_result *result, const char *id,
                                                     size_t id_len, unsigned flags,
                                                     polisi_write_fn write, void *user_data);

/* The same JSON as one NUL-terminated string owned by the result: valid until
 * the next call of this function on the result or until it is freed. */
POLISI_EXPORT polisi_status polisi_result_json(polisi_result *result, const char *id,
                                               size_t id_len, unsigned flags, const char **json,
                                               size_t *json_len);

#ifdef __cplusplus
}
#endif

#endif /* POLISI_H */
