/* bench_core.c: the C core's own numbers, for the closing notes and ci/bench.
 *   spoor-bench-core [N]
 * 1. enqueue: N track() calls of a purchase event, 1 thread and 2 threads
 *    (nothing is sent while timing: flush_at and flush_interval are out of reach);
 * 2. delivered: N events through to a local HTTP server (tests/support's mock,
 *    libmicrohttpd), batches of 100, until flush() returns;
 * 3. enqueue with a spool, for each spool_sync policy (N/20 calls for "event").
 *   spoor-bench-core N --json SINK_URL MODE [--event FILE] [--batch-events K] [--batch-bytes B]
 * ci/bench's form (bench/peers): one run, one JSON line, the same columns as the
 * Python, Node and Java runs. The event is FILE's JSON text (bench/peers/shapes.py writes
 * one per shape) with every "{i}" replaced by the call's number: each call gets a new text,
 * written before its clock starts, as a service formats its own. MODE run: N timed track()
 * calls to the sink in batches of K (100 unless given; B bytes at most), then flush();
 * MODE down: N timed calls with the host a closed port; MODE scaling: N calls from one
 * producer thread, then N from two (N/2 each), into a client that sends nothing meanwhile:
 * the enqueue rate of each and their ratio. */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
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
static const char *timeout;                              /* set: the clients' request timeout */

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
    spoor_config_set(conf, "flush_interval", "1000s");
    spoor_config_set(conf, "log_level", "error");
    if (spool_dir) spoor_config_set(conf, "spool_dir", spool_dir), spoor_config_set(conf, "spool_sync", spool_sync);
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
} job_t;

static void *produce(void *arg) {
    job_t *j = arg;
    char *buf = malloc(tmpl.max_bytes);
    if (!buf) exit(1);
    for (long i = 0; i < j->n; i++)
        if (spoor_track(j->c, tmpl_fill(buf, i)) != SPOOR_OK) {
            fprintf(stderr, "track: %s\n", spoor_last_error());
            exit(1);
        }
    free(buf);
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

static double enqueue_rate(long n, int threads) {
    int fd;
    char host[64];
    snprintf(host, sizeof host, "http://127.0.0.1:%d", stalled_port(&fd));
    const char *before = timeout;
    timeout = "600000";
    spoor_client_t *c = client(host, n, "100000");
    timeout = before;
    pthread_t th[8];
    job_t job = {c, n / threads};
    double t0 = now_s();
    for (int i = 0; i < threads; i++) pthread_create(&th[i], NULL, produce, &job);
    for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
    double dt = now_s() - t0;
    spoor_close(c, 0); /* nothing was delivered to the stalled port: reported as aborted */
    spoor_client_destroy(c);
    close(fd);
    return (double)(job.n * threads) / dt;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* One run for ci/bench: every call timed, CPU (all threads) and peak RSS from getrusage. */
static int json_run(long n, const char *sink, const char *mode) {
    int down = strcmp(mode, "down") == 0;
    if (strcmp(mode, "scaling") == 0) {
        double one = enqueue_rate(n, 1), two = enqueue_rate(n, 2);
        printf("{\"sdk\":\"spoor-c\",\"mode\":\"scaling\",\"n\":%ld,\"version\":\"%s\",\"enqueue_1t_eps\":%.1f,"
               "\"enqueue_2t_eps\":%.1f,\"scaling\":%.3f}\n", n, spoor_version(), one, two, two / one);
        return 0;
    }
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
    return 0;
}
