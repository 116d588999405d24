/*
 * json_reader.h: a small strict JSON reader (RFC 8259) for the polisi CLI
 * and the spec-test runner. It is not part of libpolisi.
 *
 * Strict: one value with optional whitespace around it; no comments, no
 * trailing commas, no single quotes, no NaN, no leading zeros, no raw control
 * characters inside strings. Nesting deeper than JR_MAX_DEPTH is refused, so
 * hostile input cannot exhaust the stack.
 *
 * Strings are decoded (escapes, surrogate pairs; a lone surrogate becomes
 * U+FFFD). Bytes that are not valid UTF-8 are kept as they are, so that text
 * is never shifted. Duplicate keys are kept in order; jr_get() returns the
 * last one, as Python's json module does.
 */
#ifndef POLISI_JSON_READER_H
#define POLISI_JSON_READER_H

#include <stddef.h>

#define JR_MAX_DEPTH 64

typedef enum { JR_NULL, JR_FALSE, JR_TRUE, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT } jr_kind;

typedef struct jr_value jr_value;

struct jr_value {
    jr_kind kind;
    /* JR_STRING: the decoded UTF-8, NUL-terminated, `len` bytes (it may hold
     * NUL bytes from \u0000). JR_NUMBER: the number exactly as written. */
    char *str;
    size_t len;
    /* JR_ARRAY: `count` items. JR_OBJECT: `count` members in input order,
     * member i is keys[i] (key_lens[i] bytes, NUL-terminated) -> items[i]. */
    jr_value *items;
    char **keys;
    size_t *key_lens;
    size_t count;
};

/* Parses text[0, len). On success returns 0 and *out is a new value (free it
 * with jr_free). On failure returns -1, *out is NULL, nothing is leaked and
 * `err` (errlen bytes, may be NULL/0) holds a message such as
 * "byte 17: expected ':' after an object key". */
int jr_parse(const char *text, size_t len, jr_value **out, char *err, size_t errlen);

/* Frees a value returned by jr_parse and everything in it. Accepts NULL.
 * Only for the root: the values inside belong to it. */
void jr_free(jr_value *v);

/* The member `key` of an object (the last one if repeated), or NULL when the
 * key is absent or `object` is NULL or not an object. */
const jr_value *jr_get(const jr_value *object, const char *key);

/* The i-th item of an array (or member value of an object), or NULL. */
const jr_value *jr_at(const jr_value *array, size_t i);

/* A JR_NUMBER that is a non-negative integer (no fraction, no exponent)
 * fitting in size_t: stores it in *out and returns 0; otherwise -1. */
int jr_to_size(const jr_value *v, size_t *out);

/* The name of a kind: "null", "false", "true", "number", "string", ... */
const char *jr_kind_name(jr_kind kind);

#endif /* POLISI_JSON_READER_H */
