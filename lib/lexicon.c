/*
 * lexicon.c: the one hashed table of phrases that every recognizer reads.
 *
 * A phrase is a sequence of token keys. Entries are grouped by their first
 * key; a group is found with one probe of an open-addressing table on the
 * token's hash, and holds its entries longest first, so the first entry of a
 * class whose remaining keys match is the longest match.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct lex_word {
    uint32_t off, len, hash; /* key bytes in lex->keys */
} lex_word;

/* 32 bytes, aligned to 32 (one cache line), with the first word's key in
 * it: a lookup reads the table slot and the group, not also the key. */
typedef struct lex_group {
    uint32_t begin;   /* entries[begin, begin + count), longest first */
    uint32_t classes; /* bit c: an entry of class c is in the group */
    uint32_t word;    /* the first word (index into words) */
    uint16_t count;
    uint8_t key_len;  /* the first word's length, when it is at most 16 */
    uint8_t wake;     /* POLISI__WAKE_* bits of the group's classes */
    char key[16];     /* its first 16 bytes, zero-padded */
} lex_group;
#define GROUP_ALIGN 32
#define KEY_INLINE 16

/* A slot of the hash table: 8 bytes, so that the table (8,192 slots for
 * about 3,500 first words) stays in the L2 cache; the probes of tokens that
 * start nothing (most) read nothing else. */
typedef struct lex_slot {
    uint32_t hash;
    uint32_t group; /* group index + 1; 0 = empty slot */
} lex_slot;

struct polisi__lexicon {
    const polisi_allocator *alloc;
    char *keys;
    size_t keys_len, keys_cap;
    lex_word *words;
    size_t nwords, words_cap;
    polisi__lex_entry *entries;
    size_t nentries, entries_cap;
    lex_group *groups; /* in groups_block, aligned to GROUP_ALIGN */
    void *groups_block;
    size_t ngroups;
    lex_slot *table;
    size_t table_mask;
    unsigned table_shift; /* a hash's home slot is hash >> table_shift */
    /* One bit per (hash >> POLISI__FILTER_SHIFT): set for the first word
     * of every group. 8 KiB, so it stays in the L1 cache while the table
     * (64 KiB) does not: most tokens are turned away
     * here, by the scanner (polisi__prefilter). */
    uint64_t *filter;
    /* Wake bits by token kind and flags, [kind << 6 | flags]
     * (polisi__lexicon_set_wake), and the scanner's view of the lexicon. */
    uint8_t kind_flag_wake[8 << 6];
    uint32_t marks[POLISI__MARKS];
    polisi__prefilter prefilter;
    /* Tokens of the phrase being added. Reused from phrase to phrase, so that
     * adding thousands of phrases costs a handful of allocations (which also
     * keeps the allocation-failure tests of extractor creation short). */
    polisi__doc scratch;
};

#define FILTER_SHIFT POLISI__FILTER_SHIFT
#define FILTER_WORDS POLISI__FILTER_WORDS

static inline int filter_has(const uint64_t *filter, uint32_t hash) {
    uint32_t b = hash >> FILTER_SHIFT;
    return (int)((filter[b / 64] >> (b % 64)) & 1u);
}

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
    polisi__free(a, lex->groups_block);
    polisi__free(a, lex->table);
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
    if (st == POLISI_OK)
        lex->nentries++;
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

/* Groups need their entries side by side, longest first, then in the order
 * of addition; the order of the groups themselves does not matter (they are
 * found by hash), so entries are sorted by the first word's hash before its
 * bytes. */
static int entry_cmp(const void *pa, const void *pb) {
    const sort_item *a = pa, *b = pb;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    const polisi__lex_entry *x = &a->lex->entries[a->entry], *y = &a->lex->entries[b->entry];
    int c = word_cmp(a->lex, x->first, y->first);
    if (c)
        return c;
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

static polisi_status make_groups(polisi__lexicon *lex) {
    lex->groups_block =
        polisi__malloc(lex->alloc, (lex->nentries + 1) * sizeof *lex->groups + GROUP_ALIGN);
    if (!lex->groups_block)
        return POLISI_ERR_NOMEM;
    uintptr_t at = ((uintptr_t)lex->groups_block + GROUP_ALIGN - 1) & ~(uintptr_t)(GROUP_ALIGN - 1);
    lex->groups = (lex_group *)(void *)at;
    for (size_t i = 0; i < lex->nentries; i++) {
        if (i == 0 || word_cmp(lex, lex->entries[i - 1].first, lex->entries[i].first) != 0) {
            lex_group *g = &lex->groups[lex->ngroups++];
            memset(g, 0, sizeof *g);
            g->word = lex->entries[i].first;
            g->begin = (uint32_t)i;
            const lex_word *w = &lex->words[g->word];
            g->key_len = (uint8_t)(w->len <= KEY_INLINE ? w->len : KEY_INLINE + 1);
            memcpy(g->key, lex->keys + w->off, w->len < KEY_INLINE ? w->len : KEY_INLINE);
        }
        lex_group *g = &lex->groups[lex->ngroups - 1];
        if (g->count == UINT16_MAX)
            return POLISI_ERR_INTERNAL; /* 65,535 phrases on one first word */
        g->count++;
        g->classes |= 1u << lex->entries[i].cls;
    }
    return POLISI_OK;
}

static polisi_status make_table(polisi__lexicon *lex) {
    size_t size = 16;
    while (size < lex->ngroups * 2)
        size *= 2;
    lex->table = polisi__malloc(lex->alloc, size * sizeof *lex->table);
    if (!lex->table)
        return POLISI_ERR_NOMEM;
    memset(lex->table, 0, size * sizeof *lex->table);
    lex->table_mask = size - 1;
    lex->table_shift = 32;
    for (size_t n = size; n > 1; n /= 2)
        lex->table_shift--;
    lex->filter = polisi__malloc(lex->alloc, FILTER_WORDS * sizeof *lex->filter);
    if (!lex->filter)
        return POLISI_ERR_NOMEM;
    memset(lex->filter, 0, FILTER_WORDS * sizeof *lex->filter);
    for (size_t g = 0; g < lex->ngroups; g++) {
        uint32_t hash = lex->words[lex->groups[g].word].hash;
        size_t slot = hash >> lex->table_shift;
        while (lex->table[slot].group)
            slot = (slot + 1) & lex->table_mask;
        lex->table[slot].hash = hash;
        lex->table[slot].group = (uint32_t)g + 1;
        lex->filter[(hash >> FILTER_SHIFT) / 64] |= (uint64_t)1 << ((hash >> FILTER_SHIFT) % 64);
    }
    lex->prefilter.filter = lex->filter;
    lex->prefilter.wake = lex->kind_flag_wake;
    lex->prefilter.marks = lex->marks;
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
/* A key of up to 16 bytes compared in one step, without a branch per byte:
 * the keys of the lexicon and of a scanned document are both followed by
 * KEY_SLACK readable bytes. */
static inline int same_key(const char *a, const char *b, size_t n) {
    if (n > 16)
        return same_bytes(a, b, n);
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)a);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)b);
    unsigned eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y));
    unsigned want = (1u << n) - 1;
    return (eq & want) == want;
}
#else
#define same_key same_bytes
#endif

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

/* The group whose first word is token t's key, or NULL; its index + 1 in
 * *number (0 for none). */
static inline const lex_group *find_group(const polisi__lexicon *lex, const polisi__doc *doc,
                                          const polisi__token *t, uint32_t *number) {
    *number = 0;
    uint32_t hash = t->hash;
    if (!lex->filter || !filter_has(lex->filter, hash))
        return NULL;
    for (size_t slot = hash >> lex->table_shift;; slot = (slot + 1) & lex->table_mask) {
        const lex_slot *s = &lex->table[slot];
        if (s->group == 0)
            return NULL;
        if (s->hash != hash)
            continue;
        const lex_group *g = &lex->groups[s->group - 1];
        if (t->key_len <= KEY_INLINE
                ? g->key_len == t->key_len && same_key(g->key, doc->keys + t->key, t->key_len)
                : word_is_key(lex, g->word, doc, t)) {
            *number = s->group;
            return g;
        }
    }
}

void polisi__lexicon_set_wake(polisi__lexicon *lex, const polisi__wake_rule *rules, size_t n) {
    memset(lex->kind_flag_wake, 0, sizeof lex->kind_flag_wake);
    for (size_t g = 0; g < lex->ngroups; g++)
        lex->groups[g].wake = 0;
    /* bit 7 is POLISI__WAKE_CANDIDATE */
    for (size_t r = 0; r < n && r < 7; r++) {
        uint8_t bit = (uint8_t)(1u << r);
        unsigned flags = rules[r].flags & (POLISI__TF_CAP | POLISI__TF_UPPER | POLISI__TF_LOWER);
        for (size_t k = 0; k < 8; k++)
            for (size_t f = 0; f < 64; f++)
                if ((rules[r].kinds & (1u << k)) || (f & flags))
                    lex->kind_flag_wake[k << 6 | f] |= bit;
        for (size_t g = 0; g < lex->ngroups; g++)
            if (lex->groups[g].classes & rules[r].classes)
                lex->groups[g].wake |= bit;
    }
    polisi__prefilter_marks(lex->kind_flag_wake, lex->marks);
}

const polisi__prefilter *polisi__lexicon_prefilter(const polisi__lexicon *lex) {
    return &lex->prefilter;
}

/* The candidates among the 64 tokens whose wake bytes start at w: bit k
 * for w[k] (POLISI__WAKE_CANDIDATE is the byte's top bit). */
static inline uint64_t candidates64(const uint8_t *w) {
#if defined(__SSE2__)
    uint64_t m = 0;
    for (int k = 0; k < 4; k++)
        m |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_loadu_si128((const __m128i *)(const void *)(w + 16 * k)))
             << (16 * k);
    return m;
#else
    uint64_t m = 0;
    for (int k = 0; k < 64; k++)
        m |= (uint64_t)(w[k] >> 7) << k;
    return m;
#endif
}

void polisi__lexicon_classify(const polisi__lexicon *lex, polisi__doc *doc) {
    uint8_t *wake = doc->wake;
    size_t n = doc->ntoks;
    if (!wake) /* no token was ever scanned into doc */
        return;
    /* zeros after the last token: for polisi__next_wake and the last
     * 64-token step below (the wake array has room, POLISI__WAKE_SLACK) */
    memset(wake + n, 0, 64 + 16 - n % 64);
    doc->classified = 1;
    /* The candidates 64 tokens at a time, as a bit mask: no branch per
     * token, and the lookups of one step do not wait for each other's
     * branches. */
    for (size_t base = 0; base < n; base += 64) {
        for (uint64_t m = candidates64(wake + base); m; m &= m - 1) {
            size_t i = base + (size_t)__builtin_ctzll(m);
            polisi__token *t = &doc->toks[i];
            uint32_t number;
            const lex_group *g = find_group(lex, doc, t, &number);
            t->group = number;
            t->classes = g ? g->classes : 0;
            wake[i] = (uint8_t)((g ? g->wake : 0) |
                                lex->kind_flag_wake[(t->kind & 7) << 6 | (t->flags & 63)]);
        }
    }
}

/* The longest entry of class cls that starts at token i. */
size_t polisi__lexicon_match_slow(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                                  polisi__lex_class cls, const polisi__lex_entry **out) {
    const polisi__token *t = &doc->toks[i];
    uint32_t number;
    const lex_group *g = doc->classified ? (t->group ? &lex->groups[t->group - 1] : NULL)
                                         : find_group(lex, doc, t, &number);
    if (!g || !(g->classes & (1u << cls)))
        return 0;
    /* Groups of common first words hold dozens of phrases ("s" starts
     * every "S.x." title): most are turned away by their second word's
     * hash before rest_matches reads any. */
    uint32_t second = i + 1 < doc->ntoks ? doc->toks[i + 1].hash : 0;
    for (uint32_t k = g->begin, end = g->begin + g->count; k < end; k++) {
        const polisi__lex_entry *e = &lex->entries[k];
        if (e->cls == cls && (e->ntoks == 1 || e->second == second) &&
            rest_matches(lex, e, doc, i)) {
            *out = e;
            return e->ntoks;
        }
    }
    return 0;
}
