/*
 * json_reader.c: a small strict JSON reader (RFC 8259). See json_reader.h.
 *
 * Recursive descent, bounded by JR_MAX_DEPTH. Every parse function either
 * fills its value completely or leaves it empty (zeroed) and frees whatever
 * it had allocated, so error paths never leak.
 */
#include "json_reader.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *s;
    size_t len;
    size_t pos;
    char *err;
    size_t errlen;
} parser;

static int parse_value(parser *p, jr_value *v, int depth);

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(parser *p, size_t at, const char *fmt, ...)
{
    if (p->err && p->errlen > 0) {
        int n = snprintf(p->err, p->errlen, "byte %zu: ", at);
        if (n >= 0 && (size_t)n < p->errlen) {
            va_list ap;
            va_start(ap, fmt);
            vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
            va_end(ap);
        }
    }
    return -1;
}

/* Says what was found at p->pos when something else was expected. */
static int fail_unexpected(parser *p, const char *expected)
{
    if (p->pos >= p->len)
        return fail(p, p->pos, "unexpected end of input, expected %s", expected);
    unsigned c = p->s[p->pos];
    if (c >= 0x21 && c < 0x7f)
        return fail(p, p->pos, "unexpected character '%c', expected %s", (int)c, expected);
    return fail(p, p->pos, "unexpected byte 0x%02X, expected %s", c, expected);
}

static void value_clear(jr_value *v)
{
    for (size_t i = 0; i < v->count; i++) {
        value_clear(&v->items[i]);
        if (v->keys)
            free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->key_lens);
    free(v->str);
    memset(v, 0, sizeof *v);
}

static void skip_ws(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->s[p->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        p->pos++;
    }
}

static int parse_literal(parser *p, jr_value *v, const char *word, jr_kind kind)
{
    size_t n = strlen(word);
    if (p->len - p->pos < n || memcmp(p->s + p->pos, word, n) != 0)
        return fail_unexpected(p, "a value");
    p->pos += n;
    v->kind = kind;
    return 0;
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as written. */
static int parse_number(parser *p, jr_value *v)
{
    size_t start = p->pos, i = p->pos;
    const unsigned char *s = p->s;
    if (i < p->len && s[i] == '-')
        i++;
    if (i < p->len && s[i] == '0') {
        i++;
    } else if (i < p->len && is_digit(s[i])) {
        while (i < p->len && is_digit(s[i]))
            i++;
    } else {
        p->pos = i;
        return fail_unexpected(p, "a digit");
    }
    if (i < p->len && s[i] == '.') {
        i++;
        if (i >= p->len || !is_digit(s[i])) {
            p->pos = i;
            return fail_unexpected(p, "a digit after '.'");
        }
        while (i < p->len && is_digit(s[i]))
            i++;
    }
    if (i < p->len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < p->len && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->len || !is_digit(s[i])) {
            p->pos = i;
            return fail_unexpected(p, "a digit in the exponent");
        }
        while (i < p->len && is_digit(s[i]))
            i++;
    }
    size_t n = i - start;
    v->str = malloc(n + 1);
    if (!v->str)
        return fail(p, start, "out of memory");
    memcpy(v->str, s + start, n);
    v->str[n] = '\0';
    v->len = n;
    v->kind = JR_NUMBER;
    p->pos = i;
    return 0;
}

static int hex4(const unsigned char *s, size_t avail, unsigned *out)
{
    unsigned cp = 0;
    if (avail < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        unsigned char c = s[k];
        unsigned d;
        if (c >= '0' && c <= '9')
            d = (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (unsigned)(c - 'A' + 10);
        else
            return -1;
        cp = cp * 16 + d;
    }
    *out = cp;
    return 0;
}

static size_t utf8_put(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Decodes the \uXXXX escape at s[i] (s[i] == 'u' after the backslash) into
 * o, pairing surrogates. Advances *i past what it consumed. */
static int decode_u(parser *p, size_t *i, char *o, size_t *olen)
{
    const unsigned char *s = p->s;
    unsigned cp, lo;
    if (hex4(s + *i + 1, p->len - (*i + 1), &cp) != 0)
        return fail(p, *i - 1, "bad \\u escape: four hex digits expected");
    *i += 5;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (*i + 1 < p->len && s[*i] == '\\' && s[*i + 1] == 'u' &&
            hex4(s + *i + 2, p->len - (*i + 2), &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            *i += 6;
        } else {
            cp = 0xFFFD;
        }
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        cp = 0xFFFD;
    }
    *olen += utf8_put(o + *olen, cp);
    return 0;
}

static int decode_escape(parser *p, size_t *i, char *o, size_t *olen)
{
    unsigned char c = p->s[*i];
    char r;
    switch (c) {
    case '"': r = '"'; break;
    case '\\': r = '\\'; break;
    case '/': r = '/'; break;
    case 'b': r = '\b'; break;
    case 'f': r = '\f'; break;
    case 'n': r = '\n'; break;
    case 'r': r = '\r'; break;
    case 't': r = '\t'; break;
    case 'u': return decode_u(p, i, o, olen);
    default:
        return fail(p, *i - 1, "bad escape '\\%c'", (c >= 0x21 && c < 0x7f) ? (int)c : '?');
    }
    o[(*olen)++] = r;
    (*i)++;
    return 0;
}

/* Finds the closing quote of the string that starts at p->pos, checking
 * for raw control characters on the way. */
static int string_end(parser *p, size_t *end)
{
    size_t i = p->pos + 1;
    for (;;) {
        if (i >= p->len)
            return fail(p, p->pos, "unterminated string");
        unsigned char c = p->s[i];
        if (c == '"')
            break;
        if (c < 0x20)
            return fail(p, i, "raw control character 0x%02X in a string", (unsigned)c);
        i += (c == '\\') ? 2 : 1;
    }
    *end = i;
    return 0;
}

/* Parses the string at p->pos (a '"') into a new buffer. Escapes never
 * grow the text, so the raw length is enough room. */
static int parse_string(parser *p, char **out, size_t *outlen)
{
    size_t end = 0;
    if (string_end(p, &end) != 0)
        return -1;
    char *o = malloc(end - p->pos);
    if (!o)
        return fail(p, p->pos, "out of memory");
    size_t n = 0, i = p->pos + 1;
    while (i < end) {
        unsigned char c = p->s[i];
        if (c != '\\') {
            o[n++] = (char)c;
            i++;
            continue;
        }
        i++;
        if (decode_escape(p, &i, o, &n) != 0) {
            free(o);
            return -1;
        }
    }
    o[n] = '\0';
    p->pos = end + 1;
    *out = o;
    *outlen = n;
    return 0;
}

/* Makes room for one more item (and key, for objects). */
static int grow(parser *p, jr_value *v, size_t *cap)
{
    if (v->count < *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 4;
    if (ncap > SIZE_MAX / sizeof(jr_value) || ncap < *cap)
        return fail(p, p->pos, "out of memory");
    jr_value *items = realloc(v->items, ncap * sizeof *items);
    if (!items)
        return fail(p, p->pos, "out of memory");
    v->items = items;
    if (v->kind == JR_OBJECT) {
        char **keys = realloc(v->keys, ncap * sizeof *keys);
        if (!keys)
            return fail(p, p->pos, "out of memory");
        v->keys = keys;
        size_t *lens = realloc(v->key_lens, ncap * sizeof *lens);
        if (!lens)
            return fail(p, p->pos, "out of memory");
        v->key_lens = lens;
    }
    *cap = ncap;
    return 0;
}

/* After an item: ',' (then another item) or the closing bracket. Returns 1
 * when the container is closed, 0 to go on, -1 on error. */
static int after_item(parser *p, unsigned char close, const char *expected)
{
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ',') {
        p->pos++;
        skip_ws(p);
        return 0;
    }
    if (p->pos < p->len && p->s[p->pos] == close) {
        p->pos++;
        return 1;
    }
    return fail_unexpected(p, expected);
}

static int parse_array(parser *p, jr_value *v, int depth)
{
    size_t cap = 0;
    v->kind = JR_ARRAY;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == ']') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (grow(p, v, &cap) != 0)
            goto error;
        memset(&v->items[v->count], 0, sizeof v->items[0]);
        if (parse_value(p, &v->items[v->count], depth + 1) != 0)
            goto error;
        v->count++;
        int r = after_item(p, ']', "',' or ']'");
        if (r < 0)
            goto error;
        if (r > 0)
            return 0;
    }
error:
    value_clear(v);
    return -1;
}

/* One "key": value member into slot v->count. */
static int parse_member(parser *p, jr_value *v, int depth)
{
    char *key;
    size_t klen;
    if (p->pos >= p->len || p->s[p->pos] != '"')
        return fail_unexpected(p, "a string key");
    if (parse_string(p, &key, &klen) != 0)
        return -1;
    skip_ws(p);
    if (p->pos >= p->len || p->s[p->pos] != ':') {
        free(key);
        return fail_unexpected(p, "':' after an object key");
    }
    p->pos++;
    skip_ws(p);
    memset(&v->items[v->count], 0, sizeof v->items[0]);
    if (parse_value(p, &v->items[v->count], depth + 1) != 0) {
        free(key);
        return -1;
    }
    v->keys[v->count] = key;
    v->key_lens[v->count] = klen;
    v->count++;
    return 0;
}

static int parse_object(parser *p, jr_value *v, int depth)
{
    size_t cap = 0;
    v->kind = JR_OBJECT;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->len && p->s[p->pos] == '}') {
        p->pos++;
        return 0;
    }
    for (;;) {
        if (grow(p, v, &cap) != 0 || parse_member(p, v, depth) != 0)
            goto error;
        int r = after_item(p, '}', "',' or '}'");
        if (r < 0)
            goto error;
        if (r > 0)
            return 0;
    }
error:
    value_clear(v);
    return -1;
}

/* `depth` is the number of containers around v. */
static int parse_value(parser *p, jr_value *v, int depth)
{
    if (p->pos >= p->len)
        return fail_unexpected(p, "a value");
    switch (p->s[p->pos]) {
    case '{':
    case '[':
        if (depth >= JR_MAX_DEPTH)
            return fail(p, p->pos, "nesting deeper than %d levels", JR_MAX_DEPTH);
        return p->s[p->pos] == '{' ? parse_object(p, v, depth) : parse_array(p, v, depth);
    case '"':
        v->kind = JR_STRING;
        if (parse_string(p, &v->str, &v->len) != 0) {
            v->kind = JR_NULL;
            return -1;
        }
        return 0;
    case 'n': return parse_literal(p, v, "null", JR_NULL);
    case 't': return parse_literal(p, v, "true", JR_TRUE);
    case 'f': return parse_literal(p, v, "false", JR_FALSE);
    default:
        if (p->s[p->pos] != '-' && !is_digit(p->s[p->pos]))
            return fail_unexpected(p, "a value");
        return parse_number(p, v);
    }
}

int jr_parse(const char *text, size_t len, jr_value **out, char *err, size_t errlen)
{
    parser p = {(const unsigned char *)text, len, 0, err, errlen};
    if (err && errlen > 0)
        err[0] = '\0';
    if (!out)
        return fail(&p, 0, "no place for the result");
    *out = NULL;
    if (!text && len > 0)
        return fail(&p, 0, "no text");
    jr_value *v = calloc(1, sizeof *v);
    if (!v)
        return fail(&p, 0, "out of memory");
    skip_ws(&p);
    if (parse_value(&p, v, 0) != 0) {
        free(v);
        return -1;
    }
    skip_ws(&p);
    if (p.pos < p.len) {
        fail(&p, p.pos, "unexpected data after the JSON value");
        jr_free(v);
        return -1;
    }
    *out = v;
    return 0;
}

void jr_free(jr_value *v)
{
    if (!v)
        return;
    value_clear(v);
    free(v);
}

const jr_value *jr_get(const jr_value *object, const char *key)
{
    if (!object || object->kind != JR_OBJECT || !key)
        return NULL;
    size_t n = strlen(key);
    for (size_t i = object->count; i-- > 0;) {
        if (object->key_lens[i] == n && memcmp(object->keys[i], key, n) == 0)
            return &object->items[i];
    }
    return NULL;
}

const jr_value *jr_at(const jr_value *array, size_t i)
{
    if (!array || (array->kind != JR_ARRAY && array->kind != JR_OBJECT) || i >= array->count)
        return NULL;
    return &array->items[i];
}

int jr_to_size(const jr_value *v, size_t *out)
{
    if (!v || v->kind != JR_NUMBER || !out || v->len == 0)
        return -1;
    size_t n = 0;
    for (size_t i = 0; i < v->len; i++) {
        unsigned char c = (unsigned char)v->str[i];
        if (!is_digit(c))
            return -1;
        size_t d = (size_t)(c - '0');
        if (n > (SIZE_MAX - d) / 10)
            return -1;
        n = n * 10 + d;
    }
    *out = n;
    return 0;
}

const char *jr_kind_name(jr_kind kind)
{
    switch (kind) {
    case JR_NULL: return "null";
    case JR_FALSE: return "false";
    case JR_TRUE: return "true";
    case JR_NUMBER: return "number";
    case JR_STRING: return "string";
    case JR_ARRAY: return "array";
    case JR_OBJECT: return "object";
    }
    return "unknown";
}
