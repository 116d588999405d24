/*
 * calendar.c: the words of dates.def in the lexicon, and Gregorian
 * calendar arithmetic for dates.c and times.c.
 */
#include <string.h>

#include "calendar.h"

typedef struct dt_def {
    polisi__lex_class cls;
    int kind, num;
    unsigned flags;
    const char *variants;
} dt_def;

static const dt_def words[] = {
#define DT(cls, kind, num, flags, variants) \
    {POLISI__LEX_##cls, DTK_##kind, num, flags, variants},
#include "dates.def"
#undef DT
};


polisi_status polisi__calendar_register(polisi__lexicon *lex) {
    char phrase[64];
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        const dt_def *d = &words[w];
        uint32_t value = ((uint32_t)d->kind << DT_KIND_SHIFT) | (uint32_t)(d->num + DT_NUM_BIAS);
        for (const char *p = d->variants; *p;) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            if (n == 0 || n >= sizeof phrase)
                return POLISI_ERR_INTERNAL;
            memcpy(phrase, p, n);
            phrase[n] = '\0';
            polisi_status st = polisi__lexicon_add(lex, phrase, d->cls, value, (uint8_t)d->flags);
            if (st != POLISI_OK)
                return st;
            p += n + (bar != NULL);
        }
    }
    return POLISI_OK;
}

polisi_status polisi__calendar_register_cues(polisi__lexicon *lex, unsigned kinds,
                                             polisi__lex_class cue) {
    return polisi__calendar_register_cues_of(lex, kinds, ~0u, 0, cue);
}

polisi_status polisi__calendar_register_cues_of(polisi__lexicon *lex, unsigned kinds,
                                                unsigned flags, int one_word,
                                                polisi__lex_class cue) {
    char word[64];
    for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
        const dt_def *d = &words[w];
        if (!(kinds & DTK_BIT(d->kind)) || (d->flags & ~flags))
            continue;
        /* The first word of every variant: the token its phrase starts at. */
        for (const char *p = d->variants; *p;) {
            const char *bar = strchr(p, '|');
            size_t n = bar ? (size_t)(bar - p) : strlen(p);
            size_t first = strcspn(p, " |");
            if (first == 0 || first >= sizeof word)
                return POLISI_ERR_INTERNAL;
            if (!one_word || first == n) {
                memcpy(word, p, first);
                word[first] = '\0';
                polisi_status st = polisi__lexicon_add(lex, word, cue, 0, 0);
                if (st != POLISI_OK)
                    return st;
            }
            p += n + (bar != NULL);
        }
    }
    return POLISI_OK;
}

const char *const polisi__weekday_names[7] = {"senin", "selasa", "rabu",  "kamis",
                                              "jumat", "sabtu",  "minggu"};

/* Howard Hinnant's days_from_civil / civil_from_days. */
long polisi__days_from_civil(int year, int month, int day) {
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void polisi__civil_from_days(long days, int *year, int *month, int *day) {
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long d = doy - (153 * mp + 2) / 5 + 1;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *year = (int)(yoe + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

int polisi__weekday(int year, int month, int day) {
    /* Sakamoto's rule, for the years of real dates (every written weekday
     * is checked with it): a table of month offsets instead of a count of
     * days. Its divisions round toward zero, so other years take the count. */
    if (year >= 1 && year <= 9999 && month >= 1 && month <= 12) {
        static const unsigned char month_off[12] = {0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4};
        int y = year - (month < 3);
        int sun0 = (y + y / 4 - y / 100 + y / 400 + month_off[month - 1] + day) % 7;
        return (sun0 + 6) % 7; /* 0 = Sunday there, 0 = Monday here */
    }
    long d = polisi__days_from_civil(year, month, day);
    /* 1970-01-01 was a Thursday (3 with Monday = 0). */
    return (int)(((d % 7) + 7 + 3) % 7);
}
