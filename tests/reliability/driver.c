/* driver.c: one bounded run of the C core for the reliability suite (run.py).
 *
 * Sends N track events whose eventIds are PREFIX-0 .. PREFIX-(N-1), so the harness
 * knows exactly which events exist, then closes the client (which flushes until
 * the deadline) and prints one JSON line:
 *
 *   {"role": "main", "pid": 123, "attempted": N, "accepted": a, "refused": r,
 *    "flush": "OK", "close": "OK", "cb": {"OK": n, "QUEUE_FULL": n, ...},
 *    "cb_http": {"503": n}, "stats": {...spoor_client_stats_json...}, "ms": t}
 *
 * cb counts the events of the delivery callback's reports per error name; cb_http
 * the failed events per last HTTP status. Exit 0 when the run went through (what
 * it means is for the harness to judge), 77 when a --set key is NOT_SUPPORTED by
 * this core (the line is {"unsupported": key, "error": ...}), 3 when the client
 * cannot be created ({"client_new": name, "error": ...}), 2 on bad usage.
 *
 *   driver --host URL [--n N] [--prefix P] [--set key=value]... [--progress K]
 *          [--flush-timeout MS] [--close-timeout MS] [--fork-at K --child-n M]
 *          [--hold-stdin]
 *
 * --progress K  prints "accepted A" (flushed) after every K accepted events, so a
 *               harness that kills the process knows a lower bound of what was accepted.
 * --fork-at K   forks after K events: the child sends M events PREFIXc-0 .. with the
 *               inherited client, closes it and prints its own line (role "child");
 *               the parent goes on with its events, closes, waits for the child and
 *               prints (role "parent").
 * --hold-stdin  after sending, prints "holding" and waits until stdin closes before
 *               closing the client (to keep a spool open while the harness looks). */
#define _GNU_SOURCE /* open_memstream */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <spoor.h>

#define MAX_SETS 64
#define MAX_CODES 32
#define MAX_HTTP 600

static pthread_mutex_t cb_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t cb_counts[MAX_CODES]; /* index: -err */
static uint64_t cb_http[MAX_HTTP];    /* failed events per last HTTP status */

static void on_delivery(const spoor_delivery_report_t *r, void *opaque) {
    (void)opaque;
    int code = -(int)r->err;
    pthread_mutex_lock(&cb_lock);
    if (code >= 0 && code < MAX_CODES) cb_counts[code] += r->count;
    if (r->err != SPOOR_OK && r->http_status > 0 && r->http_status < MAX_HTTP)
        cb_http[r->http_status] += r->count;
    pthread_mutex_unlock(&cb_lock);
}

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes s as a JSON string (the messages here are plain text; escape the few
 * characters that need it). */
static void put_json_string(FILE *f, const char *s) {
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 0x20) fprintf(f, "\\u%04x", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static int usage(const char *msg) {
    fprintf(stderr, "driver: %s\n"
            "usage: driver --host URL [--n N] [--prefix P] [--set key=value]... [--progress K]\n"
            "              [--flush-timeout MS] [--close-timeout MS] [--fork-at K --child-n M] [--hold-stdin]\n",
            msg);
    return 2;
}

typedef struct {
    const char *role;
    long attempted, accepted, refused;
    char first_refusal[256];
    int flushed;          /* 0: no flush asked */
    spoor_err_t flush_rc;
    spoor_err_t close_rc;
    int64_t t0;
} run_t;

/* Sends events [from, to) of prefix; progress lines every `progress` accepted. */
static void send_events(spoor_client_t *client, run_t *run, const char *prefix, long from, long to,
                        long progress) {
    char msg[512];
    for (long i = from; i < to; i++) {
        snprintf(msg, sizeof msg,
                 "{\"event\":\"reliability\",\"userId\":\"u%ld\",\"eventId\":\"%s-%ld\","
                 "\"properties\":{\"i\":%ld,\"prefix\":\"%s\"}}",
                 i % 97, prefix, i, i, prefix);
        run->attempted++;
        spoor_err_t rc = spoor_track(client, msg);
        if (rc == SPOOR_OK) {
            run->accepted++;
            if (progress > 0 && run->accepted % progress == 0) {
                printf("accepted %ld\n", run->accepted);
                fflush(stdout);
            }
        } else {
            if (!run->refused)
                snprintf(run->first_refusal, sizeof run->first_refusal, "%s: %s", spoor_err2name(rc),
                         spoor_last_error());
            run->refused++;
        }
    }
}

static void finish(spoor_client_t *client, run_t *run, int flush_timeout, int close_timeout) {
    if (flush_timeout >= -1) {
        run->flushed = 1;
        run->flush_rc = spoor_flush(client, flush_timeout);
    }
    run->close_rc = spoor_close(client, close_timeout);
}

static void report(spoor_client_t *client, const run_t *run) {
    char stats[4096];
    if (spoor_client_stats_json(client, stats, sizeof stats) != SPOOR_OK) snprintf(stats, sizeof stats, "null");
    /* One buffer, one write: parent and child share the pipe. */
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) return;
    fprintf(f, "{\"role\":\"%s\",\"pid\":%ld,\"attempted\":%ld,\"accepted\":%ld,\"refused\":%ld,", run->role,
            (long)getpid(), run->attempted, run->accepted, run->refused);
    fprintf(f, "\"first_refusal\":");
    put_json_string(f, run->first_refusal);
    fprintf(f, ",\"flush\":");
    put_json_string(f, run->flushed ? spoor_err2name(run->flush_rc) : "");
    fprintf(f, ",\"close\":");
    put_json_string(f, spoor_err2name(run->close_rc));
    fprintf(f, ",\"cb\":{");
    pthread_mutex_lock(&cb_lock);
    int first = 1;
    for (int c = 0; c < MAX_CODES; c++) {
        if (!cb_counts[c]) continue;
        fprintf(f, "%s\"%s\":%" PRIu64, first ? "" : ",", spoor_err2name((spoor_err_t)-c), cb_counts[c]);
        first = 0;
    }
    fprintf(f, "},\"cb_http\":{");
    first = 1;
    for (int s = 0; s < MAX_HTTP; s++) {
        if (!cb_http[s]) continue;
        fprintf(f, "%s\"%d\":%" PRIu64, first ? "" : ",", s, cb_http[s]);
        first = 0;
    }
    pthread_mutex_unlock(&cb_lock);
    fprintf(f, "},\"stats\":%s,\"ms\":%lld}\n", stats, (long long)(now_ms() - run->t0));
    fclose(f);
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    free(text);
}

int main(int argc, char **argv) {
    const char *host = NULL, *prefix = "ev";
    const char *sets[MAX_SETS];
    int nsets = 0, hold_stdin = 0;
    long n = 1000, progress = 0, fork_at = -1, child_n = 0;
    int flush_timeout = -2, close_timeout = 30000;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--hold-stdin")) {
            hold_stdin = 1;
            continue;
        }
        if (!v) return usage("missing value");
        i++;
        if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--n")) n = atol(v);
        else if (!strcmp(a, "--prefix")) prefix = v;
        else if (!strcmp(a, "--progress")) progress = atol(v);
        else if (!strcmp(a, "--flush-timeout")) flush_timeout = atoi(v);
        else if (!strcmp(a, "--close-timeout")) close_timeout = atoi(v);
        else if (!strcmp(a, "--fork-at")) fork_at = atol(v);
        else if (!strcmp(a, "--child-n")) child_n = atol(v);
        else if (!strcmp(a, "--set")) {
            if (nsets == MAX_SETS) return usage("too many --set");
            if (!strchr(v, '=')) return usage("--set needs key=value");
            sets[nsets++] = v;
        } else return usage(a);
    }
    if (!host) return usage("--host is required");
    if (n < 0 || (fork_at >= 0 && fork_at > n)) return usage("bad --n / --fork-at");

    spoor_config_t *conf = spoor_config_new();
    if (!conf) return 1;
    if (spoor_config_set(conf, "host", host) != SPOOR_OK) return usage(spoor_last_error());
    for (int i = 0; i < nsets; i++) {
        char key[128];
        size_t klen = (size_t)(strchr(sets[i], '=') - sets[i]);
        if (klen >= sizeof key) return usage("key too long");
        memcpy(key, sets[i], klen);
        key[klen] = '\0';
        spoor_err_t rc = spoor_config_set(conf, key, sets[i] + klen + 1);
        if (rc == SPOOR_ERR_NOT_SUPPORTED) {
            printf("{\"unsupported\":");
            put_json_string(stdout, key);
            printf(",\"error\":");
            put_json_string(stdout, spoor_last_error());
            printf("}\n");
            spoor_config_destroy(conf);
            return 77;
        }
        if (rc != SPOOR_OK) {
            fprintf(stderr, "driver: --set %s: %s\n", sets[i], spoor_last_error());
            spoor_config_destroy(conf);
            return 2;
        }
    }
    spoor_config_set_delivery_cb(conf, on_delivery, NULL);
    spoor_client_t *client = NULL;
    spoor_err_t rc = spoor_client_new(&client, conf);
    spoor_config_destroy(conf);
    if (rc != SPOOR_OK) {
        printf("{\"client_new\":");
        put_json_string(stdout, spoor_err2name(rc));
        printf(",\"error\":");
        put_json_string(stdout, spoor_last_error());
        printf("}\n");
        return 3;
    }

    run_t run = {.role = fork_at >= 0 ? "parent" : "main", .t0 = now_ms()};
    pid_t child = -1;
    if (fork_at >= 0) {
        send_events(client, &run, prefix, 0, fork_at, progress);
        fflush(stdout);
        child = fork();
        if (child < 0) {
            perror("driver: fork");
            return 1;
        }
        if (child == 0) {
            /* The child's counters start from zero (the core resets them at fork);
             * so do ours. */
            pthread_mutex_lock(&cb_lock);
            memset(cb_counts, 0, sizeof cb_counts);
            memset(cb_http, 0, sizeof cb_http);
            pthread_mutex_unlock(&cb_lock);
            char child_prefix[256];
            snprintf(child_prefix, sizeof child_prefix, "%sc", prefix);
            run_t crun = {.role = "child", .t0 = now_ms()};
            send_events(client, &crun, child_prefix, 0, child_n, 0);
            finish(client, &crun, flush_timeout, close_timeout);
            report(client, &crun);
            /* Under valgrind the child shows leaks that fork makes: the parent's
             * connection handle (dropped, never freed: its socket and TLS state are
             * the parent's) and the batch the parent's worker had in flight (its
             * thread does not exist here). So run.py keeps fork out of valgrind. */
            spoor_client_destroy(client);
            exit(0);
        }
        send_events(client, &run, prefix, fork_at, n, progress);
    } else {
        send_events(client, &run, prefix, 0, n, progress);
    }
    if (hold_stdin) {
        printf("holding\n");
        fflush(stdout);
        char buf[256];
        while (read(STDIN_FILENO, buf, sizeof buf) > 0) {
        }
    }
    finish(client, &run, flush_timeout, close_timeout);
    int child_status = 0;
    if (child > 0) {
        while (waitpid(child, &child_status, 0) < 0 && errno == EINTR) {
        }
    }
    report(client, &run);
    spoor_client_destroy(client);
    if (child > 0 && !(WIFEXITED(child_status) && WEXITSTATUS(child_status) == 0)) {
        fprintf(stderr, "driver: the child exited with status %d\n", child_status);
        return 1;
    }
    return 0;
}
