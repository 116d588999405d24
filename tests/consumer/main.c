/*
 * A program that uses an *installed* polisi, built by tests/consumer/run.sh
 * once through pkg-config and once through find_package(polisi). It checks
 * that the headers, the library and the link flags fit together.
 */
#include <stdio.h>
#include <string.h>

#include <polisi.h>

int main(void)
{
    static const char text[] = "Kapolres Magetan AKBP MUSLIMIN";
    polisi_extractor *extractor = NULL;
    polisi_result *result = NULL;
    const char *json = NULL;
    size_t json_len = 0, i, ranks = 0;
    int failed = 1;
    polisi_status st;

    printf("polisi %s (header %s)\n", polisi_version(), POLISI_VERSION_STRING);
    if (strcmp(polisi_version(), POLISI_VERSION_STRING) != 0 ||
        polisi_version_number() != POLISI_VERSION_NUMBER) {
        fprintf(stderr, "consumer: the library and the header disagree on the version\n");
        return 1;
    }

    st = polisi_extractor_new(NULL, &extractor);
    if (st != POLISI_OK) {
        fprintf(stderr, "consumer: polisi_extractor_new: %s\n", polisi_strerror(st));
        return 1;
    }
    st = polisi_extract(extractor, text, sizeof text - 1, NULL, &result);
    if (st != POLISI_OK) {
        fprintf(stderr, "consumer: polisi_extract: %s\n", polisi_strerror(st));
        goto done;
    }
    for (i = 0; i < polisi_result_count(result); i++) {
        const polisi_entity *e = polisi_result_entity(result, i);
        const char *code = polisi_entity_string(e, POLISI_FIELD_CODE);
        if (polisi_entity_type(e) == POLISI_RANK && code != NULL && strcmp(code, "AKBP") == 0)
            ranks++;
    }
    st = polisi_result_json(result, "consumer", 8, POLISI_JSON_PRETTY, &json, &json_len);
    if (st != POLISI_OK || json == NULL || json_len != strlen(json)) {
        fprintf(stderr, "consumer: polisi_result_json: %s\n", polisi_strerror(st));
        goto done;
    }
    printf("%s\n", json);
    if (ranks == 0) {
        fprintf(stderr, "consumer: no rank entity with code AKBP\n");
        goto done;
    }
    failed = 0;
done:
    polisi_result_free(result);
    polisi_extractor_free(extractor);
    return failed;
}
