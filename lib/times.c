/* times.c: times of day (SPEC.md "time"). */
#include "calendar.h"

/* The clock words and zones are in dates.def, registered by dates.c. */
polisi_status polisi__times_register(polisi__lexicon *lex) {
    (void)lex;
    return POLISI_OK;
}

polisi_status polisi__times_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
