/*
 * fuzz_scan.c: a libFuzzer target for the scanner alone (white-box: links
 * the static polisi_internal).
 *
 * The scanner reads 64 bytes at a time where it can (scan_block, with AVX2
 * where the CPU has it: polisi__scan_sse2 is the same without) and a byte
 * at a time elsewhere; polisi__scan_bytewise is the second path alone.
 * All must make exactly the same tokens from any bytes: same spans, kinds,
 * flags, keys and hashes, and every hash must be polisi__hash of its key.
 * Spans must tile the text in order and every key byte sequence must be
 * readable up to KEY_SLACK bytes after the last key. Scanned with the
 * lexicon's prefilter (as polisi_extract does), the tokens must get the
 * same lexicon groups, classes and wake bits from classify as without.
 *
 * The input is used as it is and also repeated up to 300 bytes, so that
 * short inputs reach the block path (which needs 80 bytes) at every
 * alignment.
 *
 * Built without libFuzzer, it is `fuzz_scan_replay`, which ctest runs over
 * tests/fuzz/corpus.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz_scan: " __VA_ARGS__);                                            \
            fputc('\n', stderr);                                                                   \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

static void *std_malloc(size_t n, void *ud) { (void)ud; return malloc(n); }
static void *std_realloc(void *p, size_t n, void *ud) { (void)ud; return realloc(p, n); }
static void std_free(void *p, void *ud) { (void)ud; free(p); }
static const polisi_allocator std_alloc = {std_malloc, std_realloc, std_free, NULL};

static void check_same(const polisi__doc *a, const polisi__doc *b, size_t len) {
    CHECK(a->ntoks == b->ntoks, "%zu tokens by blocks, %zu byte by byte", a->ntoks, b->ntoks);
    uint32_t at = 0;
    for (size_t i = 0; i < a->ntoks; i++) {
        const polisi__token *x = &a->toks[i], *y = &b->toks[i];
        CHECK(x->start == y->start && x->end == y->end, "token %zu: span [%u, %u) vs [%u, %u)", i,
              x->start, x->end, y->start, y->end);
        CHECK(x->start >= at && x->end > x->start && x->end <= len, "token %zu: span [%u, %u)", i,
              x->start, x->end);
        at = x->end;
        CHECK(x->kind == y->kind, "token %zu: kind %d vs %d", i, x->kind, y->kind);
        CHECK(x->flags == y->flags, "token %zu: flags %#x vs %#x", i, x->flags, y->flags);
        CHECK(x->key_len == y->key_len &&
                  memcmp(polisi__tok_key(a, i), polisi__tok_key(b, i), x->key_len) == 0,
              "token %zu: keys differ", i);
        CHECK(x->hash == y->hash && x->hash == polisi__hash(polisi__tok_key(a, i), x->key_len),
              "token %zu: hash", i);
    }
    /* the keys are compared 16 bytes at a time: the slack must be there */
    CHECK(a->keys_cap >= a->keys_len + KEY_SLACK, "no key slack");
}

static void check_same_classes(const polisi__doc *a, const polisi__doc *b) {
    for (size_t i = 0; i < a->ntoks; i++)
        CHECK(a->toks[i].group == b->toks[i].group && a->toks[i].classes == b->toks[i].classes &&
                  a->wake[i] == b->wake[i],
              "token %zu: lexicon lookup differs with the prefilter", i);
    CHECK(memcmp(a->wake + a->ntoks, b->wake + b->ntoks, 8) == 0, "wake bytes after the last");
}

/* One extractor for the whole run, for its lexicon (this harness's only
 * state; the library keeps none). */
static polisi_extractor *the_extractor;

static polisi_extractor *extractor(void) {
    if (!the_extractor)
        CHECK(polisi_extractor_new(NULL, &the_extractor) == POLISI_OK, "extractor");
    return the_extractor;
}

static void scan_all(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    const polisi__lexicon *lex = extractor()->lex;
    polisi__doc fast, sse2, slow, filtered;
    memset(&fast, 0, sizeof fast);
    memset(&sse2, 0, sizeof sse2);
    memset(&slow, 0, sizeof slow);
    memset(&filtered, 0, sizeof filtered);
    CHECK(polisi__scan(&fast, text, size, &std_alloc) == POLISI_OK, "scan");
    CHECK(polisi__scan_sse2(&sse2, text, size, &std_alloc) == POLISI_OK, "scan_sse2");
    CHECK(polisi__scan_bytewise(&slow, text, size, &std_alloc) == POLISI_OK, "scan_bytewise");
    CHECK(polisi__scan_prefiltered(&filtered, text, size, &std_alloc,
                                   polisi__lexicon_prefilter(lex)) == POLISI_OK,
          "scan_prefiltered");
    check_same(&fast, &slow, size);
    check_same(&sse2, &slow, size);
    check_same(&filtered, &slow, size);
    polisi__lexicon_classify(lex, &filtered);
    polisi__lexicon_classify(lex, &slow);
    check_same_classes(&filtered, &slow);
    polisi__doc_free(&fast);
    polisi__doc_free(&sse2);
    polisi__doc_free(&slow);
    polisi__doc_free(&filtered);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    scan_all(data, size);
    if (size > 0 && size < 300) {
        uint8_t buf[300];
        for (size_t i = 0; i < sizeof buf; i++)
            buf[i] = data[i % size];
        scan_all(buf, sizeof buf);
    }
    return 0;
}

#ifndef POLISI_LIBFUZZER
#include "replay.h"

static void free_extractor(void) {
    polisi_extractor_free(the_extractor);
    the_extractor = NULL;
}

int main(int argc, char **argv) {
    return replay_main(argc, argv, "fuzz_scan_replay", "every scanner path agreed",
                       free_extractor);
}
#endif
