/*
 * test_threads.c: one extractor shared by 8 threads must give, for every
 * document, byte-identical JSON to a single thread. Run it under
 * ThreadSanitizer (POLISI_TSAN=ON) to see that sharing races on nothing.
 *
 *   test_threads              the built-in texts only
 *   test_threads FILE.jsonl   the built-in texts and every record of FILE
 *                             ({"id", "text", "date"} per line, like the
 *                             corpus); exit 77 (skipped) when FILE is missing
 *
 * Each thread walks all documents from its own starting point, with its own
 * call options (reference date and type mask per document), ROUNDS times,
 * and compares each JSON with the single-thread reference. The same runs
 * once more through a custom allocator with atomic counters: every block
 * allocated by any thread is freed.
 */
#define _POSIX_C_SOURCE 200809L

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_reader.h"
#include "polisi.h"

#define THREADS 8
#define ROUNDS 3

typedef struct doc {
    char *id;
    char *text;
    size_t len;
    int has_ref, year, month, day;
    unsigned types; /* 0: every type */
    char *expect;   /* the single-thread JSON */
    size_t expect_len;
} doc;

static doc *docs;
static size_t ndocs, docs_cap;

static void die(const char *msg)
{
    fprintf(stderr, "test_threads: %s\n", msg);
    exit(1);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die("out of memory");
    return p;
}

static char *dup_bytes(const char *s, size_t n)
{
    char *p = xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

static void add_doc(const char *id, const char *text, size_t len, const char *date,
                    unsigned types)
{
    if (ndocs == docs_cap) {
        docs_cap = docs_cap ? docs_cap * 2 : 64;
        docs = realloc(docs, docs_cap * sizeof *docs);
        if (!docs)
            die("out of memory");
    }
    doc *d = &docs[ndocs++];
    memset(d, 0, sizeof *d);
    d->id = dup_bytes(id, strlen(id));
    d->text = dup_bytes(text, len);
    d->len = len;
    d->types = types;
    if (date && sscanf(date, "%4d-%2d-%2d", &d->year, &d->month, &d->day) == 3)
        d->has_ref = 1;
}

/* ---- the built-in texts ---- */

static const char NEWS[] =
    "Kapolres Magetan AKBP Yudha Pranata, S.I.K., M.H., bersama Wakapolres Kompol Heru "
    "Prasetyo meninjau pos pengamanan di Polsek Plaosan, Senin (05/11/2018) pukul 08.00 WIB.\n\n"
    "\"Kami siaga,\" kata Kasat Reskrim Polres Magetan Iptu Andreas Simanjuntak kemarin. "
    "Kapolda Jawa Timur Irjen Pol Drs. H. Machfud Arifin hadir pada 12-14 November 2018 "
    "bersama Dandim 0804 Letkol Inf Bambang, S.Sos. Selasa malam jam 7, Bripka MHM dan "
    "Brigadir J ditemui di Mapolda Jatim. Dr. H. Suprawoto, M.Si. (Bupati Magetan) menyebut "
    "Polri dan Kepolisian Resor Ngawi siap. Kabid Humas Polda Jatim Kombes Pol Frans Barung "
    "Mangera menyatakan AKP (Purn) Sukono, S.H. pensiun.\n";

static const char HOSTILE[] =
    "\xff\xfe Bripda\0Andi \xc0\xaf AKBP\xed\xa0\x80Yudha (05/11/2018\xe2\x82 pukul 25.99 "
    "\xef\xbc\xa1\xef\xbc\xab\xef\xbc\xa2\xef\xbc\xb0 Budi, S.H.\r\nKapolsek \xf0\x9f\x98";

static void builtin_docs(void)
{
    add_doc("news", NEWS, sizeof NEWS - 1, NULL, 0);
    add_doc("news+ref", NEWS, sizeof NEWS - 1, "2018-11-06", 0);
    add_doc("news ranks", NEWS, sizeof NEWS - 1, "2018-11-06", POLISI_TYPE_BIT(POLISI_RANK));
    add_doc("news persons", NEWS, sizeof NEWS - 1, NULL, POLISI_TYPE_BIT(POLISI_PERSON));
    add_doc("news dates", NEWS, sizeof NEWS - 1, "2019-01-01",
            POLISI_TYPE_BIT(POLISI_DATE) | POLISI_TYPE_BIT(POLISI_TIME));
    add_doc("hostile", HOSTILE, sizeof HOSTILE - 1, "2018-11-06", 0);
    add_doc("empty", "", 0, NULL, 0);
    /* a long document: the news 200 times (~150 KB) */
    size_t n = 200, ul = sizeof NEWS - 1;
    char *big = xmalloc(n * ul);
    for (size_t i = 0; i < n; i++)
        memcpy(big + i * ul, NEWS, ul);
    add_doc("news x200", big, n * ul, "2018-11-06", 0);
    free(big);
}

/* ---- a JSON Lines corpus ---- */

static int load_jsonl(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    char *line = NULL;
    size_t cap = 0, lineno = 0, before = ndocs;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        jr_value *v = NULL;
        char err[128];
        if (jr_parse(line, (size_t)n, &v, err, sizeof err) != 0) {
            fprintf(stderr, "%s:%zu: %s\n", path, lineno, err);
            die("bad JSON Lines input");
        }
        const jr_value *id = jr_get(v, "id"), *text = jr_get(v, "text"), *date = jr_get(v, "date");
        if (!text || text->kind != JR_STRING)
            die("a record without \"text\"");
        char idbuf[64];
        snprintf(idbuf, sizeof idbuf, "%s:%zu", path, lineno);
        add_doc(id && id->kind == JR_STRING ? id->str : idbuf, text->str, text->len,
                date && date->kind == JR_STRING ? date->str : NULL, 0);
        jr_free(v);
    }
    free(line);
    fclose(f);
    printf("test_threads: %zu documents from %s\n", ndocs - before, path);
    return 0;
}

/* ---- extraction ---- */

typedef struct out {
    char *data;
    size_t len, cap;
} out;

static int out_write(const char *data, size_t len, void *ud)
{
    out *o = ud;
    if (o->len + len > o->cap) {
        size_t cap = (o->len + len) * 2;
        char *p = realloc(o->data, cap);
        if (!p)
            return 1;
        o->data = p;
        o->cap = cap;
    }
    memcpy(o->data + o->len, data, len);
    o->len += len;
    return 0;
}

/* The JSON of document d; alternates by `which` the two writers, and
 * polisi_extract with polisi_extract_into refilling the thread's *mine.
 * 0 or -1. */
static int extract_json(const polisi_extractor *ex, const doc *d, int which, out *o,
                        polisi_result **mine)
{
    polisi_call_options *co = NULL;
    polisi_result *own = NULL, **rp = which ? mine : &own, *r;
    int rc = -1;
    o->len = 0;
    if (polisi_call_options_new(ex, &co) != POLISI_OK)
        return -1;
    if ((d->has_ref && polisi_call_options_set_ref_date(co, d->year, d->month, d->day)) ||
        (d->types && polisi_call_options_set_types(co, d->types)))
        goto done;
    if ((which ? polisi_extract_into(ex, d->text, d->len, co, rp)
               : polisi_extract(ex, d->text, d->len, co, rp)) != POLISI_OK)
        goto done;
    r = *rp;
    if (which) {
        const char *json = NULL;
        size_t jl = 0;
        if (polisi_result_json(r, d->id, strlen(d->id), 0, &json, &jl) != POLISI_OK ||
            out_write(json, jl, o))
            goto done;
    } else if (polisi_result_write_json(r, d->id, strlen(d->id), 0, out_write, o) != POLISI_OK) {
        goto done;
    }
    rc = 0;
done:
    polisi_result_free(own);
    polisi_call_options_free(co);
    return rc;
}

typedef struct job {
    const polisi_extractor *ex;
    size_t first;
    long errors, mismatches, done;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    out o = { NULL, 0, 0 };
    polisi_result *mine = NULL;
    for (int round = 0; round < ROUNDS; round++) {
        for (size_t k = 0; k < ndocs; k++) {
            const doc *d = &docs[(j->first + k) % ndocs];
            if (extract_json(j->ex, d, (int)((k + (size_t)round) & 1), &o, &mine) != 0)
                j->errors++;
            else if (o.len != d->expect_len || memcmp(o.data, d->expect, o.len) != 0)
                j->mismatches++;
            j->done++;
        }
    }
    free(o.data);
    polisi_result_free(mine);
    return NULL;
}

/* 8 threads over every document; 0 when every JSON matched. */
static int run_threads(const polisi_extractor *ex, const char *label)
{
    pthread_t tid[THREADS];
    job jobs[THREADS];
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (job){ ex, (size_t)i * ndocs / THREADS, 0, 0, 0 };
        if (pthread_create(&tid[i], NULL, worker, &jobs[i]) != 0)
            die("pthread_create failed");
    }
    long errors = 0, mismatches = 0, done = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(tid[i], NULL);
        errors += jobs[i].errors;
        mismatches += jobs[i].mismatches;
        done += jobs[i].done;
    }
    printf("test_threads: %s: %d threads, %ld extractions, %ld errors, %ld mismatches\n", label,
           THREADS, done, errors, mismatches);
    return errors || mismatches;
}

/* ---- a thread-safe counting allocator ---- */

static atomic_long live_blocks, total_allocs;

static void *a_malloc(size_t size, void *ud)
{
    (void)ud;
    void *p = malloc(size);
    if (p) {
        atomic_fetch_add(&live_blocks, 1);
        atomic_fetch_add(&total_allocs, 1);
    }
    return p;
}

static void *a_realloc(void *ptr, size_t size, void *ud)
{
    (void)ud;
    void *p = realloc(ptr, size);
    if (p && !ptr) {
        atomic_fetch_add(&live_blocks, 1);
        atomic_fetch_add(&total_allocs, 1);
    }
    return p;
}

static void a_free(void *ptr, void *ud)
{
    (void)ud;
    if (ptr)
        atomic_fetch_sub(&live_blocks, 1);
    free(ptr);
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    builtin_docs();
    int skipped = 0;
    if (argc > 1 && load_jsonl(argv[1]) != 0) {
        printf("test_threads: %s not found (no ../shared beside the checkout): the corpus part "
               "is skipped\n", argv[1]);
        skipped = 1;
    }
    if (skipped)
        return 77;

    polisi_extractor *ex = NULL;
    if (polisi_extractor_new(NULL, &ex) != POLISI_OK)
        die("extractor_new failed");
    out o = { NULL, 0, 0 };
    for (size_t i = 0; i < ndocs; i++) {
        if (extract_json(ex, &docs[i], 0, &o, NULL) != 0)
            die("single-thread extraction failed");
        docs[i].expect = dup_bytes(o.data ? o.data : "", o.len);
        docs[i].expect_len = o.len;
    }
    free(o.data);
    int bad = run_threads(ex, "default allocator");
    polisi_extractor_free(ex);

    polisi_options *opts = NULL;
    polisi_allocator a = { a_malloc, a_realloc, a_free, NULL };
    if (polisi_options_new(&opts) != POLISI_OK || polisi_options_set_allocator(opts, &a) != POLISI_OK ||
        polisi_extractor_new(opts, &ex) != POLISI_OK)
        die("extractor with a custom allocator failed");
    polisi_options_free(opts);
    bad |= run_threads(ex, "counting allocator");
    polisi_extractor_free(ex);
    long live = atomic_load(&live_blocks);
    printf("test_threads: counting allocator: %ld blocks, %ld not freed\n",
           atomic_load(&total_allocs), live);
    bad |= live != 0;

    for (size_t i = 0; i < ndocs; i++) {
        free(docs[i].id);
        free(docs[i].text);
        free(docs[i].expect);
    }
    free(docs);
    if (bad) {
        fprintf(stderr, "test_threads: FAILED\n");
        return 1;
    }
    printf("test_threads: every JSON byte-identical to the single-thread run\n");
    return 0;
}
