/*
 * replay.h: the main of a fuzz target built without libFuzzer. It feeds
 * LLVMFuzzerTestOneInput every file under the paths it is given (sorted,
 * recursively; dot files skipped), so that ctest replays the committed
 * corpus. Included once, by the target's own file.
 */
#ifndef POLISI_FUZZ_REPLAY_H
#define POLISI_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

static int replay_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    uint8_t *data = malloc(cap);
    size_t k;
    while (data && (k = fread(data + n, 1, cap - n, f)) > 0) {
        n += k;
        if (n == cap) {
            uint8_t *p = realloc(data, cap *= 2);
            if (!p)
                free(data);
            data = p;
        }
    }
    int bad = ferror(f) || !data;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: read error\n", path);
        free(data);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, n);
    free(data);
    replayed++;
    return 0;
}

static int name_cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A file, or every file under a directory (sorted, recursively; dot files
 * such as .gitignore are skipped). */
static int replay(const char *path) {
    struct stat sb;
    if (stat(path, &sb) != 0) {
        perror(path);
        return -1;
    }
    if (!S_ISDIR(sb.st_mode))
        return replay_file(path);
    DIR *d = opendir(path);
    if (!d) {
        perror(path);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            char **p = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof *names);
            if (!p) {
                rc = -1;
                break;
            }
            names = p;
        }
        size_t l = strlen(path) + strlen(de->d_name) + 2;
        names[n] = malloc(l);
        if (!names[n]) {
            rc = -1;
            break;
        }
        snprintf(names[n++], l, "%s/%s", path, de->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, name_cmp);
    for (size_t i = 0; i < n; i++) {
        if (rc == 0 && replay(names[i]) != 0)
            rc = -1;
        free(names[i]);
    }
    free(names);
    return rc;
}

/* Replays every path of argv; `done` (may be NULL) runs after the last
 * input, before the summary. 0 when every input was read and at least one
 * was found. */
static int replay_main(int argc, char **argv, const char *name, const char *outcome,
                       void (*done)(void)) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE-OR-DIR...\n(replays inputs of a polisi fuzzer)\n",
                argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (replay(argv[i]) != 0)
            rc = 1;
    if (done)
        done();
    printf("%s: %zu input(s) replayed, %s\n", name, replayed, outcome);
    if (replayed == 0) {
        fprintf(stderr, "%s: no input found\n", name);
        return 1;
    }
    return rc;
}

#endif /* POLISI_FUZZ_REPLAY_H */
