/* titles.c: academic, religious, professional and honorary titles
 * (SPEC.md "title"). Stub; the recognizer follows. */
#include "internal.h"

polisi_status polisi__titles_register(polisi__lexicon *lex) {
    (void)lex;
    return POLISI_OK;
}

polisi_status polisi__titles_find(polisi__ctx *ctx) {
    (void)ctx;
    return POLISI_OK;
}
