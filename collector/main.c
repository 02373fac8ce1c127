/* main.c: spoor-collector's command line and lifecycle: parse the options, open
 * the store, serve until SIGINT/SIGTERM, then drain requests in flight and
 * close the store cleanly. The contract is in docs/collector.md. */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "app.h"
#include "faults.h"
#include "http.h"
#include "wire.h"

#define DRAIN_TIMEOUT_MS 15000

static const char USAGE[] =
    "usage: spoor-collector [--host 127.0.0.1] --port N [--port-file FILE]\n"
    "         [--api-key KEY]... [--basic USER:PASS] [--secret S] [--schemas FILE]\n"
    "         [--db FILE | --db :memory:] [--clickhouse URL] [--max-body BYTES] [--quiet]\n"
    "         [--fail-status S] [--fail-retry-after SECONDS] [--fail-delay-ms MS] [--fail-cut]\n"
    "         [--fail-count N]\n"
    "The collector of spoor's wire format v1 (POST /v1/batch) with /micro/* to inspect it.\n";

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

static int parse_args(int argc, char **argv, app_t *app, options_t *o) {
    enum { O_PORT_FILE = 256, O_API_KEY, O_BASIC, O_SECRET, O_DB, O_CLICKHOUSE, O_MAX_BODY, O_SCHEMAS,
           O_FAIL_STATUS, O_FAIL_COUNT, O_FAIL_RETRY, O_FAIL_DELAY, O_FAIL_CUT };
    static const struct option longopts[] = {
        {"host", required_argument, NULL, 'h'},        {"port", required_argument, NULL, 'p'},
        {"port-file", required_argument, NULL, O_PORT_FILE},
        {"api-key", required_argument, NULL, O_API_KEY}, {"basic", required_argument, NULL, O_BASIC},
        {"secret", required_argument, NULL, O_SECRET},   {"db", required_argument, NULL, O_DB},
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
    int c, idx = 0;
    while ((c = getopt_long(argc, argv, "", longopts, &idx)) != -1) {
        int bad = 0;
        switch (c) {
        case 'h': o->host = optarg; break;
        case 'p': bad = parse_long(optarg, 0, 65535, &o->port); break;
        case O_PORT_FILE: o->port_file = optarg; break;
        case O_API_KEY:
            if (app->auth.n_keys == AUTH_MAX_KEYS) return die("--api-key: at most %d keys", AUTH_MAX_KEYS);
            if (!*optarg) return die("--api-key: must not be empty");
            app->auth.api_keys[app->auth.n_keys++] = optarg;
            break;
        case O_BASIC:
            if (auth_set_basic(&app->auth, optarg)) return die("--basic: expects USER:PASS");
            break;
        case O_SECRET:
            if (!*optarg) return die("--secret: must not be empty");
            app->auth.secret = optarg;
            break;
        case O_DB: o->db = optarg; break;
        case O_CLICKHOUSE: o->clickhouse = optarg; break;
        case O_MAX_BODY: bad = parse_long(optarg, 1, 1L << 30, &max_body); break;
        case O_SCHEMAS: o->schemas_file = optarg; break;
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
    app->max_body = (size_t)max_body;
    return 0;
}

static int load_schemas(app_t *app, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return die("--schemas: cannot open %s", path);
    buf_t text;
    buf_init(&text);
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) buf_append(&text, chunk, n);
    fclose(f);
    char err[512];
    app->schemas = spoor__json_parse(text.data ? text.data : "", text.len, 1 << 20, SPOOR_JSON_MAX_DEPTH,
                                     "--schemas", err, sizeof err);
    buf_free(&text);
    if (!app->schemas || spoor__validate_schemas(app->schemas, err, sizeof err)) return die("%s", err);
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

static int serve(app_t *app, const options_t *o, const sigset_t *stop_signals) {
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_PASSIVE};
    struct addrinfo *ai = NULL;
    char port[8];
    snprintf(port, sizeof port, "%ld", o->port);
    int gai = getaddrinfo(o->host, port, &hints, &ai);
    if (gai) return die("--host: %s", gai_strerror(gai));
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

int main(int argc, char **argv) {
    app_t app = {.max_body = DEFAULT_MAX_BODY};
    options_t o = {.host = "127.0.0.1", .port = -1, .fault = {.retry_after = -1}};
    pthread_mutex_init(&app.store_lock, NULL);
    int rc = parse_args(argc, argv, &app, &o);
    if (rc) return rc;
    if (o.schemas_file && (rc = load_schemas(&app, o.schemas_file))) return rc;

    /* Block the stop signals before any thread exists, so every thread inherits
     * the mask and only sigwait() in serve() receives them. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN); /* a client that hangs up must not kill us */

    curl_global_init(CURL_GLOBAL_DEFAULT);
    faults_init();
    char err[512];
    if (o.fault_given) {
        if (!o.fault.count) o.fault.count = 1;
        if (faults_push(&o.fault, err, sizeof err)) return die("--fail-*: %s", err);
    }
    app.store = o.clickhouse ? store_clickhouse_open(o.clickhouse, err, sizeof err)
                             : store_sqlite_open(o.db ? o.db : ":memory:", err, sizeof err);
    if (!app.store) {
        rc = die("%s", err);
    } else {
        rc = serve(&app, &o, &stop_signals);
        pthread_mutex_lock(&app.store_lock);
        app.store->ops->close(app.store);
        pthread_mutex_unlock(&app.store_lock);
        if (!rc && !app.quiet) fprintf(stderr, "spoor-collector: stopped\n");
    }
    curl_global_cleanup();
    cJSON_Delete(app.schemas);
    free(app.auth.basic_header);
    return rc;
}
