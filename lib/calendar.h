/*
 * calendar.h: what dates.c and times.c share: the words of dates.def as
 * lexicon entries, and Gregorian calendar arithmetic. Private to lib/.
 */
#ifndef POLISI_CALENDAR_H
#define POLISI_CALENDAR_H

#include "internal.h"

/* What a word of dates.def is. */
enum dt_kind {
    DTK_NONE = 0,
    DTK_WEEKDAY,
    DTK_MONTH,
    DTK_RELDAY,
    DTK_HARI,
    DTK_TANGGAL,
    DTK_BULAN,
    DTK_TAHUN,
    DTK_MODIFIER,
    DTK_RANGE,
    DTK_PAST,
    DTK_NEXT,
    DTK_WEEK,
    DTK_NUMWORD,
    DTK_CLOCK,
    DTK_ZONE,
    DTK_UNTIL_DONE,
    DTK_DAYPART
};

/* Parts of the day, in the order of the day. */
enum dt_daypart { DP_DINI = 1, DP_SUBUH, DP_PAGI, DP_SIANG, DP_SORE, DP_PETANG, DP_MALAM, DP_MIDNIGHT };

/* Word flags (dates.def). */
enum {
    DTF_ABBR = 1u << 0,
    DTF_FOREIGN = 1u << 1,
    DTF_TYPO = 1u << 2
};

/* A date word found at a token. */
typedef struct dt_word {
    int kind;      /* enum dt_kind; DTK_NONE when no word */
    int num;       /* see dates.def */
    unsigned flags;
    size_t ntoks;  /* tokens it covers */
} dt_word;

/* Adds every word of dates.def to the lexicon. */
polisi_status polisi__calendar_register(polisi__lexicon *lex);

#define DTK_BIT(kind) (1u << (kind))
/* Adds the first word of every variant of the words of `kinds` (DTK_BIT
 * bits) as a cue of class `cue` (POLISI__LEX_CUE_DATE or _TIME): a token
 * without the cue bit starts no such word, and is skipped on one test. */
polisi_status polisi__calendar_register_cues(polisi__lexicon *lex, unsigned kinds,
                                             polisi__lex_class cue);
/* The same for the words of `kinds` whose flags (DTF_*) are all in
 * `flags`; with `one_word`, only the variants of one word. */
polisi_status polisi__calendar_register_cues_of(polisi__lexicon *lex, unsigned kinds,
                                                unsigned flags, int one_word,
                                                polisi__lex_class cue);

/* A lexicon value holds the kind and the number (which may be negative). */
#define DT_NUM_BIAS 1024
#define DT_KIND_SHIFT 16

/* The longest word of class `cls` (POLISI__LEX_DATEWORD or DAYPART) at
 * token i: its token count (0 when none, then w->kind is DTK_NONE).
 * Inline: on a token that starts no such word it is one bit test. */
static inline size_t polisi__dt_word(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                                     polisi__lex_class cls, dt_word *w) {
    const polisi__lex_entry *e;
    size_t n = polisi__lexicon_match(lex, doc, i, cls, &e);
    if (!n) {
        w->kind = DTK_NONE, w->num = 0, w->flags = 0, w->ntoks = 0;
        return 0;
    }
    w->kind = (int)(e->value >> DT_KIND_SHIFT);
    w->num = (int)(e->value & ((1u << DT_KIND_SHIFT) - 1)) - DT_NUM_BIAS;
    w->flags = e->flags;
    w->ntoks = n;
    return n;
}

/* Normalized Indonesian day names, 0 = "senin" .. 6 = "minggu". */
extern const char *const polisi__weekday_names[7];

/* Days in a month; year 0 (unknown) counts February as 29 days. Inline:
 * every date read checks its day with it. */
static inline int polisi__days_in_month(int year, int month) {
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month < 1 || month > 12)
        return 0;
    if (month == 2 && (year == 0 || (year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return days[month - 1];
}
/* Days since 1970-01-01 of a proleptic Gregorian day, and back. */
long polisi__days_from_civil(int year, int month, int day);
void polisi__civil_from_days(long days, int *year, int *month, int *day);
/* The weekday of a day, 0 = Monday .. 6 = Sunday. */
int polisi__weekday(int year, int month, int day);

/* ---- token tests shared by dates.c and times.c ---- */

/* The last date word looked up at a token (dates.c's dword): a try reads
 * the word at its start up to five times ("Januari": point_at,
 * written_date, month_point) and the word after a date again, so a
 * function reads the word it needs itself rather than be handed the one
 * its caller has just read. What the lexicon finds at a token does not
 * depend on the try, so it stays good for the whole document. i is
 * SIZE_MAX when none. */
typedef struct dt_memo {
    size_t i;
    size_t n;
    dt_word w;
} dt_memo;

/* The state of one try at a token. The document's arrays are copied in
 * so that each of the many token tests loads them with one step. */
typedef struct parser {
    const polisi__lexicon *lex;
    const polisi__doc *doc;
    const polisi__token *toks; /* doc->toks */
    const char *keys;          /* doc->keys */
    size_t ntoks;              /* doc->ntoks */
    size_t start;              /* the token a date or time is tried at */
    dt_memo *memo;             /* dates.c's, NULL in times.c */
} parser;

static inline parser parser_of(const polisi__lexicon *lex, const polisi__doc *doc) {
    parser p = {lex, doc, doc->toks, doc->keys, doc->ntoks, 0, NULL};
    return p;
}

/* Token i exists and is on the line of the token before it (or is the
 * token the try starts at): no date or time spans a line break. */
static inline int on_line(const parser *p, size_t i) {
    /* the flag first: it is nearly always clear */
    return i < p->ntoks && (!(p->toks[i].flags & POLISI__TF_LINE_BEFORE) || i == p->start);
}

static inline int punct_at(const parser *p, size_t i, char c) {
    return on_line(p, i) && polisi__tok_punct(p->doc, i, c);
}

static inline int word_at(const parser *p, size_t i, const char *s) {
    return on_line(p, i) && polisi__tok_is(p->doc, i, s);
}

/* No space between token i and the one before. */
static inline int glued(const parser *p, size_t i) {
    return i < p->ntoks && !(p->toks[i].flags & POLISI__TF_SPACE_BEFORE);
}

static inline int capitalized(const parser *p, size_t i) {
    return (p->toks[i].flags & (POLISI__TF_CAP | POLISI__TF_UPPER)) != 0;
}

/* A number token of at most maxlen digits on the line: its value, or -1. */
static inline int num_at(const parser *p, size_t i, unsigned minlen, unsigned maxlen) {
    if (!on_line(p, i) || p->toks[i].kind != POLISI__TOK_NUMBER)
        return -1;
    const polisi__token *t = &p->toks[i];
    if (t->key_len < minlen || t->key_len > maxlen)
        return -1;
    int v = 0;
    for (uint32_t k = 0; k < t->key_len && v < 100000000; k++) /* saturates */
        v = v * 10 + (p->keys[t->key + k] - '0');
    return v;
}

/* Writes v (0..99) as two digits, like "%02d"; returns the end. Values are
 * written per entity, where snprintf cost more than finding the entity;
 * a table of the pairs costs one load where dividing costs two multiplies. */
static inline char *put_2digits(char *b, int v) {
    static const char pairs[201] =
        "0001020304050607080910111213141516171819"
        "2021222324252627282930313233343536373839"
        "4041424344454647484950515253545556575859"
        "6061626364656667686970717273747576777879"
        "8081828384858687888990919293949596979899";
    memcpy(b, pairs + 2 * v, 2);
    return b + 2;
}

#endif /* POLISI_CALENDAR_H */
