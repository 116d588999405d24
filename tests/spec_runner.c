/*
 * spec_runner.c: runs the data-driven cases, the .txt files of tests/spec.
 *
 *   spec_runner DIR
 *
 * Every .txt file in DIR (sorted by name) is parsed; every case becomes one
 * cmocka test named "file: case". The format and the comparison rules are in
 * tests/spec/README.md. A malformed file is a failing test that names the
 * file and line (never a crash, never a silent skip). On a mismatch the test
 * prints the expected line, what differs, and every entity the library
 * produced for the text, one JSON object per line.
 *
 * The output is read through the public accessors (polisi_entity_string,
 * _int, _list_*), so a case also tests them; polisi_result_json is used only
 * to show the output when a case fails.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <setjmp.h>
#include <cmocka.h>

#include "polisi.h"
#include "json_reader.h"

/* ------------------------------------------------------------------------
 * Small helpers: a growable string, allocation that never returns NULL
 * ------------------------------------------------------------------------ */

typedef struct sbuf {
    char *data;
    size_t len, cap;
} sbuf;

static void die_nomem(void)
{
    fprintf(stderr, "spec_runner: out of memory\n");
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die_nomem();
    return p;
}

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p)
        die_nomem();
    return p;
}

static char *xstrndup(const char *s, size_t n)
{
    char *d = xmalloc(n + 1);
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (b->len + n + 1 > cap)
            cap *= 2;
        b->data = xrealloc(b->data, cap);
        b->cap = cap;
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

static void sb_printf(sbuf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof small) {
        sb_add(b, small, (size_t)n);
        return;
    }
    char *big = xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    sb_add(b, big, (size_t)n);
    free(big);
}

/* Appends bytes as the inside of a JSON string: quotes, backslashes and
 * control bytes escaped, everything else (also invalid UTF-8) as is. */
static void sb_json_str(sbuf *b, const char *s, size_t n)
{
    sb_add(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            char e[2] = { '\\', (char)c };
            sb_add(b, e, 2);
        } else if (c == '\n') {
            sb_add(b, "\\n", 2);
        } else if (c == '\r') {
            sb_add(b, "\\r", 2);
        } else if (c == '\t') {
            sb_add(b, "\\t", 2);
        } else if (c < 0x20 || c == 0x7f) {
            sb_printf(b, "\\u%04x", c);
        } else {
            sb_add(b, s + i, 1);
        }
    }
    sb_add(b, "\"", 1);
}

/* Compact JSON of a parsed value, for one-line-per-entity output. */
static void sb_json_value(sbuf *b, const jr_value *v)
{
    switch (v->kind) {
    case JR_NULL: sb_add(b, "null", 4); break;
    case JR_FALSE: sb_add(b, "false", 5); break;
    case JR_TRUE: sb_add(b, "true", 4); break;
    case JR_NUMBER: sb_add(b, v->str, v->len); break;
    case JR_STRING: sb_json_str(b, v->str, v->len); break;
    case JR_ARRAY:
        sb_add(b, "[", 1);
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                sb_add(b, ",", 1);
            sb_json_value(b, &v->items[i]);
        }
        sb_add(b, "]", 1);
        break;
    case JR_OBJECT:
        sb_add(b, "{", 1);
        for (size_t i = 0; i < v->count; i++) {
            if (i)
                sb_add(b, ",", 1);
            sb_json_str(b, v->keys[i], v->key_lens[i]);
            sb_add(b, ":", 1);
            sb_json_value(b, &v->items[i]);
        }
        sb_add(b, "}", 1);
        break;
    }
}

/* ------------------------------------------------------------------------
 * Cases
 * ------------------------------------------------------------------------ */

typedef struct expect {
    size_t line;      /* line of the JSON object in the file */
    char *raw;        /* the line as written */
    jr_value *obj;    /* parsed; validated by check_expect() */
    polisi_type type; /* from "type" */
} expect;

typedef struct spec_case {
    char *path;       /* the file, as opened */
    char *test_name;  /* "file: case name" */
    size_t line;      /* line of "=== " (or of the error for a bare error) */
    char *text;
    size_t text_len;
    int has_ref;
    char ref_date[11];
    int types_given;
    unsigned types;   /* the compared types (derived when not given) */
    expect *exp;
    size_t n_exp, cap_exp;
    char *error;      /* a format error: the test fails with it */
} spec_case;

static spec_case **g_cases;
static size_t g_n_cases, g_cap_cases;
static polisi_extractor *g_ex;
static polisi_status g_ex_status;

/* polisi_field by JSON name; -1 when unknown. */
static int field_by_name(const char *name)
{
    for (int f = 0; f < (int)POLISI_FIELD_COUNT; f++) {
        const char *n = polisi_field_name((polisi_field)f);
        if (n && strcmp(n, name) == 0)
            return f;
    }
    return -1;
}

static int type_by_name(const char *name, size_t len, polisi_type *out)
{
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++) {
        const char *n = polisi_type_name((polisi_type)t);
        if (n && strlen(n) == len && memcmp(n, name, len) == 0) {
            *out = (polisi_type)t;
            return 0;
        }
    }
    return -1;
}

static spec_case *case_new(const char *path, size_t line)
{
    spec_case *c = xmalloc(sizeof *c);
    memset(c, 0, sizeof *c);
    c->path = xstrndup(path, strlen(path));
    c->line = line;
    if (g_n_cases == g_cap_cases) {
        g_cap_cases = g_cap_cases ? 2 * g_cap_cases : 64;
        g_cases = xrealloc(g_cases, g_cap_cases * sizeof *g_cases);
    }
    g_cases[g_n_cases++] = c;
    return c;
}

static void case_free(spec_case *c)
{
    for (size_t i = 0; i < c->n_exp; i++) {
        free(c->exp[i].raw);
        jr_free(c->exp[i].obj);
    }
    free(c->exp);
    free(c->path);
    free(c->test_name);
    free(c->text);
    free(c->error);
    free(c);
}

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static void case_set_name(spec_case *c, const char *name, size_t len)
{
    sbuf b = { 0 };
    sb_printf(&b, "%s: ", base_name(c->path));
    sb_add(&b, name, len);
    free(c->test_name);
    c->test_name = b.data;
}

/* Marks `c` as a format error at `line` (the first error wins). */
static void case_error(spec_case *c, size_t line, const char *fmt, ...)
{
    if (c->error)
        return;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    sbuf b = { 0 };
    sb_printf(&b, "%s:%zu: format error: %s", c->path, line, msg);
    c->error = b.data;
    if (!c->test_name) {
        char name[64];
        if (line)
            snprintf(name, sizeof name, "format error at line %zu", line);
        else
            snprintf(name, sizeof name, "file error");
        case_set_name(c, name, strlen(name));
    }
}

/* ------------------------------------------------------------------------
 * Parsing a spec file
 * ------------------------------------------------------------------------ */

static int starts_with(const char *s, size_t n, const char *prefix)
{
    size_t p = strlen(prefix);
    return n >= p && memcmp(s, prefix, p) == 0;
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t')
            return 0;
    return 1;
}

static void trim(const char **s, size_t *n)
{
    while (*n && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static int hexval(char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

/* Interprets the escapes of `--- text-escaped` in place. Returns 0, or -1
 * with *bad_line set to the line (counted from first_line) of a bad escape. */
static int unescape(spec_case *c, size_t first_line, size_t *bad_line)
{
    char *s = c->text;
    size_t n = c->text_len, o = 0, line = first_line;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            line++;
        if (s[i] != '\\') {
            s[o++] = s[i];
            continue;
        }
        char e = i + 1 < n ? s[i + 1] : '\0';
        if (e == 'n' || e == 'r' || e == 't' || e == '\\') {
            s[o++] = e == 'n' ? '\n' : e == 'r' ? '\r' : e == 't' ? '\t' : '\\';
            i++;
        } else if (e == 'x' && i + 3 < n && hexval(s[i + 2]) >= 0 && hexval(s[i + 3]) >= 0) {
            s[o++] = (char)(hexval(s[i + 2]) * 16 + hexval(s[i + 3]));
            i += 3;
        } else {
            *bad_line = line;
            return -1;
        }
    }
    c->text_len = o;
    s[o] = '\0';
    return 0;
}

/* Checks one expect object; returns NULL when fine, else a static message
 * (or one written into msg). */
static const char *check_expect(const jr_value *o, polisi_type *type, char *msg, size_t msglen)
{
    if (o->kind != JR_OBJECT)
        return "an expect line must be one JSON object";
    const jr_value *t = jr_get(o, "type");
    const jr_value *x = jr_get(o, "text");
    if (!t || t->kind != JR_STRING)
        return "an expect object needs \"type\" (a string)";
    if (type_by_name(t->str, t->len, type) != 0) {
        snprintf(msg, msglen, "unknown type \"%s\"", t->str);
        return msg;
    }
    if (!x || x->kind != JR_STRING)
        return "an expect object needs \"text\" (a string)";
    for (size_t i = 0; i < o->count; i++) {
        const char *k = o->keys[i];
        const jr_value *v = &o->items[i];
        size_t sz;
        if (strcmp(k, "type") == 0 || strcmp(k, "text") == 0)
            continue;
        if (strcmp(k, "start") == 0 || strcmp(k, "end") == 0) {
            if (jr_to_size(v, &sz) != 0) {
                snprintf(msg, msglen, "\"%s\" must be a non-negative integer", k);
                return msg;
            }
            continue;
        }
        if (field_by_name(k) < 0) {
            snprintf(msg, msglen, "unknown field \"%s\" (not a polisi_field_name)", k);
            return msg;
        }
        if (v->kind == JR_NUMBER) {
            char *end;
            errno = 0;
            long n = strtol(v->str, &end, 10);
            if (errno || *end || n < INT_MIN || n > INT_MAX) {
                snprintf(msg, msglen, "\"%s\": only integers are compared", k);
                return msg;
            }
        } else if (v->kind == JR_ARRAY) {
            for (size_t j = 0; j < v->count; j++)
                if (v->items[j].kind != JR_STRING) {
                    snprintf(msg, msglen, "\"%s\": a list holds strings only", k);
                    return msg;
                }
        } else if (v->kind == JR_OBJECT) {
            snprintf(msg, msglen, "\"%s\": objects are not compared", k);
            return msg;
        }
    }
    return NULL;
}

static void add_expect(spec_case *c, size_t line, const char *s, size_t n)
{
    char err[256], msg[256];
    jr_value *v = NULL;
    if (jr_parse(s, n, &v, err, sizeof err) != 0) {
        case_error(c, line, "not JSON: %s", err);
        return;
    }
    polisi_type type = POLISI_RANK;
    const char *bad = check_expect(v, &type, msg, sizeof msg);
    if (bad) {
        jr_free(v);
        case_error(c, line, "%s", bad);
        return;
    }
    if (c->n_exp == c->cap_exp) {
        c->cap_exp = c->cap_exp ? 2 * c->cap_exp : 4;
        c->exp = xrealloc(c->exp, c->cap_exp * sizeof *c->exp);
    }
    expect *e = &c->exp[c->n_exp++];
    e->line = line;
    e->raw = xstrndup(s, n);
    e->obj = v;
    e->type = type;
}

static int is_iso_shape(const char *v)
{
    for (int i = 0; i < 10; i++) {
        int dash = i == 4 || i == 7;
        if (dash ? v[i] != '-' : (v[i] < '0' || v[i] > '9'))
            return 0;
    }
    return 1;
}

static void parse_header(spec_case *c, size_t line, const char *s, size_t n)
{
    if (starts_with(s, n, "ref-date:")) {
        const char *v = s + 9;
        size_t vn = n - 9;
        trim(&v, &vn);
        if (c->has_ref)
            case_error(c, line, "ref-date given twice");
        else if (vn != 10 || !is_iso_shape(v))
            case_error(c, line, "ref-date must be YYYY-MM-DD");
        memcpy(c->ref_date, v, vn == 10 ? 10 : 0);
        c->ref_date[10] = '\0';
        c->has_ref = 1;
    } else if (starts_with(s, n, "types:")) {
        const char *v = s + 6;
        size_t vn = n - 6;
        trim(&v, &vn);
        char *list = xstrndup(v, vn);
        unsigned mask = 0;
        if (c->types_given)
            case_error(c, line, "types given twice");
        else if (polisi_types_parse(list, &mask) != POLISI_OK || mask == 0)
            case_error(c, line, "polisi_types_parse rejects \"%s\"", list);
        free(list);
        c->types = mask;
        c->types_given = 1;
    } else {
        case_error(c, line, "unknown header line (ref-date:, types: or --- text expected)");
    }
}

static void finish_case(spec_case *c, size_t line)
{
    if (!c || c->error)
        return;
    if (!c->types_given) {
        if (c->n_exp == 0) {
            case_error(c, line, "empty expect section needs a \"types:\" header");
            return;
        }
        for (size_t i = 0; i < c->n_exp; i++)
            c->types |= POLISI_TYPE_BIT(c->exp[i].type);
    }
    for (size_t i = 0; i < c->n_exp; i++)
        if (!(c->types & POLISI_TYPE_BIT(c->exp[i].type)))
            case_error(c, c->exp[i].line, "expect line of a type outside \"types:\"");
}

enum pstate { P_OUTSIDE, P_HEADER, P_TEXT, P_EXPECT, P_SKIP };

/* Parses one file into g_cases. Every problem becomes a failing case. */
static void parse_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        case_error(case_new(path, 0), 0, "cannot open: %s", strerror(errno));
        return;
    }
    sbuf b = { 0 };
    char chunk[8192];
    size_t got;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0)
        sb_add(&b, chunk, got);
    int read_error = ferror(f);
    fclose(f);
    if (read_error) {
        case_error(case_new(path, 0), 0, "read error");
        free(b.data);
        return;
    }
    const char *data = b.data ? b.data : "";
    size_t size = b.len;
    size_t first_case = g_n_cases;

    enum pstate st = P_OUTSIDE;
    spec_case *c = NULL;
    size_t text_start = 0, text_line = 0, lineno = 0;
    int escaped = 0;
    size_t pos = 0;
    while (pos < size) {
        const char *s = data + pos;
        const char *nl = memchr(s, '\n', size - pos);
        size_t n = nl ? (size_t)(nl - s) : size - pos;
        size_t line_start = pos;
        pos += n + (nl ? 1 : 0);
        lineno++;

        if (st == P_TEXT) {
            if (!starts_with(s, n, "--- "))
                continue;
            /* The text is [text_start, line_start) minus its final newline. */
            size_t tl = line_start - text_start;
            if (tl > 0)
                tl--;
            c->text = xstrndup(data + text_start, tl);
            c->text_len = tl;
            size_t bad_line;
            if (escaped && unescape(c, text_line, &bad_line) != 0) {
                case_error(c, bad_line, "bad escape in text-escaped (use \\n \\r \\t \\\\ \\xHH)");
                st = P_SKIP;
                continue;
            }
            if (n == 10 && memcmp(s, "--- expect", 10) == 0) {
                st = P_EXPECT;
            } else {
                case_error(c, lineno, "expected \"--- expect\" after the text");
                st = P_SKIP;
            }
            continue;
        }

        int structural = starts_with(s, n, "===") || starts_with(s, n, "--- ");
        if (structural && n && s[n - 1] == '\r') {
            if (st == P_OUTSIDE || st == P_SKIP || !c)
                c = case_new(path, lineno);
            case_error(c, lineno, "CR at the end of a line: the file must use LF line endings");
            st = P_SKIP;
            continue;
        }
        if (starts_with(s, n, "===")) {
            if (st == P_HEADER)
                case_error(c, lineno, "case without a text section");
            else if (st == P_EXPECT)
                finish_case(c, lineno);
            const char *name = s + 3;
            size_t nn = n - 3;
            int spaced = nn > 0 && name[0] == ' ';
            trim(&name, &nn);
            c = case_new(path, lineno);
            if (nn == 0 || !spaced)
                case_error(c, lineno, "a case starts with \"=== name\" (a space, then a name)");
            else
                case_set_name(c, name, nn);
            st = P_HEADER;
            continue;
        }
        if (st == P_SKIP)
            continue;
        if (is_blank(s, n) || s[0] == '#')
            continue;
        switch (st) {
        case P_OUTSIDE:
            c = case_new(path, lineno);
            case_error(c, lineno, "text outside a case (a case starts with \"=== name\")");
            st = P_SKIP;
            break;
        case P_HEADER:
            if ((n == 8 && memcmp(s, "--- text", 8) == 0) ||
                (n == 16 && memcmp(s, "--- text-escaped", 16) == 0)) {
                escaped = n == 16;
                st = P_TEXT;
                text_start = pos;
                text_line = lineno + 1;
            } else if (starts_with(s, n, "--- ")) {
                case_error(c, lineno, "expected \"--- text\" or \"--- text-escaped\" here");
                st = P_SKIP;
            } else {
                parse_header(c, lineno, s, n);
                if (c->error)
                    st = P_SKIP;
            }
            break;
        case P_EXPECT:
            if (s[0] == '{') {
                add_expect(c, lineno, s, n);
                if (c->error)
                    st = P_SKIP;
            } else if (starts_with(s, n, "--- ")) {
                case_error(c, lineno, "a case has one text and one expect section");
                st = P_SKIP;
            } else {
                case_error(c, lineno, "an expect line must be a JSON object on one line");
                st = P_SKIP;
            }
            break;
        default:
            break;
        }
    }
    if (st == P_HEADER || st == P_TEXT)
        case_error(c, lineno, "the file ends inside a case (no \"--- expect\" section)");
    else if (st == P_EXPECT)
        finish_case(c, lineno);
    if (g_n_cases == first_case)
        case_error(case_new(path, 0), 0, "no case in the file");
    free(b.data);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with_txt(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0 && name[0] != '.';
}

static void parse_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        case_error(case_new(dir, 0), 0, "cannot open the directory: %s", strerror(errno));
        return;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (!ends_with_txt(de->d_name))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            names = xrealloc(names, cap * sizeof *names);
        }
        names[n++] = xstrndup(de->d_name, strlen(de->d_name));
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        sbuf p = { 0 };
        sb_printf(&p, "%s/%s", dir, names[i]);
        struct stat sst;
        if (stat(p.data, &sst) == 0 && S_ISREG(sst.st_mode))
            parse_file(p.data);
        free(p.data);
        free(names[i]);
    }
    free(names);
    if (g_n_cases == 0)
        case_error(case_new(dir, 0), 0, "no *.txt spec file in the directory");
}

/* ------------------------------------------------------------------------
 * Running a case
 * ------------------------------------------------------------------------ */

/* A field's value as the accessors give it, for messages. */
static void describe_field(sbuf *b, const polisi_entity *e, polisi_field f)
{
    const char *s = polisi_entity_string(e, f);
    int iv;
    size_t n = polisi_entity_list_count(e, f);
    if (s) {
        sb_json_str(b, s, strlen(s));
    } else if (polisi_entity_int(e, f, &iv) == POLISI_OK) {
        sb_printf(b, "%d (integer or boolean)", iv);
    } else if (n > 0) {
        sb_add(b, "[", 1);
        for (size_t i = 0; i < n; i++) {
            const char *it = polisi_entity_list_item(e, f, i);
            if (i)
                sb_add(b, ",", 1);
            if (it)
                sb_json_str(b, it, strlen(it));
            else
                sb_add(b, "NULL", 4);
        }
        sb_add(b, "]", 1);
    } else {
        sb_add(b, "absent", 6);
    }
}

static int field_matches(const polisi_entity *e, polisi_field f, const jr_value *v)
{
    const char *s;
    int iv;
    switch (v->kind) {
    case JR_STRING:
        s = polisi_entity_string(e, f);
        return s && strlen(s) == v->len && memcmp(s, v->str, v->len) == 0;
    case JR_NUMBER:
        return polisi_entity_int(e, f, &iv) == POLISI_OK && iv == (int)strtol(v->str, NULL, 10);
    case JR_TRUE:
    case JR_FALSE:
        return polisi_entity_int(e, f, &iv) == POLISI_OK && iv == (v->kind == JR_TRUE);
    case JR_NULL:
        return polisi_entity_string(e, f) == NULL && polisi_entity_int(e, f, &iv) != POLISI_OK &&
               polisi_entity_list_count(e, f) == 0;
    case JR_ARRAY:
        if (polisi_entity_list_count(e, f) != v->count)
            return 0;
        for (size_t i = 0; i < v->count; i++) {
            const char *it = polisi_entity_list_item(e, f, i);
            if (!it || strlen(it) != v->items[i].len ||
                memcmp(it, v->items[i].str, v->items[i].len) != 0)
                return 0;
        }
        return 1;
    default:
        return 0;
    }
}

/* Compares one pair; appends what differs to `why`. Returns 1 on a match. */
static int compare_pair(sbuf *why, const expect *x, const polisi_entity *e)
{
    int ok = 1;
    const jr_value *o = x->obj;
    const char *tn = polisi_type_name(polisi_entity_type(e));
    if (polisi_entity_type(e) != x->type) {
        sb_printf(why, "      type: expected %s, got %s\n", polisi_type_name(x->type),
                  tn ? tn : "(unknown)");
        ok = 0;
    }
    size_t tl = 0;
    const char *t = polisi_entity_text(e, &tl);
    const jr_value *xt = jr_get(o, "text");
    if (!t || tl != xt->len || memcmp(t, xt->str, tl) != 0) {
        sb_add(why, "      text: expected ", 21);
        sb_json_str(why, xt->str, xt->len);
        sb_add(why, ", got ", 6);
        if (t)
            sb_json_str(why, t, tl);
        else
            sb_add(why, "NULL", 4);
        sb_add(why, "\n", 1);
        ok = 0;
    }
    for (size_t i = 0; i < o->count; i++) {
        const char *k = o->keys[i];
        const jr_value *v = &o->items[i];
        size_t want;
        if (strcmp(k, "type") == 0 || strcmp(k, "text") == 0)
            continue;
        if (strcmp(k, "start") == 0 || strcmp(k, "end") == 0) {
            size_t got = k[0] == 's' ? polisi_entity_start(e) : polisi_entity_end(e);
            jr_to_size(v, &want);
            if (got != want) {
                sb_printf(why, "      %s: expected %zu, got %zu\n", k, want, got);
                ok = 0;
            }
            continue;
        }
        polisi_field f = (polisi_field)field_by_name(k);
        if (!field_matches(e, f, v)) {
            sb_printf(why, "      %s: expected ", k);
            sb_json_value(why, v);
            sb_add(why, ", got ", 6);
            describe_field(why, e, f);
            sb_add(why, "\n", 1);
            ok = 0;
        }
    }
    return ok;
}

/* SPEC.md 1: text == input[start:end] for every entity, of every type. */
static int check_offsets(sbuf *why, const spec_case *c, const polisi_result *r)
{
    int ok = 1;
    for (size_t i = 0; i < polisi_result_count(r); i++) {
        const polisi_entity *e = polisi_result_entity(r, i);
        if (!e) {
            sb_printf(why, "  polisi_result_entity(result, %zu) is NULL, count %zu\n", i,
                      polisi_result_count(r));
            ok = 0;
            continue;
        }
        size_t st = polisi_entity_start(e), en = polisi_entity_end(e), tl = 0;
        const char *t = polisi_entity_text(e, &tl);
        if (st > en || en > c->text_len || tl != en - st || !t ||
            memcmp(t, c->text + st, tl) != 0) {
            sb_printf(why, "  output entity %zu (%s): text is not input[%zu:%zu]\n", i,
                      polisi_type_name(polisi_entity_type(e)), st, en);
            ok = 0;
        }
    }
    return ok;
}

/* Every output entity, one compact JSON object per line. */
static void dump_output(sbuf *b, polisi_result *r)
{
    const char *json = NULL;
    size_t len = 0;
    polisi_status st = polisi_result_json(r, NULL, 0, POLISI_JSON_ENTITIES_ONLY, &json, &len);
    if (st != POLISI_OK || !json) {
        sb_printf(b, "  (polisi_result_json failed: %s)\n", polisi_strerror(st));
        return;
    }
    jr_value *v = NULL;
    char err[256];
    if (jr_parse(json, len, &v, err, sizeof err) != 0 || v->kind != JR_ARRAY) {
        sb_printf(b, "  (polisi_result_json is not a JSON array: %s)\n  ", v ? "not an array" : err);
        sb_add(b, json, len);
        sb_add(b, "\n", 1);
        jr_free(v);
        return;
    }
    sb_printf(b, "  output (%zu entities, all types):\n", v->count);
    for (size_t i = 0; i < v->count; i++) {
        sb_add(b, "    ", 4);
        sb_json_value(b, &v->items[i]);
        sb_add(b, "\n", 1);
    }
    jr_free(v);
}

static void report(sbuf *why, const spec_case *c, polisi_result *r)
{
    sbuf msg = { 0 };
    sb_printf(&msg, "%s:%zu: [%s] fails\n", c->path, c->line, c->test_name);
    sb_add(&msg, why->data, why->len);
    if (r)
        dump_output(&msg, r);
    /* print_error has no length limit in standard output mode, but keep the
     * pieces small for the XML/TAP modes. */
    for (size_t i = 0; i < msg.len; i += 1000) {
        size_t n = msg.len - i < 1000 ? msg.len - i : 1000;
        print_error("%.*s", (int)n, msg.data + i);
    }
    free(msg.data);
}

/* The call options of a case; NULL (the reason in `why`) on failure. */
static polisi_call_options *case_options(sbuf *why, const spec_case *c)
{
    polisi_call_options *co = NULL;
    polisi_status st = polisi_call_options_new(g_ex, &co);
    if (st != POLISI_OK) {
        sb_printf(why, "  polisi_call_options_new: %s\n", polisi_strerror(st));
        return 0;
    }
    if (c->has_ref) {
        st = polisi_call_options_set_ref_date_iso(co, c->ref_date, 10);
        if (st != POLISI_OK) {
            sb_printf(why, "  ref-date %s rejected: %s\n", c->ref_date, polisi_strerror(st));
            polisi_call_options_free(co);
            return NULL;
        }
    }
    return co;
}

static int run_extract(sbuf *why, const spec_case *c, polisi_result **r)
{
    polisi_call_options *co = case_options(why, c);
    if (!co)
        return 0;
    polisi_status st = polisi_extract(g_ex, c->text_len ? c->text : NULL, c->text_len, co, r);
    polisi_call_options_free(co);
    if (st != POLISI_OK || !*r) {
        sb_printf(why, "  polisi_extract: %s\n", polisi_strerror(st));
        return 0;
    }
    return 1;
}

/* One result refilled by every case in turn (polisi_extract_into), texts
 * longer and shorter than the one before: its JSON must be r's. */
static polisi_result *g_reused;

static int check_reuse(sbuf *why, const spec_case *c, polisi_result *r)
{
    polisi_call_options *co = case_options(why, c);
    if (!co)
        return 0;
    polisi_status st =
        polisi_extract_into(g_ex, c->text_len ? c->text : NULL, c->text_len, co, &g_reused);
    polisi_call_options_free(co);
    if (st != POLISI_OK || !g_reused) {
        sb_printf(why, "  polisi_extract_into: %s\n", polisi_strerror(st));
        return 0;
    }
    const char *want, *got;
    size_t want_len, got_len;
    if (polisi_result_json(r, "x", 1, 0, &want, &want_len) != POLISI_OK ||
        polisi_result_json(g_reused, "x", 1, 0, &got, &got_len) != POLISI_OK) {
        sb_printf(why, "  polisi_result_json failed\n");
        return 0;
    }
    if (want_len != got_len || memcmp(want, got, want_len) != 0) {
        sb_printf(why, "  polisi_extract_into, reusing a result, gave\n    %.*s\n"
                       "  where polisi_extract gave\n    %.*s\n",
                  (int)got_len, got, (int)want_len, want);
        return 0;
    }
    return 1;
}

static void run_case(void **state)
{
    const spec_case *c = *state;
    if (c->error) {
        print_error("%s\n", c->error);
        fail();
    }
    if (!g_ex) {
        print_error("polisi_extractor_new failed: %s\n", polisi_strerror(g_ex_status));
        fail();
    }
    sbuf why = { 0 };
    polisi_result *r = NULL;
    int ok = run_extract(&why, c, &r);
    if (ok) {
        ok = check_offsets(&why, c, r);
        ok = check_reuse(&why, c, r) && ok;
        size_t n = polisi_result_count(r), k = 0;
        for (size_t i = 0; i <= n; i++) {
            const polisi_entity *e = i < n ? polisi_result_entity(r, i) : NULL;
            if (i < n && (!e || !(c->types & POLISI_TYPE_BIT(polisi_entity_type(e)))))
                continue; /* a NULL entity is reported by check_offsets */
            if (!e) {
                for (; k < c->n_exp; k++) {
                    sb_printf(&why, "  missing: line %zu: %s\n", c->exp[k].line, c->exp[k].raw);
                    ok = 0;
                }
                break;
            }
            if (k == c->n_exp) {
                size_t tl = 0;
                const char *t = polisi_entity_text(e, &tl);
                sb_printf(&why, "  unexpected %s entity: ", polisi_type_name(polisi_entity_type(e)));
                sb_json_str(&why, t ? t : "", t ? tl : 0);
                sb_printf(&why, " at %zu..%zu\n", polisi_entity_start(e), polisi_entity_end(e));
                ok = 0;
                continue;
            }
            sbuf diff = { 0 };
            if (!compare_pair(&diff, &c->exp[k], e)) {
                sb_printf(&why, "  expected: line %zu: %s\n", c->exp[k].line, c->exp[k].raw);
                sb_add(&why, diff.data, diff.len);
                ok = 0;
            }
            free(diff.data);
            k++;
        }
    }
    if (!ok)
        report(&why, c, r);
    polisi_result_free(r);
    free(why.data);
    if (!ok)
        fail();
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR   (runs DIR/*.txt, see tests/spec/README.md)\n", argv[0]);
        return 2;
    }
    /* cmocka writes progress to stdout and failures to stderr: keep them in
     * order when both go to one pipe (ctest). */
    setvbuf(stdout, NULL, _IOLBF, 0);
    g_ex_status = polisi_extractor_new(NULL, &g_ex);
    if (g_ex_status != POLISI_OK)
        g_ex = NULL;
    parse_dir(argv[1]);

    struct CMUnitTest *tests = xmalloc(g_n_cases * sizeof *tests);
    for (size_t i = 0; i < g_n_cases; i++) {
        memset(&tests[i], 0, sizeof tests[i]);
        tests[i].name = g_cases[i]->test_name;
        tests[i].test_func = run_case;
        tests[i].initial_state = g_cases[i];
    }
    int failed = _cmocka_run_group_tests("spec", tests, g_n_cases, NULL, NULL);

    free(tests);
    for (size_t i = 0; i < g_n_cases; i++)
        case_free(g_cases[i]);
    free(g_cases);
    polisi_result_free(g_reused);
    polisi_extractor_free(g_ex);
    /* Not the failure count: 77 failures would read as "skipped" to ctest. */
    return failed ? 1 : 0;
}
