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

/* The longest word of class `cls` (POLISI__LEX_DATEWORD or DAYPART) at
 * token i: its token count (0 when none, then w->kind is DTK_NONE). */
size_t polisi__dt_word(const polisi__lexicon *lex, const polisi__doc *doc, size_t i,
                       polisi__lex_class cls, dt_word *w);

/* Normalized Indonesian day names, 0 = "senin" .. 6 = "minggu". */
extern const char *const polisi__weekday_names[7];

/* Days in a month; year 0 (unknown) counts February as 29 days. */
int polisi__days_in_month(int year, int month);
/* Days since 1970-01-01 of a proleptic Gregorian day, and back. */
long polisi__days_from_civil(int year, int month, int day);
void polisi__civil_from_days(long days, int *year, int *month, int *day);
/* The weekday of a day, 0 = Monday .. 6 = Sunday. */
int polisi__weekday(int year, int month, int day);

#endif /* POLISI_CALENDAR_H */
