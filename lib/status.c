/* status.c: versions, status messages, and the names of types and fields. */
#include <string.h>

#include "internal.h"

const char *polisi_version(void) { return POLISI_VERSION_STRING; }

int polisi_version_number(void) { return POLISI_VERSION_NUMBER; }

const char *polisi_strerror(polisi_status status) {
    switch (status) {
    case POLISI_OK: return "success";
    case POLISI_ERR_NOMEM: return "out of memory";
    case POLISI_ERR_INVALID_ARG: return "invalid argument";
    case POLISI_ERR_TOO_LARGE: return "input larger than the max_input limit";
    case POLISI_ERR_BAD_DATE: return "not a valid YYYY-MM-DD date";
    case POLISI_ERR_LIMIT: return "more entities than the max_entities limit";
    case POLISI_ERR_REGEX: return "regular expression failed to compile or hit its match limit";
    case POLISI_ERR_NO_FIELD: return "the entity has no such field of that kind";
    case POLISI_ERR_WRITE: return "the JSON writer callback failed";
    case POLISI_ERR_INTERNAL: return "internal error in polisi";
    }
    return "unknown polisi status";
}

static const char *const type_names[] = {
#define TYPE(id, name) [POLISI_##id] = name,
#include "names.def"
#undef TYPE
};

const char *polisi_type_name(polisi_type type) {
    if ((int)type < POLISI_RANK || (int)type > POLISI_PERSON)
        return NULL;
    return type_names[type];
}

static const char *const field_names[POLISI_FIELD_COUNT] = {
#define FIELD(id, name) [POLISI_FIELD_##id] = name,
#include "names.def"
#undef FIELD
};

const char *polisi_field_name(polisi_field field) {
    if ((int)field < 0 || field >= POLISI_FIELD_COUNT)
        return NULL;
    return field_names[field];
}

/* ASCII case-insensitive equality of n bytes (no locale, no POSIX). */
static int ascii_ieq(const char *a, const char *b, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char x = (unsigned char)a[i], y = (unsigned char)b[i];
        if (x >= 'A' && x <= 'Z')
            x = (unsigned char)(x + 32);
        if (y >= 'A' && y <= 'Z')
            y = (unsigned char)(y + 32);
        if (x != y)
            return 0;
    }
    return 1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Matches one trimmed name of the list against the type names. */
static int type_bit(const char *s, size_t n, unsigned *bit) {
    if (n == 3 && ascii_ieq(s, "all", 3)) {
        *bit = POLISI_ALL_TYPES;
        return 1;
    }
    for (int t = POLISI_RANK; t <= POLISI_PERSON; t++) {
        if (strlen(type_names[t]) == n && ascii_ieq(s, type_names[t], n)) {
            *bit = POLISI_TYPE_BIT(t);
            return 1;
        }
    }
    return 0;
}

polisi_status polisi_types_parse(const char *list, unsigned *mask) {
    if (!list || !mask)
        return POLISI_ERR_INVALID_ARG;
    unsigned m = 0;
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        const char *end = comma ? comma : p + strlen(p);
        const char *a = p, *b = end;
        while (a < b && is_space(*a))
            a++;
        while (b > a && is_space(b[-1]))
            b--;
        unsigned bit;
        if (a == b || !type_bit(a, (size_t)(b - a), &bit))
            return POLISI_ERR_INVALID_ARG;
        m |= bit;
        if (!comma)
            break;
        p = comma + 1;
    }
    *mask = m;
    return POLISI_OK;
}
