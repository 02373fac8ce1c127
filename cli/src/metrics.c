/* metrics.c: the /metrics server of `spoor import --metrics-port` (metrics.h). */
#include "metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_metric(textbuf_t *out, const char *name, const char *type, const char *help, double value) {
    textbuf_printf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name, value);
}

#ifdef SPOOR_CLI_NO_METRICS

cli_metrics_t *cli_metrics_start(const char *bind, int port, cli_metrics_fn fn, void *opaque, char *err, size_t size) {
    (void)bind, (void)port, (void)fn, (void)opaque;
    snprintf(err, size, "this build of spoor has no metrics server (it was built without libmicrohttpd); "
                        "the spoor command of the C package (cmake --install, the .deb) has one");
    return NULL;
}
int cli_metrics_port(const cli_metrics_t *m) { return m ? 0 : 0; }
void cli_metrics_stop(cli_metrics_t *m) { (void)m; }

#else

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>

struct cli_metrics {
    struct MHD_Daemon *daemon;
    cli_metrics_fn fn;
    void *opaque;
    int port;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    (void)version, (void)upload, (void)con_cls;
    cli_metrics_t *m = cls;
    if (*upload_size) { /* a body we do not want: read and drop it */
        *upload_size = 0;
        return MHD_YES;
    }
    unsigned status = MHD_HTTP_OK;
    const char *type = "text/plain; version=0.0.4; charset=utf-8";
    textbuf_t body;
    textbuf_init(&body);
    if (strcmp(url, "/metrics")) {
        status = MHD_HTTP_NOT_FOUND;
        textbuf_adds(&body, "not found: the metrics are at /metrics\n");
    } else if (strcmp(method, "GET") && strcmp(method, "HEAD")) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        textbuf_adds(&body, "method not allowed: GET /metrics\n");
    } else {
        m->fn(&body, m->opaque);
    }
    if (body.failed) {
        textbuf_free(&body);
        return MHD_NO;
    }
    size_t len = body.len;
    struct MHD_Response *r = MHD_create_response_from_buffer(len, len ? body.data : (char *)"",
                                                             len ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    if (!len) textbuf_free(&body);
    if (!r) {
        textbuf_free(&body);
        return MHD_NO;
    }
    MHD_add_response_header(r, "Content-Type", type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "GET, HEAD");
    enum MHD_Result ret = MHD_queue_response(conn, status, r);
    MHD_destroy_response(r);
    return ret;
}

cli_metrics_t *cli_metrics_start(const char *bind, int port, cli_metrics_fn fn, void *opaque, char *err, size_t size) {
    struct sockaddr_in v4;
    struct sockaddr_in6 v6;
    const struct sockaddr *addr;
    int ipv6 = 0;
    memset(&v4, 0, sizeof v4);
    memset(&v6, 0, sizeof v6);
    if (inet_pton(AF_INET, bind, &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&v4;
    } else if (inet_pton(AF_INET6, bind, &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons((uint16_t)port);
        addr = (const struct sockaddr *)&v6;
        ipv6 = 1;
    } else {
        snprintf(err, size, "--metrics-bind: \"%s\" is not an IPv4 or IPv6 address", bind);
        return NULL;
    }
    cli_metrics_t *m = calloc(1, sizeof *m);
    if (!m) {
        snprintf(err, size, "out of memory");
        return NULL;
    }
    m->fn = fn;
    m->opaque = opaque;
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD | (ipv6 ? MHD_USE_IPv6 : 0);
    m->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, m, MHD_OPTION_SOCK_ADDR, addr,
                                 MHD_OPTION_CONNECTION_LIMIT, 16u, MHD_OPTION_CONNECTION_TIMEOUT, 10u, MHD_OPTION_END);
    const union MHD_DaemonInfo *info = m->daemon ? MHD_get_daemon_info(m->daemon, MHD_DAEMON_INFO_BIND_PORT) : NULL;
    if (!info) {
        snprintf(err, size, "--metrics-port: cannot listen on %s port %d (in use, or not an address of this machine)",
                 bind, port);
        cli_metrics_stop(m);
        return NULL;
    }
    m->port = info->port;
    return m;
}

int cli_metrics_port(const cli_metrics_t *m) { return m->port; }

void cli_metrics_stop(cli_metrics_t *m) {
    if (!m) return;
    if (m->daemon) MHD_stop_daemon(m->daemon);
    free(m);
}

#endif
