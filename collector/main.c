/* main.c: spoor-collector's command line and lifecycle: parse the options, open
 * the store, serve until SIGINT/SIGTERM, then drain requests in flight and
 * close the store cleanly. The contract is in docs/collector.md. */
#include <errno.h>
#include <getopt.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app.h"
#include "creds.h"
#include "faults.h"
#include "http.h"
#include "wire.h"

#define DRAIN_TIMEOUT_MS 15000

static const char USAGE[] =
    "usage: spoor-collector [--host 127.0.0.1] --port N [--port-file FILE]\n"
    "         [--api-key KEY | --api-key-file FILE]... [--basic USER:PASS | --basic-file FILE]\n"
    "         [--secret S | --secret-file FILE] [--admin-key KEY | --admin-key-file FILE]\n"
    "         [--schemas FILE] [--db FILE | --db :memory:] [--clickhouse URL] [--max-body BYTES]\n"
    "         [--max-connections N] [--max-connections-per-ip N] [--connection-timeout SECONDS]\n"
    "         [--quiet] [--fail-status S] [--fail-retry-after SECONDS] [--fail-delay-ms MS]\n"
    "         [--fail-cut] [--fail-count N]\n"
    "Credentials also come from SPOOR_COLLECTOR_API_KEY, SPOOR_COLLECTOR_BASIC,\n"
    "SPOOR_COLLECTOR_SECRET and SPOOR_COLLECTOR_ADMIN_KEY when not given as options.\n"
    "The collector of spoor's wire format v1 and of Segment's HTTP Tracking API (POST /v1/batch),\n"
    "a schema registry (--schemas FILE), and /micro/* to inspect it.\n";

typedef struct {
    const char *host, *port_file, *db, *clickhouse, *schemas_file;
    long port;
    fault_t fault;
    int fault_given;
} options_t;

/* Reports a startup error; returns the exit code for it. */
__attribute__((format(printf, 1, 2))) static int die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "spoor-collector: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    return 2;
}

static int parse_long(const char *s, long min, long max, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max) return -1;
    *out = v;
    return 0;
}

static int parse_int_opt(const char *s, long min, long max, int *out) {
    long v;
    if (parse_long(s, min, max, &v)) return -1;
    *out = (int)v;
    return 0;
}

static int parse_uint_opt(const char *s, long min, long max, unsigned *out) {
    long v;
    if (parse_long(s, min, max, &v)) return -1;
    *out = (unsigned)v;
    return 0;
}

/* A credential option: O_CRED + 2 * cred (the value) or + 1 (a file). */
enum { O_PORT_FILE = 256, O_DB, O_CLICKHOUSE, O_MAX_BODY, O_SCHEMAS, O_MAX_CONN, O_MAX_CONN_IP, O_CONN_TIMEOUT,
       O_FAIL_STATUS, O_FAIL_COUNT, O_FAIL_RETRY, O_FAIL_DELAY, O_FAIL_CUT, O_CRED };
#define CRED_OPTS(name, c) {name, required_argument, NULL, O_CRED + 2 * (c)}, \
                           {name "-file", required_argument, NULL, O_CRED + 2 * (c) + 1}

static int parse_args(int argc, char **argv, app_t *app, options_t *o) {
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'h'},        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, O_PORT_FILE},
        CRED_OPTS("api-key", CRED_API_KEY), CRED_OPTS("basic", CRED_BASIC),
        CRED_OPTS("secret", CRED_SECRET),   CRED_OPTS("admin-key", CRED_ADMIN_KEY),
        {"db", required_argument, NULL, O_DB},
        {"max-connections", required_argument, NULL, O_MAX_CONN},
        {"max-connections-per-ip", required_argument, NULL, O_MAX_CONN_IP},
        {"connection-timeout", required_argument, NULL, O_CONN_TIMEOUT},
        {"clickhouse", required_argument, NULL, O_CLICKHOUSE},
        {"max-body", required_argument, NULL, O_MAX_BODY},
        {"schemas", required_argument, NULL, O_SCHEMAS}, {"quiet", no_argument, NULL, 'q'},
        {"fail-status", required_argument, NULL, O_FAIL_STATUS},
        {"fail-count", required_argument, NULL, O_FAIL_COUNT},
        {"fail-retry-after", required_argument, NULL, O_FAIL_RETRY},
        {"fail-delay-ms", required_argument, NULL, O_FAIL_DELAY},
        {"fail-cut", no_argument, NULL, O_FAIL_CUT},     {"help", no_argument, NULL, 'H'},
        {NULL, 0, NULL, 0}};
    long max_body = DEFAULT_MAX_BODY;
    int c, idx = 0, given[CRED_COUNT] = {0};
    char err[512];
    while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
        int bad = 0;
        if (c >= O_CRED && c < O_CRED + 2 * CRED_COUNT) {
            cred_t cred = (cred_t)((c - O_CRED) / 2);
            char source[64];
            snprintf(source, sizeof source, "--%s", cred_option[cred]);
            given[cred] = 1;
            if ((c - O_CRED) % 2 ? creds_add_file(&app->auth, cred, optarg, err, sizeof err)
                                 : creds_add(&app->auth, cred, optarg, source, err, sizeof err))
                return die("%s", err);
            continue;
        }
        switch (c) {
        case 'h': o->host = optarg; break;
        case 'p': bad = parse_long(optarg, 0, 65535, &o->port); break;
        case O_PORT_FILE: o->port_file = optarg; break;
        case O_DB: o->db = optarg; break;
        case O_CLICKHOUSE: o->clickhouse = optarg; break;
        case O_MAX_BODY: bad = parse_long(optarg, 1, 1L << 30, &max_body); break;
        case O_SCHEMAS: o->schemas_file = optarg; break;
        case O_MAX_CONN: bad = parse_uint_opt(optarg, 1, 100000, &app->max_connections); break;
        case O_MAX_CONN_IP: bad = parse_uint_opt(optarg, 1, 100000, &app->max_connections_per_ip); break;
        case O_CONN_TIMEOUT: bad = parse_uint_opt(optarg, 1, 86400, &app->connection_timeout_s); break;
        case 'q': app->quiet = 1; break;
        case O_FAIL_STATUS: bad = parse_int_opt(optarg, 100, 599, &o->fault.status); o->fault_given = 1; break;
        case O_FAIL_COUNT: bad = parse_int_opt(optarg, 1, FAULT_MAX_COUNT, &o->fault.count); break;
        case O_FAIL_RETRY: bad = parse_int_opt(optarg, 0, 86400, &o->fault.retry_after); o->fault_given = 1; break;
        case O_FAIL_DELAY: bad = parse_int_opt(optarg, 1, FAULT_MAX_DELAY_MS, &o->fault.delay_ms); o->fault_given = 1; break;
        case O_FAIL_CUT: o->fault.cut = 1; o->fault_given = 1; break;
        case 'H': fputs(USAGE, stdout); exit(0);
        default: fputs(USAGE, stderr); return 2;
        }
        if (bad) return die("--%s: bad value \"%s\"", longopts[idx].name, optarg);
    }
    if (optind < argc) return die("unexpected argument: %s", argv[optind]);
    if (o->port < 0) return die("--port is required (0 picks a free port)");
    if (o->db && o->clickhouse) return die("--db and --clickhouse: choose one store");
    if (o->fault.count && !o->fault_given)
        return die("--fail-count needs --fail-status, --fail-retry-after, --fail-delay-ms or --fail-cut");
    if (creds_from_env(&app->auth, given, err, sizeof err)) return die("%s", err);
    app->max_body = (size_t)max_body;
    return 0;
}

/* Written to a temporary name and renamed, so a reader never sees half a number. */
static int write_port_file(const char *path, int port) {
    size_t n = strlen(path) + 5;
    char *tmp = malloc(n);
    if (!tmp) return -1;
    snprintf(tmp, n, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    int ok = f && fprintf(f, "%d\n", port) > 0;
    if (f && fclose(f)) ok = 0;
    ok = ok && rename(tmp, path) == 0;
    free(tmp);
    return ok ? 0 : -1;
}

/* 1 for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z: only this machine can connect. */
static int is_loopback(const struct sockaddr *sa) {
    if (sa->sa_family == AF_INET) return ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr) >> 24 == 127;
    if (sa->sa_family != AF_INET6) return 0;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

/* Said whatever --quiet says: a collector others can reach is a decision. */
static void warn_exposed(const app_t *app, const char *host) {
    fprintf(stderr, "spoor-collector: WARNING: %s is not a loopback address; other machines can reach this "
            "collector.\nspoor-collector: WARNING: it speaks plain HTTP: keys, signatures and events cross the "
            "network unencrypted.\n", host);
    if (!auth_guards_micro(&app->auth))
        fprintf(stderr, "spoor-collector: WARNING: no --api-key, --basic or --admin-key: anyone who reaches it "
                "can post events, read every stored event, reset the store and inject faults.\n");
    fprintf(stderr, "spoor-collector: WARNING: it is a development tool; see \"Security\" in docs/collector.md.\n");
}

static int serve(app_t *app, const options_t *o, const sigset_t *stop_signals) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char port[8];
    snprintf(port, sizeof port, "%ld", o->port);
    int gai = getaddrinfo(o->host, port, &hints, &ai);
    if (gai) return die("--host: %s", gai_strerror(gai));
    if (!is_loopback(ai->ai_addr)) warn_exposed(app, o->host);
    struct MHD_Daemon *d = http_start(app, ai->ai_addr, ai->ai_family == AF_INET6);
    int ipv6 = ai->ai_family == AF_INET6;
    freeaddrinfo(ai);
    if (!d) return die("cannot listen on %s (port in use?)", o->host);
    int bound = http_port(d);
    printf("spoor-collector listening on http://%s%s%s:%d\n", ipv6 ? "[" : "", o->host, ipv6 ? "]" : "", bound);
    fflush(stdout);
    if (o->port_file && write_port_file(o->port_file, bound)) {
        http_stop(d, 0);
        return die("--port-file: cannot write %s", o->port_file);
    }

    int sig = 0;
    sigwait(stop_signals, &sig);
    if (!app->quiet) fprintf(stderr, "spoor-collector: %s, finishing requests in flight\n", strsignal(sig));
    faults_shutdown(); /* delayed requests answer now */
    http_stop(d, DRAIN_TIMEOUT_MS);
    return 0;
}

/* From the store's opening to its closing. */
static int run(app_t *app, options_t *o) {
    /* Block the stop signals before any thread exists, so every thread inherits
     * the mask and only sigwait() in serve() receives them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill us */

    faults_init();
    char err[512];
    if (o->fault_given) {
        if (!o->fault.count) o->fault.count = 1;
        if (faults_push(&o->fault, err, sizeof err)) return die("--fail-*: %s", err);
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc;
    app->store = o->clickhouse ? store_clickhouse_open(o->clickhouse, err, sizeof err)
                               : store_sqlite_open(o->db ? o->db : ":memory:", err, sizeof err);
    if (!app->store) {
        rc = die("%s", err);
    } else {
        rc = serve(app, o, &stop_signals);
        pthread_mutex_lock(&app->store_lock);
        app->store->ops->close(app->store);
        pthread_mutex_unlock(&app->store_lock);
        if (!rc && !app->quiet) fprintf(stderr, "spoor-collector: stopped\n");
    }
    curl_global_cleanup();
    return rc;
}

int main(int argc, char **argv) {
    app_t app = {.max_body = DEFAULT_MAX_BODY, .max_connections = DEFAULT_MAX_CONNECTIONS,
                 .max_connections_per_ip = DEFAULT_MAX_CONNECTIONS_PER_IP,
                 .connection_timeout_s = DEFAULT_CONNECTION_TIMEOUT_S};
    options_t o = {.host = "127.0.0.1", .port = -1, .fault = {.retry_after = -1}};
    pthread_mutex_init(&app.store_lock, NULL);
    int rc = parse_args(argc, argv, &app, &o);
    char err[512];
    if (!rc && o.schemas_file && registry_load(&app.registry, o.schemas_file, &app.auth, err, sizeof err))
        rc = die("%s", err);
    if (!rc) rc = run(&app, &o);
    registry_free(&app.registry);
    auth_free(&app.auth);
    return rc;
}
