/* mock_server.c: see mock_server.h. */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <zlib.h>

#include "mock_server.h"

#define MAX_REQUESTS 4096
#define MAX_SCRIPT 256
#define MAX_ROUTES 16

typedef struct {
    char *path, *body;
    mock_reply_t reply;
} route_t;

struct mock_server_s {
    struct MHD_Daemon *daemon;
    char url[64];
    pthread_mutex_t lock;
    pthread_cond_t arrived;
    mock_reply_t script[MAX_SCRIPT];
    size_t script_len, script_pos;
    mock_request_t requests[MAX_REQUESTS];
    size_t n_requests;
    size_t events_accepted;
    size_t connections;
    route_t routes[MAX_ROUTES];
    size_t n_routes;
    char *cert, *key; /* PEM, for https */
};

typedef struct {
    char *data;
    size_t len;
    char *raw_uri; /* as the client sent it (MHD decodes the url it hands to handle) */
    int started;
} upload_t;

static void *uri_log(void *cls, const char *uri, struct MHD_Connection *conn) {
    (void)cls, (void)conn;
    upload_t *up = calloc(1, sizeof *up);
    if (up) up->raw_uri = strdup(uri);
    return up;
}

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *gunzip(const char *in, size_t len, size_t *out_len) {
    size_t cap = len * 8 + 1024;
    char *out = malloc(cap);
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (!out || inflateInit2(&zs, 15 + 16) != Z_OK) {
        free(out);
        return NULL;
    }
    zs.next_in = (Bytef *)in;
    zs.avail_in = (uInt)len;
    int rc;
    do {
        if (zs.total_out == cap) {
            cap *= 2;
            out = realloc(out, cap);
        }
        zs.next_out = (Bytef *)out + zs.total_out;
        zs.avail_out = (uInt)(cap - zs.total_out);
        rc = inflate(&zs, Z_NO_FLUSH);
    } while (rc == Z_OK);
    *out_len = zs.total_out;
    inflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    out = realloc(out, *out_len + 1);
    out[*out_len] = '\0';
    return out;
}

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    mock_request_t *r = cls;
    size_t used = strlen(r->headers);
    char name[128];
    size_t i = 0;
    for (; key[i] && i < sizeof name - 1; i++) name[i] = (char)tolower((unsigned char)key[i]);
    name[i] = '\0';
    snprintf(r->headers + used, sizeof r->headers - used, "%s: %s\n", name, value ? value : "");
    return MHD_YES;
}

static enum MHD_Result add_argument(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    (void)kind;
    mock_request_t *r = cls;
    size_t used = strlen(r->path);
    snprintf(r->path + used, sizeof r->path - used, "%c%s=%s", strchr(r->path, '?') ? '&' : '?', key, value ? value : "");
    return MHD_YES;
}

static size_t batch_size(const char *body, size_t len) {
    cJSON *doc = cJSON_ParseWithLength(body, len);
    size_t n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(doc, "batch"));
    cJSON_Delete(doc);
    return n;
}

static enum MHD_Result handle(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                              const char *version, const char *upload_data, size_t *upload_size, void **state) {
    (void)version;
    mock_server_t *m = cls;
    upload_t *up = *state;
    if (!up) return MHD_NO;
    if (!up->started) {
        up->started = 1;
        return MHD_YES;
    }
    if (*upload_size) {
        up->data = realloc(up->data, up->len + *upload_size + 1);
        memcpy(up->data + up->len, upload_data, *upload_size);
        up->len += *upload_size;
        up->data[up->len] = '\0';
        *upload_size = 0;
        return MHD_YES;
    }
    mock_request_t req;
    memset(&req, 0, sizeof req);
    req.at_ms = now_ms();
    MHD_get_connection_values(conn, MHD_HEADER_KIND, add_header, &req);
    snprintf(req.path, sizeof req.path, "%s", url);
    snprintf(req.method, sizeof req.method, "%s", method);
    snprintf(req.raw_path, sizeof req.raw_path, "%s", up->raw_uri ? up->raw_uri : "");
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_argument, &req);
    req.raw_len = up->len;
    const char *enc = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Encoding");
    req.gzip = enc && !strcmp(enc, "gzip");
    if (req.gzip) {
        req.body = gunzip(up->data ? up->data : "", up->len, &req.len);
    } else {
        req.body = up->data ? up->data : strdup("");
        req.len = up->len;
        up->data = NULL;
    }
    mock_reply_t reply = {.status = 200, .retry_after = -1};
    char *route_body = NULL;
    int routed = 0;
    size_t raw_len = strcspn(req.raw_path, "?"); /* routes are paths as sent, without the query */
    pthread_mutex_lock(&m->lock);
    for (size_t i = 0; i < m->n_routes && !routed; i++) {
        if (strlen(m->routes[i].path) != raw_len || strncmp(m->routes[i].path, req.raw_path, raw_len)) continue;
        routed = 1;
        reply = m->routes[i].reply;
        route_body = m->routes[i].body ? strdup(m->routes[i].body) : NULL;
        reply.body = route_body;
    }
    if (!routed && m->script_pos < m->script_len) reply = m->script[m->script_pos++];
    pthread_mutex_unlock(&m->lock);
    if (!reply.status) reply.status = 200;
    if (reply.delay_ms) usleep((useconds_t)reply.delay_ms * 1000);
    req.status = reply.cut ? 0 : reply.status;
    size_t events = req.body ? batch_size(req.body, req.len) : 0;

    pthread_mutex_lock(&m->lock);
    if (m->n_requests < MAX_REQUESTS) m->requests[m->n_requests++] = req;
    else free(req.body);
    if (req.status >= 200 && req.status < 300) m->events_accepted += events;
    pthread_cond_broadcast(&m->arrived);
    pthread_mutex_unlock(&m->lock);
    if (reply.cut) {
        free(route_body);
        return MHD_NO;
    }

    char text[256];
    const char *body = reply.body;
    if (!body) {
        snprintf(text, sizeof text, "{\"accepted\":%zu,\"duplicates\":0,\"rejected\":[]}", events);
        body = text;
    }
    struct MHD_Response *resp = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(resp, "Content-Type", "application/json");
    if (reply.retry_after_text) {
        MHD_add_response_header(resp, "Retry-After", reply.retry_after_text);
    } else if (reply.retry_after >= 0) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", reply.retry_after);
        MHD_add_response_header(resp, "Retry-After", ra);
    }
    enum MHD_Result rc = MHD_queue_response(conn, (unsigned)reply.status, resp);
    MHD_destroy_response(resp);
    free(route_body);
    return rc;
}

static void completed(void *cls, struct MHD_Connection *conn, void **state, enum MHD_RequestTerminationCode why) {
    (void)cls, (void)conn, (void)why;
    upload_t *up = *state;
    if (up) {
        free(up->data);
        free(up->raw_uri);
        free(up);
    }
    *state = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
    (void)conn, (void)socket_context;
    mock_server_t *m = cls;
    if (code != MHD_CONNECTION_NOTIFY_STARTED) return;
    pthread_mutex_lock(&m->lock);
    m->connections++;
    pthread_mutex_unlock(&m->lock);
}

size_t mock_connections(mock_server_t *m) {
    pthread_mutex_lock(&m->lock);
    size_t n = m->connections;
    pthread_mutex_unlock(&m->lock);
    return n;
}

/* cert and key NULL: plain http. */
static mock_server_t *start(const char *cert_pem, const char *key_pem) {
    mock_server_t *m = calloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    pthread_cond_init(&m->arrived, NULL);
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
    if (cert_pem) {
        m->cert = strdup(cert_pem), m->key = strdup(key_pem); /* MHD reads them while it runs */
        flags |= MHD_USE_TLS;
    }
    m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, handle, m, MHD_OPTION_NOTIFY_COMPLETED, completed, m,
                                 MHD_OPTION_NOTIFY_CONNECTION, on_connection, m,
                                 MHD_OPTION_URI_LOG_CALLBACK, uri_log, m,
                                 MHD_OPTION_LISTENING_ADDRESS_REUSE, 1,
                                 cert_pem ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, m->cert,
                                 MHD_OPTION_HTTPS_MEM_KEY, m->key, MHD_OPTION_END);
    if (!m->daemon) {
        free(m->cert), free(m->key), free(m);
        return NULL;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT);
    snprintf(m->url, sizeof m->url, "%s://127.0.0.1:%u", cert_pem ? "https" : "http", (unsigned)info->port);
    return m;
}

mock_server_t *mock_start(void) { return start(NULL, NULL); }

mock_server_t *mock_start_tls(const char *cert_pem, const char *key_pem) { return start(cert_pem, key_pem); }

void mock_stop(mock_server_t *m) {
    if (!m) return;
    MHD_stop_daemon(m->daemon);
    for (size_t i = 0; i < m->n_requests; i++) free(m->requests[i].body);
    for (size_t i = 0; i < m->n_routes; i++) free(m->routes[i].path), free(m->routes[i].body);
    pthread_mutex_destroy(&m->lock);
    pthread_cond_destroy(&m->arrived);
    free(m->cert), free(m->key);
    free(m);
}

const char *mock_url(mock_server_t *m) { return m->url; }

void mock_script(mock_server_t *m, const mock_reply_t *replies, size_t n) {
    pthread_mutex_lock(&m->lock);
    memcpy(m->script, replies, n * sizeof *replies);
    m->script_len = n;
    m->script_pos = 0;
    pthread_mutex_unlock(&m->lock);
}

void mock_route(mock_server_t *m, const char *path, const mock_reply_t *reply) {
    pthread_mutex_lock(&m->lock);
    size_t i = 0;
    while (i < m->n_routes && strcmp(m->routes[i].path, path)) i++;
    if (i == m->n_routes && i < MAX_ROUTES) m->routes[m->n_routes++].path = strdup(path);
    if (i < m->n_routes) {
        free(m->routes[i].body);
        m->routes[i].reply = *reply;
        m->routes[i].body = reply->body ? strdup(reply->body) : NULL;
        m->routes[i].reply.body = NULL;
    }
    pthread_mutex_unlock(&m->lock);
}

size_t mock_count(mock_server_t *m) {
    pthread_mutex_lock(&m->lock);
    size_t n = m->n_requests;
    pthread_mutex_unlock(&m->lock);
    return n;
}

int mock_wait(mock_server_t *m, size_t n, int timeout_ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) deadline.tv_sec++, deadline.tv_nsec -= 1000000000;
    pthread_mutex_lock(&m->lock);
    while (m->n_requests < n && pthread_cond_timedwait(&m->arrived, &m->lock, &deadline) == 0) {
    }
    int ok = m->n_requests >= n ? 0 : -1;
    pthread_mutex_unlock(&m->lock);
    return ok;
}

mock_request_t mock_request(mock_server_t *m, size_t i) {
    pthread_mutex_lock(&m->lock);
    mock_request_t r = m->requests[i];
    pthread_mutex_unlock(&m->lock);
    return r;
}

size_t mock_events_accepted(mock_server_t *m) {
    pthread_mutex_lock(&m->lock);
    size_t n = m->events_accepted;
    pthread_mutex_unlock(&m->lock);
    return n;
}

int mock_header(mock_server_t *m, size_t i, const char *name, char *buf, size_t size) {
    mock_request_t r = mock_request(m, i);
    size_t nlen = strlen(name);
    for (const char *line = r.headers; *line;) {
        const char *end = strchr(line, '\n');
        if (!end) break;
        if (!strncmp(line, name, nlen) && line[nlen] == ':') {
            const char *v = line + nlen + 2;
            snprintf(buf, size, "%.*s", (int)(end - v), v);
            return 0;
        }
        line = end + 1;
    }
    return -1;
}
