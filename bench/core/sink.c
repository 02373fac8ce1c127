/* sink.c: spoor-bench-sink, the C core's counting sink for ci/bench (libmicrohttpd).
 *   spoor-bench-sink PORTFILE       listens on 127.0.0.1, a free port written to PORTFILE
 *   GET  /count  -> {"events":E,"requests":R,"bytes":B}
 *   POST /reset  -> zeroes the counts
 *   POST other   -> 200 at once; the body's events are counted
 * The Node sink (bench/peers/sink.js) parses every batch and counts unique ids, which takes
 * longer per event than spoor's C core takes to send one; this one only counts the events'
 * "eventId" keys in spoor's batches (plain JSON, as spoor sends them unless gzip is set), so
 * it can take what the core delivers with large batches. One thread: the core keeps one
 * connection. */
#define _GNU_SOURCE /* memmem */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char key[] = "\"eventId\":";
static unsigned long long events, requests, bytes;

typedef struct {
    char *buf;
    size_t len, cap;
} body_t;

static size_t count_events(const char *p, size_t n) {
    size_t c = 0, k = sizeof key - 1;
    const char *end = p + n;
    while ((p = memmem(p, (size_t)(end - p), key, k)) != NULL) c++, p += k;
    return c;
}

static enum MHD_Result reply(struct MHD_Connection *conn, unsigned status, const char *text) {
    struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result rc = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return rc;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *data, size_t *size, void **state) {
    (void)cls, (void)version;
    if (strcmp(method, "GET") == 0) {
        char text[160];
        snprintf(text, sizeof text, "{\"events\":%llu,\"unique\":%llu,\"requests\":%llu,\"bytes\":%llu}", events, events,
                 requests, bytes);
        return reply(conn, strcmp(url, "/count") == 0 ? 200 : 404, text);
    }
    body_t *b = *state;
    if (!b) { /* the headers: the body follows in later calls */
        if (!(b = calloc(1, sizeof *b))) return MHD_NO;
        *state = b;
        return MHD_YES;
    }
    if (*size) {
        if (b->len + *size > b->cap) {
            size_t cap = (b->len + *size) * 2;
            char *nb = realloc(b->buf, cap);
            if (!nb) return MHD_NO;
            b->buf = nb, b->cap = cap;
        }
        memcpy(b->buf + b->len, data, *size);
        b->len += *size;
        *size = 0;
        return MHD_YES;
    }
    if (strcmp(url, "/reset") == 0) {
        events = requests = bytes = 0;
    } else {
        requests++;
        bytes += b->len;
        events += count_events(b->buf, b->len);
    }
    free(b->buf);
    free(b);
    *state = NULL;
    return reply(conn, 200, "{}");
}

static void done(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode code) {
    (void)cls, (void)conn, (void)code;
    body_t *b = *state;
    if (b) free(b->buf), free(b), *state = NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: spoor-bench-sink PORTFILE\n");
        return 2;
    }
    sigset_t set; /* runs until SIGTERM or SIGINT; blocked before MHD's thread starts, which inherits it */
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, 0, NULL, NULL, handle,
                                            NULL, MHD_OPTION_SOCK_ADDR, &addr, MHD_OPTION_NOTIFY_COMPLETED, done, NULL,
                                            MHD_OPTION_CONNECTION_TIMEOUT, 60u, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "spoor-bench-sink: cannot listen\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    FILE *f = fopen(argv[1], "w");
    if (!f || fprintf(f, "%u", (unsigned)info->port) < 0 || fclose(f) != 0) {
        fprintf(stderr, "spoor-bench-sink: cannot write %s\n", argv[1]);
        return 1;
    }
    int sig;
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    return 0;
}
