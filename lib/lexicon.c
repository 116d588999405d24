/*
 * lexicon.c: the one hashed table of phrases that every recognizer reads.
 *
 * A phrase is a sequence of token keys. Entries are grouped by their first
 * key; a group is found in one bucket of a hash table on the token's hash
 * (nearly always: find_group), and holds its entries by class, each class's
 * run longest first, so the first entry of the run whose remaining keys
 * match is the longest match.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct lex_word {
    uint32_t off, len, hash; /* key bytes in lex->keys */
} lex_word;

/* 32 bytes, with the first word's key in it: a lookup reads the table
 * bucket and the group, not also the key. Its block (what a match reads)
 * follows it in lex->groups, in the same cache line (GROUP_ALIGN). */
typedef struct lex_group {
    uint32_t classes; /* bit c: an entry of class c is in the group */
    uint32_t word;    /* the first word (index into words) */
    uint8_t key_len;  /* the first word's length, when it is at most 16 */
    uint8_t wake;     /* POLISI__WAKE_* bits of the group's classes */
    uint8_t ncls;     /* bits in classes */
    char key[16];     /* its first 16 bytes, zero-padded */
    uint8_t pad[5];
} lex_group;
_Static_assert(sizeof(lex_group) == 32, "a group is half a cache line");
#define GROUP_ALIGN 64
#define KEY_INLINE 16

/* A bucket of the hash table: 8 groups' tags (16 bits of their first
 * word's hash) and numbers, 32 bytes. A lookup compares the token's tag
 * with all 8 at once and reads the group of the match to verify the key:
 * one table line, one group line and no branch that depends on the token
 * (tokens that start something and those that do not come mixed, so such a
 * branch would be mispredicted often). 2,048 buckets for about 3,500 first
 * words (64 KiB): make_table. The last slot stays empty (group 0, the
 * dummy): a lookup whose tag matches none of the others takes it, with no
 * test of its own (candidate_group). */
#define BUCKET_SLOTS 8
#define BUCKET_FULL (BUCKET_SLOTS - 1) /* slots that hold groups */
typedef struct lex_bucket {
    uint16_t tag[BUCKET_SLOTS];
    uint16_t group[BUCKET_SLOTS]; /* index in groups; 0 = empty (the dummy) */
} lex_bucket;

struct polisi__lexicon {
    const polisi_allocator *alloc;
    char *keys;
    size_t keys_len, keys_cap;
    lex_word *words;
    size_t nwords, words_cap;
    polisi__lex_entry *entries; /* until freezing */
    size_t nentries, entries_cap;
    /* After freezing, each group followed by its entries and what
     * polisi__lexicon_match_slow reads of them (a cache line or two for
     * most groups: classify has just read the first), in groups_block
     * aligned to GROUP_ALIGN. A group's number is its index in groups,
     * counted in 32-byte groups' room, and it begins a cache line; its
     * block of words begins right after it (group_block),
     *   [0, ncls + 1)          where the run of entries of its r-th class
     *                          (from the lowest) begins ([0] = 0), and
     *                          where the last ends (count),
     *   [ncls + 1, + count)    the hash of each entry's second word (0 for
     *                          a phrase of one word),
     *   then its count entries (ENTRY_WORDS each),
     * where ncls is the number of classes in the group. A lookup tests only
     * the run of its class, 4 entries' seconds at a time (maybe4).
     * groups[0] is a dummy that matches no key and has no class: a lookup
     * that finds nothing reads it like a group, without a branch. */
    lex_group *groups;
    void *groups_block;
    uint16_t *numbers; /* the groups' numbers, the dummy's first */
    size_t ngroups;    /* with the dummy */
    lex_bucket *table; /* in table_block, aligned to a bucket's size */
    void *table_block;
    size_t table_mask; /* buckets - 1 */
    unsigned table_shift; /* a hash's home bucket is hash >> table_shift */
    /* Keys up to this long are looked up the fast way (find_group):
     * KEY_INLINE when the table is exact (fill_table), else 0. */
    uint32_t fast_len;
    /* One bit per (hash >> POLISI__FILTER_SHIFT): set for the first word
     * of every group. 8 KiB, so it stays in the L1 cache while the table
     * (64 KiB) does not: most tokens are turned away here, by the scanner
     * (polisi__prefilter). */
    uint64_t *filter;
    /* Wake bits by token kind and flags, [kind << 6 | flags]
     * (polisi__lexicon_set_wake), and the scanner's view of the lexicon. */
    uint8_t kind_flag_wake[8 << 6];
    uint16_t longest[POLISI__LEX_CLASS_MAX + 1]; /* tokens of the longest phrase, by class */
    uint32_t marks[POLISI__MARKS];
    polisi__prefilter prefilter;
    /* Tokens of the phrase being added. Reused from phrase to phrase, so that
     * adding thousands of phrases costs a handful of allocations (which also
     * keeps the allocation-failure tests of extractor creation short). */
    polisi__doc scratch;
};

#define FILTER_SHIFT POLISI__FILTER_SHIFT
#define FILTER_WORDS POLISI__FILTER_WORDS

polisi_status polisi__lexicon_new(const polisi_allocator *alloc, polisi__lexicon **out) {
    polisi__lexicon *lex = polisi__malloc(alloc, sizeof *lex);
    if (!lex)
        return POLISI_ERR_NOMEM;
    memset(lex, 0, sizeof *lex);
    lex->alloc = alloc;
    *out = lex;
    return POLISI_OK;
}

void polisi__lexicon_free(polisi__lexicon *lex) {
    if (!lex)
        return;
    const polisi_allocator *a = lex->alloc;
    polisi__doc_free(&lex->scratch);
    polisi__free(a, lex->keys);
    polisi__free(a, lex->words);
    polisi__free(a, lex->entries);
    polisi__free(a, lex->numbers);
    polisi__free(a, lex->groups_block);
    polisi__free(a, lex->table_block);
    polisi__free(a, lex->filter);
    polisi__free(a, lex);
}

/* Copies the keys of the phrase's tokens into the lexicon's word table. */
static polisi_status add_words(polisi__lexicon *lex, const polisi__doc *doc) {
    if (polisi__grow(lex->alloc, (void **)&lex->words, &lex->words_cap, lex->nwords + doc->ntoks,
                     sizeof *lex->words) ||
        polisi__grow(lex->alloc, (void **)&lex->keys, &lex->keys_cap,
                     lex->keys_len + doc->keys_len + KEY_SLACK, 1))
        return POLISI_ERR_NOMEM;
    for (size_t i = 0; i < doc->ntoks; i++) {
        const polisi__token *t = &doc->toks[i];
        lex_word *w = &lex->words[lex->nwords++];
        w->off = (uint32_t)lex->keys_len;
        w->len = t->key_len;
        w->hash = t->hash;
        memcpy(lex->keys + lex->keys_len, doc->keys + t->key, t->key_len);
        lex->keys_len += t->key_len;
    }
    memset(lex->keys + lex->keys_len, 0, KEY_SLACK);
    return POLISI_OK;
}

polisi_status polisi__lexicon_add(polisi__lexicon *lex, const char *phrase, polisi__lex_class cls,
                                  uint32_t value, uint8_t flags) {
    polisi__doc *doc = &lex->scratch;
    doc->ntoks = 0;
    doc->keys_len = 0;
    polisi_status st = polisi__scan(doc, phrase, strlen(phrase), lex->alloc);
    if (st != POLISI_OK)
        return st;
    if (doc->ntoks == 0 || doc->ntoks > UINT16_MAX)
        return POLISI_ERR_INTERNAL; /* an empty phrase is a bug in a table */
    if (polisi__grow(lex->alloc, (void **)&lex->entries, &lex->entries_cap, lex->nentries + 1,
                     sizeof *lex->entries))
        return POLISI_ERR_NOMEM;
    polisi__lex_entry *e = &lex->entries[lex->nentries];
    e->first = (uint32_t)lex->nwords;
    e->ntoks = (uint16_t)doc->ntoks;
    e->cls = (uint8_t)cls;
    e->flags = flags;
    e->value = value;
    e->second = doc->ntoks > 1 ? doc->toks[1].hash : 0;
    st = add_words(lex, doc);
    if (st == POLISI_OK) {
        lex->nentries++;
        if (e->ntoks > lex->longest[cls])
            lex->longest[cls] = e->ntoks;
    }
    return st;
}

size_t polisi__lexicon_longest(const polisi__lexicon *lex, polisi__lex_class cls) {
    return lex->longest[cls];
}

polisi_status polisi__lexicon_add_words(polisi__lexicon *lex, const polisi__word_list *lists,
                                        size_t n, polisi__lex_class cls) {
    polisi_status st = POLISI_OK;
    for (size_t l = 0; l < n; l++)
        for (size_t w = 0; w < lists[l].n && st == POLISI_OK; w++)
            st = polisi__lexicon_add(lex, lists[l].words[w], cls, 0, 0);
    return st;
}

/* Sorting needs the lexicon; qsort has no context argument, so entries are
 * sorted through small items that point to it (16 bytes, which glibc's
 * qsort moves directly rather than through pointers). */
typedef struct sort_item {
    const polisi__lexicon *lex;
    uint32_t hash;  /* of the first word: nearly every comparison ends here */
    uint32_t entry; /* index in entries: also the order of addition */
} sort_item;

static int word_cmp(const polisi__lexicon *lex, uint32_t a, uint32_t b) {
    const lex_word *x = &lex->words[a], *y = &lex->words[b];
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(lex->keys + x->off, lex->keys + y->off, n);
    if (c)
        return c;
    return (x->len > y->len) - (x->len < y->len);
}

/* Groups need their entries side by side, by class, then longest first,
 * then in the order of addition; the order of the groups themselves does
 * not matter (they are found by hash), so entries are sorted by the first
 * word's hash before its bytes. Neither does the order of the classes. */
static int entry_cmp(const void *pa, const void *pb) {
    const sort_item *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    const polisi__lex_entry *x = &a->lex->entries[a->entry], *y = &a->lex->entries[b->entry];
    int c = word_cmp(a->lex, x->first, y->first);
    if (c)
        return c;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    if (x->ntoks != y->ntoks)
        return x->ntoks > y->ntoks ? -1 : 1;
    /* keep the order of addition among equals: earlier entries win */
    return (a->entry > b->entry) - (a->entry < b->entry);
}

static polisi_status sort_entries(polisi__lexicon *lex) {
    if (lex->nentries > UINT32_MAX)
        return POLISI_ERR_INTERNAL;
    sort_item *items = polisi__malloc(lex->alloc, lex->nentries * sizeof *items);
    polisi__lex_entry *sorted = polisi__malloc(lex->alloc, lex->nentries * sizeof *sorted);
    if (!items || !sorted) {
        polisi__free(lex->alloc, items);
        polisi__free(lex->alloc, sorted);
        return POLISI_ERR_NOMEM;
    }
    for (size_t i = 0; i < lex->nentries; i++) {
        items[i].lex = lex;
        items[i].hash = lex->words[lex->entries[i].first].hash;
        items[i].entry = (uint32_t)i;
    }
    qsort(items, lex->nentries, sizeof *items, entry_cmp);
    for (size_t i = 0; i < lex->nentries; i++)
        sorted[i] = lex->entries[items[i].entry];
    polisi__free(lex->alloc, items);
    polisi__free(lex->alloc, lex->entries);
    lex->entries = sorted;
    lex->entries_cap = lex->nentries;
    return POLISI_OK;
}

/* The set bits of x. Without -mpopcnt, __builtin_popcount is a call. */
static inline unsigned bit_count(uint32_t x) {
#if defined(__POPCNT__)
    return (unsigned)__builtin_popcount(x);
#else
    x = x - ((x >> 1) & 0x55555555u);
    x = (x & 0x33333333u) + ((x >> 2) & 0x33333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0Fu;
    return (x * 0x01010101u) >> 24;
#endif
}

/* An entry in a group's block, in words */
#define ENTRY_WORDS (sizeof(polisi__lex_entry) / sizeof(uint32_t))
_Static_assert(sizeof(polisi__lex_entry) % sizeof(uint32_t) == 0,
               "entries lie in blocks, arrays of words");

/* The block of words that follows group g. */
static inline uint32_t *group_block(lex_group *g) {
    return (uint32_t *)(void *)(g + 1);
}
static inline const uint32_t *group_block_c(const lex_group *g) {
    return (const uint32_t *)(const void *)(g + 1);
}

/* The end of the group of entries that begins at entry i (sorted). */
static size_t group_end(const polisi__lexicon *lex, size_t i) {
    size_t j = i + 1;
    while (j < lex->nentries && word_cmp(lex, lex->entries[i].first, lex->entries[j].first) == 0)
        j++;
    return j;
}

/* The room of the group of entries [i, j) with its block, in groups:
 * rounded up to GROUP_ALIGN, so that the next begins a cache line. */
static size_t group_size(const polisi__lexicon *lex, size_t i, size_t j) {
    size_t words = 1; /* a bound per class and one more */
    for (size_t k = i; k < j; k++)
        words += (k + 1 == j || lex->entries[k + 1].cls != lex->entries[k].cls) +
                 1 + ENTRY_WORDS; /* its second and itself */
    size_t per = GROUP_ALIGN / sizeof(lex_group);
    size_t units = 1 + (words * sizeof(uint32_t) + sizeof(lex_group) - 1) / sizeof(lex_group);
    return (units + per - 1) / per * per;
}

static polisi_status make_groups(polisi__lexicon *lex) {
    size_t n = lex->nentries, size = GROUP_ALIGN / sizeof(lex_group), count = 1;
    for (size_t i = 0, j; i < n; i = j, count++) {
        j = group_end(lex, i);
        size += group_size(lex, i, j);
    }
    if (size > (size_t)UINT16_MAX + 1)
        return POLISI_ERR_INTERNAL; /* lex_bucket's numbers are 16 bits */
    lex->groups_block = polisi__malloc(lex->alloc, size * sizeof *lex->groups + GROUP_ALIGN);
    lex->numbers = polisi__malloc(lex->alloc, count * sizeof *lex->numbers);
    if (!lex->groups_block || !lex->numbers)
        return POLISI_ERR_NOMEM;
    uintptr_t at = ((uintptr_t)lex->groups_block + GROUP_ALIGN - 1) & ~(uintptr_t)(GROUP_ALIGN - 1);
    lex->groups = (lex_group *)(void *)at;
    memset(lex->groups, 0, size * sizeof *lex->groups);
    lex_group *dummy = &lex->groups[0]; /* no class: its block is never read */
    dummy->key_len = 0xFF; /* no token's: KEY_INLINE + 1 at most */
    lex->numbers[0] = 0;
    lex->ngroups = 1;
    size_t number = GROUP_ALIGN / sizeof(lex_group);
    for (size_t i = 0, j; i < n; i = j) { /* entries[i, j): one group */
        const polisi__lex_entry *e = lex->entries;
        j = group_end(lex, i);
        lex_group *g = &lex->groups[number];
        lex->numbers[lex->ngroups++] = (uint16_t)number;
        number += group_size(lex, i, j);
        g->word = e[i].first;
        const lex_word *w = &lex->words[e[i].first];
        g->key_len = (uint8_t)(w->len <= KEY_INLINE ? w->len : KEY_INLINE + 1);
        memcpy(g->key, lex->keys + w->off, w->len < KEY_INLINE ? w->len : KEY_INLINE);
        uint32_t *blk = group_block(g);
        *blk++ = 0;
        for (size_t k = i; k < j; k++) {
            g->classes |= 1u << e[k].cls;
            if (k + 1 == j || e[k + 1].cls != e[k].cls)
                *blk++ = (uint32_t)(k + 1 - i); /* the end of a class's run */
        }
        g->ncls = (uint8_t)bit_count(g->classes);
        for (size_t k = i; k < j; k++)
            *blk++ = e[k].ntoks > 1 ? e[k].second : 0;
        memcpy(blk, &e[i], (j - i) * sizeof *e);
    }
    /* the entries are in the blocks now */
    polisi__free(lex->alloc, lex->entries);
    lex->entries = NULL;
    lex->entries_cap = 0;
    return POLISI_OK;
}

/* A hash's tag: bits 8..23, most of them below those that pick its bucket
 * (the top 11 of 2,048 buckets), so that they differ between the keys of
 * one bucket. A fixed shift: one instruction fewer per lookup than the
 * bits right below the bucket's. */
static inline uint16_t hash_tag(uint32_t hash) {
    return (uint16_t)(hash >> 8);
}

/* Puts every group in the table of `buckets` buckets (zeroed), in its home
 * bucket or, when that is full, the next with room. Returns 1 when the
 * table is exact: every group in its home bucket and no two tags of a
 * bucket the same, so that a key's group is the slot of the first tag
 * that matches, if any. */
static int fill_table(polisi__lexicon *lex) {
    int exact = 1;
    for (size_t r = 1; r < lex->ngroups; r++) {
        uint16_t g = lex->numbers[r];
        uint32_t hash = lex->words[lex->groups[g].word].hash;
        uint16_t tag = hash_tag(hash);
        size_t b = hash >> lex->table_shift;
        size_t k;
        for (;; b = (b + 1) & lex->table_mask) { /* the first bucket with room */
            for (k = 0; k < BUCKET_FULL && lex->table[b].group[k]; k++)
                if (lex->table[b].tag[k] == tag)
                    exact = 0;
            if (k < BUCKET_FULL)
                break;
            exact = 0;
        }
        lex->table[b].tag[k] = tag;
        lex->table[b].group[k] = g;
    }
    return exact;
}

static polisi_status make_table(polisi__lexicon *lex) {
    size_t buckets = 2; /* at most half full; 2 so that table_shift < 32 */
    while (buckets * BUCKET_SLOTS < lex->ngroups * 2)
        buckets *= 2;
    /* Up to 4 times that to make the table exact (2 times today: 1,024
     * buckets leave a few full); past that (keys of the same hash), every
     * lookup takes the careful path (find_group_slow). */
    for (size_t most = buckets * 4;; buckets *= 2) {
        size_t bytes = buckets * sizeof *lex->table;
        polisi__free(lex->alloc, lex->table_block);
        lex->table_block = polisi__malloc(lex->alloc, bytes + sizeof *lex->table);
        if (!lex->table_block)
            return POLISI_ERR_NOMEM;
        /* a bucket within one cache line */
        uintptr_t at = ((uintptr_t)lex->table_block + sizeof *lex->table - 1) &
                       ~(uintptr_t)(sizeof *lex->table - 1);
        lex->table = (lex_bucket *)(void *)at;
        memset(lex->table, 0, bytes);
        lex->table_mask = buckets - 1;
        lex->table_shift = 32;
        for (size_t n = buckets; n > 1; n /= 2)
            lex->table_shift--;
        int exact = fill_table(lex);
        lex->fast_len = exact ? KEY_INLINE : 0;
        if (exact || buckets >= most)
            break;
    }
    lex->filter = polisi__malloc(lex->alloc, FILTER_WORDS * sizeof *lex->filter);
    if (!lex->filter)
        return POLISI_ERR_NOMEM;
    memset(lex->filter, 0, FILTER_WORDS * sizeof *lex->filter);
    for (size_t r = 1; r < lex->ngroups; r++) {
        uint32_t hash = lex->words[lex->groups[lex->numbers[r]].word].hash;
        lex->filter[(hash >> FILTER_SHIFT) / 64] |= (uint64_t)1 << ((hash >> FILTER_SHIFT) % 64);
    }
    lex->prefilter.filter = lex->filter;
    lex->prefilter.marks = lex->marks;
    lex->prefilter.kind_flag_wake = lex->kind_flag_wake;
    polisi__prefilter_marks(lex->kind_flag_wake, lex->marks);
    return POLISI_OK;
}

polisi_status polisi__lexicon_freeze(polisi__lexicon *lex) {
    polisi__doc_free(&lex->scratch); /* no add after this */
    polisi_status st = sort_entries(lex);
    if (st == POLISI_OK)
        st = make_groups(lex);
    if (st == POLISI_OK)
        st = make_table(lex);
    return st;
}

/* Keys are a few bytes long: a loop beats a call to memcmp. */
static inline int same_bytes(const char *a, const char *b, size_t n) {
    for (size_t k = 0; k < n; k++)
        if (a[k] != b[k])
            return 0;
    return 1;
}

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/* The n bytes at a are those at b, for n <= 16, in one step without a
 * branch per byte (SSE2): the keys of the lexicon and of a scanned document
 * are both followed by KEY_SLACK readable bytes. Any result for a longer n
 * (its callers check the length apart). */
static inline int short_key_is(const char *a, const char *b, uint32_t n) {
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y));
    /* The first n bytes are the same. Masked, not "the first that differs
     * is at n or later" (a ctz of ~eq): the bytes after a document's key
     * may never have been written, and with the mask the answer does not
     * depend on them even in valgrind's eyes (a ctz result is undefined to
     * it when any bit of its operand is). */
    unsigned want = (1u << (n & 31)) - 1;
    return (eq & want) == want;
#else
    return same_bytes(a, b, n < KEY_INLINE ? n : KEY_INLINE);
#endif
}

/* The n bytes at a are those at b, any n. */
static inline int same_key(const char *a, const char *b, size_t n) {
    return n > KEY_INLINE ? same_bytes(a, b, n) : short_key_is(a, b, (uint32_t)n);
}

/* Lexicon word w is token t's key. */
static inline int word_is_key(const polisi__lexicon *lex, uint32_t w, const polisi__doc *doc,
                              const polisi__token *t) {
    const lex_word *lw = &lex->words[w];
    return lw->len == t->key_len && same_key(lex->keys + lw->off, doc->keys + t->key, t->key_len);
}

/* The same for token i, turned away by the hash first. */
static inline int word_is_token(const polisi__lexicon *lex, uint32_t w, const polisi__doc *doc,
                                size_t i) {
    const polisi__token *t = &doc->toks[i];
    return lex->words[w].hash == t->hash && word_is_key(lex, w, doc, t);
}

/* The rest of entry e matches the tokens after i, on the same line. */
static int rest_matches(const polisi__lexicon *lex, const polisi__lex_entry *e,
                        const polisi__doc *doc, size_t i) {
    if (i + e->ntoks > doc->ntoks)
        return 0;
    for (size_t k = 1; k < e->ntoks; k++) {
        if (doc->toks[i + k].flags & POLISI__TF_LINE_BEFORE)
            return 0;
        if (!word_is_token(lex, e->first + (uint32_t)k, doc, i + k))
            return 0;
    }
    return 1;
}

/* The slots of bucket b whose tag is `tag`: bit k for slot k, and bits
 * 8..15 again (the caller masks them when it needs to). */
static inline unsigned tag_matches(const lex_bucket *b, uint16_t tag) {
#if defined(__SSE2__)
    __m128i x = _mm_cmpeq_epi16(_mm_load_si128((const __m128i *)(const void *)b->tag),
                                _mm_set1_epi16((short)tag));
    return (unsigned)_mm_movemask_epi8(_mm_packs_epi16(x, x));
#else
    unsigned m = 0;
    for (unsigned k = 0; k < BUCKET_SLOTS; k++)
        m |= (unsigned)(b->tag[k] == tag) << k;
    return m;
#endif
}

/* Group g's first word is token t's key. */
static inline int group_is_key(const polisi__lexicon *lex, const lex_group *g,
                               const polisi__doc *doc, const polisi__token *t) {
    if (t->key_len <= KEY_INLINE) /* the dummy's key_len matches none */
        return g->key_len == t->key_len && same_key(g->key, doc->keys + t->key, t->key_len);
    return g != lex->groups && word_is_key(lex, g->word, doc, t);
}

/* The group of token t's key the long way: every slot of the bucket whose
 * tag matches, and the next bucket while this one is full. */
static uint32_t find_group_slow(const polisi__lexicon *lex, const polisi__doc *doc,
                                const polisi__token *t) {
    uint16_t tag = hash_tag(t->hash);
    for (size_t b = t->hash >> lex->table_shift;; b = (b + 1) & lex->table_mask) {
        const lex_bucket *bk = &lex->table[b];
        for (unsigned m = tag_matches(bk, tag) & 0xFFu; m; m &= m - 1) {
            uint32_t number = bk->group[__builtin_ctz(m)];
            if (group_is_key(lex, &lex->groups[number], doc, t))
                return number;
        }
        if (!bk->group[BUCKET_FULL - 1])
            return 0;
    }
}

/* The two halves of find_group's fast way. The group whose tag is token
 * t's: the table is exact, so the first slot whose tag matches (empty
 * slots, whose tag is 0, come after the full ones) is the only one that
 * may hold the key. None: the last slot, always empty (the dummy), whose
 * bit is set whatever its tag. */
static inline uint32_t candidate_group(const lex_bucket *table, unsigned shift,
                                       const polisi__token *t) {
    const lex_bucket *bk = &table[t->hash >> shift];
    unsigned m = tag_matches(bk, hash_tag(t->hash));
    return bk->group[(unsigned)__builtin_ctz(m | 1u << BUCKET_FULL)];
}

/* Group g's first word is t's key (of at most KEY_INLINE bytes): & rather
 * than &&. */
static inline unsigned is_key(const lex_group *g, const char *keys, const polisi__token *t) {
    return (g->key_len == t->key_len) & short_key_is(g->key, keys + t->key, t->key_len);
}

/* The group `number` if its first word is t's key (of at most KEY_INLINE
 * bytes), else 0: a select rather than an if. */
static inline uint32_t verify(const lex_group *groups, const char *keys, const polisi__token *t,
                              uint32_t number) {
    return number & (0u - is_key(&groups[number], keys, t));
}

/* The index in lex->groups of the group whose first word is token t's key,
 * or 0 (the dummy). A key of at most fast_len bytes (nearly all) takes no
 * branch on the outcome: tokens that start a phrase and those that do not
 * come mixed, so such a branch would be mispredicted often. */
static inline uint32_t find_group(const polisi__lexicon *lex, const lex_bucket *table,
                                  unsigned shift, uint32_t fast_len, const lex_group *groups,
                                  const polisi__doc *doc, const polisi__token *t) {
    if (__builtin_expect(t->key_len > fast_len, 0))
        return find_group_slow(lex, doc, t);
    return verify(groups, doc->keys, t, candidate_group(table, shift, t));
}

void polisi__lexicon_set_wake(polisi__lexicon *lex, const polisi__wake_rule *rules, size_t n) {
    memset(lex->kind_flag_wake, 0, sizeof lex->kind_flag_wake);
    for (size_t r = 0; r < lex->ngroups; r++)
        lex->groups[lex->numbers[r]].wake = 0;
    /* bit 7 is POLISI__WAKE_CANDIDATE */
    for (size_t r = 0; r < n && r < 7; r++) {
        uint8_t bit = (uint8_t)(1u << r);
        unsigned flags = rules[r].flags & (POLISI__TF_CAP | POLISI__TF_UPPER | POLISI__TF_LOWER);
        for (size_t k = 0; k < 8; k++)
            for (size_t f = 0; f < 64; f++)
                if ((rules[r].kinds & (1u << k)) || (f & flags))
                    lex->kind_flag_wake[k << 6 | f] |= bit;
        for (size_t k = 0; k < lex->ngroups; k++) {
            lex_group *g = &lex->groups[lex->numbers[k]];
            if (g->classes & rules[r].classes)
                g->wake |= bit;
        }
    }
    polisi__prefilter_marks(lex->kind_flag_wake, lex->marks);
}

const polisi__prefilter *polisi__lexicon_prefilter(const polisi__lexicon *lex) {
    return &lex->prefilter;
}

/* The candidates among the 64 tokens whose wake bytes start at w: bit k
 * for w[k] (POLISI__WAKE_CANDIDATE is the byte's top bit), which is
 * cleared: 64 bytes in a few vector steps rather than one per candidate. */
static inline uint64_t take_candidates64(uint8_t *w) {
#if defined(__SSE2__)
    uint64_t m = 0;
    const __m128i rest = _mm_set1_epi8((char)(uint8_t)~POLISI__WAKE_CANDIDATE);
    for (int k = 0; k < 4; k++) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(w + 16 * k));
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(x) << (16 * k);
        _mm_storeu_si128((__m128i *)(void *)(w + 16 * k), _mm_and_si128(x, rest));
    }
    return m;
#else
    uint64_t m = 0;
    for (int k = 0; k < 64; k++) {
        m |= (uint64_t)(w[k] >> 7) << k;
        w[k] &= (uint8_t)~POLISI__WAKE_CANDIDATE;
    }
    return m;
#endif
}

void polisi__lexicon_classify(const polisi__lexicon *lex, polisi__doc *doc) {
    uint8_t *wake = doc->wake;
    size_t n = doc->ntoks;
    if (!wake) /* no token was ever scanned into doc */
        return;
    /* zeros after the last token: for polisi__next_wake and the last
     * 64-token step below (64 + 16 - n % 64 bytes at most); the wake array
     * has room for them, POLISI__WAKE_SLACK, and a fixed size is a few
     * stores rather than a call */
    memset(wake + n, 0, POLISI__WAKE_SLACK);
    doc->classified = 1;
    /* in locals: the stores to tokens and wake bytes could alias them */
    polisi__token *toks = doc->toks;
    /* A token's wake bits by kind and flags: the scan with this lexicon's
     * prefilter wrote them (every token); polisi__scan did not (the
     * lexicon's own phrases, tests), and they are added here. */
    if (!doc->wake_kinds) {
        const uint8_t *kind_flag_wake = lex->kind_flag_wake;
        for (size_t i = 0; i < n; i++)
            wake[i] |= kind_flag_wake[(toks[i].kind & 7) << 6 | (toks[i].flags & 63)];
    }
    /* The candidates are found 64 tokens at a time, as a bit mask, and
     * looked up in batches of 64 or more: no branch per token, the lookups
     * of a batch do not wait for each other's branches, and the loops over
     * a batch run the same number of times but at the end (a loop over
     * each 64 tokens' candidates ended at a mispredicted branch). A
     * candidate of polisi__scan_prefiltered passed the filter already, and
     * one of polisi__scan is looked up without it (the lookup is exact
     * either way). */
    const lex_bucket *table = lex->table;
    const lex_group *groups = lex->groups;
    const char *keys = doc->keys;
    unsigned shift = lex->table_shift;
    uint32_t fast_len = lex->fast_len;
    /* Two passes over a batch: the table's buckets first, as the
     * candidates are found, then the groups they name, so that the loads
     * of one pass (most miss the L1 cache) do not wait for each other nor
     * for those of the other. When the table is not exact, every
     * candidate takes find_group_slow in the second (but for an empty
     * key, which no group has). */
    uint32_t batch[2 * 64]; /* candidates' token numbers: under 64, then a step's */
    uint16_t found[2 * 64]; /* their candidate groups */
    for (size_t base = 0; base < n;) {
        size_t count = 0;
        for (; count < 64 && base < n; base += 64)
            for (uint64_t m = take_candidates64(wake + base); m; m &= m - 1) {
                uint32_t i = (uint32_t)(base + (unsigned)__builtin_ctzll(m));
                uint32_t number = candidate_group(table, shift, &toks[i]);
                __builtin_prefetch(&groups[number]);
                batch[count] = i;
                found[count++] = (uint16_t)number;
            }
        for (size_t k = 0; k < count; k++) {
            size_t i = batch[k];
            polisi__token *t = &toks[i];
            uint32_t number = found[k];
            if (__builtin_expect(t->key_len > fast_len, 0))
                number = find_group_slow(lex, doc, t);
            const lex_group *g = &groups[number];
            /* all ones when g is the token's group, else none: its fields
             * masked rather than the group's number first, so that they do
             * not wait for the comparison (0 is the dummy's number) */
            uint32_t keep = 0u - (t->key_len > fast_len || is_key(g, keys, t));
            t->group = number & keep;
            t->classes = g->classes & keep;
            /* to the kind and flag bits (POLISI__WAKE_CANDIDATE is cleared) */
            wake[i] |= (uint8_t)(g->wake & keep);
        }
    }
}

/* Bit k for each of the n <= 4 entries whose second-word hashes are at s
 * that may start at a token followed by one of hash `second`: its second
 * word has that hash, or it has one word (0). Only a filter: rest_matches
 * decides (and turns away a phrase whose second word's hash is 0). SSE2
 * reads 4 hashes whatever n: the words after a group's hashes are its
 * entries. */
static inline unsigned maybe4(const uint32_t *s, uint32_t second, uint32_t n) {
#if defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi32(x, _mm_set1_epi32((int)second)),
                             _mm_cmpeq_epi32(x, _mm_setzero_si128()));
    return (unsigned)_mm_movemask_ps(_mm_castsi128_ps(m)) & ((1u << n) - 1);
#else
    unsigned m = 0;
    for (unsigned k = 0; k < n; k++)
        m |= (unsigned)(s[k] == second || s[k] == 0) << k;
    return m;
#endif
}

/* Where the entries of group g and their second-word hashes are in its
 * block, and the bounds of the run of its class of `rank` (0 for its
 * lowest class). */
typedef struct group_run {
    const uint32_t *seconds;
    const polisi__lex_entry *entries;
    uint32_t begin, end;
} group_run;

static inline group_run run_of(const lex_group *g, unsigned rank) {
    const uint32_t *blk = group_block_c(g);
    group_run r;
    r.seconds = blk + 1 + g->ncls;
    r.entries = (const polisi__lex_entry *)(const void *)(r.seconds + blk[g->ncls]);
    r.begin = blk[rank];
    r.end = blk[rank + 1];
    return r;
}

/* The rest of a lookup (match_in), in the run of the class of `rank` in
 * group g: m (bits 0..3 of rank_m, rank above them) are the candidates
 * among its first 4 entries, of which the first has more than one word, or
 * none when the run has more than 4. Apart, with no more arguments than
 * registers, so that match_in jumps to it (a tail call) and saves few
 * registers: most lookups end in match_in, at a phrase of one word or at
 * none. noipa: GCC would pass g's fields apart, in more arguments than
 * registers, and call rather than jump. */
#if defined(__GNUC__) && !defined(__clang__)
#define APART __attribute__((noipa))
#else
#define APART __attribute__((noinline))
#endif
static APART size_t match_long(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                               const polisi__lex_entry **out, const lex_group *g,
                               uint32_t rank_m) {
    group_run r = run_of(g, rank_m >> 4);
    unsigned m = rank_m & 15;
    uint32_t second = i + 1 < doc->ntoks ? doc->toks[i + 1].hash : 0;
    for (uint32_t k = r.begin;;) {
        for (; m; m &= m - 1) { /* longest first */
            const polisi__lex_entry *e = &r.entries[k + (unsigned)__builtin_ctz(m)];
            if (rest_matches(lex, e, doc, i)) {
                *out = e;
                return e->ntoks;
            }
        }
        k += 4;
        if (k >= r.end)
            return 0;
        m = maybe4(r.seconds + k, second, r.end - k < 4 ? r.end - k : 4);
    }
}

/* The longest entry of class cls that starts at token i, in its group g. */
static inline size_t match_in(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                              polisi__lex_class cls, const polisi__lex_entry **out,
                              const lex_group *g) {
    uint32_t bit = 1u << cls;
    if (!(g->classes & bit)) /* the dummy has no class */
        return 0;
    /* the run of class cls: after those of the group's lower classes */
    unsigned rank = bit_count(g->classes & (bit - 1));
    group_run r = run_of(g, rank);
    uint32_t n = r.end - r.begin; /* at least 1: the group has the class */
    /* Groups of common first words hold dozens of phrases ("s" starts
     * every "S.x." title): most are turned away by their second word's
     * hash, 4 at a time and without a branch each, before rest_matches
     * reads any. */
    uint32_t second = i + 1 < doc->ntoks ? doc->toks[i + 1].hash : 0;
    unsigned m = maybe4(r.seconds + r.begin, second, n < 4 ? n : 4);
    /* longest first: a phrase of one word matches (token i is its word),
     * and every candidate after it is one word too */
    const polisi__lex_entry *e = &r.entries[r.begin + (unsigned)__builtin_ctz(m | 1u << 4) % 4];
    if (m && e->ntoks == 1) {
        *out = e;
        return 1;
    }
    if (!m && n <= 4)
        return 0;
    return match_long(lex, doc, i, out, g, rank << 4 | m);
}

/* The same in a document that was not classified (the lexicon's own
 * phrases, the tests), whose token's group is looked up first: apart, so
 * that polisi__lexicon_match_slow keeps no register across a call. */
static APART size_t match_unclassified(const polisi__lexicon *lex, const polisi__doc *doc,
                                       size_t i, polisi__lex_class cls,
                                       const polisi__lex_entry **out) {
    uint32_t number = find_group(lex, lex->table, lex->table_shift, lex->fast_len, lex->groups,
                                 doc, &doc->toks[i]);
    return match_in(lex, doc, i, cls, out, &lex->groups[number]);
}

/* The longest entry of class cls that starts at token i. */
size_t polisi__lexicon_match_slow(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                                  polisi__lex_class cls, const polisi__lex_entry **out) {
    if (!doc->classified)
        return match_unclassified(lex, doc, i, cls, out);
    return match_in(lex, doc, i, cls, out, &lex->groups[doc->toks[i].group]);
}
