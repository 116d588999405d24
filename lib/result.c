/* result.c: the entities of one call, how they are settled, and the
 * accessors that read them. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__SSE2__) && UINTPTR_MAX == UINT64_MAX
#include <emmintrin.h>
#define RESULT_SSE2 1 /* two pointers a 16-byte store, NULL all zero bits */
#endif

/* A result is one allocation: the struct, room for the entities and the
 * strings of a usual call (sized from the input, bounded), and the copy of
 * the text, last. Only a call with more entities or strings than that
 * allocates again. The bench corpus has about 6 entities per KB of text
 * after resolving (10 in the densest tenth), and strings of a tenth of the
 * text's size on average. The string fields of the inline entities
 * come before the arena. */
#define INLINE_ENTS_MIN 16
#define INLINE_ENTS_MAX 256
#define INLINE_ARENA_MIN 256
#define INLINE_ARENA_MAX 4096
#define FIELDS_BATCH 16
#define ROUND16(n) (((n) + 15) & ~(size_t)15)
#define ENTS_AT ROUND16(sizeof(polisi_result))

static polisi_entity *inline_ents(polisi_result *res) {
    return (polisi_entity *)(void *)((char *)res + ENTS_AT);
}

/* Where a result's parts lie in its block, for a text of len bytes: the
 * inline entities at ENTS_AT, their string fields at fields_at, the arena
 * at arena_at, and the text last. size: the block's, 0 when too large. */
typedef struct result_layout {
    size_t nents, fields_at, arena_at, size;
} result_layout;

static result_layout layout_for(size_t len) {
    result_layout l;
    l.nents = INLINE_ENTS_MIN + len / 128;
    if (l.nents > INLINE_ENTS_MAX)
        l.nents = INLINE_ENTS_MAX;
    size_t arena = INLINE_ARENA_MIN + ROUND16(len / 4);
    if (arena > INLINE_ARENA_MAX)
        arena = INLINE_ARENA_MAX;
    l.fields_at = ENTS_AT + ROUND16(l.nents * sizeof(polisi_entity));
    l.arena_at = l.fields_at + ROUND16(l.nents * POLISI_FIELD_COUNT * sizeof(const char *));
    size_t text_at = l.arena_at + arena;
    l.size = len > SIZE_MAX - text_at - 1 ? 0 : text_at + len + 1;
    return l;
}

/* Lays out an empty result for a text of len bytes in a block of block_size
 * >= l.size bytes: the text at the block's end, the arena given all the room
 * between. The header's other fields are the caller's to zero. */
static void lay_out(polisi_result *r, size_t block_size, const result_layout *l,
                    const polisi_allocator *a, size_t max_entities, size_t len) {
    char *block = (char *)r;
    r->alloc = a;
    r->max_entities = max_entities;
    r->ents = inline_ents(r);
    r->cap = l->nents;
    r->fields_next = (const char **)(void *)(block + l->fields_at);
    r->fields_left = l->nents;
    size_t text_at = block_size - len - 1;
    polisi__arena_init_buffer(&r->arena, a, block + l->arena_at, text_at - l->arena_at);
    r->text = block + text_at;
    r->text[len] = '\0';
    r->len = len;
    r->block_size = block_size;
}

/* A new result for a text of len bytes, with `extra` bytes more for its
 * arena; NULL without memory or when too large. */
static polisi_result *result_alloc(const polisi_allocator *a, size_t max_entities, size_t len,
                                   size_t extra) {
    result_layout l = layout_for(len);
    if (!l.size || extra > SIZE_MAX - l.size)
        return NULL;
    polisi_result *r = polisi__malloc(a, l.size + extra);
    if (!r)
        return NULL;
    memset(r, 0, sizeof *r);
    lay_out(r, l.size + extra, &l, a, max_entities, len);
    return r;
}

polisi_result *polisi__result_new(const polisi_allocator *a, size_t max_entities, size_t len) {
    return result_alloc(a, max_entities, len, 0);
}

polisi_result *polisi__result_renew(polisi_result *res, const polisi_allocator *a,
                                    size_t max_entities, size_t len) {
    if (!res)
        return polisi__result_new(a, max_entities, len);
    /* The strings that spilled out of the block last time get room in it. */
    result_layout l = layout_for(len);
    size_t spilled = res->arena.spilled;
    if (!l.size || spilled > res->block_size || l.size > res->block_size - spilled) {
        /* a new block, where what is kept moves */
        polisi_result *grown = result_alloc(a, max_entities, len, spilled);
        if (grown) {
            grown->kept = res->kept;
            grown->json = res->json;
            grown->json_cap = res->json_cap;
            grown->sort_buf = res->sort_buf;
            grown->sort_cap = res->sort_cap;
            memset(&res->kept, 0, sizeof res->kept);
            res->json = NULL;
            res->sort_buf = NULL;
        }
        polisi_result_free(res);
        return grown;
    }
    /* The same block; the entity array it outgrew and what follows
     * `kept` in the header stay. */
    polisi__arena_free(&res->arena);
    polisi_entity *ents = res->ents;
    size_t cap = res->cap;
    int ents_out = ents != inline_ents(res);
    size_t block_size = res->block_size;
    memset(res, 0, offsetof(polisi_result, kept));
    lay_out(res, block_size, &l, a, max_entities, len);
    if (ents_out && cap > res->cap) {
        res->ents = ents;
        res->cap = cap;
    } else if (ents_out) {
        polisi__free(a, ents);
    }
    return res;
}

/* Doubles the entity array; the first move is out of the result's block. */
static int grow_ents(polisi_result *res) {
    void *ents = res->ents;
    if (polisi__grow_out(res->alloc, &ents, &res->cap, res->count + 1, sizeof *res->ents,
                         res->ents == inline_ents(res)))
        return -1;
    res->ents = ents;
    return 0;
}

/* All absent. GCC turns a memset of 200 bytes, and a loop of 16-byte
 * stores too, into rep stosq: 25 single stores after a slow start. The
 * stores written out one by one stay 12 16-byte stores and one more. */
static inline void clear_fields(const char **f) {
#ifdef RESULT_SSE2
    const __m128i z = _mm_setzero_si128();
#define CLEAR2(i) _mm_storeu_si128((__m128i *)(void *)(f + (i)), z)
    CLEAR2(0); CLEAR2(2); CLEAR2(4); CLEAR2(6); CLEAR2(8); CLEAR2(10); CLEAR2(12);
    CLEAR2(14); CLEAR2(16); CLEAR2(18); CLEAR2(20); CLEAR2(22);
#undef CLEAR2
    f[24] = NULL;
    _Static_assert(POLISI_FIELD_COUNT == 25, "clear_fields clears 25 fields");
#else
    memset(f, 0, POLISI_FIELD_COUNT * sizeof *f);
#endif
}

/* The string fields of FIELDS_BATCH entities more, from the arena. */
static int new_fields(polisi_result *res) {
    const size_t n = FIELDS_BATCH * POLISI_FIELD_COUNT;
    const char **f = polisi__arena_alloc(&res->arena, n * sizeof *f);
    if (!f)
        return -1;
    res->fields_next = f;
    res->fields_left = FIELDS_BATCH;
    return 0;
}

/* Room for one entity more; -1 without memory. Out of line: the calls it
 * makes would otherwise cost every result_add the saving of registers. */
#if defined(__GNUC__)
__attribute__((noinline, cold))
#endif
static int make_room(polisi_result *res) {
    if (res->count == res->cap && grow_ents(res))
        return -1;
    if (res->fields_left == 0 && new_fields(res))
        return -1;
    return 0;
}

polisi_entity *polisi__result_add(polisi_result *res, const polisi__doc *doc, polisi_type type,
                                  size_t tb, size_t te, polisi_status *status) {
    if ((res->count == res->cap || res->fields_left == 0) && make_room(res)) {
        *status = POLISI_ERR_NOMEM;
        return NULL;
    }
    const char **str = res->fields_next;
    res->fields_next += POLISI_FIELD_COUNT;
    res->fields_left--;
    clear_fields(str);
    polisi_entity *e = &res->ents[res->count++];
    memset(e, 0, sizeof *e);
    e->str = str;
    e->owner = res;
    e->type = (uint8_t)type;
    e->tok_begin = (uint32_t)tb;
    e->tok_end = (uint32_t)te;
    e->start = doc->toks[tb].start;
    e->end = doc->toks[te - 1].end;
    e->grade = POLISI__NO_INT;
    e->retired = -1;
    e->weekday_ok = -1;
    return e;
}

/* Output order (SPEC.md): by start, longer span first; at the same span
 * the container (person) first, then by type; entities equal in all three
 * keep the order they were added in. The order is a pair of 64-bit keys,
 * so sorting compares integers and moves 16 bytes, not whole entities.
 * The keys hold all that settling needs (start, end, type), so the
 * entities that stay are known before any is moved, and each of them is
 * then moved once at most. */
typedef struct sort_key {
    uint64_t span;  /* start, then the end inverted: longer first */
    uint64_t rest;  /* the type inverted, then the index before sorting */
} sort_key;

static inline int key_less(const sort_key *a, const sort_key *b) {
#ifdef __SIZEOF_INT128__
    /* One 128-bit comparison: a compare and a subtract with borrow. */
    __extension__ typedef unsigned __int128 u128;
    u128 x = (u128)a->span << 64 | a->rest;
    u128 y = (u128)b->span << 64 | b->rest;
    return x < y;
#else
    return a->span != b->span ? a->span < b->span : a->rest < b->rest;
#endif
}

static int key_cmp(const void *pa, const void *pb) {
    const sort_key *a = pa, *b = pb;
    return key_less(a, b) ? -1 : key_less(b, a);
}

/* The usual result holds a few dozen entities, added by one recognizer
 * after another, each in order: insertion sort is quickest there
 * (resolve_small sorts the entities themselves up to this many). */
#define INSERTION_MAX 48

/* The order of an entity among others, the index aside: equal ones keep
 * the order they are in. */
static inline sort_key order_of(const polisi_entity *e) {
    sort_key k = {(uint64_t)e->start << 32 | (uint32_t)~e->end, (uint64_t)(uint8_t)~e->type};
    return k;
}

/* The same with the entity's index i below the type: a total order, so
 * that qsort, which is not stable, keeps equal entities in the order they
 * were added. */
static inline sort_key key_of(const polisi_entity *e, size_t i) {
    sort_key k = order_of(e);
    k.rest = k.rest << 32 | (uint32_t)i;
    return k;
}

/* The keys of ents[0, n) (index base + i), sorted into keys. Each key is
 * inserted as it is made, from registers: built into memory first with
 * two 8-byte stores and then loaded as one 16-byte value, it would wait
 * for the stores to retire (no store-to-load forwarding across two
 * stores), about once a key. */
static void sort_keys(sort_key *keys, const polisi_entity *ents, size_t n, size_t base) {
    if (n > INSERTION_MAX) {
        for (size_t i = 0; i < n; i++)
            keys[i] = key_of(&ents[i], base + i);
        qsort(keys, n, sizeof *keys, key_cmp);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        sort_key k = key_of(&ents[i], base + i);
        size_t j = i;
        for (; j > 0 && key_less(&k, &keys[j - 1]); j--)
            keys[j] = keys[j - 1];
        keys[j] = k;
    }
}

/* Sorted by start, an earlier kept entity of the same type overlaps one
 * exactly when its end lies past that one's start. */
typedef struct settler {
    uint32_t reach[POLISI_PERSON + 1];
    unsigned mask;
} settler;

static inline int settle(settler *s, unsigned type, uint32_t start, uint32_t end) {
    if (start < s->reach[type] || !(s->mask & POLISI_TYPE_BIT(type)))
        return 0;
    s->reach[type] = end;
    return 1;
}

/* Settles the entity of key k: when it stays, its index goes to src[*m]. */
static inline void settle_key(settler *s, sort_key k, uint32_t *src, size_t *m) {
    if (settle(s, (uint8_t)~(k.rest >> 32), (uint32_t)(k.span >> 32), ~(uint32_t)k.span))
        src[(*m)++] = (uint32_t)k.rest;
}

/* Puts entity src[k] at k, for every k < m; the entities of no src[k] are
 * dropped. src (injective) is spent. Every entity that changes place is
 * moved once, plus one move for each cycle, by following the chains of
 * "slot k takes the entity of slot src[k]": first those that start at a
 * slot whose entity is dropped (it may be overwritten at once) and end at
 * a slot past m, then the cycles that are left. A filled slot k gets
 * src[k] = k. `stays` has room for m flags; n is the number of entities. */
static void gather(polisi_entity *ents, uint32_t *src, size_t m, size_t n, unsigned char *stays) {
    if (m < n) { /* drops are rare: without them there are only cycles */
        memset(stays, 0, m);
        for (size_t k = 0; k < m; k++)
            if (src[k] < m)
                stays[src[k]] = 1;
    }
    for (size_t k = 0; k < m && m < n; k++) {
        if (stays[k] || src[k] == k)
            continue;
        for (size_t j = k;;) { /* a chain: ends past m */
            size_t from = src[j];
            ents[j] = ents[from];
            src[j] = (uint32_t)j;
            if (from >= m)
                break;
            j = from;
        }
    }
    for (size_t k = 0; k < m; k++) {
        if (src[k] == k)
            continue;
        polisi_entity held = ents[k]; /* a cycle: ends back at k */
        for (size_t j = k;;) {
            size_t from = src[j];
            src[j] = (uint32_t)j;
            if (from == k) {
                ents[j] = held;
                break;
            }
            ents[j] = ents[from];
            j = from;
        }
    }
}

/* Keeps the entities of ents[0, n) that settle, in order: the usual
 * call drops none, so that the tests below are predicted right. */
static size_t settle_all(polisi_entity *ents, size_t n, unsigned mask) {
    settler st = {{0}, mask};
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        polisi_entity *e = &ents[i];
        if (!settle(&st, e->type, e->start, e->end))
            continue;
        if (kept != i)
            ents[kept] = *e;
        kept++;
    }
    return kept;
}

/* A usual result (n <= INSERTION_MAX) is sorted in place by insertion,
 * the entities themselves moved: they come in a few runs in order (one a
 * recognizer, or phase 2's persons after the settled entities of phase 1),
 * so that most are in place at the first test and the others move a few
 * places. Sorting keys instead and then moving every entity to its place
 * cost more: the moves along the permutation's cycles mispredicted about
 * eight times a call, merging the prefix (below) six more. Insertion is
 * stable: entities equal in order keep the order they were added in. */
static void resolve_small(polisi_result *res, unsigned mask) {
    polisi_entity *ents = res->ents;
    size_t n = res->count;
    for (size_t i = res->sorted ? res->sorted : 1; i < n; i++) {
        sort_key k = order_of(&ents[i]), prev = order_of(&ents[i - 1]);
        if (!key_less(&k, &prev))
            continue;
        /* bytes, not an entity: copied whole (in four 16-byte moves), not
         * field by field */
        unsigned char held[sizeof *ents];
        memcpy(held, &ents[i], sizeof held);
        size_t j = i;
        for (;;) {
            ents[j] = ents[j - 1];
            if (--j == 0)
                break;
            prev = order_of(&ents[j - 1]);
            if (!key_less(&k, &prev))
                break;
        }
        memcpy(&ents[j], held, sizeof held);
    }
    res->count = res->sorted = settle_all(ents, n, mask);
}

/* Sorts and settles a larger result through keys (insertion would move
 * entities quadratically often); -1 when there is no memory for them.
 * Beyond INSERTION_MAX entities the keys are in res->sort_buf, kept for
 * the next resolve (there are two a call) and the next call of a reused
 * result.
 * The first res->sorted entities are in order already (an earlier
 * resolve's, with the persons of phase 2 appended after them): only the
 * entities after them get keys and are sorted, and the two runs are then
 * merged as they are settled. The prefix's keys are in order with their
 * indices too, so the merged order is the order of sorting all. */
static int resolve_by_keys(polisi_result *res, unsigned mask) {
    size_t n = res->count, p = res->sorted, t = n - p;
    polisi_entity *ents = res->ents;
    sort_key local[INSERTION_MAX], *keys = local;
    uint32_t local_src[INSERTION_MAX], *src = local_src;
    unsigned char local_stays[INSERTION_MAX], *stays = local_stays;
    if (n > INSERTION_MAX) { /* n <= UINT32_MAX: the size cannot wrap */
        if (polisi__grow(res->alloc, &res->sort_buf, &res->sort_cap, n,
                         sizeof *keys + sizeof *src + 1))
            return -1;
        keys = res->sort_buf;
        src = (uint32_t *)(void *)(keys + n);
        stays = (unsigned char *)(src + n);
    }
    sort_keys(keys, ents + p, t, p);
    /* src[k] is where the k-th entity that stays is now. */
    settler st = {{0}, mask};
    size_t m = 0, i = 0;
    for (size_t j = 0; j < t; j++) {
        for (; i < p; i++) { /* the prefix's entities before keys[j] */
            sort_key k = key_of(&ents[i], i);
            if (!key_less(&k, &keys[j]))
                break;
            settle_key(&st, k, src, &m);
        }
        settle_key(&st, keys[j], src, &m);
    }
    for (; i < p; i++)
        settle_key(&st, key_of(&ents[i], i), src, &m);
    gather(ents, src, m, n, stays);
    res->count = res->sorted = m;
    return 0;
}

/* Without memory for the keys: the same order, slower. */
static int entity_cmp(const void *pa, const void *pb) {
    const polisi_entity *a = pa, *b = pb;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    if (a->type != b->type)
        return a->type > b->type ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

static void resolve_in_place(polisi_result *res, unsigned mask) {
    for (size_t i = 0; i < res->count; i++)
        res->ents[i].seq = (uint32_t)i;
    qsort(res->ents, res->count, sizeof *res->ents, entity_cmp);
    res->count = res->sorted = settle_all(res->ents, res->count, mask);
}

polisi_status polisi__result_resolve(polisi_result *res, unsigned mask) {
    if (res->count > UINT32_MAX)
        return POLISI_ERR_LIMIT;
    if (res->count <= INSERTION_MAX)
        resolve_small(res, mask);
    else if (resolve_by_keys(res, mask) != 0)
        resolve_in_place(res, mask);
    return POLISI_OK;
}

void polisi_result_free(polisi_result *res) {
    if (!res)
        return;
    const polisi_allocator *a = res->alloc;
    polisi__arena_free(&res->arena);
    if (res->ents != inline_ents(res))
        polisi__free(a, res->ents);
    polisi__free(a, res->json);
    polisi__free(a, res->sort_buf);
    if (res->kept.alloc) /* scanned into: a result of polisi_extract_into */
        polisi__doc_free(&res->kept);
    polisi__free(a, res); /* and the text, the first entities and strings */
}

size_t polisi_result_count(const polisi_result *res) { return res ? res->count : 0; }

const polisi_entity *polisi_result_entity(const polisi_result *res, size_t i) {
    return res && i < res->count ? &res->ents[i] : NULL;
}

polisi_type polisi_entity_type(const polisi_entity *e) { return (polisi_type)(e ? e->type : 0); }

size_t polisi_entity_start(const polisi_entity *e) { return e ? e->start : 0; }

size_t polisi_entity_end(const polisi_entity *e) { return e ? e->end : 0; }

const char *polisi_entity_text(const polisi_entity *e, size_t *len) {
    if (!e) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = e->end - e->start;
    return e->owner->text + e->start;
}

static int is_string_field(polisi_field f) {
    return f >= 0 && f < POLISI_FIELD_COUNT && f != POLISI_FIELD_GRADE &&
           f != POLISI_FIELD_RETIRED && f != POLISI_FIELD_WEEKDAY_OK && f != POLISI_FIELD_TITLES;
}

const char *polisi_entity_string(const polisi_entity *e, polisi_field f) {
    return e && is_string_field(f) ? e->str[f] : NULL;
}

polisi_status polisi_entity_int(const polisi_entity *e, polisi_field f, int *out) {
    if (!e || !out)
        return POLISI_ERR_INVALID_ARG;
    int v;
    switch (f) {
    case POLISI_FIELD_GRADE: v = e->grade; break;
    case POLISI_FIELD_RETIRED: v = e->retired < 0 ? POLISI__NO_INT : e->retired; break;
    case POLISI_FIELD_WEEKDAY_OK: v = e->weekday_ok < 0 ? POLISI__NO_INT : e->weekday_ok; break;
    default: return POLISI_ERR_NO_FIELD;
    }
    if (v == POLISI__NO_INT)
        return POLISI_ERR_NO_FIELD;
    *out = v;
    return POLISI_OK;
}

size_t polisi_entity_list_count(const polisi_entity *e, polisi_field f) {
    return e && f == POLISI_FIELD_TITLES ? e->ntitles : 0;
}

const char *polisi_entity_list_item(const polisi_entity *e, polisi_field f, size_t i) {
    return e && f == POLISI_FIELD_TITLES && i < e->ntitles ? e->titles[i] : NULL;
}
