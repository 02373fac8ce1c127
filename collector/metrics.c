/* metrics.c: see metrics.h. The counters sit behind one mutex: a request takes it
 * once or twice, which costs nothing next to the request itself. */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "metrics.h"

#ifndef SPOOR_COLLECTOR_VERSION
#define SPOOR_COLLECTOR_VERSION "unknown"
#endif
#define MAX_STATUS 600

static const char *const route_names[N_ROUTES] = {"batch", "registry", "micro", "health", "metrics", "none"};
static const char *const format_names[N_FORMATS] = {"spoor", "segment"};

typedef struct {
    uint64_t requests[N_ROUTES][MAX_STATUS]; /* by route and status; [..][0]: cut */
    uint64_t events[N_FORMATS][3];           /* good, bad, duplicate */
    uint64_t bytes, faults, refused;
    int64_t started;                         /* unix seconds */
} counters_t;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static counters_t m;

void metrics_start(void) {
    pthread_mutex_lock(&lock);
    m.started = (int64_t)time(NULL);
    pthread_mutex_unlock(&lock);
}

void metrics_request(metrics_route_t route, int status, size_t bytes) {
    pthread_mutex_lock(&lock);
    if (route < N_ROUTES && status >= 0 && status < MAX_STATUS) m.requests[route][status]++;
    m.bytes += bytes;
    pthread_mutex_unlock(&lock);
}

void metrics_events(metrics_format_t format, long good, long bad, long duplicates) {
    pthread_mutex_lock(&lock);
    m.events[format][0] += (uint64_t)good, m.events[format][1] += (uint64_t)bad;
    m.events[format][2] += (uint64_t)duplicates;
    pthread_mutex_unlock(&lock);
}

void metrics_fault(void) {
    pthread_mutex_lock(&lock);
    m.faults++;
    pthread_mutex_unlock(&lock);
}

void metrics_refused(void) {
    pthread_mutex_lock(&lock);
    m.refused++;
    pthread_mutex_unlock(&lock);
}

/* "# HELP name help\n# TYPE name type\n" */
static void family(textbuf_t *b, const char *name, const char *type, const char *help) {
    textbuf_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

void metrics_answer(app_t *app, long connections, reply_t *r) {
    long good = -1, bad = -1;
    char err[256];
    pthread_mutex_lock(&app->store_lock);
    if (app->store->ops->count(app->store, &good, &bad, err, sizeof err)) good = bad = -1;
    pthread_mutex_unlock(&app->store_lock);

    pthread_mutex_lock(&lock);
    counters_t now = m;
    pthread_mutex_unlock(&lock);

    textbuf_t *b = &r->body;
    static const char *const outcomes[3] = {"good", "bad", "duplicate"};
    family(b, "spoor_collector_events_total", "counter",
           "Events received in batches that were stored, by format (spoor: wire v1, segment: Segment's) and "
           "outcome (good: stored; bad: broke a rule, kept in /micro/bad; duplicate: its id was already stored).");
    for (int f = 0; f < N_FORMATS; f++)
        for (int o = 0; o < 3; o++)
            textbuf_printf(b, "spoor_collector_events_total{format=\"%s\",outcome=\"%s\"} %llu\n", format_names[f],
                       outcomes[o], (unsigned long long)now.events[f][o]);
    family(b, "spoor_collector_requests_total", "counter",
           "HTTP requests answered, by route and status code (code 0: the connection was cut on purpose, "
           "an injected fault).");
    for (int route = 0; route < N_ROUTES; route++)
        for (int status = 0; status < MAX_STATUS; status++)
            if (now.requests[route][status])
                textbuf_printf(b, "spoor_collector_requests_total{route=\"%s\",code=\"%d\"} %llu\n", route_names[route],
                           status, (unsigned long long)now.requests[route][status]);
    family(b, "spoor_collector_received_bytes_total", "counter",
           "Request body bytes received, as sent (compressed when the request was gzipped).");
    textbuf_printf(b, "spoor_collector_received_bytes_total %llu\n", (unsigned long long)now.bytes);
    family(b, "spoor_collector_connections_refused_total", "counter",
           "Connections closed at once because a limit was reached (--max-connections, --max-connections-per-ip).");
    textbuf_printf(b, "spoor_collector_connections_refused_total %llu\n", (unsigned long long)now.refused);
    if (connections >= 0) {
        family(b, "spoor_collector_connections", "gauge", "Connections open now.");
        textbuf_printf(b, "spoor_collector_connections %ld\n", connections);
    }
    family(b, "spoor_collector_faults_injected_total", "counter",
           "Ingestion requests that met an injected fault (POST /micro/fault, --fail-*).");
    textbuf_printf(b, "spoor_collector_faults_injected_total %llu\n", (unsigned long long)now.faults);
    if (good >= 0) {
        family(b, "spoor_collector_stored_events", "gauge",
               "Events in the store now, by outcome (as GET /micro/all; POST /micro/reset empties it).");
        textbuf_printf(b, "spoor_collector_stored_events{outcome=\"good\"} %ld\n", good);
        textbuf_printf(b, "spoor_collector_stored_events{outcome=\"bad\"} %ld\n", bad);
    }
    family(b, "spoor_collector_start_time_seconds", "gauge", "When the collector started, in seconds since the Unix epoch.");
    textbuf_printf(b, "spoor_collector_start_time_seconds %lld\n", (long long)now.started);
    family(b, "spoor_collector_build_info", "gauge", "The collector's version, as a label; the value is always 1.");
    textbuf_printf(b, "spoor_collector_build_info{version=\"%s\"} 1\n", SPOOR_COLLECTOR_VERSION);
    r->status = 200;
    r->content_type = "text/plain; version=0.0.4; charset=utf-8";
}
