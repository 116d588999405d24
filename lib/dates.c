/* dates.c: dates (SPEC.md "date"). */
#include "calendar.h"

polisi_status polisi__dates_register(polisi__lexicon *lex) { return polisi__calendar_register(lex); }

polisi_status polisi__dates_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
