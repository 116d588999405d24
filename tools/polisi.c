/*
 * polisi.c: the command-line front end of libpolisi.
 *
 *   polisi [OPTIONS] [FILE...]          one JSON document per input
 *   polisi --jsonl [OPTIONS] [FILE...]  JSON Lines in, JSON Lines out
 *
 * All extraction logic is in the library; this file reads input, calls
 * polisi_extract() and writes JSON. The work on one record is done by
 * process_record(), which writes only into its slot's buffers and never to
 * stdout or stderr. With `-j N`, N worker threads share one extractor and
 * run it on a bounded ring of slots that the main thread fills (reading
 * input) and empties (writing results and messages) in input order, so
 * memory stays constant for a corpus of any size and output is the same as
 * with one thread.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "json_reader.h"
#include "polisi.h"

#define EXIT_USAGE 2
#define MAX_JOBS 256

/* ------------------------------------------------------------------------
 * Growable byte buffer
 * ------------------------------------------------------------------------ */

typedef struct {
    char *data;
    size_t len;
    size_t cap;
} strbuf;

static int sb_reserve(strbuf *b, size_t extra)
{
    if (extra <= b->cap - b->len)
        return 0;
    if (extra > (size_t)-1 / 2 - b->len)
        return -1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len < extra)
        cap *= 2;
    char *d = realloc(b->data, cap);
    if (!d)
        return -1;
    b->data = d;
    b->cap = cap;
    return 0;
}

static int sb_append(strbuf *b, const char *data, size_t len)
{
    if (sb_reserve(b, len) != 0)
        return -1;
    if (len > 0)
        memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

static int sb_puts(strbuf *b, const char *s)
{
    return sb_append(b, s, strlen(s));
}

static void sb_free(strbuf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

/* A polisi_write_fn that appends to a strbuf. */
static int sb_write_fn(const char *data, size_t len, void *user_data)
{
    return sb_append(user_data, data, len);
}

/* ------------------------------------------------------------------------
 * UTF-8 and JSON strings (for ids; entity JSON comes from the library)
 * ------------------------------------------------------------------------ */

/* The length of the valid UTF-8 sequence at s[0, n), or 0 when invalid
 * (overlong forms, surrogates and code points past U+10FFFF are invalid). */
static size_t utf8_seq_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    unsigned lo = 0x80, hi = 0xBF;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4;
    else
        return 0;
    if (c == 0xE0)
        lo = 0xA0;
    else if (c == 0xED)
        hi = 0x9F;
    else if (c == 0xF0)
        lo = 0x90;
    else if (c == 0xF4)
        hi = 0x8F;
    if (n < len || s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    }
    return len;
}

/* Appends s[0, n) with every invalid UTF-8 byte replaced by U+FFFD. */
static int put_valid_utf8(strbuf *b, const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq_len(u + i, n - i);
        if (k == 0) {
            if (sb_append(b, "\xEF\xBF\xBD", 3) != 0)
                return -1;
            i++;
        } else {
            if (sb_append(b, s + i, k) != 0)
                return -1;
            i += k;
        }
    }
    return 0;
}

/* Appends s[0, n) as a JSON string literal (valid UTF-8, U+FFFD for
 * invalid bytes). */
static int put_json_string(strbuf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t run = 0; /* start of the pending run of plain bytes */
    if (sb_append(b, "\"", 1) != 0)
        return -1;
    for (size_t i = 0; i <= n; i++) {
        unsigned char c = i < n ? (unsigned char)s[i] : 0;
        if (i < n && c >= 0x20 && c != '"' && c != '\\')
            continue;
        if (put_valid_utf8(b, s + run, i - run) != 0)
            return -1;
        run = i + 1;
        if (i == n)
            break;
        char esc[7] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], 0};
        const char *e = esc;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        default: break;
        }
        if (sb_puts(b, e) != 0)
            return -1;
    }
    return sb_append(b, "\"", 1);
}

/* ------------------------------------------------------------------------
 * Configuration, shared state and workers
 * ------------------------------------------------------------------------ */

typedef struct {
    unsigned types;       /* mask of POLISI_TYPE_BIT */
    int jsonl;            /* --jsonl */
    int pretty;           /* --pretty */
    const char *ref_date; /* --ref-date, or NULL */
    int jobs;             /* -j: worker threads; 1 = work in the main thread */
} config;

/* Read-only while records are processed: may be shared by threads. */
typedef struct {
    const config *cfg;
    const polisi_extractor *extractor;
} shared;

/* One per thread: its call options, its result and its output. */
typedef struct {
    polisi_call_options *call;
    /* Refilled for each record (polisi_extract_into), its memory reused.
     * With -j, it and `call` belong to the thread running the record. */
    polisi_result *result;
    strbuf out;     /* what to write to stdout for the record */
    strbuf scratch; /* temporary bytes (a sanitized id) */
    char err[1024]; /* the message when the record failed */
} worker;

/* One input: a whole document, or one line of JSON Lines. */
typedef struct {
    const char *source; /* the file name as given, "-" for stdin */
    size_t line;        /* JSON Lines: the line number; 0 for a document */
    const char *data;
    size_t len;
} record;

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 3, 4)))
#endif
static int record_error(worker *w, const record *rec, const char *fmt, ...)
{
    const char *name = strcmp(rec->source, "-") == 0 ? "<stdin>" : rec->source;
    int n = rec->line ? snprintf(w->err, sizeof w->err, "%s:%zu: ", name, rec->line)
                      : snprintf(w->err, sizeof w->err, "%s: ", name);
    if (n >= 0 && (size_t)n < sizeof w->err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(w->err + n, sizeof w->err - (size_t)n, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int worker_init(worker *w, const shared *sh)
{
    memset(w, 0, sizeof *w);
    return polisi_call_options_new(sh->extractor, &w->call);
}

static void worker_free(worker *w)
{
    polisi_call_options_free(w->call);
    polisi_result_free(w->result);
    sb_free(&w->out);
    sb_free(&w->scratch);
}

/* ------------------------------------------------------------------------
 * The work on one record
 * ------------------------------------------------------------------------ */

/* Sets the reference date of the call: the record's own (`date`, may be
 * NULL), else --ref-date, else none. */
static polisi_status apply_ref_date(const shared *sh, worker *w, const jr_value *date)
{
    if (date && date->kind == JR_STRING)
        return polisi_call_options_set_ref_date_iso(w->call, date->str, date->len);
    if (sh->cfg->ref_date) {
        const char *d = sh->cfg->ref_date;
        return polisi_call_options_set_ref_date_iso(w->call, d, strlen(d));
    }
    polisi_call_options_clear_ref_date(w->call);
    return POLISI_OK;
}

/* The longest text whose result is kept for the next record: a result
 * keeps about 15 bytes a byte of its largest text. */
#define REUSE_MAX (64u << 10)

/* Extracts into w->result, whose memory serves record after record; a
 * longer text gets a result of its own (polisi_extract gives the scan's
 * memory back before the JSON is written), freed after it (run_slot). */
static int extract(const shared *sh, worker *w, const record *rec, const char *text, size_t len)
{
    polisi_status st;
    if (len > REUSE_MAX) {
        polisi_result_free(w->result);
        w->result = NULL;
        st = polisi_extract(sh->extractor, text, len, w->call, &w->result);
    } else {
        st = polisi_extract_into(sh->extractor, text, len, w->call, &w->result);
    }
    if (st < 0)
        return record_error(w, rec, "extraction failed: %s", polisi_strerror(st));
    return 0;
}

/* A document: {"id": <file name>, "entities": [...]}. */
static int process_document(const shared *sh, worker *w, const record *rec)
{
    polisi_status st = apply_ref_date(sh, w, NULL);
    if (st < 0)
        return record_error(w, rec, "bad reference date: %s", polisi_strerror(st));
    if (extract(sh, w, rec, rec->data, rec->len) != 0)
        return -1;
    w->scratch.len = 0;
    unsigned flags = sh->cfg->pretty ? POLISI_JSON_PRETTY : 0u;
    if (put_valid_utf8(&w->scratch, rec->source, strlen(rec->source)) != 0)
        st = POLISI_ERR_NOMEM;
    else
        st = polisi_result_write_json(w->result, w->scratch.data ? w->scratch.data : "",
                                      w->scratch.len, flags, sb_write_fn, &w->out);
    if (st < 0 || sb_append(&w->out, "\n", 1) != 0)
        return record_error(w, rec, "cannot write JSON: %s",
                            polisi_strerror(st < 0 ? st : POLISI_ERR_NOMEM));
    return 0;
}

/* The id of a JSON Lines record, re-serialized: strings stay strings and
 * numbers stay numbers (as written). A missing id is null. */
static int put_id(worker *w, const record *rec, const jr_value *id)
{
    int r;
    if (!id)
        r = sb_puts(&w->out, "null");
    else if (id->kind == JR_STRING)
        r = put_json_string(&w->out, id->str, id->len);
    else if (id->kind == JR_NUMBER)
        r = sb_append(&w->out, id->str, id->len);
    else if (id->kind == JR_NULL || id->kind == JR_TRUE || id->kind == JR_FALSE)
        r = sb_puts(&w->out, jr_kind_name(id->kind));
    else
        return record_error(w, rec, "\"id\" is an %s, not a string or number",
                            jr_kind_name(id->kind));
    if (r != 0)
        return record_error(w, rec, "out of memory");
    return 0;
}

static int check_record(worker *w, const record *rec, const jr_value *root, const jr_value **text,
                        const jr_value **date)
{
    if (root->kind != JR_OBJECT)
        return record_error(w, rec, "not a JSON object but %s %s",
                            root->kind == JR_ARRAY ? "an" : "a", jr_kind_name(root->kind));
    *text = jr_get(root, "text");
    if (!*text || (*text)->kind != JR_STRING)
        return record_error(w, rec, "the record has no \"text\" string");
    *date = jr_get(root, "date");
    if (*date && (*date)->kind != JR_STRING && (*date)->kind != JR_NULL)
        return record_error(w, rec, "bad date: a string YYYY-MM-DD or null expected, not %s",
                            jr_kind_name((*date)->kind));
    return 0;
}

/* Writes {"id":...,"entities":[...]} and a newline into w->out. */
static int write_record(worker *w, const record *rec, const jr_value *id)
{
    if (sb_puts(&w->out, "{\"id\":") != 0)
        return record_error(w, rec, "out of memory");
    if (put_id(w, rec, id) != 0)
        return -1;
    polisi_status st = POLISI_ERR_NOMEM;
    if (sb_puts(&w->out, ",\"entities\":") == 0)
        st = polisi_result_write_json(w->result, NULL, 0, POLISI_JSON_ENTITIES_ONLY,
                                      sb_write_fn, &w->out);
    if (st < 0 || sb_puts(&w->out, "}\n") != 0)
        return record_error(w, rec, "cannot write JSON: %s",
                            polisi_strerror(st < 0 ? st : POLISI_ERR_NOMEM));
    return 0;
}

/* One line of JSON Lines: {"id", "text", "date"?, ...}. */
static int process_line(const shared *sh, worker *w, const record *rec)
{
    jr_value *root = NULL;
    const jr_value *text = NULL, *date = NULL;
    char msg[256];
    int r = -1;
    if (jr_parse(rec->data, rec->len, &root, msg, sizeof msg) != 0)
        return record_error(w, rec, "bad JSON: %s", msg);
    if (check_record(w, rec, root, &text, &date) != 0)
        goto done;
    polisi_status st = apply_ref_date(sh, w, date);
    if (st < 0) {
        record_error(w, rec, "bad date \"%.40s\": %s", date->str, polisi_strerror(st));
        goto done;
    }
    if (extract(sh, w, rec, text->str, text->len) != 0)
        goto done;
    r = write_record(w, rec, jr_get(root, "id"));
done:
    jr_free(root);
    return r;
}

/* The whole work on one record. On success w->out holds the bytes to write;
 * on failure w->err holds the message and w->out is to be dropped. Touches
 * nothing but `w`, so workers may run it in parallel. */
static int process_record(const shared *sh, worker *w, const record *rec)
{
    w->out.len = 0;
    w->err[0] = '\0';
    return sh->cfg->jsonl ? process_line(sh, w, rec) : process_document(sh, w, rec);
}

/* ------------------------------------------------------------------------
 * Output, in input order
 * ------------------------------------------------------------------------ */

/* The progress line (--jsonl, standard error a terminal). */
typedef struct {
    int on;
    double start, last; /* seconds */
    size_t records;
    unsigned long long bytes;
    int shown; /* a line is on the screen */
} progress;

/* Totals of one run. */
typedef struct {
    int failed;      /* an input or record was skipped */
    int write_error; /* stdout failed: stop */
    progress prog;
} run_state;

static double seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Wipes the progress line, so that a message starts on a clean line. */
static void progress_clear(run_state *rs)
{
    if (rs->prog.shown) {
        fputs("\r\033[K", stderr);
        rs->prog.shown = 0;
    }
}

static void progress_show(run_state *rs, int final)
{
    progress *p = &rs->prog;
    if (!p->on)
        return;
    double t = seconds();
    if (!final && t - p->last < 0.25)
        return;
    p->last = t;
    double mb = (double)p->bytes / 1e6, dt = t - p->start;
    fprintf(stderr, "\r\033[Kpolisi: %zu records, %.1f MB, %.1f s, %.1f MB/s", p->records, mb, dt,
            dt > 0 ? mb / dt : 0.0);
    p->shown = 1;
    if (final) {
        fputc('\n', stderr);
        p->shown = 0;
    }
}

static void write_error(run_state *rs)
{
    if (!rs->write_error) {
        progress_clear(rs);
        fprintf(stderr, "polisi: write error on standard output: %s\n", strerror(errno));
    }
    rs->write_error = 1;
    rs->failed = 1;
}

/* Writes one processed record (or its message) in input order. */
static void emit(run_state *rs, const worker *w, int status, size_t in_bytes)
{
    rs->prog.records++;
    rs->prog.bytes += in_bytes;
    if (status != 0) {
        progress_clear(rs);
        fprintf(stderr, "polisi: %s\n", w->err);
        rs->failed = 1;
    } else if (w->out.len > 0 && fwrite(w->out.data, 1, w->out.len, stdout) != w->out.len) {
        write_error(rs);
    }
    progress_show(rs, 0);
}

/* ------------------------------------------------------------------------
 * The ring of slots and the worker threads (-j N)
 *
 * The main thread takes the free slot at `tail`, reads a record into it
 * and publishes it; workers take published slots in order (`next`) and
 * process them; the main thread writes finished slots from `head` on, in
 * input order, and frees them. head <= next <= tail <= head + nslots, as
 * counters that only grow. When the ring is full, the main thread sleeps
 * until the older half of it is done and then writes that half at once:
 * one wake-up per nslots/2 records, not one per record. With no threads
 * (-j 1), a published slot is processed at once in the main thread.
 * ------------------------------------------------------------------------ */

typedef struct {
    record rec;
    strbuf in; /* the record's bytes */
    worker w;  /* its output and message; w.call and w.result belong to the thread */
    int status;
    int done;
} slot;

typedef struct {
    const shared *sh;
    run_state *rs;
    slot *slots;
    size_t nslots;
    size_t head, next, tail;
    size_t want;  /* the main thread sleeps until slots [head, want) are done */
    int waiting;  /* ... and is asleep on `ready` */
    int idle;     /* workers asleep on `work` */
    int closing;
    int locks;    /* mu, work and ready are initialized */
    int nthreads;
    pthread_t *threads;
    polisi_call_options *main_call; /* -j 1 */
    polisi_result *main_result;
    pthread_mutex_t mu;
    pthread_cond_t work;  /* a slot was published, or closing */
    pthread_cond_t ready; /* slots [head, want) are done */
} pool;

/* A slot's buffers past this size are freed once written, so one huge
 * record does not keep its memory for the rest of the run. */
#define SLOT_KEEP (1u << 20)

/* Runs a record with the thread's call options and result; the result of
 * a text longer than REUSE_MAX is freed, for the same reason. */
static void run_slot(const shared *sh, slot *s, polisi_call_options *call,
                     polisi_result **result)
{
    s->w.call = call;
    s->w.result = *result;
    s->status = process_record(sh, &s->w, &s->rec);
    *result = s->w.result;
    s->w.result = NULL;
    if (s->rec.len > REUSE_MAX) {
        polisi_result_free(*result);
        *result = NULL;
    }
}

/* Slots [head, want) are all done. Under the lock. */
static int wanted_done(const pool *p)
{
    for (size_t i = p->head; i < p->want; i++)
        if (!p->slots[i % p->nslots].done)
            return 0;
    return 1;
}

static void *worker_main(void *arg)
{
    pool *p = arg;
    polisi_call_options *call = NULL;
    polisi_result *result = NULL;
    int ok = polisi_call_options_new(p->sh->extractor, &call) >= 0;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (p->next == p->tail && !p->closing) {
            p->idle++;
            pthread_cond_wait(&p->work, &p->mu);
            p->idle--;
        }
        if (p->next == p->tail)
            break;
        slot *s = &p->slots[p->next++ % p->nslots];
        pthread_mutex_unlock(&p->mu);
        if (ok) {
            run_slot(p->sh, s, call, &result);
        } else {
            snprintf(s->w.err, sizeof s->w.err, "out of memory");
            s->status = -1;
        }
        pthread_mutex_lock(&p->mu);
        s->done = 1;
        if (p->waiting && wanted_done(p)) /* a signal is a system call: only when due */
            pthread_cond_signal(&p->ready);
    }
    pthread_mutex_unlock(&p->mu);
    polisi_call_options_free(call);
    polisi_result_free(result);
    return NULL;
}

static void slot_recycle(slot *s)
{
    if (s->in.cap > SLOT_KEEP)
        sb_free(&s->in);
    if (s->w.out.cap > SLOT_KEEP)
        sb_free(&s->w.out);
    if (s->w.scratch.cap > SLOT_KEEP)
        sb_free(&s->w.scratch);
}

static void pool_free(pool *p);

/* Starts `jobs` workers (none for 1). Returns 0, or -1 (message printed). */
static int pool_init(pool *p, const shared *sh, run_state *rs, int jobs)
{
    memset(p, 0, sizeof *p);
    p->sh = sh;
    p->rs = rs;
    p->nslots = jobs > 1 ? 16 * (size_t)jobs : 1;
    p->slots = calloc(p->nslots, sizeof *p->slots);
    p->threads = calloc((size_t)jobs, sizeof *p->threads);
    if (!p->slots || !p->threads || polisi_call_options_new(sh->extractor, &p->main_call) < 0 ||
        pthread_mutex_init(&p->mu, NULL) != 0) {
        fprintf(stderr, "polisi: out of memory\n");
        pool_free(p);
        return -1;
    }
    pthread_cond_init(&p->work, NULL);
    pthread_cond_init(&p->ready, NULL);
    p->locks = 1;
    for (int t = 0; jobs > 1 && t < jobs; t++) {
        int err = pthread_create(&p->threads[t], NULL, worker_main, p);
        if (err != 0) {
            fprintf(stderr, "polisi: cannot start a thread: %s\n", strerror(err));
            pool_free(p);
            return -1;
        }
        p->nthreads = t + 1;
    }
    return 0;
}

/* Writes the slots [head, until), all done, and frees them. Without the
 * lock: workers only touch slots in [next, tail), and until <= next. */
static void pool_write(pool *p, size_t until)
{
    for (size_t i = p->head; i < until; i++) {
        slot *s = &p->slots[i % p->nslots];
        if (!p->rs->write_error) /* after a write error, as with -j 1, nothing more */
            emit(p->rs, &s->w, s->status, s->rec.len);
        slot_recycle(s);
    }
    pthread_mutex_lock(&p->mu);
    p->head = until;
    pthread_mutex_unlock(&p->mu);
}

/* Waits until at most `keep` slots are in flight, then writes every slot
 * that is done from the head on. */
static void pool_flush(pool *p, size_t keep)
{
    pthread_mutex_lock(&p->mu);
    if (p->tail - p->head > keep) {
        p->want = p->tail - keep;
        while (!wanted_done(p)) {
            p->waiting = 1;
            pthread_cond_wait(&p->ready, &p->mu);
            p->waiting = 0;
        }
    }
    size_t until = p->head;
    while (until < p->tail && p->slots[until % p->nslots].done)
        until++;
    pthread_mutex_unlock(&p->mu);
    if (until > p->head)
        pool_write(p, until);
}

/* Writes everything in flight, in order: before a message of the main
 * thread, and at the end. */
static void pool_drain(pool *p)
{
    pool_flush(p, 0);
}

/* The slot the next record is read into (free until pool_submit). When
 * the ring is full, waits for its older half. */
static slot *pool_slot(pool *p)
{
    if (p->tail - p->head == p->nslots)
        pool_flush(p, p->nslots / 2);
    return &p->slots[p->tail % p->nslots];
}

/* Publishes the slot from pool_slot, holding `rec`. */
static void pool_submit(pool *p, const record *rec)
{
    slot *s = &p->slots[p->tail % p->nslots];
    s->rec = *rec;
    s->done = 0;
    if (p->nthreads == 0) {
        run_slot(p->sh, s, p->main_call, &p->main_result);
        s->done = 1;
        p->tail++;
        pool_write(p, p->tail);
        return;
    }
    pthread_mutex_lock(&p->mu);
    p->tail++;
    if (p->idle > 0)
        pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
}

/* Stops the workers (after the records in flight) and frees everything. */
static void pool_free(pool *p)
{
    if (p->locks) {
        pthread_mutex_lock(&p->mu);
        p->closing = 1;
        pthread_cond_broadcast(&p->work);
        pthread_mutex_unlock(&p->mu);
        for (int t = 0; t < p->nthreads; t++)
            pthread_join(p->threads[t], NULL);
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->work);
        pthread_cond_destroy(&p->ready);
    }
    for (size_t i = 0; p->slots && i < p->nslots; i++) {
        sb_free(&p->slots[i].in);
        p->slots[i].w.call = NULL;
        worker_free(&p->slots[i].w);
    }
    polisi_call_options_free(p->main_call);
    polisi_result_free(p->main_result);
    free(p->slots);
    free(p->threads);
    memset(p, 0, sizeof *p);
}

/* ------------------------------------------------------------------------
 * Input
 * ------------------------------------------------------------------------ */

static const char *display_name(const char *name)
{
    return strcmp(name, "-") == 0 ? "<stdin>" : name;
}

/* Reads a whole stream (binary-safe). */
static int read_all(FILE *f, strbuf *b)
{
    b->len = 0;
    for (;;) {
        if (sb_reserve(b, 65536) != 0) {
            errno = ENOMEM;
            return -1;
        }
        size_t n = fread(b->data + b->len, 1, b->cap - b->len, f);
        b->len += n;
        if (n == 0)
            return ferror(f) ? -1 : 0;
    }
}

/* Opens an input; a message (after everything before it) when it fails. */
static FILE *open_input(pool *p, const char *name)
{
    if (strcmp(name, "-") == 0)
        return stdin;
    FILE *f = fopen(name, "rb");
    if (!f) {
        int err = errno;
        pool_drain(p);
        progress_clear(p->rs);
        fprintf(stderr, "polisi: %s: cannot open: %s\n", name, strerror(err));
        p->rs->failed = 1;
    }
    return f;
}

static void close_input(FILE *f)
{
    if (f == stdin)
        clearerr(stdin);
    else
        fclose(f);
}

static void run_document(pool *p, const char *name)
{
    FILE *f = open_input(p, name);
    if (!f)
        return;
    slot *s = pool_slot(p);
    if (read_all(f, &s->in) != 0) {
        int err = errno;
        pool_drain(p);
        progress_clear(p->rs);
        fprintf(stderr, "polisi: %s: cannot read: %s\n", display_name(name), strerror(err));
        p->rs->failed = 1;
    } else {
        record rec = {name, 0, s->in.data ? s->in.data : "", s->in.len};
        pool_submit(p, &rec);
    }
    close_input(f);
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
            return 0;
    }
    return 1;
}

/* JSON Lines, one record per line, in order. Blank lines are skipped. Each
 * line is read straight into its slot. */
static void run_jsonl(pool *p, const char *name)
{
    size_t lineno = 0;
    ssize_t n;
    FILE *f = open_input(p, name);
    if (!f)
        return;
    errno = 0;
    for (;;) {
        if (p->rs->write_error)
            break;
        slot *s = pool_slot(p);
        if ((n = getline(&s->in.data, &s->in.cap, f)) < 0)
            break;
        lineno++;
        if (blank(s->in.data, (size_t)n))
            continue;
        s->in.len = (size_t)n;
        record rec = {name, lineno, s->in.data, (size_t)n};
        pool_submit(p, &rec);
        errno = 0;
    }
    if (ferror(f)) {
        int err = errno ? errno : EIO;
        pool_drain(p);
        progress_clear(p->rs);
        fprintf(stderr, "polisi: %s: read error after line %zu: %s\n", display_name(name), lineno,
                strerror(err));
        p->rs->failed = 1;
    }
    close_input(f);
}

/* ------------------------------------------------------------------------
 * Command line
 * ------------------------------------------------------------------------ */

enum { OPT_JSONL = 256, OPT_REF_DATE, OPT_TYPES, OPT_PRETTY, OPT_JOBS };

static void usage(FILE *out)
{
    fputs("Usage: polisi [OPTIONS] [FILE...]\n"
          "Find police ranks, titles, units, positions, dates, times and persons in\n"
          "Indonesian news text and write them as JSON with byte offsets.\n"
          "\n"
          "Each FILE (or standard input when there is none, or for \"-\") is one\n"
          "document, read whole; for each, one JSON object is written:\n"
          "  {\"id\": FILE, \"entities\": [...]}   (\"-\" for standard input)\n"
          "\n"
          "Options:\n"
          "      --jsonl          read JSON Lines instead: one {\"id\", \"text\", \"date\"}\n"
          "                       record per line (other fields are ignored), and write\n"
          "                       one {\"id\", \"entities\"} line per record, in order\n"
          "      --ref-date DATE  reference (publication) date YYYY-MM-DD for dates\n"
          "                       without a year and relative days; a record's \"date\"\n"
          "                       overrides it\n"
          "      --types LIST     report only these types, comma-separated: rank,\n"
          "                       title, unit, position, date, time, person, or all\n"
          "      --pretty         indent the JSON (not with --jsonl)\n"
          "  -j, --jobs N         extract on N threads sharing one extractor (default 1;\n"
          "                       0: one per CPU); output stays in input order, and\n"
          "                       memory stays bounded for input of any size\n"
          "  -h, --help           show this help and exit\n"
          "  -V, --version        show the version and exit\n"
          "\n"
          "With --jsonl, a progress line is shown on standard error when it is a\n"
          "terminal (never in a pipe or a file).\n"
          "\n"
          "Exit status: 0 when every input was processed; 1 when an input or record\n"
          "was skipped (its message is on standard error) or output failed; 2 for a\n"
          "usage error.\n",
          out);
}

#if defined(__GNUC__) || defined(__clang__)
__attribute__((format(printf, 1, 2)))
#endif
static int usage_error(const char *fmt, ...)
{
    va_list ap;
    fputs("polisi: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\nTry 'polisi --help' for more information.\n", stderr);
    return EXIT_USAGE;
}

static int check_ref_date(const char *d)
{
    if (strlen(d) != 10)
        return -1;
    for (int i = 0; i < 10; i++) {
        int digit = d[i] >= '0' && d[i] <= '9';
        if ((i == 4 || i == 7) ? d[i] != '-' : !digit)
            return -1;
    }
    return 0;
}

/* -j N: 1..MAX_JOBS, or 0 for one per online CPU. */
static int parse_jobs(const char *arg, int *jobs)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (errno || end == arg || *end || n < 0 || n > MAX_JOBS)
        return -1;
    if (n == 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        n = cpus < 1 ? 1 : cpus > MAX_JOBS ? MAX_JOBS : cpus;
    }
    *jobs = (int)n;
    return 0;
}

/* Parses the options. Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, config *cfg)
{
    static const struct option longopts[] = {
        {"jsonl", no_argument, NULL, OPT_JSONL},
        {"ref-date", required_argument, NULL, OPT_REF_DATE},
        {"types", required_argument, NULL, OPT_TYPES},
        {"pretty", no_argument, NULL, OPT_PRETTY},
        {"jobs", required_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":hVj:", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_JSONL: cfg->jsonl = 1; break;
        case OPT_PRETTY: cfg->pretty = 1; break;
        case OPT_REF_DATE:
            if (check_ref_date(optarg) != 0)
                return usage_error("bad --ref-date '%s': expected YYYY-MM-DD", optarg);
            cfg->ref_date = optarg;
            break;
        case OPT_TYPES:
            if (polisi_types_parse(optarg, &cfg->types) < 0)
                return usage_error("bad --types '%s': expected a comma-separated list of rank, "
                                   "title, unit, position, date, time, person or all",
                                   optarg);
            break;
        case 'j':
            if (parse_jobs(optarg, &cfg->jobs) != 0)
                return usage_error("bad --jobs '%s': expected a number of threads, 0 to %d "
                                   "(0: one per CPU)",
                                   optarg, MAX_JOBS);
            break;
        case 'h': usage(stdout); return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        case 'V':
            printf("polisi %s\n", polisi_version());
            return fflush(stdout) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
        case ':': return usage_error("option '%s' needs an argument", argv[optind - 1]);
        default:
            if (optopt)
                return usage_error("unknown option '-%c'", optopt);
            return usage_error("unknown option '%s'", argv[optind - 1]);
        }
    }
    if (cfg->jsonl && cfg->pretty)
        return usage_error("--pretty cannot be used with --jsonl (JSON Lines are one line each)");
    return -1;
}

static int build_extractor(const config *cfg, polisi_extractor **out)
{
    polisi_options *opts = NULL;
    polisi_status st = polisi_options_new(&opts);
    if (st >= 0)
        st = polisi_options_set_types(opts, cfg->types);
    if (st >= 0)
        st = polisi_extractor_new(opts, out);
    polisi_options_free(opts);
    if (st < 0) {
        fprintf(stderr, "polisi: cannot build the extractor: %s\n", polisi_strerror(st));
        return -1;
    }
    return 0;
}

/* Checks --ref-date for a real day (the format was checked already). */
static int check_ref_day(const shared *sh, worker *w)
{
    if (apply_ref_date(sh, w, NULL) < 0) {
        usage_error("bad --ref-date '%s': no such day", sh->cfg->ref_date);
        return -1;
    }
    return 0;
}

static int finish_output(run_state *rs)
{
    if (!rs->write_error && (fflush(stdout) != 0 || ferror(stdout)))
        write_error(rs);
    if (rs->prog.records > 0)
        progress_show(rs, 1);
    return rs->failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Every input in order; then everything in flight is written. */
static int run(const shared *sh, int nfiles, char **files)
{
    run_state rs;
    memset(&rs, 0, sizeof rs);
    rs.prog.on = sh->cfg->jsonl && isatty(STDERR_FILENO);
    rs.prog.start = rs.prog.last = seconds();
    pool p;
    if (pool_init(&p, sh, &rs, sh->cfg->jobs) != 0)
        return EXIT_FAILURE;
    for (int i = 0; i < (nfiles > 0 ? nfiles : 1) && !rs.write_error; i++) {
        const char *name = nfiles > 0 ? files[i] : "-";
        if (sh->cfg->jsonl)
            run_jsonl(&p, name);
        else
            run_document(&p, name);
    }
    pool_drain(&p);
    int status = finish_output(&rs);
    pool_free(&p);
    return status;
}

int main(int argc, char **argv)
{
    config cfg = {POLISI_ALL_TYPES, 0, 0, NULL, 1};
    int status = parse_args(argc, argv, &cfg);
    if (status >= 0)
        return status;
#ifdef SIGPIPE
    signal(SIGPIPE, SIG_IGN); /* a closed pipe is a write error we report */
#endif
    polisi_extractor *extractor = NULL;
    if (build_extractor(&cfg, &extractor) != 0)
        return EXIT_FAILURE;
    shared sh = {&cfg, extractor};
    worker w;
    if (worker_init(&w, &sh) < 0) {
        fprintf(stderr, "polisi: out of memory\n");
        status = EXIT_FAILURE;
    } else if (check_ref_day(&sh, &w) != 0) {
        status = EXIT_USAGE;
    } else {
        status = run(&sh, argc - optind, argv + optind);
    }
    worker_free(&w);
    polisi_extractor_free(extractor);
    return status;
}
