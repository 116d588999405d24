/* persons.c: the person assembler (SPEC.md "person"). Stub; the assembler
 * follows. */
#include "internal.h"

polisi_status polisi__persons_register(polisi__lexicon *lex) {
    (void)lex;
    return POLISI_OK;
}

polisi_status polisi__persons_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
