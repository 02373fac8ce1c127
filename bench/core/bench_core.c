/* bench_core.c: the C core's own numbers, for the closing notes and ci/bench.
 *   spoor-bench-core [N]
 * 1. enqueue: N track() calls of a purchase event, 1 thread and 2 threads
 *    (nothing is sent while timing: flush_at and flush_interval are out of reach);
 * 2. delivered: N events through to a local HTTP server (tests/support's mock,
 *    libmicrohttpd), batches of 100, until flush() returns;
 * 3. enqueue with a spool, for each spool_sync policy (N/20 calls for "event");
 * 4. recordEvent checked against collection_schemas, then against the same schemas
 *    fetched with schemas_from (held per call by reference, swapped by a refresh): the
 *    rates and their ratio, 1 and 2 threads.
 *   spoor-bench-core N --json SINK_URL MODE [--event FILE] [--batch-events K] [--batch-bytes B] [--protocol P]
 * ci/bench's form (bench/peers): one run, one JSON line, the same columns as the
 * Python, Node and Java runs. The event is FILE's JSON text (bench/peers/shapes.py writes
 * one per shape) with every "{i}" replaced by the call's number: each call gets a new text,
 * written before its clock starts, as a service formats its own. MODE run: N timed track()
 * calls to the sink in batches of K (100 unless given; B bytes at most), then flush();
 * MODE down: N timed calls with the host a closed port; MODE scaling: N calls from one
 * producer thread, then N from two (N/2 each), into a client that sends nothing meanwhile:
 * the enqueue rate of each and their ratio, the medians of 5 rounds on a warm heap after a
 * cold one, with the CPU per event and the cores the process had (scaling_run). */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <spoor.h>

#include "mock_server.h"

static const char *purchase =
    "{\"userId\":\"user_123\",\"event\":\"purchase\",\"properties\":{\"revenue\":99.99,\"currency\":\"USD\","
    "\"product_id\":\"prod_456\",\"items\":[{\"item name\":\"item 1\",\"price\":20},{\"item name\":\"item 2\",\"price\":15}]}}";

/* The event as a template: its text split at each "{i}" (the human form's purchase has none). */
static struct {
    const char *piece[64];
    size_t len[64], n, max_bytes;
} tmpl;

static void tmpl_set(const char *text) {
    tmpl.n = 0;
    tmpl.max_bytes = strlen(text) + 64 * 20 + 1;
    for (const char *p = text;; ) {
        const char *at = strstr(p, "{i}");
        if (tmpl.n == 64) {
            fprintf(stderr, "event template: more than 63 {i}\n");
            exit(2);
        }
        tmpl.piece[tmpl.n] = p;
        tmpl.len[tmpl.n++] = at ? (size_t)(at - p) : strlen(p);
        if (!at) break;
        p = at + 3;
    }
}

/* Event i's text into buf (tmpl.max_bytes long). */
static const char *tmpl_fill(char *buf, long i) {
    char *w = buf;
    for (size_t k = 0; k < tmpl.n; k++) {
        if (k) w += sprintf(w, "%ld", i);
        memcpy(w, tmpl.piece[k], tmpl.len[k]);
        w += tmpl.len[k];
    }
    *w = 0;
    return buf;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)n + 1);
    if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) exit(2);
    text[n] = 0;
    fclose(f);
    return text;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *spool_dir, *spool_sync; /* set: the clients use a spool */
static const char *batch_events = "100", *batch_bytes; /* --batch-events, --batch-bytes */
static const char *protocol;                             /* --protocol: spoor (unset) or segment */
static const char *timeout;                              /* set: the clients' request timeout */

static const char *schemas_key, *schemas_value; /* set: the clients check records so */

static spoor_client_t *client(const char *host, long n, const char *flush_at) {
    char qs[32];
    snprintf(qs, sizeof qs, "%ld", n + 1);
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", host);
    spoor_config_set(conf, "max_queue_size", qs);
    spoor_config_set(conf, "flush_at", flush_at);
    spoor_config_set(conf, "max_batch_events", batch_events);
    if (batch_bytes) spoor_config_set(conf, "max_batch_bytes", batch_bytes);
    if (timeout) spoor_config_set(conf, "timeout", timeout);
    if (protocol && spoor_config_set(conf, "protocol", protocol)) {
        fprintf(stderr, "client: %s\n", spoor_last_error());
        exit(1);
    }
    spoor_config_set(conf, "flush_interval", "1000s");
    spoor_config_set(conf, "log_level", "error");
    if (spool_dir) spoor_config_set(conf, "spool_dir", spool_dir), spoor_config_set(conf, "spool_sync", spool_sync);
    if (schemas_key) spoor_config_set(conf, schemas_key, schemas_value);
    spoor_client_t *c;
    if (spoor_client_new(&c, conf)) {
        fprintf(stderr, "client: %s\n", spoor_last_error());
        exit(1);
    }
    spoor_config_destroy(conf);
    return c;
}

typedef struct {
    spoor_client_t *c;
    long n;
    double cpu_s[8]; /* each producer thread's own CPU time, written by it at its end */
    int next;        /* the slot of the next producer to start */
} job_t;

static double cpu_now_s(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *record_collection; /* set: produce() records events of this collection */

static void *produce(void *arg) {
    job_t *j = arg;
    char *buf = malloc(tmpl.max_bytes);
    if (!buf) exit(1);
    for (long i = 0; i < j->n; i++) {
        const char *text = tmpl_fill(buf, i);
        if ((record_collection ? spoor_record_event(j->c, record_collection, text) : spoor_track(j->c, text)) != SPOOR_OK) {
            fprintf(stderr, "track: %s\n", spoor_last_error());
            exit(1);
        }
    }
    free(buf);
    j->cpu_s[__atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED) & 7] = cpu_now_s(CLOCK_THREAD_CPUTIME_ID);
    return NULL;
}

/* A local port that listens but never answers: a worker that sends there waits in its first
 * request (for `timeout`), so it takes no CPU from the producers being timed. */
static int stalled_port(int *fd) {
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    *fd = socket(AF_INET, SOCK_STREAM, 0);
    if (*fd < 0 || bind(*fd, (struct sockaddr *)&a, sizeof a) || listen(*fd, 16) ||
        getsockname(*fd, (struct sockaddr *)&a, &len)) {
        perror("stalled port");
        exit(1);
    }
    return ntohs(a.sin_port);
}

static const char *host_given;                   /* set: the enqueue clients' host (else a stalled port) */

/* Where a timed enqueue phase's time went: its wall time, the CPU time of the whole process
 * meanwhile (producers, worker, curl) and of the producer threads alone. */
typedef struct {
    double wall_s, process_cpu_s, producers_cpu_s;
    long page_faults; /* the kernel's work when the heap grows: minor faults meanwhile */
} phase_t;

static long minor_faults(void) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return ru.ru_minflt;
}

static double enqueue_rate_in(long n, int threads, phase_t *out) {
    int fd = -1;
    char host[64];
    if (host_given) snprintf(host, sizeof host, "%s", host_given);
    else snprintf(host, sizeof host, "http://127.0.0.1:%d", stalled_port(&fd));
    const char *before = timeout;
    timeout = "600000";
    spoor_client_t *c = client(host, n, "100000");
    timeout = before;
    pthread_t th[8];
    job_t job = {c, n / threads, {0}, 0};
    long faults0 = minor_faults();
    double cpu0 = cpu_now_s(CLOCK_PROCESS_CPUTIME_ID), t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, produce, &job);
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    if (out) {
        out->wall_s = dt;
        out->process_cpu_s = cpu_now_s(CLOCK_PROCESS_CPUTIME_ID) - cpu0;
        out->page_faults = minor_faults() - faults0;
        out->producers_cpu_s = 0;
        for (int i = 0; i < threads; i++) out->producers_cpu_s += job.cpu_s[i];
    }
    spoor_close(c, 0); /* nothing was delivered to the stalled port: reported as aborted */
    spoor_client_destroy(c);
    if (fd >= 0) close(fd);
    return (double)(job.n * threads) / dt;
}

static double enqueue_rate(long n, int threads) { return enqueue_rate_in(n, threads, NULL); }

/* recordEvent against collection_schemas, then against the same collections from
 * schemas_from (the mock serves them, and would take the batches, which never go). */
static void schema_rates(long n) {
    static const char *schemas = "{\"purchase\":{\"totalprice\":\"number\",\"ispaid\":\"boolean\",\"items\":\"array\"}}";
    char answer[256];
    snprintf(answer, sizeof answer, "{\"source\":\"shop\",\"collections\":%s}", schemas);
    mock_server_t *m = mock_start();
    mock_reply_t reply = {.status = 200, .retry_after = -1, .body = answer};
    mock_route(m, "/v1/sources/shop/collections", &reply);
    tmpl_set("{\"profileId\":\"user_{i}\",\"totalprice\":35,\"ispaid\":true,\"items\":[{\"item name\":\"item 1\",\"price\":20}]}");
    record_collection = "purchase";
    /* Both clients post to the mock, and no batch is due while timing (under flush_at's
     * largest value and max_batch_bytes'): a worker sending would take CPU from the producers. */
    batch_bytes = "67108864";
    host_given = mock_url(m);
    long calls = n < 99999 ? n : 99999;
    for (int threads = 1; threads <= 2; threads++) {
        /* Each twice, alternating: the first run of a process pays for its heap's growth. */
        double fixed = 0, fetched = 0;
        for (int round = 0; round < 2; round++) {
            schemas_key = "collection_schemas", schemas_value = schemas;
            double f = enqueue_rate(calls, threads);
            schemas_key = "schemas_from", schemas_value = "shop";
            double s = enqueue_rate(calls, threads);
            if (f > fixed) fixed = f;
            if (s > fetched) fetched = s;
        }
        printf("recordEvent, %d thread%s: collection_schemas %10.0f events/s, schemas_from %10.0f events/s (ratio %.2f)\n",
               threads, threads == 1 ? " " : "s", fixed, fetched, fetched / fixed);
    }
    schemas_key = NULL, record_collection = NULL, batch_bytes = NULL, host_given = NULL;
    tmpl_set(purchase);
    mock_stop(m);
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* MODE scaling: 1 producer thread against 2, alternating, SCALING_ROUNDS times after a first
 * (cold) round and an untimed one; the medians. The heap is kept warm, as a running service's
 * is (its worker frees what it sent, and malloc hands the memory out again): without that,
 * every round's events, held in the queue since nothing is sent while timing, come from pages
 * the kernel must fault in and zero, and two threads faulting in one process share the
 * kernel's locks of its memory (the cold round's numbers are printed too, and the page faults
 * per 1,000 events of each). The CPU columns say whether two producers had two cores: other
 * work on the machine, or a worker taking CPU, shows as fewer cores used than 2. */
#define SCALING_ROUNDS 5
static int scaling_run(long n) {
    mallopt(M_MMAP_THRESHOLD, 32 << 20); /* large blocks from the heap too, */
    mallopt(M_TRIM_THRESHOLD, 1 << 30);  /* and what a round freed kept for the next */
    mallopt(M_TOP_PAD, 64 << 20);
    phase_t cold1, cold2, p1, p2;
    double c1 = enqueue_rate_in(n, 1, &cold1), c2 = enqueue_rate_in(n, 2, &cold2);
    enqueue_rate(n, 1), enqueue_rate(n, 2); /* each thread's malloc arena grown to what a round needs */
    enum { R = SCALING_ROUNDS };
    double r1[R], r2[R], cpu1[R], cpu2[R], cores1[R], cores2[R], faults1[R], faults2[R];
    for (int r = 0; r < R; r++) {
        r1[r] = enqueue_rate_in(n, 1, &p1), r2[r] = enqueue_rate_in(n, 2, &p2);
        cpu1[r] = p1.producers_cpu_s / (double)n * 1e6, cpu2[r] = p2.producers_cpu_s / (double)n * 1e6;
        cores1[r] = p1.process_cpu_s / p1.wall_s, cores2[r] = p2.process_cpu_s / p2.wall_s;
        faults1[r] = p1.page_faults * 1000.0 / (double)n, faults2[r] = p2.page_faults * 1000.0 / (double)n;
    }
    double one = median(r1, R), two = median(r2, R);
    printf("{\"sdk\":\"spoor-c\",\"mode\":\"scaling\",\"n\":%ld,\"version\":\"%s\",\"rounds\":%d,"
           "\"enqueue_1t_eps\":%.1f,\"enqueue_2t_eps\":%.1f,\"scaling\":%.3f,"
           "\"cpu_us_per_event_1t\":%.3f,\"cpu_us_per_event_2t\":%.3f,\"cores_used_1t\":%.2f,\"cores_used_2t\":%.2f,"
           "\"faults_per_1000_1t\":%.2f,\"faults_per_1000_2t\":%.2f,"
           "\"cold_enqueue_1t_eps\":%.1f,\"cold_enqueue_2t_eps\":%.1f,\"cold_scaling\":%.3f,"
           "\"cold_cpu_us_per_event_1t\":%.3f,\"cold_cpu_us_per_event_2t\":%.3f,\"cold_cores_used_2t\":%.2f,"
           "\"cold_faults_per_1000_1t\":%.2f,\"cold_faults_per_1000_2t\":%.2f}\n",
           n, spoor_version(), R, one, two, two / one, median(cpu1, R), median(cpu2, R), median(cores1, R), median(cores2, R),
           median(faults1, R), median(faults2, R), c1, c2, c2 / c1, cold1.producers_cpu_s / (double)n * 1e6,
           cold2.producers_cpu_s / (double)n * 1e6, cold2.process_cpu_s / cold2.wall_s,
           cold1.page_faults * 1000.0 / (double)n, cold2.page_faults * 1000.0 / (double)n);
    return 0;
}

/* One run for ci/bench: every call timed, CPU (all threads) and peak RSS from getrusage. */
static int json_run(long n, const char *sink, const char *mode) {
    int down = strcmp(mode, "down") == 0;
    if (strcmp(mode, "scaling") == 0) return scaling_run(n);
    spoor_client_t *c = client(down ? "http://127.0.0.1:9" : sink, n, batch_events);
    double *lat = malloc(sizeof(double) * (size_t)n);
    char *buf = malloc(tmpl.max_bytes);
    if (!lat || !buf) return 1;
    double in_calls = 0, t0 = now_s();
    for (long i = 0; i < n; i++) {
        const char *event = tmpl_fill(buf, i);
        double a = now_s();
        if (spoor_track(c, event) != SPOOR_OK) {
            fprintf(stderr, "track: %s\n", spoor_last_error());
            return 1;
        }
        lat[i] = now_s() - a;
        in_calls += lat[i];
    }
    double wall = now_s() - t0;
    spoor_err_t rc = SPOOR_OK;
    if (!down) rc = spoor_flush(c, 300000);
    double e2e = now_s() - t0;
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    qsort(lat, (size_t)n, sizeof *lat, cmp_d);
    double p50 = lat[n / 2] * 1e6, p99 = lat[(long)(n * 0.99)] * 1e6, mx = lat[n - 1] * 1e6;
    if (down)
        printf("{\"sdk\":\"spoor-c\",\"mode\":\"down\",\"n\":%ld,\"version\":\"%s\",\"down_p50_us\":%.3f,"
               "\"down_p99_us\":%.3f,\"down_max_us\":%.3f,\"cpu_s\":%.4f,\"peak_rss_mb\":%.1f,"
               "\"voluntary_ctx_switches\":%ld}\n",
               n, spoor_version(), p50, p99, mx, cpu, ru.ru_maxrss / 1024.0, ru.ru_nvcsw);
    else
        printf("{\"sdk\":\"spoor-c\",\"mode\":\"run\",\"n\":%ld,\"version\":\"%s\",\"enqueue_eps\":%.1f,"
               "\"producer_eps\":%.1f,\"p50_us\":%.3f,\"p99_us\":%.3f,\"max_us\":%.3f,\"flush_s\":%.4f,"
               "\"e2e_s\":%.4f,\"delivered\":%llu,\"flushed\":%s,\"cpu_us_per_event\":%.3f,\"cpu_s\":%.4f,"
               "\"peak_rss_mb\":%.1f,\"voluntary_ctx_switches\":%ld}\n",
               n, spoor_version(), n / in_calls, n / wall, p50, p99, mx, e2e, e2e, (unsigned long long)st.delivered,
               rc == SPOOR_OK ? "true" : "false", cpu / n * 1e6, cpu, ru.ru_maxrss / 1024.0, ru.ru_nvcsw);
    fflush(stdout);
    spoor_close(c, 0);
    spoor_client_destroy(c);
    free(lat);
    free(buf);
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* The same measures with a spool in a fresh directory, per sync policy. */
static void spool_rates(long n) {
    static const char *const policies[] = {"none", "batch", "event"};
    for (int p = 0; p < 3; p++) {
        char dir[] = "/tmp/spoor-bench-spool-XXXXXX";
        if (!mkdtemp(dir)) return;
        spool_dir = dir, spool_sync = policies[p];
        long m = p == 2 ? n / 20 : n; /* an fdatasync per call */
        printf("enqueue with spool_sync=%-5s, 1 thread: %10.0f events/s (N = %ld)\n", policies[p], enqueue_rate(m, 1), m);
        nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    }
    spool_dir = NULL;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 200000;
    tmpl_set(purchase);
    if (argc > 4 && strcmp(argv[2], "--json") == 0) {
        for (int k = 5; k + 1 < argc; k += 2) {
            if (strcmp(argv[k], "--event") == 0) tmpl_set(read_file(argv[k + 1]));
            else if (strcmp(argv[k], "--batch-events") == 0) batch_events = argv[k + 1];
            else if (strcmp(argv[k], "--batch-bytes") == 0) batch_bytes = argv[k + 1];
            else if (strcmp(argv[k], "--protocol") == 0) protocol = argv[k + 1];
            else {
                fprintf(stderr, "unknown option %s\n", argv[k]);
                return 2;
            }
        }
        return json_run(n, argv[3], argv[4]);
    }
    printf("spoor %s, N = %ld, a purchase event (%zu bytes of arguments)\n", spoor_version(), n,
           (size_t)snprintf(NULL, 0, "%s", purchase));
    printf("enqueue, 1 thread : %10.0f events/s\n", enqueue_rate(n, 1));
    printf("enqueue, 2 threads: %10.0f events/s\n", enqueue_rate(n, 2));

    mock_server_t *m = mock_start();
    spoor_client_t *c = client(mock_url(m), n, "100");
    double t0 = now_s();
    job_t job = {c, n};
    produce(&job);
    spoor_err_t rc = spoor_flush(c, 120000);
    double dt = now_s() - t0;
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    printf("delivered (batches of 100, local HTTP): %10.0f events/s  (%llu delivered in %llu requests, %s)\n",
           (double)st.delivered / dt, (unsigned long long)st.delivered, (unsigned long long)st.requests,
           rc == SPOOR_OK ? "flushed" : "flush timed out");
    spoor_client_destroy(c);
    printf("server counted %zu events\n", mock_events_accepted(m));
    mock_stop(m);
    spool_rates(n);
    schema_rates(n);
    return 0;
}
