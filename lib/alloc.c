/* alloc.c: every allocation of the library goes through the caller's
 * allocator (polisi_options_set_allocator), so a failing allocator is seen
 * everywhere and nothing is allocated behind its back. */
#include <stdint.h>
#include <string.h>

#include "internal.h"

void *polisi__malloc(const polisi_allocator *a, size_t size) {
    return a->malloc(size ? size : 1, a->user_data);
}

void *polisi__realloc(const polisi_allocator *a, void *ptr, size_t size) {
    return a->realloc(ptr, size ? size : 1, a->user_data);
}

void polisi__free(const polisi_allocator *a, void *ptr) {
    if (ptr)
        a->free(ptr, a->user_data);
}

int polisi__grow(const polisi_allocator *a, void **items, size_t *cap, size_t need,
                 size_t item_size) {
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap : 16;
    while (ncap < need) {
        if (ncap > SIZE_MAX / 2)
            return -1;
        ncap *= 2;
    }
    if (ncap > SIZE_MAX / item_size)
        return -1;
    /* The first allocation is a malloc: realloc(NULL) costs more. */
    void *p = *items ? polisi__realloc(a, *items, ncap * item_size)
                     : polisi__malloc(a, ncap * item_size);
    if (!p)
        return -1;
    *items = p;
    *cap = ncap;
    return 0;
}

int polisi__grow_out(const polisi_allocator *a, void **items, size_t *cap, size_t need,
                     size_t item_size, int borrowed) {
    if (!borrowed)
        return polisi__grow(a, items, cap, need, item_size);
    void *moved = NULL;
    size_t moved_cap = 0;
    if (*cap > SIZE_MAX / 2 ||
        polisi__grow(a, &moved, &moved_cap, need > 2 * *cap ? need : 2 * *cap, item_size))
        return -1;
    memcpy(moved, *items, *cap * item_size);
    *items = moved;
    *cap = moved_cap;
    return 0;
}

/* ---- arena ---- */

struct polisi__arena_block {
    polisi__arena_block *next;
    /* data follows, aligned for any object */
};

#define ARENA_ALIGN 16u
#define ARENA_HEADER ((sizeof(polisi__arena_block) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))
#define ARENA_BLOCK 4096u

void polisi__arena_init(polisi__arena *arena, const polisi_allocator *alloc) {
    memset(arena, 0, sizeof *arena);
    arena->alloc = alloc;
}

void polisi__arena_init_buffer(polisi__arena *arena, const polisi_allocator *alloc, void *buf,
                               size_t size) {
    polisi__arena_init(arena, alloc);
    if (!buf || size <= ARENA_HEADER)
        return;
    polisi__arena_block *b = buf;
    b->next = NULL;
    arena->head = arena->borrowed = b;
    arena->size = (size - ARENA_HEADER) & ~(size_t)(ARENA_ALIGN - 1);
}

void *polisi__arena_alloc(polisi__arena *arena, size_t size) {
    if (size > SIZE_MAX - ARENA_ALIGN) /* rounding up would wrap */
        return NULL;
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (!arena->head || arena->size - arena->used < size) {
        size_t bsize = size > ARENA_BLOCK ? size : ARENA_BLOCK;
        if (bsize > SIZE_MAX - ARENA_HEADER)
            return NULL;
        polisi__arena_block *b = polisi__malloc(arena->alloc, ARENA_HEADER + bsize);
        if (!b)
            return NULL;
        b->next = arena->head;
        arena->head = b;
        arena->used = 0;
        arena->size = bsize;
        arena->spilled += bsize;
    }
    void *p = (char *)arena->head + ARENA_HEADER + arena->used;
    arena->used += size;
    return p;
}

char *polisi__arena_strndup(polisi__arena *arena, const char *s, size_t len) {
    if (len == SIZE_MAX)
        return NULL;
    char *p = polisi__arena_alloc(arena, len + 1);
    if (!p)
        return NULL;
    if (len)
        memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void polisi__arena_free(polisi__arena *arena) {
    polisi__arena_block *b = arena->head;
    while (b && b != arena->borrowed) { /* the borrowed block is the last */
        polisi__arena_block *next = b->next;
        polisi__free(arena->alloc, b);
        b = next;
    }
    arena->head = arena->borrowed = NULL;
    arena->used = arena->size = arena->spilled = 0;
}
