/*
 * json.c: a result as JSON in the SPEC.md shape.
 *
 * Output goes through a small buffer to the caller's write function, so
 * writing allocates nothing. Every string is checked as UTF-8 on the way:
 * invalid bytes become U+FFFD (the offsets stay byte offsets into the input).
 */
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

typedef struct jw {
    polisi_write_fn write;
    void *ud;
    int failed;
    int pretty;
    size_t used;
    char buf[4096];
} jw;

static void flush(jw *w) {
    if (w->used && !w->failed && w->write(w->buf, w->used, w->ud) != 0)
        w->failed = 1;
    w->used = 0;
}

static void put_slow(jw *w, const char *s, size_t n) {
    while (n) {
        if (w->used == sizeof w->buf)
            flush(w);
        size_t room = sizeof w->buf - w->used;
        size_t k = n < room ? n : room;
        memcpy(w->buf + w->used, s, k);
        w->used += k;
        s += k;
        n -= k;
    }
}

/* Nearly every piece fits in the buffer's room: one copy, no loop. */
static inline void put(jw *w, const char *s, size_t n) {
    if (n <= sizeof w->buf - w->used) {
        memcpy(w->buf + w->used, s, n);
        w->used += n;
    } else {
        put_slow(w, s, n);
    }
}

static void puts_(jw *w, const char *s) { put(w, s, strlen(s)); }

static void newline(jw *w, int depth) {
    if (!w->pretty)
        return;
    put(w, "\n", 1);
    for (int i = 0; i < depth; i++)
        put(w, "  ", 2);
}

/* The bytes a JSON string holds as they are: printable ASCII but for '"'
 * and the backslash. */
static const unsigned char plain[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/* Writes s[0, n) as a JSON string. */
static void put_string(jw *w, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    put(w, "\"", 1);
    size_t i = 0, run = 0; /* s[run, i) is plain text not yet written */
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (plain[c]) {
            i++;
            continue;
        }
        if (c >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t k = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                                  (utf8proc_ssize_t)(n - i), &cp);
            if (k > 0) {
                i += (size_t)k;
                continue;
            }
        }
        put(w, s + run, i - run);
        if (c == '"' || c == '\\') {
            char esc[2] = {'\\', (char)c};
            put(w, esc, 2);
        } else if (c == '\n') {
            put(w, "\\n", 2);
        } else if (c == '\r') {
            put(w, "\\r", 2);
        } else if (c == '\t') {
            put(w, "\\t", 2);
        } else if (c < 0x20) {
            char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            put(w, esc, 6);
        } else {
            put(w, "\xEF\xBF\xBD", 3); /* a byte that is not UTF-8 */
        }
        run = ++i;
    }
    put(w, s + run, i - run);
    put(w, "\"", 1);
}

/* Keys are field and type names: ASCII letters and '_', nothing to escape. */
static void put_key(jw *w, const char *key, int first, int depth) {
    size_t n = strlen(key);
    if (!w->pretty && n + 4 <= sizeof w->buf - w->used) { /* the usual case, in one go */
        char *o = w->buf + w->used;
        if (!first)
            *o++ = ',';
        *o++ = '"';
        memcpy(o, key, n);
        o += n;
        *o++ = '"';
        *o++ = ':';
        w->used = (size_t)(o - w->buf);
        return;
    }
    if (!first)
        put(w, ",", 1);
    newline(w, depth);
    put_string(w, key, strlen(key));
    put(w, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
}

static void put_uint(jw *w, unsigned long long v) {
    char tmp[24];
    int n = 0;
    do
        tmp[n++] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    char out[24];
    for (int i = 0; i < n; i++)
        out[i] = tmp[n - 1 - i];
    put(w, out, (size_t)n);
}

static void put_int(jw *w, int v) {
    if (v < 0) {
        put(w, "-", 1);
        put_uint(w, (unsigned long long)(-(long long)v));
    } else {
        put_uint(w, (unsigned long long)v);
    }
}

/* Fields written as null when a type has no value for them; the others are
 * left out when absent. */
static unsigned long null_fields(polisi_type type) {
#define F(x) (1ul << POLISI_FIELD_##x)
    switch (type) {
    case POLISI_TITLE: return F(MEANING);
    case POLISI_UNIT: return F(KIND) | F(PLACE);
    case POLISI_POSITION: return F(UNIT);
    case POLISI_DATE: return F(VALUE);
    case POLISI_TIME: return F(ZONE);
    case POLISI_PERSON: return F(RANK) | F(POSITION) | F(UNIT);
    default: return 0;
    }
#undef F
}

static void put_field(jw *w, const polisi_entity *e, polisi_field f, int depth) {
    const char *name = polisi_field_name(f);
    int v;
    if (f == POLISI_FIELD_TITLES) {
        if (e->type != POLISI_PERSON)
            return;
        put_key(w, name, 0, depth);
        put(w, "[", 1);
        for (uint32_t i = 0; i < e->ntitles; i++) {
            if (i)
                put(w, w->pretty ? ", " : ",", w->pretty ? 2 : 1);
            put_string(w, e->titles[i], strlen(e->titles[i]));
        }
        put(w, "]", 1);
    } else if (polisi_entity_int(e, f, &v) == POLISI_OK) {
        put_key(w, name, 0, depth);
        if (f == POLISI_FIELD_GRADE)
            put_int(w, v);
        else
            puts_(w, v ? "true" : "false");
    } else if (e->str[f]) {
        put_key(w, name, 0, depth);
        put_string(w, e->str[f], strlen(e->str[f]));
    } else if (null_fields((polisi_type)e->type) & (1ul << f)) {
        put_key(w, name, 0, depth);
        puts_(w, "null");
    }
}

/* The fields of each type, in the order of SPEC.md's tables. */
#define END POLISI_FIELD_COUNT
static const polisi_field type_fields[][9] = {
    [POLISI_RANK] = {POLISI_FIELD_CODE, POLISI_FIELD_NAME, POLISI_FIELD_FORCE, POLISI_FIELD_GROUP,
                     POLISI_FIELD_GRADE, POLISI_FIELD_RETIRED, POLISI_FIELD_CORPS, END},
    [POLISI_TITLE] = {POLISI_FIELD_CODE, POLISI_FIELD_POSITION, POLISI_FIELD_CATEGORY,
                      POLISI_FIELD_MEANING, END},
    [POLISI_UNIT] = {POLISI_FIELD_LEVEL, POLISI_FIELD_KIND, POLISI_FIELD_PLACE,
                     POLISI_FIELD_CANONICAL, END},
    [POLISI_POSITION] = {POLISI_FIELD_CODE, POLISI_FIELD_FORCE, POLISI_FIELD_UNIT,
                         POLISI_FIELD_ACTING, END},
    [POLISI_DATE] = {POLISI_FIELD_VALUE, POLISI_FIELD_END_VALUE, POLISI_FIELD_WEEKDAY,
                     POLISI_FIELD_WEEKDAY_OK, END},
    [POLISI_TIME] = {POLISI_FIELD_VALUE, POLISI_FIELD_END_VALUE, POLISI_FIELD_ZONE,
                     POLISI_FIELD_UTC_OFFSET, END},
    [POLISI_PERSON] = {POLISI_FIELD_NAME, POLISI_FIELD_DISPLAY, POLISI_FIELD_RANK,
                       POLISI_FIELD_TITLES, POLISI_FIELD_POSITION, POLISI_FIELD_UNIT, END},
};
#undef END

static void put_entity(jw *w, const polisi_entity *e, int depth) {
    put(w, "{", 1);
    put_key(w, "type", 1, depth + 1);
    puts_(w, "\"");
    puts_(w, polisi_type_name((polisi_type)e->type));
    puts_(w, "\"");
    put_key(w, "text", 0, depth + 1);
    put_string(w, e->owner->text + e->start, e->end - e->start);
    for (const polisi_field *f = type_fields[e->type]; *f != POLISI_FIELD_COUNT; f++)
        put_field(w, e, *f, depth + 1);
    put_key(w, "start", 0, depth + 1);
    put_uint(w, e->start);
    put_key(w, "end", 0, depth + 1);
    put_uint(w, e->end);
    newline(w, depth);
    put(w, "}", 1);
}

static void put_entities(jw *w, const polisi_result *r, int depth) {
    put(w, "[", 1);
    for (size_t i = 0; i < r->count; i++) {
        if (i)
            put(w, ",", 1);
        newline(w, depth + 1);
        put_entity(w, &r->ents[i], depth + 1);
    }
    if (r->count)
        newline(w, depth);
    put(w, "]", 1);
}

polisi_status polisi_result_write_json(const polisi_result *r, const char *id, size_t id_len,
                                       unsigned flags, polisi_write_fn write, void *ud) {
    if (!r || !write || (!id && id_len) || (flags & ~(POLISI_JSON_PRETTY | POLISI_JSON_ENTITIES_ONLY)))
        return POLISI_ERR_INVALID_ARG;
    jw w;
    w.write = write;
    w.ud = ud;
    w.failed = 0;
    w.pretty = (flags & POLISI_JSON_PRETTY) != 0;
    w.used = 0;
    if (flags & POLISI_JSON_ENTITIES_ONLY) {
        put_entities(&w, r, 0);
    } else {
        put(&w, "{", 1);
        put_key(&w, "id", 1, 1);
        if (id)
            put_string(&w, id, id_len);
        else
            puts_(&w, "null");
        put_key(&w, "entities", 0, 1);
        put_entities(&w, r, 1);
        newline(&w, 0);
        put(&w, "}", 1);
    }
    flush(&w);
    return w.failed ? POLISI_ERR_WRITE : POLISI_OK;
}

/* Appends to the result's own JSON buffer; 1 when it cannot grow. */
static int append_to_result(const char *data, size_t len, void *ud) {
    polisi_result *r = ud;
    if (polisi__grow(r->alloc, (void **)&r->json, &r->json_cap, r->json_len + len + 1, 1))
        return 1;
    memcpy(r->json + r->json_len, data, len);
    r->json_len += len;
    return 0;
}

polisi_status polisi_result_json(polisi_result *r, const char *id, size_t id_len, unsigned flags,
                                 const char **json, size_t *json_len) {
    if (!r || !json)
        return POLISI_ERR_INVALID_ARG;
    *json = NULL;
    r->json_len = 0;
    polisi_status st = polisi_result_write_json(r, id, id_len, flags, append_to_result, r);
    if (st == POLISI_ERR_WRITE)
        st = POLISI_ERR_NOMEM; /* the only way append_to_result fails */
    if (st == POLISI_OK && append_to_result("", 0, r))
        st = POLISI_ERR_NOMEM;
    if (st != POLISI_OK)
        return st;
    r->json[r->json_len] = '\0';
    *json = r->json;
    if (json_len)
        *json_len = r->json_len;
    return POLISI_OK;
}
