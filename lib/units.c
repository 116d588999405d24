/*
 * units.c: Polri units (SPEC.md "unit"). Stub: filled in by issue 3.
 */
#include "internal.h"

polisi_status polisi__units_register(polisi__lexicon *lex) {
    (void)lex;
    return POLISI_OK;
}

polisi_status polisi__units_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
