/*
 * units.h: what units.c offers positions.c. A post names the unit it heads
 * ("Kapolres Magetan", "Kasat Reskrim Polres Bogor"), so the position
 * recognizer reads units with the same code the unit recognizer uses.
 */
#ifndef POLISI_UNITS_H
#define POLISI_UNITS_H

#include "internal.h"

/* Level words of units.def: LV_POLRI, LV_POLDA, LV_POLRES, ... */
enum polisi__unit_level_id {
#define LEVEL(id, ...) POLISI__LV_##id,
#include "units.def"
#undef LEVEL
    POLISI__LV_COUNT
};

enum polisi__province_id {
#define PROVINCE(id, ...) POLISI__PROV_##id,
#include "units.def"
#undef PROVINCE
    POLISI__PROV_COUNT
};

enum polisi__satker_id {
#define SATKER(id, ...) POLISI__SATKER_##id,
#include "units.def"
#undef SATKER
    POLISI__SATKER_COUNT
};

enum polisi__func_id {
#define FUNC(id, ...) POLISI__FUNC_##id,
#include "units.def"
#undef FUNC
    POLISI__FUNC_COUNT
};

/* The classes of the tokens a unit can start at: a level word, a functional
 * unit, a function word (read_bare_func) or a cue word of units.c
 * (unit_cues). */
#define POLISI__UNIT_START                                                                         \
    (POLISI__LEX_BIT(POLISI__LEX_UNIT) | POLISI__LEX_BIT(POLISI__LEX_SATKER) |                     \
     POLISI__LEX_BIT(POLISI__LEX_POS_FUNC) | POLISI__LEX_BIT(POLISI__LEX_CUE_UNIT))

/* A unit read from the tokens (nothing is emitted). */
typedef struct polisi__unit {
    size_t end;            /* the token after the unit */
    int level_id;          /* POLISI__LV_*, or -1 for a functional unit */
    int satker;            /* POLISI__SATKER_*, or -1 */
    const char *level;     /* SPEC.md fields; strings static or in the result's arena */
    const char *kind;
    const char *place;
    const char *canonical;
} polisi__unit;

/* Reads the unit that starts at token i. Returns 1 and fills *u when there
 * is one, 0 when not; on allocation failure returns 0 with *st set. */
int polisi__unit_read(polisi__ctx *ctx, size_t i, polisi__unit *u, polisi_status *st);

/* Reads the place that follows a level word at token i, as in "Kapolres
 * Magetan" (i at "Magetan", level POLISI__LV_POLRES): 1 and *u filled with
 * the unit "Polres Magetan" (u->end after the place), or 0. `caps`: the
 * level word was written in capitals, so capitals in the place are no sign
 * of an abbreviation. */
int polisi__unit_place(polisi__ctx *ctx, size_t i, int level_id, int caps, polisi__unit *u,
                       polisi_status *st);

/* Fills *u with the Polda of province `prov` (for "Kapoldasu"). */
void polisi__unit_polda(int prov, polisi__unit *u);

/* The table rows positions.c reads. */
typedef struct polisi__func_def {
    const char *short_name; /* "Reskrim": "Kasat Reskrim" */
    const char *glue;       /* "reskrimum": "Dirreskrimum"; NULL */
    const char *at_polsek, *at_polres, *at_polda;
    const char *variants;
} polisi__func_def;

extern const polisi__func_def polisi__funcs[POLISI__FUNC_COUNT];
/* The variants of province p, '|'-separated. */
const char *polisi__province_variants(int p);
/* The code of the post heading satker s ("Kabareskrim"), or NULL. */
const char *polisi__satker_head(int s);

/* Calls add(lex, phrase, ...) for every '|'-separated variant of `variants`;
 * a leading '~' or '@' sets bit 0 or bit 1 of the flags. */
polisi_status polisi__add_variants(polisi__lexicon *lex, const char *variants,
                                   polisi__lex_class cls, uint32_t value, uint8_t flags);

/* Token helpers shared by units.c and positions.c. */
/* A word with a capital first letter or in capitals (line breaks not checked). */
int polisi__tok_capital(const polisi__doc *doc, size_t i);
/* Token k can not be (part of) an unknown place name: not a capitalized
 * word on the line, a function word or verb-like word, a rank, title, date
 * word, unit or post; a province unless first. */
int polisi__stops_place(const polisi__ctx *ctx, size_t k, int first);
/* Token i's key is one of the n words of `words`, which are sorted
 * bytewise (strcmp): found by halves. 0 past the end. */
int polisi__key_in_sorted(const polisi__doc *doc, size_t i, const char *const *words, size_t n);

/* The filter of a sorted word list `list`, named list_filter: bit
 * polisi__hash(word) >> (32 - POLISI__WORD_FILTER_BITS) set for each word
 * (tools/gen_gazetteer.py --word-filter prints it). The lists are asked
 * of nearly every word of a place, which is seldom in them: a clear bit,
 * one load and a test on the hash the token carries, answers nine in ten
 * of those without the search and its mispredicted branches. */
#define POLISI__WORD_FILTER_BITS 11
#define POLISI__WORD_FILTER_WORDS ((1u << POLISI__WORD_FILTER_BITS) / 64)

static inline int polisi__key_in_filtered(const polisi__doc *doc, size_t i,
                                          const uint64_t *filter, const char *const *words,
                                          size_t n) {
    if (i >= doc->ntoks)
        return 0;
    uint32_t b = doc->toks[i].hash >> (32 - POLISI__WORD_FILTER_BITS);
    if (!((filter[b / 64] >> (b % 64)) & 1))
        return 0;
    return polisi__key_in_sorted(doc, i, words, n);
}
#define SORTED_IN(doc, i, list)                                                                    \
    polisi__key_in_filtered(doc, i, list##_filter, list, sizeof list / sizeof list[0])
/* 1 when words[0, n) are sorted bytewise, each once, and `filter` is
 * theirs: the check at creation of a list that SORTED_IN searches (a list
 * edited out of order or without its filter would miss words silently). */
int polisi__words_checked(const char *const *words, size_t n, const uint64_t *filter);
#define WORDS_CHECKED(list)                                                                        \
    polisi__words_checked(list, sizeof list / sizeof list[0], list##_filter)
/* Token k is a Roman numeral I..XVIII (any case). */
int polisi__tok_roman(const polisi__doc *doc, size_t k);

#endif /* POLISI_UNITS_H */
