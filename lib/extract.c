/* extract.c: the extractor's life cycle and the pipeline of one call:
 * scan -> recognize -> resolve. */
#include <string.h>

#include "internal.h"
#include "units.h"

/* A recognizer: its phrases for the lexicon (the pass that finds its
 * entities is called by run_recognizers, in the order of this table).
 * `needs` are the reported types that make it run. Recognizers of phase 2
 * (assemblers: persons) run after the entities of phase 1 are sorted and
 * settled, and read them from ctx->res. */
typedef struct recognizer {
    unsigned needs;
    int phase;
    polisi_status (*register_phrases)(polisi__lexicon *lex);
    unsigned wake_bit;       /* POLISI__WAKE_*: phase 1 only */
    polisi__wake_rule wake;  /* the tokens it may start at */
} recognizer;

#define BIT(t) POLISI_TYPE_BIT(POLISI_##t)

/* Persons are built from every other type, so asking for them runs all. */
#define LEX(c) POLISI__LEX_BIT(POLISI__LEX_##c)
#define KIND(k) (1u << POLISI__TOK_##k)
static const recognizer recognizers[] = {
    {BIT(RANK) | BIT(PERSON), 1, polisi__ranks_register,
     POLISI__WAKE_RANK, {LEX(RANK), 0, 0}},
    /* a date word or a number (a "(" before one is tried from there) */
    {BIT(DATE), 1, polisi__dates_register,
     POLISI__WAKE_DATE, {LEX(CUE_DATE), KIND(NUMBER), 0}},
    {BIT(TIME), 1, polisi__times_register,
     POLISI__WAKE_TIME, {LEX(CUE_TIME), KIND(NUMBER), 0}},
    {BIT(TITLE) | BIT(PERSON), 1, polisi__titles_register,
     POLISI__WAKE_TITLE, {LEX(TITLE) | LEX(CUE_TITLE), 0, 0}},
    {BIT(UNIT) | BIT(PERSON), 1, polisi__units_register,
     POLISI__WAKE_UNIT, {POLISI__UNIT_START, 0, 0}},
    {BIT(POSITION) | BIT(PERSON), 1, polisi__positions_register,
     POLISI__WAKE_POSITION, {LEX(ACTING) | LEX(POSITION) | LEX(POS_HEAD), 0, 0}},
    {BIT(PERSON), 2, polisi__persons_register, 0, {0, 0, 0}},
};
#undef LEX
#undef KIND

#define NRECOGNIZERS (sizeof recognizers / sizeof recognizers[0])

static polisi_status build_lexicon(polisi_extractor *ex) {
    polisi_status st = polisi__lexicon_new(&ex->opts.alloc, &ex->lex);
    for (size_t i = 0; st == POLISI_OK && i < NRECOGNIZERS; i++)
        st = recognizers[i].register_phrases(ex->lex);
    if (st == POLISI_OK)
        st = polisi__lexicon_freeze(ex->lex);
    if (st == POLISI_OK) {
        polisi__wake_rule rules[8];
        size_t n = 0;
        for (size_t i = 0; i < NRECOGNIZERS; i++) {
            unsigned bit = recognizers[i].wake_bit;
            if (!bit)
                continue;
            size_t r = 0;
            while (!(bit & (1u << r)))
                r++;
            rules[r] = recognizers[i].wake;
            n = r + 1 > n ? r + 1 : n;
        }
        polisi__lexicon_set_wake(ex->lex, rules, n);
    }
    return st;
}

polisi_status polisi_extractor_new(const polisi_options *options, polisi_extractor **out) {
    if (!out)
        return POLISI_ERR_INVALID_ARG;
    *out = NULL;
    polisi_options opts;
    if (options)
        opts = *options;
    else
        polisi__options_defaults(&opts);
    polisi_extractor *ex = polisi__malloc(&opts.alloc, sizeof *ex);
    if (!ex)
        return POLISI_ERR_NOMEM;
    memset(ex, 0, sizeof *ex);
    ex->opts = opts;
    polisi_status st = build_lexicon(ex);
    if (st != POLISI_OK) {
        polisi_extractor_free(ex);
        return st;
    }
    *out = ex;
    return POLISI_OK;
}

void polisi_extractor_free(polisi_extractor *ex) {
    if (!ex)
        return;
    polisi__lexicon_free(ex->lex);
    polisi__free(&ex->opts.alloc, ex);
}

/* Runs the recognizers of one phase that `mask` needs, in the table's
 * order. Each is called directly, not through a pointer of the table: one
 * call site that cycles through six targets mispredicts nearly every call
 * (7.9 K indirect mispredicts a pass of the bench corpus), and the loop's
 * tests mispredicted 3.6 K more. A recognizer of phase 1 is called from
 * the first token that wakes it, and not at all for a text with none (a
 * short one, often): its setup (the registers it saves, a parser, a memo)
 * is then never paid. */
#define RUN(i, find) /* the table's entry i is this recognizer */                      \
    do {                                                                              \
        if (st == POLISI_OK && recognizers[i].phase == phase &&                       \
            (recognizers[i].needs & mask))                                            \
            st = find(ctx);                                                           \
    } while (0)
#define RUN_WOKEN(i, find) /* the same, for a recognizer with a wake bit */            \
    do {                                                                              \
        if (st == POLISI_OK && recognizers[i].phase == phase &&                       \
            (recognizers[i].needs & mask)) {                                          \
            size_t first = polisi__next_wake(ctx->doc, 0, recognizers[i].wake_bit);   \
            if (first < ctx->doc->ntoks)                                              \
                st = find(ctx, first);                                                \
        }                                                                             \
    } while (0)
static polisi_status run_recognizers(polisi__ctx *ctx, unsigned mask, int phase) {
    polisi_status st = POLISI_OK;
    RUN_WOKEN(0, polisi__ranks_find);
    RUN_WOKEN(1, polisi__dates_find);
    RUN_WOKEN(2, polisi__times_find);
    RUN_WOKEN(3, polisi__titles_find);
    RUN_WOKEN(4, polisi__units_find);
    RUN_WOKEN(5, polisi__positions_find);
    RUN(6, polisi__persons_find);
    _Static_assert(NRECOGNIZERS == 7, "run_recognizers calls every recognizer");
    return st;
}
#undef RUN
#undef RUN_WOKEN

/* The types a call reports. */
static unsigned call_types(const polisi_extractor *ex, const polisi_call_options *options) {
    return ex->opts.types & (options && options->types ? options->types : POLISI_ALL_TYPES);
}

/* One call's work, into res (empty, with room for the text) with doc's
 * buffers (zeroed, or kept from an earlier call): scan -> recognize ->
 * resolve. The caller frees or keeps doc. */
static polisi_status extract(const polisi_extractor *ex, const char *text, size_t len,
                             const polisi_call_options *options, polisi_result *res,
                             polisi__doc *doc) {
    unsigned mask = call_types(ex, options);
    static const polisi_call_options no_options = {NULL, 0, 0, 0, 0, 0};
    if (!options)
        options = &no_options;
    /* The result's copy of the text is made after the scan, not before:
     * the caller's text is cold (a copy first stalls on it, 3% of the
     * time on the bench corpus), while the scan reads it once in order,
     * its cost hidden in the scan's work, and leaves it in cache for the
     * copy. The recognizers read the caller's text through the tokens;
     * what they keep of it they copy. */
    polisi_status st = polisi__scan_prefiltered(doc, text, len, &ex->opts.alloc,
                                                polisi__lexicon_prefilter(ex->lex));
    if (st == POLISI_OK) {
        if (len)
            memcpy(res->text, text, len);
        polisi__doc_guard_spare(doc);
        polisi__lexicon_classify(ex->lex, doc);
        polisi__ctx ctx = {ex, doc, res, options};
        st = run_recognizers(&ctx, mask, 1);
        if (st == POLISI_OK)
            st = polisi__result_resolve(res, POLISI_ALL_TYPES);
        if (st == POLISI_OK)
            st = run_recognizers(&ctx, mask, 2);
    }
    if (st == POLISI_OK)
        st = polisi__result_resolve(res, mask);
    if (st == POLISI_OK && res->count > res->max_entities)
        st = POLISI_ERR_LIMIT;
    return st;
}

polisi_status polisi_extract(const polisi_extractor *ex, const char *text, size_t len,
                             const polisi_call_options *options, polisi_result **out) {
    if (!out)
        return POLISI_ERR_INVALID_ARG;
    *out = NULL;
    if (!ex || (!text && len))
        return POLISI_ERR_INVALID_ARG;
    if (len > ex->opts.max_input)
        return POLISI_ERR_TOO_LARGE;
    polisi_result *res = polisi__result_new(&ex->opts.alloc, ex->opts.max_entities, len);
    if (!res)
        return POLISI_ERR_NOMEM;
    polisi__doc doc;
    memset(&doc, 0, sizeof doc);
    polisi_status st = extract(ex, text, len, options, res, &doc);
    polisi__doc_free(&doc);
    if (st != POLISI_OK) {
        polisi_result_free(res);
        return st;
    }
    *out = res;
    return POLISI_OK;
}

polisi_status polisi_extract_into(const polisi_extractor *ex, const char *text, size_t len,
                                  const polisi_call_options *options, polisi_result **result) {
    if (!result)
        return POLISI_ERR_INVALID_ARG;
    polisi_result *res = *result;
    if (!ex || (!text && len) || (res && res->alloc != &ex->opts.alloc))
        return POLISI_ERR_INVALID_ARG; /* *result untouched */
    polisi_status st = POLISI_ERR_TOO_LARGE;
    if (len <= ex->opts.max_input) {
        res = polisi__result_renew(res, &ex->opts.alloc, ex->opts.max_entities, len);
        st = res ? POLISI_OK : POLISI_ERR_NOMEM;
    }
    if (st == POLISI_OK) {
        polisi__doc_reuse(&res->kept);
        st = extract(ex, text, len, options, res, &res->kept);
    }
    if (st != POLISI_OK) {
        polisi_result_free(res);
        res = NULL;
    }
    *result = res;
    return st;
}
