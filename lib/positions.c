/*
 * positions.c: Polri and TNI posts (SPEC.md "position"). Stub: filled in by issue 3.
 */
#include "internal.h"

polisi_status polisi__positions_register(polisi__lexicon *lex) {
    (void)lex;
    return POLISI_OK;
}

polisi_status polisi__positions_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
