/*
 * bench.c: the throughput benchmark of libpolisi on real text.
 *
 *   polisi_bench [OPTIONS] [CORPUS.jsonl]
 *
 * The corpus (JSON Lines, {"id", "text", "date"?}; by default
 * ../shared/corpus/bench.jsonl beside the source tree) is read whole before
 * anything is timed; only the library calls are timed. Every figure is the
 * median of several samples, and the samples of all the cases are taken in
 * turn (case A, case B, ..., then again), so that a burst of load from other
 * processes on the machine hits every case alike.
 *
 * What is measured:
 *   - extract: polisi_extract() + polisi_result_free() over every article,
 *     one thread, every entity type;
 *   - extract + JSON: the same and polisi_result_write_json() into a sink
 *     that only counts bytes;
 *   - extract, result reused: polisi_extract_into() refilling one result,
 *     freed after the pass;
 *   - the same extract with 1..N threads sharing one extractor (articles
 *     handed out through an atomic counter);
 *   - the peer: one PCRE2-JIT scan of every rank form of lib/ranks.def as a
 *     single case-insensitive alternation with word boundaries (find-all,
 *     no UTF mode): the ceiling of a single regex pass over the same text;
 *   - extractor creation (median of --creation-runs);
 *   - peak RSS of the process (getrusage), corpus included;
 *   - with --per-type, extract with one entity type at a time (persons need
 *     every recognizer, so "person" runs them all).
 *
 * With --passes N it times nothing: N passes of the extract case, for a
 * profiler to count (bench/cycle_estimate.py).
 */
#define _POSIX_C_SOURCE 200809L
#define PCRE2_CODE_UNIT_WIDTH 8

#include <errno.h>
#include <getopt.h>
#include <pcre2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "json_reader.h"
#include "polisi.h"

#ifndef POLISI_BENCH_DEFAULT_CORPUS
#define POLISI_BENCH_DEFAULT_CORPUS "../shared/corpus/bench.jsonl"
#endif

#define MAX_RUNS 101
#define MAX_THREADS 64

/* ------------------------------------------------------------------------
 * Small helpers
 * ------------------------------------------------------------------------ */

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }

/* CPU time of the whole process (every thread): on a machine shared with
 * other work, time when the bench is not running does not count here. */
static double cpu_now(void) { return clock_s(CLOCK_PROCESS_CPUTIME_ID); }

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(const double *v, int n)
{
    double tmp[MAX_RUNS > 64 ? MAX_RUNS : 64];
    memcpy(tmp, v, (size_t)n * sizeof *v);
    qsort(tmp, (size_t)n, sizeof *tmp, cmp_double);
    return n % 2 ? tmp[n / 2] : (tmp[n / 2 - 1] + tmp[n / 2]) / 2;
}

static double minimum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        m = v[i] < m ? v[i] : m;
    return m;
}

static double maximum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        m = v[i] > m ? v[i] : m;
    return m;
}

static double loadavg(void)
{
    double l = -1;
    FILE *f = fopen("/proc/loadavg", "r");
    if (f) {
        if (fscanf(f, "%lf", &l) != 1)
            l = -1;
        fclose(f);
    }
    return l;
}

static void die(const char *fmt, const char *arg)
{
    fputs("polisi_bench: ", stderr);
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}

static void check(polisi_status st, const char *what)
{
    if (st < 0) {
        fprintf(stderr, "polisi_bench: %s: %s\n", what, polisi_strerror(st));
        exit(1);
    }
}

/* ------------------------------------------------------------------------
 * The corpus, loaded before any timing
 * ------------------------------------------------------------------------ */

typedef struct {
    char *text;
    size_t len;
    int has_date;
    char date[11];
} article;

typedef struct {
    article *docs;
    size_t n;
    size_t bytes;
} corpus;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        die("cannot open %s", path);
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            die("out of memory reading %s", path);
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap)
            break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (ferror(f))
        die("cannot read %s", path);
    fclose(f);
    *len = n;
    return buf;
}

static void add_article(corpus *c, size_t *cap, const jr_value *root)
{
    const jr_value *text = jr_get(root, "text"), *date = jr_get(root, "date");
    if (!text || text->kind != JR_STRING)
        return;
    if (c->n == *cap) {
        *cap = *cap ? *cap * 2 : 1024;
        c->docs = realloc(c->docs, *cap * sizeof *c->docs);
        if (!c->docs)
            die("out of memory%s", "");
    }
    article *a = &c->docs[c->n++];
    a->text = malloc(text->len + 1);
    if (!a->text)
        die("out of memory%s", "");
    memcpy(a->text, text->str, text->len + 1);
    a->len = text->len;
    a->has_date = date && date->kind == JR_STRING && date->len == 10;
    if (a->has_date)
        memcpy(a->date, date->str, 11);
    c->bytes += a->len;
}

/* Reads the first `limit` records (0: all) of a JSON Lines file. */
static void load_corpus(const char *path, size_t limit, corpus *c)
{
    size_t len, cap = 0;
    char *buf = read_file(path, &len);
    memset(c, 0, sizeof *c);
    for (size_t pos = 0; pos < len && (!limit || c->n < limit);) {
        char *nl = memchr(buf + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - buf) : len;
        jr_value *root = NULL;
        char msg[160];
        if (end > pos && jr_parse(buf + pos, end - pos, &root, msg, sizeof msg) == 0)
            add_article(c, &cap, root);
        jr_free(root);
        pos = end + 1;
    }
    free(buf);
    if (c->n == 0)
        die("no {\"text\": ...} records in %s", path);
}

/* ------------------------------------------------------------------------
 * The work of one pass
 * ------------------------------------------------------------------------ */

typedef struct {
    const corpus *c;
    const polisi_extractor *ex;
    polisi_call_options *call; /* single-threaded cases */
    int json;                  /* also write JSON */
    int reuse;                 /* polisi_extract_into, one result for the pass */
    size_t json_bytes;         /* of the last pass */
} extract_job;

static int count_sink(const char *data, size_t len, void *user_data)
{
    (void)data;
    *(size_t *)user_data += len;
    return 0;
}

/* Extracts article i: into *reused (job->reuse), else into a result of
 * its own, freed here. */
static void do_article(const extract_job *job, polisi_call_options *call, size_t i,
                       size_t *json_bytes, polisi_result **reused)
{
    const article *a = &job->c->docs[i];
    polisi_result *own = NULL, **r = job->reuse ? reused : &own;
    if (a->has_date)
        polisi_call_options_set_ref_date_iso(call, a->date, 10);
    else
        polisi_call_options_clear_ref_date(call);
    if (job->reuse)
        check(polisi_extract_into(job->ex, a->text, a->len, call, r), "polisi_extract_into");
    else
        check(polisi_extract(job->ex, a->text, a->len, call, r), "polisi_extract");
    if (job->json)
        check(polisi_result_write_json(*r, NULL, 0, 0, count_sink, json_bytes),
              "polisi_result_write_json");
    polisi_result_free(own);
}

static void pass_extract(void *ctx)
{
    extract_job *job = ctx;
    size_t json_bytes = 0;
    polisi_result *reused = NULL;
    for (size_t i = 0; i < job->c->n; i++)
        do_article(job, job->call, i, &json_bytes, &reused);
    polisi_result_free(reused);
    job->json_bytes = json_bytes;
}

/* Threads sharing one extractor: `reps` times the corpus per pass, handed
 * out one article at a time. */
typedef struct {
    extract_job *job;
    int threads;
    size_t reps;
    atomic_size_t next;
} thread_job;

static void *thread_main(void *arg)
{
    thread_job *tj = arg;
    polisi_call_options *call;
    size_t json_bytes = 0, total = tj->reps * tj->job->c->n;
    check(polisi_call_options_new(tj->job->ex, &call), "polisi_call_options_new");
    for (size_t k; (k = atomic_fetch_add(&tj->next, 1)) < total;)
        do_article(tj->job, call, k % tj->job->c->n, &json_bytes, NULL);
    polisi_call_options_free(call);
    return NULL;
}

static void pass_threads(void *ctx)
{
    thread_job *tj = ctx;
    pthread_t tid[MAX_THREADS];
    atomic_store(&tj->next, 0);
    for (int t = 0; t < tj->threads; t++)
        if (pthread_create(&tid[t], NULL, thread_main, tj) != 0)
            die("pthread_create failed%s", "");
    for (int t = 0; t < tj->threads; t++)
        pthread_join(tid[t], NULL);
}

/* ---- the PCRE2 peer ---- */

typedef struct {
    const corpus *c;
    pcre2_code *re;
    pcre2_match_data *md;
    size_t alternatives;
    size_t pattern_len;
    size_t matches; /* of the last pass */
} pcre2_job;

/* Every written form of every rank: codes and variants of lib/ranks.def. */
static const char *const rank_forms[] = {
#define RANK(id, code, name, force, group, grade, twin, tni_code, former_code, former_name, \
             variants)                                                                        \
    code, variants,
#include "ranks.def"
#undef RANK
};

static int longer_first(const void *a, const void *b)
{
    size_t x = strlen(*(char *const *)a), y = strlen(*(char *const *)b);
    return (y > x) - (y < x);
}

static int by_bytes(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Appends one character of a form: a space as \s+, the rest escaped. */
static size_t put_char(char *out, char ch)
{
    if (ch == ' ') {
        memcpy(out, "\\s+", 3);
        return 3;
    }
    size_t k = 0;
    if (strchr("\\^$.|?*+()[]{}#", ch))
        out[k++] = '\\';
    out[k++] = ch;
    return k;
}

/* The forms, lower case, without duplicates. */
static char **rank_form_list(size_t *count)
{
    size_t nforms = sizeof rank_forms / sizeof rank_forms[0], nalt = 0, cap = 0;
    for (size_t i = 0; i < nforms; i++)
        cap += strlen(rank_forms[i]) + 1;
    char **alt = calloc(cap, sizeof *alt);
    if (!alt)
        die("out of memory%s", "");
    for (size_t i = 0; i < nforms; i++) {
        for (const char *p = rank_forms[i]; p && *p;) {
            size_t n = strcspn(p, "|");
            const char *form = p + (*p == '~');
            size_t m = n - (size_t)(form - p);
            char *f = malloc(m + 1);
            if (!f)
                die("out of memory%s", "");
            for (size_t k = 0; k < m; k++)
                f[k] = (char)(form[k] >= 'A' && form[k] <= 'Z' ? form[k] + 32 : form[k]);
            f[m] = '\0';
            int dup = m == 0;
            for (size_t k = 0; k < nalt && !dup; k++)
                dup = strcmp(alt[k], f) == 0;
            if (dup)
                free(f);
            else
                alt[nalt++] = f;
            p += n + (p[n] == '|');
        }
    }
    *count = nalt;
    return alt;
}

/* \b(?:form|form|...)\b, longest first. `out` is big enough. */
static void flat_pattern(char **forms, size_t n, char *out)
{
    qsort(forms, n, sizeof *forms, longer_first);
    size_t k = (size_t)sprintf(out, "\\b(?:");
    for (size_t i = 0; i < n; i++) {
        if (i)
            out[k++] = '|';
        for (const char *c = forms[i]; *c; c++)
            k += put_char(out + k, *c);
    }
    strcpy(out + k, ")\\b");
}

/* The same set as a trie: forms[lo, hi) (sorted) share their first `depth`
 * bytes; a form that ends here makes the rest optional (greedy, so the
 * longest form still wins, as in the flat pattern). */
static size_t trie(char **forms, size_t lo, size_t hi, size_t depth, char *out)
{
    size_t k = 0, groups = 0;
    int ends = 0;
    for (size_t i = lo; i < hi; i++)
        ends |= forms[i][depth] == '\0';
    for (size_t i = lo + (size_t)ends; i < hi;) {
        size_t j = i;
        while (j < hi && forms[j][depth] == forms[i][depth])
            j++;
        groups++;
        i = j;
    }
    if (groups == 0)
        return 0;
    int paren = groups > 1 || ends;
    if (paren)
        k += (size_t)sprintf(out + k, "(?:");
    for (size_t i = lo + (size_t)ends, g = 0; i < hi; g++) {
        size_t j = i;
        while (j < hi && forms[j][depth] == forms[i][depth])
            j++;
        if (g)
            out[k++] = '|';
        k += put_char(out + k, forms[i][depth]);
        k += trie(forms, i, j, depth + 1, out + k);
        i = j;
    }
    if (paren)
        k += (size_t)sprintf(out + k, ")%s", ends ? "?" : "");
    return k;
}

static void trie_pattern(char **forms, size_t n, char *out)
{
    qsort(forms, n, sizeof *forms, by_bytes);
    size_t k = (size_t)sprintf(out, "\\b");
    k += trie(forms, 0, n, 0, out + k);
    strcpy(out + k, "\\b");
}

static pcre2_code *compile_jit(const char *pat)
{
    int err;
    PCRE2_SIZE erroff;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED, PCRE2_CASELESS, &err,
                                   &erroff, NULL);
    if (!re)
        die("cannot compile the rank alternation%s", "");
    if (pcre2_jit_compile(re, PCRE2_JIT_COMPLETE) != 0)
        die("PCRE2 JIT is not available%s", "");
    return re;
}

/* The flat alternation (`trie` 0) or the trie-shaped one (`trie` 1). */
static void pcre2_setup(pcre2_job *job, const corpus *c, int as_trie)
{
    memset(job, 0, sizeof *job);
    job->c = c;
    size_t n, size = 64;
    char **forms = rank_form_list(&n);
    for (size_t i = 0; i < n; i++)
        size += strlen(forms[i]) * 12 + 16;
    char *pat = malloc(size);
    if (!pat)
        die("out of memory%s", "");
    if (as_trie)
        trie_pattern(forms, n, pat);
    else
        flat_pattern(forms, n, pat);
    job->re = compile_jit(pat);
    job->md = pcre2_match_data_create_from_pattern(job->re, NULL);
    if (!job->md)
        die("out of memory%s", "");
    job->alternatives = n;
    job->pattern_len = strlen(pat);
    if (getenv("POLISI_BENCH_SHOW_PATTERN"))
        fprintf(stderr, "%s\n", pat);
    for (size_t i = 0; i < n; i++)
        free(forms[i]);
    free(forms);
    free(pat);
}

static void pass_pcre2(void *ctx)
{
    pcre2_job *job = ctx;
    size_t matches = 0;
    for (size_t i = 0; i < job->c->n; i++) {
        const article *a = &job->c->docs[i];
        PCRE2_SIZE off = 0;
        while (off < a->len) {
            int rc = pcre2_jit_match(job->re, (PCRE2_SPTR)a->text, a->len, off, 0, job->md, NULL);
            if (rc < 0)
                break;
            PCRE2_SIZE *ov = pcre2_get_ovector_pointer(job->md);
            matches++;
            off = ov[1] > off ? ov[1] : off + 1;
        }
    }
    job->matches = matches;
}

/* ------------------------------------------------------------------------
 * Cases and sampling
 * ------------------------------------------------------------------------ */

typedef struct {
    void (*pass)(void *);
    void *ctx;
    double bytes_per_pass, docs_per_pass;
    double mbps[MAX_RUNS];     /* by the wall clock */
    double cpu_mbps[MAX_RUNS]; /* by the CPU time of all threads */
} bench_case;

/* One sample: passes until min_time has gone by. */
static void sample(bench_case *bc, int r, double min_time)
{
    size_t passes = 0;
    double t0 = now(), c0 = cpu_now(), dt;
    do {
        bc->pass(bc->ctx);
        passes++;
        dt = now() - t0;
    } while (dt < min_time);
    double bytes = (double)passes * bc->bytes_per_pass;
    bc->mbps[r] = bytes / dt / 1e6;
    bc->cpu_mbps[r] = bytes / (cpu_now() - c0) / 1e6;
}

static void run_cases(bench_case *cases, int ncases, int runs, double min_time)
{
    for (int c = 0; c < ncases; c++) /* warm up: caches, page faults, lazy binding */
        cases[c].pass(cases[c].ctx);
    for (int r = 0; r < runs; r++)
        for (int c = 0; c < ncases; c++)
            sample(&cases[c], r, min_time);
}

static bench_case *add_case(bench_case *cases, int *n, void (*pass)(void *), void *ctx,
                           double bytes, double docs)
{
    bench_case *bc = &cases[(*n)++];
    memset(bc, 0, sizeof *bc);
    bc->pass = pass;
    bc->ctx = ctx;
    bc->bytes_per_pass = bytes;
    bc->docs_per_pass = docs;
    return bc;
}

static double aps(const bench_case *bc, double mbps)
{
    return mbps * 1e6 / bc->bytes_per_pass * bc->docs_per_pass;
}

static double creation_ms(const polisi_options *opts, int runs)
{
    double v[MAX_RUNS > 64 ? MAX_RUNS : 64];
    if (runs > (int)(sizeof v / sizeof v[0]))
        runs = (int)(sizeof v / sizeof v[0]);
    for (int i = 0; i < runs; i++) {
        polisi_extractor *ex;
        double t0 = now();
        check(polisi_extractor_new(opts, &ex), "polisi_extractor_new");
        v[i] = (now() - t0) * 1e3;
        polisi_extractor_free(ex);
    }
    return median(v, runs);
}

/* Entities per type in one pass over the corpus. */
static void count_entities(const polisi_extractor *ex, const corpus *c, size_t counts[8])
{
    polisi_call_options *call;
    check(polisi_call_options_new(ex, &call), "polisi_call_options_new");
    memset(counts, 0, 8 * sizeof *counts);
    for (size_t i = 0; i < c->n; i++) {
        polisi_result *r;
        if (c->docs[i].has_date)
            polisi_call_options_set_ref_date_iso(call, c->docs[i].date, 10);
        else
            polisi_call_options_clear_ref_date(call);
        check(polisi_extract(ex, c->docs[i].text, c->docs[i].len, call, &r), "polisi_extract");
        for (size_t k = 0; k < polisi_result_count(r); k++)
            counts[polisi_entity_type(polisi_result_entity(r, k)) & 7]++;
        polisi_result_free(r);
    }
    polisi_call_options_free(call);
}

/* ------------------------------------------------------------------------
 * Main
 * ------------------------------------------------------------------------ */

typedef struct {
    const char *corpus;
    int runs;
    double min_time;
    int threads;
    int creation_runs;
    int json;
    int per_type;
    int peer;
    size_t limit;
    unsigned types;
    int passes; /* --passes: no timing, this many passes of extract */
    int reuse;  /* --reuse: those passes with polisi_extract_into */
} settings;

static void usage(FILE *out)
{
    fputs("Usage: polisi_bench [OPTIONS] [CORPUS.jsonl]\n"
          "Measures libpolisi on a JSON Lines corpus ({\"id\", \"text\", \"date\"?} per line;\n"
          "default " POLISI_BENCH_DEFAULT_CORPUS ").\n"
          "\n"
          "  --runs N           samples per case; the median is reported (default 7)\n"
          "  --min-time S       seconds per sample at least (default 0.25)\n"
          "  --threads N        measure 1..N threads sharing one extractor (default 2)\n"
          "  --creation-runs N  extractor creations timed (default 20)\n"
          "  --limit N          only the first N articles\n"
          "  --types LIST       entity types of the main extractor (default all)\n"
          "  --per-type         also measure each entity type alone\n"
          "  --no-peer          skip the PCRE2-JIT rank alternation\n"
          "  --json             one JSON object instead of the table\n"
          "  --passes N         time nothing: N passes of extract over the corpus, then\n"
          "                     exit (for profilers: bench/cycle_estimate.py)\n"
          "  --reuse            those passes with polisi_extract_into, one result a pass\n"
          "  -h, --help         this help\n",
          out);
}

static void parse_args(int argc, char **argv, settings *s)
{
    enum {
        O_RUNS = 256, O_MIN, O_THREADS, O_CREATE, O_LIMIT, O_TYPES, O_PER, O_NOPEER, O_JSON,
        O_PASSES, O_REUSE
    };
    static const struct option lo[] = {
        {"runs", required_argument, NULL, O_RUNS},
        {"min-time", required_argument, NULL, O_MIN},
        {"threads", required_argument, NULL, O_THREADS},
        {"creation-runs", required_argument, NULL, O_CREATE},
        {"limit", required_argument, NULL, O_LIMIT},
        {"types", required_argument, NULL, O_TYPES},
        {"per-type", no_argument, NULL, O_PER},
        {"no-peer", no_argument, NULL, O_NOPEER},
        {"json", no_argument, NULL, O_JSON},
        {"passes", required_argument, NULL, O_PASSES},
        {"reuse", no_argument, NULL, O_REUSE},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int c;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        switch (c) {
        case O_RUNS: s->runs = atoi(optarg); break;
        case O_MIN: s->min_time = atof(optarg); break;
        case O_THREADS: s->threads = atoi(optarg); break;
        case O_CREATE: s->creation_runs = atoi(optarg); break;
        case O_LIMIT: s->limit = (size_t)strtoull(optarg, NULL, 10); break;
        case O_TYPES:
            if (polisi_types_parse(optarg, &s->types) < 0)
                die("bad --types '%s'", optarg);
            break;
        case O_PER: s->per_type = 1; break;
        case O_NOPEER: s->peer = 0; break;
        case O_JSON: s->json = 1; break;
        case O_PASSES: s->passes = atoi(optarg); break;
        case O_REUSE: s->reuse = 1; break;
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); exit(2);
        }
    }
    if (optind < argc)
        s->corpus = argv[optind];
    if (s->runs < 1 || s->runs > MAX_RUNS || s->threads < 1 || s->threads > MAX_THREADS ||
        s->creation_runs < 1 || s->min_time < 0 || s->passes < 0)
        die("an option is out of range%s", "");
}

static polisi_extractor *make_extractor(unsigned types)
{
    polisi_options *o;
    polisi_extractor *ex;
    check(polisi_options_new(&o), "polisi_options_new");
    check(polisi_options_set_types(o, types), "polisi_options_set_types");
    check(polisi_extractor_new(o, &ex), "polisi_extractor_new");
    polisi_options_free(o);
    return ex;
}

static const polisi_type all_types[] = {POLISI_RANK,     POLISI_TITLE, POLISI_UNIT,
                                        POLISI_POSITION, POLISI_DATE,  POLISI_TIME,
                                        POLISI_PERSON};
#define NTYPES 7

typedef struct {
    settings s;
    corpus c;
    double load_start, load_end;
    double creation;
    long rss_kb;
    size_t entities[8];
    size_t json_bytes;
    bench_case *extract, *extract_json, *extract_reuse, *threads[MAX_THREADS + 1], *per_type[NTYPES];
    bench_case *pcre2[2]; /* flat, trie */
    pcre2_job *pj[2];
} report;

#define MED(bc) median((bc)->mbps, r->s.runs)

/* The ceiling of one regex pass: the faster shape. */
static double pcre2_best(const report *r)
{
    double a = MED(r->pcre2[0]), b = MED(r->pcre2[1]);
    return a > b ? a : b;
}

static void print_case(const report *r, const char *label, const bench_case *bc)
{
    double m = MED(bc);
    printf("  %-34s %8.1f %11.0f %9.1f   [%.1f .. %.1f]\n", label, m, aps(bc, m),
           median(bc->cpu_mbps, r->s.runs), minimum(bc->mbps, r->s.runs),
           maximum(bc->mbps, r->s.runs));
}

static void print_table(const report *r)
{
    const settings *s = &r->s;
    printf("polisi %s bench: %s\n", polisi_version(), s->corpus);
    printf("  %zu articles, %.2f MB; median of %d samples of >= %.2f s each; "
           "load average %.2f -> %.2f\n",
           r->c.n, (double)r->c.bytes / 1e6, s->runs, s->min_time, r->load_start, r->load_end);
    printf("  MB/s and articles/s by the wall clock; CPU MB/s by the CPU time of the process\n"
           "  (all its threads), which leaves out the time other programs had the CPU\n\n");
    printf("  %-34s %8s %11s %9s   %s\n", "case", "MB/s", "articles/s", "CPU MB/s",
           "[min .. max MB/s]");
    print_case(r, "extract (1 thread)", r->extract);
    print_case(r, "extract + JSON (1 thread)", r->extract_json);
    print_case(r, "extract, result reused (1 thread)", r->extract_reuse);
    for (int t = 1; t <= s->threads; t++) {
        char label[64];
        snprintf(label, sizeof label, "extract, %d thread%s, one extractor", t, t > 1 ? "s" : "");
        print_case(r, label, r->threads[t]);
    }
    if (r->pcre2[0]) {
        print_case(r, "PCRE2-JIT rank alternation, flat", r->pcre2[0]);
        print_case(r, "PCRE2-JIT rank alternation, trie", r->pcre2[1]);
    }
    if (s->per_type)
        for (int k = 0; k < NTYPES; k++) {
            char label[64];
            snprintf(label, sizeof label, "extract --types %s", polisi_type_name(all_types[k]));
            print_case(r, label, r->per_type[k]);
        }
    printf("\n");
    for (int t = 2; t <= s->threads; t++)
        printf("  speedup, %d threads / 1 thread:      %.2fx\n", t,
               MED(r->threads[t]) / MED(r->threads[1]));
    if (r->pcre2[0]) {
        printf("  polisi extract / PCRE2 rank scan:   %.2fx   (the faster of flat and trie;\n"
               "                                      %zu rank forms, %zu matches)\n",
               MED(r->extract) / pcre2_best(r), r->pj[0]->alternatives, r->pj[0]->matches);
        if (r->pj[0]->matches != r->pj[1]->matches)
            printf("  WARNING: the flat and trie patterns found %zu and %zu matches\n",
                   r->pj[0]->matches, r->pj[1]->matches);
    }
    printf("  extractor creation:                 %.3f ms (median of %d)\n", r->creation,
           s->creation_runs);
    printf("  peak RSS of the bench:              %.1f MB (corpus included)\n",
           (double)r->rss_kb / 1024.0);
    printf("  JSON written per pass:              %.2f MB\n", (double)r->json_bytes / 1e6);
    printf("  entities:");
    for (int k = 0; k < NTYPES; k++)
        printf(" %s %zu", polisi_type_name(all_types[k]), r->entities[all_types[k]]);
    printf("\n");
}

static void json_case(const report *r, const char *key, const bench_case *bc, int last)
{
    double m = MED(bc);
    printf("\"%s\":{\"mbps\":%.3f,\"articles_per_s\":%.1f,\"cpu_mbps\":%.3f,"
           "\"min_mbps\":%.3f,\"max_mbps\":%.3f}%s",
           key, m, aps(bc, m), median(bc->cpu_mbps, r->s.runs), minimum(bc->mbps, r->s.runs),
           maximum(bc->mbps, r->s.runs), last ? "" : ",");
}

static void print_json(const report *r)
{
    const settings *s = &r->s;
    printf("{\"version\":\"%s\",\"corpus\":\"", polisi_version());
    for (const char *p = s->corpus; *p; p++)
        printf(*p == '"' || *p == '\\' ? "\\%c" : "%c", *p);
    printf("\",\"articles\":%zu,\"bytes\":%zu,\"runs\":%d,\"min_time\":%.3f,", r->c.n, r->c.bytes,
           s->runs, s->min_time);
    printf("\"loadavg_start\":%.2f,\"loadavg_end\":%.2f,", r->load_start, r->load_end);
    json_case(r, "extract", r->extract, 0);
    json_case(r, "extract_json", r->extract_json, 0);
    json_case(r, "extract_reuse", r->extract_reuse, 0);
    printf("\"threads\":{");
    for (int t = 1; t <= s->threads; t++) {
        char key[16];
        snprintf(key, sizeof key, "%d", t);
        json_case(r, key, r->threads[t], t == s->threads);
    }
    printf("},");
    if (s->threads >= 2)
        printf("\"speedup_2\":%.3f,", MED(r->threads[2]) / MED(r->threads[1]));
    if (r->pcre2[0]) {
        json_case(r, "pcre2_flat", r->pcre2[0], 0);
        json_case(r, "pcre2_trie", r->pcre2[1], 0);
        printf("\"pcre2_forms\":%zu,\"pcre2_matches\":[%zu,%zu],", r->pj[0]->alternatives,
               r->pj[0]->matches, r->pj[1]->matches);
        printf("\"ratio_pcre2\":%.3f,", MED(r->extract) / pcre2_best(r));
    }
    if (s->per_type) {
        printf("\"per_type\":{");
        for (int k = 0; k < NTYPES; k++)
            json_case(r, polisi_type_name(all_types[k]), r->per_type[k], k == NTYPES - 1);
        printf("},");
    }
    printf("\"entities\":{");
    for (int k = 0; k < NTYPES; k++)
        printf("\"%s\":%zu%s", polisi_type_name(all_types[k]), r->entities[all_types[k]],
               k == NTYPES - 1 ? "" : ",");
    printf("},\"json_bytes\":%zu,\"creation_ms\":%.4f,\"peak_rss_kb\":%ld}\n", r->json_bytes,
           r->creation, r->rss_kb);
}

/* --passes: the work of the "extract" case and nothing else, for a
 * profiler to count. The difference between a run of 2 passes and one of 1
 * is a pass without extractor creation or corpus loading. */
static int passes_only(corpus *c, unsigned types, int passes, int reuse)
{
    polisi_extractor *ex = make_extractor(types);
    extract_job job = {c, ex, NULL, 0, reuse, 0};
    check(polisi_call_options_new(ex, &job.call), "polisi_call_options_new");
    for (int p = 0; p < passes; p++)
        pass_extract(&job);
    polisi_call_options_free(job.call);
    polisi_extractor_free(ex);
    for (size_t i = 0; i < c->n; i++)
        free(c->docs[i].text);
    free(c->docs);
    return 0;
}

int main(int argc, char **argv)
{
    static report rep;
    report *r = &rep;
    settings *s = &r->s;
    *s = (settings){POLISI_BENCH_DEFAULT_CORPUS, 7, 0.25, 2, 20, 0, 0, 1, 0, POLISI_ALL_TYPES, 0, 0};
    parse_args(argc, argv, s);
    load_corpus(s->corpus, s->limit, &r->c);
    if (s->passes > 0)
        return passes_only(&r->c, s->types, s->passes, s->reuse);
    r->load_start = loadavg();

    polisi_options *opts;
    check(polisi_options_new(&opts), "polisi_options_new");
    check(polisi_options_set_types(opts, s->types), "polisi_options_set_types");
    r->creation = creation_ms(opts, s->creation_runs);
    polisi_options_free(opts);

    polisi_extractor *ex = make_extractor(s->types);
    count_entities(ex, &r->c, r->entities);

    bench_case cases[6 + MAX_THREADS + NTYPES];
    int n = 0;
    double bytes = (double)r->c.bytes, docs = (double)r->c.n;
    extract_job ej = {&r->c, ex, NULL, 0, 0, 0}, ejj = {&r->c, ex, NULL, 1, 0, 0},
                ejr = {&r->c, ex, NULL, 0, 1, 0};
    check(polisi_call_options_new(ex, &ej.call), "polisi_call_options_new");
    check(polisi_call_options_new(ex, &ejj.call), "polisi_call_options_new");
    check(polisi_call_options_new(ex, &ejr.call), "polisi_call_options_new");
    r->extract = add_case(cases, &n, pass_extract, &ej, bytes, docs);
    r->extract_json = add_case(cases, &n, pass_extract, &ejj, bytes, docs);
    r->extract_reuse = add_case(cases, &n, pass_extract, &ejr, bytes, docs);

    /* Threads: 4 corpus passes per sample pass, so that starting the
     * threads is noise. */
    static thread_job tj[MAX_THREADS + 1];
    for (int t = 1; t <= s->threads; t++) {
        tj[t].job = &ej;
        tj[t].threads = t;
        tj[t].reps = 4;
        r->threads[t] = add_case(cases, &n, pass_threads, &tj[t], 4 * bytes, 4 * docs);
    }
    pcre2_job pj[2];
    if (s->peer) {
        for (int k = 0; k < 2; k++) {
            pcre2_setup(&pj[k], &r->c, k);
            r->pj[k] = &pj[k];
            r->pcre2[k] = add_case(cases, &n, pass_pcre2, &pj[k], bytes, docs);
        }
    }
    polisi_extractor *tex[NTYPES] = {0};
    extract_job tjob[NTYPES];
    if (s->per_type) {
        for (int k = 0; k < NTYPES; k++) {
            tex[k] = make_extractor(POLISI_TYPE_BIT(all_types[k]));
            tjob[k] = (extract_job){&r->c, tex[k], NULL, 0, 0, 0};
            check(polisi_call_options_new(tex[k], &tjob[k].call), "polisi_call_options_new");
            r->per_type[k] = add_case(cases, &n, pass_extract, &tjob[k], bytes, docs);
        }
    }

    run_cases(cases, n, s->runs, s->min_time);
    r->json_bytes = ejj.json_bytes;
    r->load_end = loadavg();
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    r->rss_kb = ru.ru_maxrss;

    if (s->json)
        print_json(r);
    else
        print_table(r);

    for (int k = 0; k < NTYPES; k++) {
        if (tex[k]) {
            polisi_call_options_free(tjob[k].call);
            polisi_extractor_free(tex[k]);
        }
    }
    if (s->peer) {
        for (int k = 0; k < 2; k++) {
            pcre2_match_data_free(pj[k].md);
            pcre2_code_free(pj[k].re);
        }
    }
    polisi_call_options_free(ej.call);
    polisi_call_options_free(ejj.call);
    polisi_call_options_free(ejr.call);
    polisi_extractor_free(ex);
    for (size_t i = 0; i < r->c.n; i++)
        free(r->c.docs[i].text);
    free(r->c.docs);
    return fflush(stdout) == 0 ? 0 : 1;
}
