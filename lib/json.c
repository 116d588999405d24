/*
 * json.c: a result as JSON in the SPEC.md shape.
 *
 * Output goes through a small buffer to the caller's write function, so
 * writing allocates nothing. Every string is checked as UTF-8 on the way:
 * invalid bytes become U+FFFD (the offsets stay byte offsets into the input).
 *
 * Writing costs per entity, not per byte of input, so the pieces are
 * written straight into the buffer: a writer first makes sure of room for
 * the most a piece can take (at()), then stores without further checks and
 * says where it stopped (done()). Keys of the compact form are copied whole
 * from a table, 16 bytes at a time.
 */
#include <string.h>

#include <utf8proc.h>

#include "internal.h"

#if defined(__SSE2__) && defined(__GNUC__)
#include <emmintrin.h>
#define JSON_SSE2 1
#endif

/* For the few small writers that run for every key and string: GCC's
 * heuristics otherwise leave some of their calls out of line. */
#if defined(__GNUC__)
#define ALWAYS_INLINE inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE inline
#endif

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

/* Where to write n bytes (n <= sizeof w->buf), flushing first when they
 * do not fit. */
static inline char *at(jw *w, size_t n) {
    if (n > sizeof w->buf - w->used)
        flush(w);
    return w->buf + w->used;
}

static inline void done(jw *w, char *o) { w->used = (size_t)(o - w->buf); }

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

static inline void put_char(jw *w, char c) {
    char *o = at(w, 1);
    *o++ = c;
    done(w, o);
}

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

#ifdef JSON_SSE2
/* A bit for each byte of x that is not plain. */
static inline unsigned odd_bytes(__m128i x) {
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(' ');
    /* Signed, "below a space" is a control byte or one of 0x80..0xFF. */
    __m128i odd = _mm_or_si128(_mm_cmplt_epi8(x, space),
                               _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bslash)));
    return (unsigned)_mm_movemask_epi8(odd);
}
#endif

/* Copies the plain bytes that begin s[0, n) to o and returns their count.
 * May store up to 16 bytes past them (at() reserves that slack). Most
 * strings are a few words: from 4 bytes on, they are read as two
 * overlapping loads (the first and the last 4, 8 or 16 bytes), never past
 * s + n. */
static inline size_t plain_run(char *o, const unsigned char *s, size_t n) {
    size_t k = 0;
#ifdef JSON_SSE2
    unsigned m;
    if (n >= 16) {
        for (; k + 16 <= n; k += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
            _mm_storeu_si128((__m128i *)(void *)(o + k), x);
            if ((m = odd_bytes(x)) != 0)
                return k + (size_t)__builtin_ctz(m);
        }
        if (k == n)
            return n;
        k = n - 16; /* the bytes before k are plain */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + k));
        _mm_storeu_si128((__m128i *)(void *)(o + k), x);
        m = odd_bytes(x);
        return m ? k + (size_t)__builtin_ctz(m) : n;
    }
    if (n >= 8) {
        __m128i lo = _mm_loadl_epi64((const __m128i *)(const void *)s);
        __m128i hi = _mm_loadl_epi64((const __m128i *)(const void *)(s + n - 8));
        _mm_storel_epi64((__m128i *)(void *)o, lo);
        _mm_storel_epi64((__m128i *)(void *)(o + n - 8), hi);
        m = odd_bytes(_mm_unpacklo_epi64(lo, hi)) & 0xFFFF;
        if (!m)
            return n;
        return m & 0xFF ? (size_t)__builtin_ctz(m) : n - 8 + (size_t)__builtin_ctz(m >> 8);
    }
    if (n >= 4) {
        uint32_t lo, hi;
        memcpy(&lo, s, 4);
        memcpy(&hi, s + n - 4, 4);
        memcpy(o, &lo, 4);
        memcpy(o + n - 4, &hi, 4);
        m = odd_bytes(_mm_unpacklo_epi32(_mm_cvtsi32_si128((int)lo), _mm_cvtsi32_si128((int)hi))) & 0xFF;
        if (!m)
            return n;
        return m & 0xF ? (size_t)__builtin_ctz(m) : n - 4 + (size_t)__builtin_ctz(m >> 4);
    }
#endif
    while (k < n && plain[s[k]]) {
        o[k] = (char)s[k];
        k++;
    }
    return k;
}

/* Input bytes escaped per reservation; each takes at most 6 output bytes. */
#define STRING_STEP 512
/* Room beyond 6 bytes an input byte: the quotes, the rest of a UTF-8
 * sequence that starts before the step's end, plain_run's 16-byte stores. */
#define STRING_SLACK 32

/* Escapes s[*pi, ...) to o until *pi reaches stop; s is n bytes long (a
 * UTF-8 sequence that starts before stop is read whole, up to n). Writes
 * at most 6 bytes an input byte, plus 3 past stop, plus plain_run's 16. */
static char *escape(char *o, const unsigned char *s, size_t *pi, size_t stop, size_t n) {
    static const char hex[] = "0123456789abcdef";
    size_t i = *pi;
    while (i < stop) {
        size_t k = plain_run(o, s + i, stop - i);
        i += k;
        o += k;
        if (i == stop)
            break;
        unsigned char c = s[i];
        if (c >= 0x80) {
            utf8proc_int32_t cp;
            utf8proc_ssize_t len = utf8proc_iterate(s + i, (utf8proc_ssize_t)(n - i), &cp);
            if (len > 0) { /* may end past stop: within the slack */
                memcpy(o, s + i, (size_t)len);
                o += len;
                i += (size_t)len;
                continue;
            }
            memcpy(o, "\xEF\xBF\xBD", 3); /* a byte that is not UTF-8 */
            o += 3;
        } else if (c == '"' || c == '\\') {
            o[0] = '\\';
            o[1] = (char)c;
            o += 2;
        } else if (c == '\n') {
            memcpy(o, "\\n", 2);
            o += 2;
        } else if (c == '\r') {
            memcpy(o, "\\r", 2);
            o += 2;
        } else if (c == '\t') {
            memcpy(o, "\\t", 2);
            o += 2;
        } else {
            memcpy(o, "\\u00", 4);
            o[4] = hex[c >> 4];
            o[5] = hex[c & 15];
            o += 6;
        }
        i++;
    }
    *pi = i;
    return o;
}

/* The most a string of n bytes takes as JSON, quotes and slack included. */
#define STRING_ROOM(n) (6 * (n) + STRING_SLACK)

/* s[0, n) as a JSON string at o, which has STRING_ROOM(n) bytes. Nearly
 * every string is one plain run: the call to escape() is for the rest. */
static ALWAYS_INLINE char *fmt_string(char *o, const char *s, size_t n) {
    *o++ = '"';
    size_t i = plain_run(o, (const unsigned char *)s, n);
    o += i;
    if (i < n)
        o = escape(o, (const unsigned char *)s, &i, n, n);
    *o++ = '"';
    return o;
}

/* Writes s[0, n) as a JSON string, any string: in steps of STRING_STEP
 * input bytes, each with its own reservation. */
static void put_string_any(jw *w, const char *str, size_t n) {
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    size_t step = n < STRING_STEP ? n : STRING_STEP;
    char *o = at(w, STRING_ROOM(step));
    *o++ = '"';
    for (;;) {
        o = escape(o, s, &i, n - i < STRING_STEP ? n : i + STRING_STEP, n);
        if (i >= n)
            break;
        done(w, o);
        step = n - i < STRING_STEP ? n - i : STRING_STEP;
        o = at(w, STRING_ROOM(step));
    }
    *o++ = '"';
    done(w, o);
}

/* Strings up to this long are tried as plain text first. */
#define STRING_SHORT 64

/* Writes s[0, n) as a JSON string. Nearly all are short and need no
 * escape: one reservation, one plain run, the quotes; the others start
 * over in put_string_any. */
static ALWAYS_INLINE void put_string(jw *w, const char *s, size_t n) {
    if (n <= STRING_SHORT) {
        char *o = at(w, n + 2 + 16);
        if (plain_run(o + 1, (const unsigned char *)s, n) == n) {
            o[0] = '"';
            o[n + 1] = '"';
            done(w, o + n + 2);
            return;
        }
    }
    put_string_any(w, s, n);
}

/* Room for a key of the compact form: one fixed-size copy. */
#define KEY_ROOM 16

/* A key of the compact form with the comma before it (",\"code\":"), whole
 * in KEY_ROOM bytes so that it is stored with one fixed-size copy. The
 * names are SPEC.md's, the same as polisi_field_name's. */
typedef struct key_piece {
    char s[KEY_ROOM];
    unsigned char n;
} key_piece;
#define KEY_PIECE(name) {",\"" name "\":", sizeof name + 3}

static const key_piece field_keys[POLISI_FIELD_COUNT] = {
#define FIELD(id, name) [POLISI_FIELD_##id] = KEY_PIECE(name),
#include "names.def"
#undef FIELD
};
static const key_piece key_start = KEY_PIECE("start"), key_end = KEY_PIECE("end");

/* Writes a key: the piece as it is in the compact form; in the pretty form
 * the comma, a new line, the name and ": ". */
static ALWAYS_INLINE void put_key(jw *w, const key_piece *k, int first, int depth) {
    if (!w->pretty) {
        const char *s = k->s + first;
        char *o = at(w, sizeof k->s);
        memcpy(o, s, sizeof k->s - 1); /* fixed size: the piece and slack */
        done(w, o + k->n - first);
        return;
    }
    if (!first)
        put(w, ",", 1);
    newline(w, depth);
    put(w, k->s + 1, (size_t)k->n - 2); /* "name" */
    put(w, ": ", 2);
}

static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324"
                                     "25262728293031323334353637383940414243444546474849"
                                     "50515253545556575859606162636465666768697071727374"
                                     "75767778798081828384858687888990919293949596979899";

/* Room for an unsigned number, and for a signed one, true, false or null. */
#define UINT_ROOM 20
#define NUMBER_ROOM (UINT_ROOM + 1)

/* The digits of v at o (UINT_ROOM bytes of room); returns their end.
 * Written two at a time from the right into tmp, then copied with a fixed
 * size. */
static inline char *fmt_uint(char *o, unsigned long long v) {
    char tmp[2 * UINT_ROOM];
    char *p = tmp + UINT_ROOM;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digit_pairs + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digit_pairs + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    memcpy(o, p, UINT_ROOM);
    return o + (tmp + UINT_ROOM - p);
}

/* v at o (NUMBER_ROOM bytes of room); returns its end. */
static inline char *fmt_int(char *o, int v) {
    if (v < 0) {
        *o++ = '-';
        return fmt_uint(o, (unsigned long long)(-(long long)v));
    }
    return fmt_uint(o, (unsigned long long)v);
}

static void put_uint(jw *w, unsigned long long v) { done(w, fmt_uint(at(w, UINT_ROOM), v)); }

/* How a field of a type is written. */
enum {
    F_STRING,    /* left out when absent */
    F_NULLABLE,  /* null when absent: the type has no value for it */
    F_GRADE,     /* integers and booleans; a string when set so, else left out */
    F_RETIRED,
    F_WEEKDAY_OK,
    F_TITLES,    /* always, a list */
    F_END
};

typedef struct field_out {
    unsigned char field, how;
} field_out;

/* The fields of each type, in the order of SPEC.md's tables. */
#define S(f) {POLISI_FIELD_##f, F_STRING}
#define N(f) {POLISI_FIELD_##f, F_NULLABLE}
#define END {0, F_END}
static const field_out type_fields[][8] = {
    [POLISI_RANK] = {S(CODE), S(NAME), S(FORCE), S(GROUP), {POLISI_FIELD_GRADE, F_GRADE},
                     {POLISI_FIELD_RETIRED, F_RETIRED}, S(CORPS), END},
    [POLISI_TITLE] = {S(CODE), S(POSITION), S(CATEGORY), N(MEANING), END},
    [POLISI_UNIT] = {S(LEVEL), N(KIND), N(PLACE), S(CANONICAL), END},
    [POLISI_POSITION] = {S(CODE), S(FORCE), N(UNIT), S(ACTING), END},
    [POLISI_DATE] = {N(VALUE), S(END_VALUE), S(WEEKDAY), {POLISI_FIELD_WEEKDAY_OK, F_WEEKDAY_OK},
                     END},
    [POLISI_TIME] = {S(VALUE), S(END_VALUE), N(ZONE), S(UTC_OFFSET), END},
    [POLISI_PERSON] = {S(NAME), S(DISPLAY), N(RANK), {POLISI_FIELD_TITLES, F_TITLES},
                       N(POSITION), N(UNIT), END},
};
#undef S
#undef N
#undef END

/* The start of an entity in the compact form, up to the text's value. */
typedef struct head_piece {
    char s[32];
    unsigned char n;
} head_piece;
static const head_piece type_heads[] = {
#define TYPE(id, name) [POLISI_##id] = {"{\"type\":\"" name "\",\"text\":", sizeof name + 17},
#include "names.def"
#undef TYPE
};

/* What a field of an entity is written as. */
typedef enum field_value {
    V_NONE,   /* left out */
    V_INT,    /* e->grade */
    V_FALSE,
    V_TRUE,
    V_STRING, /* e->str[field] */
    V_NULL,
    V_TITLES  /* e->titles, a list */
} field_value;

static inline field_value value_of(const polisi_entity *e, const field_out *fo) {
    switch (fo->how) {
    case F_TITLES: return V_TITLES;
    case F_GRADE:
        if (e->grade != POLISI__NO_INT)
            return V_INT;
        break;
    case F_RETIRED:
    case F_WEEKDAY_OK: {
        int v = fo->how == F_RETIRED ? e->retired : e->weekday_ok; /* -1: absent */
        if (v >= 0)
            return v ? V_TRUE : V_FALSE;
        break;
    }
    default: break;
    }
    if (e->str[fo->field])
        return V_STRING;
    return fo->how == F_NULLABLE ? V_NULL : V_NONE;
}

/* A value other than a string or a list at o (NUMBER_ROOM bytes of room);
 * returns its end. */
static ALWAYS_INLINE char *fmt_scalar(char *o, const polisi_entity *e, field_value v) {
    switch (v) {
    case V_INT: return fmt_int(o, e->grade);
    case V_FALSE: memcpy(o, "false", 5); return o + 5;
    case V_TRUE: memcpy(o, "true", 4); return o + 4;
    case V_NULL: memcpy(o, "null", 4); return o + 4;
    default: return o;
    }
}

/* A field of either form, a piece at a time: its strings may be of any
 * length. */
static void put_field(jw *w, const polisi_entity *e, const field_out *fo, int depth) {
    field_value v = value_of(e, fo);
    if (v == V_NONE)
        return;
    put_key(w, &field_keys[fo->field], 0, depth);
    if (v == V_TITLES) {
        put_char(w, '[');
        for (uint32_t i = 0; i < e->ntitles; i++) {
            if (i)
                put(w, w->pretty ? ", " : ",", w->pretty ? 2 : 1);
            put_string(w, e->titles[i], strlen(e->titles[i]));
        }
        put_char(w, ']');
    } else if (v == V_STRING) {
        put_string(w, e->str[fo->field], strlen(e->str[fo->field]));
    } else {
        done(w, fmt_scalar(at(w, NUMBER_ROOM), e, v));
    }
}

/* The compact form of an entity, all in one reservation when it fits the
 * buffer: the lengths of its strings are measured first, then everything
 * is stored without further checks. 0 when it does not fit. */
static int put_entity_compact(jw *w, const polisi_entity *e) {
    const field_out *fields = type_fields[e->type];
    field_value vals[8];
    size_t lens[8];
    size_t text_len = e->end - e->start;
    size_t need = sizeof type_heads[0].s + STRING_ROOM(text_len) + 2 * (KEY_ROOM + NUMBER_ROOM) + 1;
    for (size_t i = 0; fields[i].how != F_END; i++) {
        field_value v = vals[i] = value_of(e, &fields[i]);
        if (v == V_STRING) {
            lens[i] = strlen(e->str[fields[i].field]);
            need += KEY_ROOM + STRING_ROOM(lens[i]);
        } else if (v == V_TITLES) {
            need += KEY_ROOM + 2;
            for (uint32_t t = 0; t < e->ntitles; t++)
                need += 1 + STRING_ROOM(strlen(e->titles[t]));
        } else {
            need += KEY_ROOM + NUMBER_ROOM;
        }
    }
    if (need > sizeof w->buf)
        return 0;
    char *o = at(w, need);
    const head_piece *h = &type_heads[e->type];
    memcpy(o, h->s, sizeof h->s);
    o = fmt_string(o + h->n, e->owner->text + e->start, text_len);
    for (size_t i = 0; fields[i].how != F_END; i++) {
        field_value v = vals[i];
        if (v == V_NONE)
            continue;
        const key_piece *k = &field_keys[fields[i].field];
        memcpy(o, k->s, sizeof k->s);
        o += k->n;
        if (v == V_TITLES) {
            *o++ = '[';
            for (uint32_t t = 0; t < e->ntitles; t++) {
                if (t)
                    *o++ = ',';
                o = fmt_string(o, e->titles[t], strlen(e->titles[t]));
            }
            *o++ = ']';
        } else if (v == V_STRING) {
            o = fmt_string(o, e->str[fields[i].field], lens[i]);
        } else {
            o = fmt_scalar(o, e, v);
        }
    }
    memcpy(o, key_start.s, sizeof key_start.s);
    o = fmt_uint(o + key_start.n, e->start);
    memcpy(o, key_end.s, sizeof key_end.s);
    o = fmt_uint(o + key_end.n, e->end);
    *o++ = '}';
    done(w, o);
    return 1;
}

static void put_entity(jw *w, const polisi_entity *e, int depth) {
    if (!w->pretty && put_entity_compact(w, e))
        return;
    if (!w->pretty) {
        const head_piece *h = &type_heads[e->type];
        char *o = at(w, sizeof h->s);
        memcpy(o, h->s, sizeof h->s);
        done(w, o + h->n);
    } else {
        static const key_piece type_key = KEY_PIECE("type"), text_key = KEY_PIECE("text");
        put(w, "{", 1);
        put_key(w, &type_key, 1, depth + 1);
        put(w, "\"", 1);
        const char *name = polisi_type_name((polisi_type)e->type);
        put(w, name, strlen(name));
        put(w, "\"", 1);
        put_key(w, &text_key, 0, depth + 1);
    }
    put_string(w, e->owner->text + e->start, e->end - e->start);
    for (const field_out *fo = type_fields[e->type]; fo->how != F_END; fo++)
        put_field(w, e, fo, depth + 1);
    put_key(w, &key_start, 0, depth + 1);
    put_uint(w, e->start);
    put_key(w, &key_end, 0, depth + 1);
    put_uint(w, e->end);
    newline(w, depth);
    put_char(w, '}');
}

static void put_entities(jw *w, const polisi_result *r, int depth) {
    put_char(w, '[');
    for (size_t i = 0; i < r->count; i++) {
        if (i)
            put_char(w, ',');
        newline(w, depth + 1);
        put_entity(w, &r->ents[i], depth + 1);
    }
    if (r->count)
        newline(w, depth);
    put_char(w, ']');
}

polisi_status polisi_result_write_json(const polisi_result *r, const char *id, size_t id_len,
                                       unsigned flags, polisi_write_fn write, void *ud) {
    if (!r || !write || (!id && id_len) || (flags & ~(POLISI_JSON_PRETTY | POLISI_JSON_ENTITIES_ONLY)))
        return POLISI_ERR_INVALID_ARG;
    static const key_piece id_key = KEY_PIECE("id"), entities_key = KEY_PIECE("entities");
    jw w;
    w.write = write;
    w.ud = ud;
    w.failed = 0;
    w.pretty = (flags & POLISI_JSON_PRETTY) != 0;
    w.used = 0;
    if (flags & POLISI_JSON_ENTITIES_ONLY) {
        put_entities(&w, r, 0);
    } else {
        put_char(&w, '{');
        put_key(&w, &id_key, 1, 1);
        if (id)
            put_string(&w, id, id_len);
        else
            put(&w, "null", 4);
        put_key(&w, &entities_key, 0, 1);
        put_entities(&w, r, 1);
        newline(&w, 0);
        put_char(&w, '}');
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
