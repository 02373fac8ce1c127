/* http.c: libmicrohttpd glue (see http.h). libmicrohttpd calls the access
 * handler once with the headers, then once per chunk of body, then once more
 * with no data: only that last call answers, through the route table. */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "faults.h"
#include "http.h"
#include "ingest.h"
#include "mask.h"
#include "metrics.h"
#include "micro.h"
#include "registry.h"
#include "reqlog.h"
#include "wire.h"

typedef struct {
    textbuf_t body;
    size_t bytes;   /* received, kept or not */
    int over_limit; /* past max_body: the rest is read and dropped, then 413 */
    int64_t start_ms;
    metrics_route_t route; /* what the request is counted under */
} request_t;

/* Requests between their first call and completion, for a graceful stop. */
static pthread_mutex_t active_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t active_idle = PTHREAD_COND_INITIALIZER;
static int active;

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const char *header(struct MHD_Connection *c, const char *name) {
    return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name); /* case-insensitive */
}

/* An empty query argument (?type=) filters nothing. */
static const char *arg(struct MHD_Connection *c, const char *name) {
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return v && *v ? v : NULL;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    cJSON *obj = cls;
    char name[256];
    size_t i = 0;
    /* A name is an ASCII token by HTTP's rules; libmicrohttpd lets more through. */
    for (; key[i] && i < sizeof name - 1; i++)
        name[i] = (unsigned char)key[i] < 0x80 ? (char)tolower((unsigned char)key[i]) : '?';
    name[i] = '\0';
    char *shown = mask_header(name, value ? value : "");
    if (!shown) return MHD_YES;
    cJSON *prev = cJSON_GetObjectItemCaseSensitive(obj, name);
    if (prev && cJSON_IsString(prev)) { /* a repeated header reads as one, comma-joined */
        textbuf_t joined;
        textbuf_init(&joined);
        textbuf_printf(&joined, "%s, %s", prev->valuestring, shown);
        if (joined.data) cJSON_ReplaceItemInObjectCaseSensitive(obj, name, cJSON_CreateString(joined.data));
        textbuf_free(&joined);
    } else {
        cJSON_AddStringToObject(obj, name, shown);
    }
    free(shown);
    return MHD_YES;
}

/* s for a log line: every byte outside printable ASCII, and the backslash, as
 * \xNN, so a request cannot start a line of its own or drive the terminal. */
static void log_escape(textbuf_t *b, const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p >= 0x7f || *p == '\\') textbuf_printf(b, "\\x%02x", *p);
        else textbuf_add(b, p, 1);
    }
}

static void log_line(const app_t *app, const char *method, const char *url, int status,
                     const reply_t *r, const request_t *rq) {
    if (app->quiet) return;
    /* Never headers or bodies here: they carry keys and signatures. */
    textbuf_t line;
    textbuf_init(&line);
    log_escape(&line, method);
    textbuf_adds(&line, " ");
    log_escape(&line, url);
    textbuf_printf(&line, " %d events=%ld duplicates=%ld rejected=%ld ms=%lld\n", status, r->events, r->duplicates,
               r->rejected, (long long)(now_ms() - rq->start_ms));
    if (line.data) fputs(line.data, stderr);
    textbuf_free(&line);
}

static enum MHD_Result send_reply(app_t *app, struct MHD_Connection *c, const char *method,
                                  const char *url, request_t *rq, reply_t *r) {
    size_t len = 0;
    char *body = buf_steal(&r->body, &len);
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body ? body : (char *)"", body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->content_type ? r->content_type : "application/json");
    if (r->retry_after >= 0) {
        char secs[16];
        snprintf(secs, sizeof secs, "%d", r->retry_after);
        MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, secs);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    log_line(app, method, url, r->status, r, rq);
    return ret;
}

static batch_request_t batch_request(struct MHD_Connection *c, const request_t *rq, const char *segment_type) {
    return (batch_request_t){
        .segment_type = segment_type,
        .x_api_key = header(c, "X-API-Key"),
        .authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION),
        .content_encoding = header(c, MHD_HTTP_HEADER_CONTENT_ENCODING),
        .timestamp = header(c, "X-Spoor-Timestamp"),
        .signature = header(c, "X-Spoor-Signature"),
        .body = rq->body.data,
        .len = rq->body.len,
        .over_limit = rq->over_limit,
    };
}

/* A route fills r in; it returns 1 when the connection is to be closed
 * without an answer (an injected cut). */
typedef int (*route_fn)(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                        request_t *rq, reply_t *r);

/* Segment's single-message paths, /v1/ and a type (/v1/track): that type. */
static const char *segment_path_type(const char *url) {
    for (int i = 0; !strncmp(url, "/v1/", 4) && spoor__segment_types[i]; i++)
        if (!strcmp(url + 4, spoor__segment_types[i])) return spoor__segment_types[i];
    return NULL;
}

/* POST /v1/batch (and Segment's single-message paths): any injected fault
 * first, then the real thing. */
static int route_batch(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                       request_t *rq, reply_t *r) {
    if (strcmp(method, "POST")) {
        reply_error(r, 405, "method not allowed; use POST");
        return 0;
    }
    batch_request_t br = batch_request(c, rq, segment_path_type(url));
    fault_t f = {0};
    int faulty = faults_take(&f);
    if (faulty) metrics_fault();
    if (faulty && f.delay_ms) faults_sleep(f.delay_ms);
    int cut = faulty ? f.cut : 0;
    if (faulty && (cut == FAULT_CUT_BEFORE_STORE || f.status)) {
        r->events = ingest_count_events(app, &br);
        r->status = cut ? 0 : f.status;
        if (f.status) {
            reply_error(r, f.status, "injected fault: status %d", f.status);
            r->retry_after = f.retry_after;
        }
    } else {
        /* A cut after the store: the batch is committed (and counted) as usual,
         * only the answer is never sent, so the client resends what is stored. */
        ingest_batch(app, &br, r);
        if (r->status != 200) r->events = ingest_count_events(app, &br);
    }
    cJSON *headers = cJSON_CreateObject();
    MHD_get_connection_values(c, MHD_HEADER_KIND, add_header, headers);
    reqlog_add(url, cut ? 0 : r->status, headers, r->events, rq->bytes,
               ingest_is_gzip(br.content_encoding), rq->start_ms);
    if (cut) log_line(app, "POST", url, 0, r, rq);
    return cut != 0; /* a cut: libmicrohttpd closes the connection without an answer */
}

static int route_micro(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                       request_t *rq, reply_t *r) {
    micro_args_t args = {arg(c, "type"), arg(c, "eventName"), arg(c, "userId"), arg(c, "limit"), arg(c, "format")};
    micro_handle(app, method, url, &args, rq->body.data, rq->body.len, r);
    return 0;
}

/* Any other path under /v1/: one of Segment's single-message paths, or none. */
static int route_single(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                        request_t *rq, reply_t *r) {
    if (segment_path_type(url)) return route_batch(app, c, method, url, rq, r);
    reply_error(r, 404, "not found: %s", url);
    return 0;
}

/* The schema registry, read-only. */
static int route_registry(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                          request_t *rq, reply_t *r) {
    (void)c, (void)rq;
    if (strcmp(method, "GET")) {
        reply_error(r, 405, "method not allowed; use GET");
        return 0;
    }
    char msg[512];
    int status = registry_answer(&app->registry, url, &r->body, msg, sizeof msg);
    if (status == 200) r->status = 200;
    else reply_error(r, status, "%s", msg);
    return 0;
}

/* GET and HEAD only: a POST to / or /health answered 200 would look like an
 * ingestion that worked to a client whose host or path is wrong. */
static int route_health(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                        request_t *rq, reply_t *r) {
    (void)app, (void)c, (void)url, (void)rq;
    if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        reply_error(r, 405, "method not allowed; use GET or HEAD");
        return 0;
    }
    reply_take(r, 200, strdup("{\"status\":\"ok\"}"));
    return 0;
}

/* The counters in Prometheus' text format (metrics.h). */
static int route_metrics(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                         request_t *rq, reply_t *r) {
    (void)url, (void)rq;
    if (strcmp(method, "GET")) {
        reply_error(r, 405, "method not allowed; use GET");
        return 0;
    }
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_DAEMON);
    const union MHD_DaemonInfo *di = ci ? MHD_get_daemon_info(ci->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS) : NULL;
    metrics_answer(app, di ? (long)di->num_connections : -1, r);
    return 0;
}

/* Who may use a route: anyone; whoever has the /micro credentials, or those
 * of /v1/batch (checked here, then the body limit); or the route checks both
 * itself, in its own order (ingest.c's). /metrics is open: it holds counts only
 * (docs/design.md). */
typedef enum { ROUTE_OPEN, ROUTE_ADMIN, ROUTE_CLIENT, ROUTE_CHECKS_ITSELF } route_access_t;

static const struct {
    const char *path;
    int prefix; /* path is a prefix of the URL (ending in '/'), else the whole URL */
    route_access_t access;
    route_fn serve;
    metrics_route_t counted; /* in /metrics' requests_total */
} routes[] = {
    {"/v1/batch", 0, ROUTE_CHECKS_ITSELF, route_batch, ROUTE_BATCH},
    {"/v1/orgs/", 1, ROUTE_CLIENT, route_registry, ROUTE_REGISTRY},
    {"/v1/sources/", 1, ROUTE_CLIENT, route_registry, ROUTE_REGISTRY},
    {"/v1/", 1, ROUTE_CHECKS_ITSELF, route_single, ROUTE_BATCH}, /* /v1/track, /v1/identify, ... */
    {"/micro/", 1, ROUTE_ADMIN, route_micro, ROUTE_MICRO},
    {"/metrics", 0, ROUTE_OPEN, route_metrics, ROUTE_METRICS},
    {"/health", 0, ROUTE_OPEN, route_health, ROUTE_HEALTH},
    {"/", 0, ROUTE_OPEN, route_health, ROUTE_HEALTH},
};

static int dispatch(app_t *app, struct MHD_Connection *c, const char *method, const char *url,
                    request_t *rq, reply_t *r) {
    for (size_t i = 0; i < sizeof routes / sizeof *routes; i++) {
        if (routes[i].prefix ? strncmp(url, routes[i].path, strlen(routes[i].path)) : strcmp(url, routes[i].path))
            continue;
        rq->route = routes[i].counted;
        if (routes[i].access == ROUTE_ADMIN || routes[i].access == ROUTE_CLIENT) {
            char msg[256];
            const char *key = header(c, "X-API-Key"), *authorization = header(c, MHD_HTTP_HEADER_AUTHORIZATION);
            int status = routes[i].access == ROUTE_ADMIN
                             ? auth_check_admin(&app->auth, key, authorization, msg, sizeof msg)
                             : auth_check_key(&app->auth, key, authorization, NULL, msg, sizeof msg);
            if (status) return reply_error(r, status, "%s", msg), 0;
        }
        if (routes[i].access != ROUTE_CHECKS_ITSELF && rq->over_limit)
            return reply_error(r, 413, "body: over the limit of %zu bytes", app->max_body), 0;
        return routes[i].serve(app, c, method, url, rq, r);
    }
    rq->route = ROUTE_NONE;
    reply_error(r, 404, "not found: %s", url);
    return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    app_t *app = cls;
    request_t *rq = *con_cls;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq))) return MHD_NO;
        textbuf_init(&rq->body);
        rq->start_ms = now_ms();
        *con_cls = rq;
        pthread_mutex_lock(&active_lock);
        active++;
        pthread_mutex_unlock(&active_lock);
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        rq->bytes += n;
        if (!rq->over_limit && rq->body.len + n > app->max_body) {
            /* Keep reading (answering before the client finished sending would
             * make it see a reset, not the 413) but keep nothing. */
            rq->over_limit = 1;
            textbuf_free(&rq->body);
        }
        if (!rq->over_limit && textbuf_add(&rq->body, upload_data, n)) return MHD_NO;
        *upload_data_size = 0;
        return MHD_YES;
    }

    reply_t r;
    reply_init(&r);
    int cut = dispatch(app, c, method, url, rq, &r);
    metrics_request(rq->route, cut ? 0 : r.status, rq->bytes);
    enum MHD_Result ret = cut ? MHD_NO : send_reply(app, c, method, url, rq, &r);
    textbuf_free(&r.body);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
    (void)cls, (void)c, (void)toe;
    request_t *rq = *con_cls;
    if (!rq) return;
    textbuf_free(&rq->body);
    free(rq);
    *con_cls = NULL;
    pthread_mutex_lock(&active_lock);
    if (--active == 0) pthread_cond_broadcast(&active_idle);
    pthread_mutex_unlock(&active_lock);
}

/* libmicrohttpd's own messages (one per injected cut, say): to stderr unless
 * --quiet, and a connection closed at a limit counted for /metrics. libmicrohttpd
 * says so with this text, whichever limit it was. */
static void on_mhd_message(void *cls, const char *fmt, va_list ap) {
    const app_t *app = cls;
    static const char limit[] = "Server reached connection limit";
    if (!strncmp(fmt, limit, sizeof limit - 1)) metrics_refused();
    if (!app->quiet) vfprintf(stderr, fmt, ap);
}

struct MHD_Daemon *http_start(app_t *app, const struct sockaddr *addr, int ipv6) {
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                     MHD_USE_ITC /* for MHD_quiesce_daemon */ | MHD_USE_ERROR_LOG /* on_mhd_message */;
    if (ipv6) flags |= MHD_USE_IPv6;
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, app,
                            MHD_OPTION_EXTERNAL_LOGGER, on_mhd_message, app,
                            MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, app,
                            MHD_OPTION_CONNECTION_LIMIT, app->max_connections,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, app->max_connections_per_ip,
                            MHD_OPTION_CONNECTION_TIMEOUT, app->connection_timeout_s,
                            MHD_OPTION_END);
}

int http_port(struct MHD_Daemon *d) {
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    return info ? info->port : -1;
}

void http_stop(struct MHD_Daemon *d, int timeout_ms) {
    MHD_socket listen_fd = MHD_quiesce_daemon(d); /* no new connections from here on */
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += timeout_ms / 1000;
    pthread_mutex_lock(&active_lock);
    while (active > 0 && pthread_cond_timedwait(&active_idle, &active_lock, &until) != ETIMEDOUT) {
    }
    pthread_mutex_unlock(&active_lock);
    MHD_stop_daemon(d);
    /* libmicrohttpd hands the listening socket back; close it only once its
     * threads are gone. */
    if (listen_fd != MHD_INVALID_SOCKET) close(listen_fd);
}
