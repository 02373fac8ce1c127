/* config.c: the one property table behind spoor_config_set/get and the docs. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>

#include "internal.h"
#include "json.h"
#include "spool.h"
#include "timefmt.h"
#include "url.h"
#include "utf8.h"
#include "validate.h"

#define OFF(f) offsetof(struct spoor_config_s, f)
#define S SPOOR_PROP_STRING
#define I SPOOR_PROP_INT
#define B SPOOR_PROP_BOOL
#define D SPOOR_PROP_DURATION
#define J SPOOR_PROP_JSON
#define E SPOOR_PROP_ENUM
#define BIG INT64_C(1000000000)
#define DAY INT64_C(86400000)
#define MIN INT64_C(60000)

/* A row gives the fields of spoor_property_t up to secret; later fields (unstable)
 * are filled in the public view (make_pub), so the public struct can grow without
 * touching every row. */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
typedef struct {
    spoor_property_t pub;
    size_t offset;
    const char *const *choices; /* an enum's names, indexed by value (gaps NULL) */
    size_t n_choices;
    /* A duration above this is more likely a value in the wrong unit (5000 seconds
     * for 5000 ms) than a wish: warned about at client creation, not refused. 0: none. */
    int64_t plausible_max;
    int unstable; /* a test hook: listed apart in the docs, not part of the stable API */
} prop_t;
#define CHOICES(names) names, sizeof names / sizeof *names, 0, 0
#define NONE NULL, 0, 0, 0
#define PLAUSIBLE_UP_TO(ms) NULL, 0, (ms), 0 /* a duration; see plausible_max */
#define TEST_HOOK NULL, 0, 0, 1           /* spoor/sys/testing.h */

static const char *const log_levels[] = {[SPOOR_LOG_ERROR] = "error", [SPOOR_LOG_WARN] = "warn",
                                         [SPOOR_LOG_INFO] = "info", [SPOOR_LOG_DEBUG] = "debug"};
static const char *const sync_policies[] = {[SPOOR_SYNC_NONE] = "none", [SPOOR_SYNC_BATCH] = "batch",
                                            [SPOOR_SYNC_EVENT] = "event"};
static const char *const key_styles[] = {[SPOOR__KEYS_SNAKE] = "snake", [SPOOR__KEYS_CAMEL] = "camel"};
static const char *const protocols[] = {[SPOOR__PROTOCOL_SPOOR] = "spoor", [SPOOR__PROTOCOL_SEGMENT] = "segment"};
static const char *const modes[] = {[SPOOR__MODE_SEND] = "send", [SPOOR__MODE_DISABLED] = "disabled",
                                    [SPOOR__MODE_CAPTURE] = "capture"};

static const prop_t props[] = {
    {{"host", S, "", "Base URL of the ingestion server (http:// or https://); events go to {host}/v1/batch. Required.", 0, 0, 0}, OFF(host), NONE},
    {{"protocol", E, "spoor", "The wire format: spoor (this library's own, wire v1) or segment (Segment's HTTP Tracking API, which Segment, RudderStack, Jitsu and others take: POST {host}/v1/batch with api_key as the Basic-auth write key). Both are described in docs/protocol.md.", 0, 0, 0}, OFF(protocol), CHOICES(protocols)},
    {{"api_key", S, "", "API key, sent as X-API-Key; with protocol=segment the write key, sent as Authorization: Basic base64(api_key + \":\").", 0, 0, 1}, OFF(api_key), NONE},
    {{"access_token", S, "", "Bearer token, sent as Authorization: Bearer (or set a token callback).", 0, 0, 1}, OFF(access_token), NONE},
    {{"username", S, "", "Basic-auth user name (with password).", 0, 0, 0}, OFF(username), NONE},
    {{"password", S, "", "Basic-auth password.", 0, 0, 1}, OFF(password), NONE},
    {{"headers", J, "", "Extra request headers, a JSON object of string values. Names are HTTP tokens; the headers spoor sets itself are refused in any case: Content-Type, Content-Encoding (see gzip), Content-Length, Expect, Accept, X-API-Key (see api_key), Authorization (see access_token, username and password), User-Agent, and every X-Spoor-* (see secret).", 0, 0, 0}, OFF(headers_json), NONE},
    {{"flush_at", I, "10", "Send a batch as soon as this many events wait.", 1, 100000, 0}, OFF(flush_at), NONE},
    {{"flush_interval", D, "10000", "Send what waits once the oldest event has waited this long (ms).", 1, DAY, 0}, OFF(flush_interval_ms), PLAUSIBLE_UP_TO(10 * MIN)},
    {{"max_batch_events", I, "10000", "Most events in one request.", 1, 100000, 0}, OFF(max_batch_events), NONE},
    {{"max_batch_bytes", I, "1048576", "Most bytes of events in one request (before gzip); reaching it also triggers a send. With protocol=segment at most Segment's 500 KB (512000).", 1024, 64 * 1048576, 0}, OFF(max_batch_bytes), NONE},
    {{"max_event_bytes", I, "32768", "Most bytes one serialised event may take; a bigger one is refused at the call. With protocol=segment at most Segment's 32 KB (32768).", 256, 16 * 1048576, 0}, OFF(max_event_bytes), NONE},
    {{"max_queue_size", I, "10000", "Most events waiting to be sent (in memory, and in the spool when one is set); past it the oldest is dropped, counted and reported.", 1, BIG, 0}, OFF(max_queue_size), NONE},
    {{"timeout", D, "10000", "Total time one HTTP request may take (ms).", 1, DAY, 0}, OFF(timeout_ms), PLAUSIBLE_UP_TO(10 * MIN)},
    {{"connect_timeout", D, "5000", "Time to establish a connection (ms).", 1, DAY, 0}, OFF(connect_timeout_ms), PLAUSIBLE_UP_TO(10 * MIN)},
    {{"retry_limit", I, "100", "Most retries after the first attempt for network errors, timeouts, 5xx and 429; by default delivery_timeout ends retries first.", 0, 1000, 0}, OFF(retry_limit), NONE},
    {{"retry_backoff", D, "100", "First retry delay (ms); doubles per attempt, with jitter.", 0, DAY, 0}, OFF(retry_backoff_ms), PLAUSIBLE_UP_TO(MIN)},
    {{"retry_backoff_max", D, "5000", "Longest retry delay (ms).", 0, DAY, 0}, OFF(retry_backoff_max_ms), PLAUSIBLE_UP_TO(10 * MIN)},
    {{"delivery_timeout", D, "60000", "How long a batch is retried after its first attempt (ms); no retry starts later. With the defaults a batch is tried about 20 times over a minute (backoff 0.1 s doubling to 5 s), so the server may be away that long without a loss. For longer outages set spool_dir, which keeps events past it. 0: no time bound (retry_limit alone).", 0, DAY, 0}, OFF(delivery_timeout_ms), PLAUSIBLE_UP_TO(6 * 60 * MIN)},
    {{"retry_after_max", D, "60000", "Longest Retry-After (ms) honoured from a 429 or 503; longer values are capped.", 0, DAY, 0}, OFF(retry_after_max_ms), PLAUSIBLE_UP_TO(60 * MIN)},
    {{"gzip", B, "false", "Compress request bodies with gzip.", 0, 1, 0}, OFF(gzip), NONE},
    {{"secret", S, "", "HMAC-SHA256 signing secret: adds X-Spoor-Timestamp and X-Spoor-Signature.", 0, 0, 1}, OFF(secret), NONE},
    {{"spool_dir", S, "", "Durable on-disk queue: a directory (created if missing) where every accepted event is written before the call returns; a client that opens it later sends what was left. One client at a time; empty (the default) means no spool; a relative path is taken from the working directory.", 0, 0, 0}, OFF(spool_dir), NONE},
    {{"spool_sync", E, "batch", "When the spool is fsynced: none (the OS writes it; survives a process crash), batch (before each batch is sent) or event (before each call returns; survives a power cut).", 0, 0, 0}, OFF(spool_sync), CHOICES(sync_policies)},
    {{"debug", B, "false", "Log at debug level (same as log_level=debug).", 0, 1, 0}, OFF(debug), NONE},
    {{"log_level", E, "warn", "Least severe level logged: error, warn, info or debug.", 0, 0, 0}, OFF(log_level), CHOICES(log_levels)},
    {{"ca_path", S, "", "CA bundle file for TLS verification (default: the system's).", 0, 0, 0}, OFF(ca_path), NONE},
    {{"tls_verify", B, "true", "Verify the server's TLS certificate and host name. A batch whose certificate fails verification fails at once, not retried.", 0, 1, 0}, OFF(tls_verify), NONE},
    {{"proxy", S, "", "Proxy URL for every request (curl syntax).", 0, 0, 0}, OFF(proxy), NONE},
    {{"close_timeout", D, "5000", "Deadline for close() without a timeout and for destroy (ms).", 0, DAY, 0}, OFF(close_timeout_ms), PLAUSIBLE_UP_TO(10 * MIN)},
    {{"collection_schemas", J, "", "Field types per recordEvent collection: {\"purchase\": {\"totalprice\": \"number\"}}; types string, number, boolean, timestamp, object, array.", 0, 0, 0}, OFF(schemas_json), NONE},
    {{"schemas_from", S, "", "A source id of the server's schema registry: its collections are fetched (GET {host}/v1/sources/{id}/collections) when the client is created and every schemas_refresh, and recordEvent is checked against them as against collection_schemas, which then only serves until the first fetch succeeds. A failed fetch keeps the schemas the client had, is logged and counted (schema_fetch_failures).", 0, 0, 0}, OFF(schemas_from), NONE},
    {{"schemas_refresh", D, "300000", "How often schemas_from is fetched again (ms); 0: only when the client is created.", 0, DAY, 0}, OFF(schemas_refresh_ms), NONE},
    {{"schemas_wait", D, "2000", "How long creating a client with schemas_from waits for the first fetch (ms); past it the client is made and the fetch goes on in the background (recordEvent is checked against collection_schemas, if any, until it succeeds). 0: do not wait.", 0, MIN, 0}, OFF(schemas_wait_ms), NONE},
    {{"binding", S, "c", "The language binding, for User-Agent and context.library.binding (set by bindings).", 0, 0, 0}, OFF(binding), NONE},
    {{"key_style", E, "snake", "How keys are spelled, when set and read and in every message: snake (flush_at) or camel (flushAt). A binding whose options are camelCase sets it first.", 0, 0, 0}, OFF(key_style), CHOICES(key_styles)},
    {{"mode", E, "send", "What the client does with the events calls accept: send (deliver them), disabled (every call still checks its event, then nothing is queued or sent; flush and close return at once) or capture (for unit tests: the events are kept in memory instead of sent, at most max_queue_size, for captured() to return). In disabled and capture mode host may be left out and spool_dir cannot be set.", 0, 0, 0}, OFF(mode), CHOICES(modes)},
    {{"test_fixed_time", S, "", "A fixed ISO-8601 wall clock for timestamps, sentAt and signatures.", 0, 0, 0}, OFF(test_fixed_time), TEST_HOOK},
    {{"test_id_seed", I, "", "Ids come from a deterministic sequence with this seed.", 0, BIG, 0}, OFF(test_id_seed), TEST_HOOK},
};
#define N_PROPS (sizeof props / sizeof props[0])

/* The public view of each row, and each key's camelCase name, made once. */
static spoor_property_t pub[N_PROPS];
static char camel_names[N_PROPS][48];
static pthread_once_t pub_once = PTHREAD_ONCE_INIT;

static void make_pub(void) {
    for (size_t i = 0; i < N_PROPS; i++) {
        pub[i] = props[i].pub;
        pub[i].unstable = props[i].unstable;
        spoor__camel_case(pub[i].name, camel_names[i], sizeof camel_names[i]);
    }
}

void spoor__camel_case(const char *snake, char *out, size_t size) {
    size_t o = 0;
    for (const char *p = snake; *p && o + 1 < size; p++) {
        if (*p == '_' && p[1] >= 'a' && p[1] <= 'z') out[o++] = (char)(*++p - 32);
        else if (*p != '_') out[o++] = *p;
    }
    out[o] = '\0';
}

const spoor_property_t *spoor_config_property(size_t i) {
    if (i >= N_PROPS) return NULL;
    pthread_once(&pub_once, make_pub);
    return &pub[i];
}

/* Row i's name as conf spells keys. */
static const char *spelled(const spoor_config_t *conf, size_t i) {
    if (!conf || conf->key_style != SPOOR__KEYS_CAMEL) return props[i].pub.name;
    pthread_once(&pub_once, make_pub);
    return camel_names[i];
}

const char *spoor__key_name(const spoor_config_t *conf, const char *key) {
    for (size_t i = 0; i < N_PROPS; i++)
        if (!strcmp(props[i].pub.name, key)) return spelled(conf, i);
    return key;
}

static const prop_t *find(const spoor_config_t *conf, const char *key) {
    for (size_t i = 0; key && i < N_PROPS; i++)
        if (!strcmp(spelled(conf, i), key)) return &props[i];
    return NULL;
}

void spoor__config_spell_error(const spoor_config_t *conf) {
    if (!conf || conf->key_style != SPOOR__KEYS_CAMEL) return;
    const char *msg = spoor_last_error();
    for (size_t i = 0; i < N_PROPS; i++) {
        size_t n = strlen(props[i].pub.name);
        if (strncmp(msg, props[i].pub.name, n) || !strchr(":. ", msg[n])) continue;
        spoor__error_respell(n, spelled(conf, i));
        return;
    }
}

const char *const *spoor__config_choices(const char *key, size_t *count) {
    const prop_t *p = find(NULL, key);
    *count = p ? p->n_choices : 0;
    return p ? p->choices : NULL;
}

/* key in lower case without '_' and '-' (flushAt, FLUSH_AT, flush-at: flushat);
 * 0 when it does not fit. */
static size_t fold_key(const char *key, char *out, size_t size) {
    size_t n = 0;
    for (; *key; key++) {
        if (*key == '_' || *key == '-') continue;
        if (n + 1 >= size) return 0;
        out[n++] = (char)(*key >= 'A' && *key <= 'Z' ? *key + 32 : *key);
    }
    out[n] = '\0';
    return n;
}

/* Levenshtein distance of two short strings (each under 64 bytes). */
static size_t edit_distance(const char *a, size_t na, const char *b, size_t nb) {
    size_t row[64];
    for (size_t j = 0; j <= nb; j++) row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t up = row[j], best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best) best = up + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[nb];
}

/* The key a caller most likely meant by an unknown one, for every binding's
 * "did you mean" : the same letters spelled another way (flushAt, FLUSH_AT), else
 * the nearest key one edit away (two for longer names). NULL when none is close. */
static const char *nearest_key(const spoor_config_t *conf, const char *key) {
    char want[64], have[64];
    size_t nw = key ? fold_key(key, want, sizeof want) : 0;
    if (!nw) return NULL;
    size_t most = nw >= 6 ? 2 : nw >= 3 ? 1 : 0, best_d = most + 1;
    const char *best = NULL;
    for (size_t i = 0; i < N_PROPS; i++) {
        size_t nh = fold_key(props[i].pub.name, have, sizeof have);
        size_t d = edit_distance(want, nw, have, nh);
        if (d < best_d) best_d = d, best = spelled(conf, i);
    }
    return best;
}

static spoor_err_t unknown_key(const spoor_config_t *conf, const char *key) {
    const char *hint = nearest_key(conf, key);
    if (hint)
        return spoor__error(SPOOR_ERR_CONFIG_UNKNOWN, "%s: unknown configuration key (did you mean %s?)", key, hint);
    return spoor__error(SPOOR_ERR_CONFIG_UNKNOWN, "%s: unknown configuration key", key ? key : "(null)");
}

static int parse_int(const char *v, int64_t *out) {
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    if (errno || end == v || *end) return -1;
    *out = n;
    return 0;
}

/* "250", "250ms", "1.5s", "2m" -> milliseconds. */
static int parse_duration(const char *v, int64_t *out) {
    char *end;
    errno = 0;
    double n = strtod(v, &end);
    if (errno || end == v || n != n) return -1;
    double scale = 1;
    if (!*end || !strcmp(end, "ms")) scale = 1;
    else if (!strcmp(end, "s")) scale = 1000;
    else if (!strcmp(end, "m")) scale = 60000;
    else return -1;
    double ms = n * scale;
    if (ms < 0 || ms > 9e15 || (!*end && ms != (double)(int64_t)ms)) return -1;
    *out = (int64_t)(ms + 0.5);
    return 0;
}

static int parse_bool(const char *v, int *out) {
    if (!strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "yes") || !strcasecmp(v, "on")) *out = 1;
    else if (!strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "no") || !strcasecmp(v, "off")) *out = 0;
    else return -1;
    return 0;
}

int spoor__header_value_problem(const char *v, char *why, size_t size) {
    size_t len = strlen(v);
    if (len > SPOOR_HEADER_VALUE_MAX) {
        snprintf(why, size, "%zu bytes is over the limit of %d for a header value", len, SPOOR_HEADER_VALUE_MAX);
        return -1;
    }
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
            snprintf(why, size, "must not contain control characters (a header value is one line)");
            return -1;
        }
    }
    return 0;
}

/* The settings whose values go into a request header: X-API-Key, Authorization
 * (Bearer, or Basic from the user name and password), User-Agent (binding). */
static int becomes_header(const char *key) {
    static const char *const keys[] = {"api_key", "access_token", "username", "password", "binding"};
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (!strcmp(key, keys[i])) return 1;
    return 0;
}

/* RFC 9110's tchar: what a header name is made of. */
static int is_header_name(const char *name) {
    if (!*name) return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        if (!((*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z') || strchr("!#$%&'*+-.^_`|~", *p)))
            return 0;
    return 1;
}

/* The headers spoor sets itself, and the settings that shape each instead (one, or
 * a key and the pair that replaces it): a custom one of the same name (in any case)
 * would be sent twice or replace spoor's, so it is refused. No settings: spoor
 * alone decides it. */
static const struct {
    const char *name;
    const char *keys[3];
} spoor_headers[] = {
    {"Content-Type", {NULL}},
    {"Content-Encoding", {"gzip"}},
    {"Content-Length", {NULL}},
    {"Expect", {NULL}},
    {"Accept", {NULL}},
    {"X-API-Key", {"api_key"}},
    {"Authorization", {"access_token", "username", "password"}},
    {"User-Agent", {NULL}},
};

/* Why a custom header may not have this name, or NULL. The settings are spelled as
 * the user spells keys (spoor__key_name). */
static const char *reserved_header(const spoor_config_t *conf, const char *name, char *why, size_t size) {
    for (size_t i = 0; i < sizeof spoor_headers / sizeof *spoor_headers; i++) {
        if (strcasecmp(name, spoor_headers[i].name)) continue;
        const char *const *k = spoor_headers[i].keys;
        if (k[2])
            snprintf(why, size, "is set by spoor (use %s or %s/%s)", spoor__key_name(conf, k[0]),
                     spoor__key_name(conf, k[1]), spoor__key_name(conf, k[2]));
        else if (k[0]) snprintf(why, size, "is set by spoor (use %s)", spoor__key_name(conf, k[0]));
        else snprintf(why, size, "is set by spoor");
        return why;
    }
    if (!strncasecmp(name, "X-Spoor-", 8)) {
        snprintf(why, size, "is set by spoor (X-Spoor-* is spoor's own: X-Spoor-Timestamp and X-Spoor-Signature come from secret)");
        return why;
    }
    return NULL;
}

/* The rules for the headers setting: names are tokens and not one spoor sets,
 * values one line each. */
static int check_headers(const spoor_config_t *conf, const cJSON *j, char *err, size_t size) {
    const cJSON *h;
    cJSON_ArrayForEach(h, j) {
        char name[128]; /* as printable text: a control byte would start a new line of the message */
        size_t i = 0;
        for (; h->string[i] && i < sizeof name - 1; i++)
            name[i] = h->string[i] >= 0x20 && h->string[i] < 0x7f ? h->string[i] : '?';
        name[i] = '\0';
        char why[192];
        int bad = 1;
        if (!is_header_name(h->string)) snprintf(why, sizeof why, "is not a header name (letters, digits and !#$%%&'*+-.^_`|~ only)");
        else if (reserved_header(conf, h->string, why, sizeof why)) {
            snprintf(err, size, "headers: \"%s\" %s", name, why);
            return -1;
        } else if (!cJSON_IsString(h)) snprintf(why, sizeof why, "must be a string");
        else bad = spoor__header_value_problem(h->valuestring, why, sizeof why) != 0;
        if (bad) {
            snprintf(err, size, "headers.%s: %s", name, why);
            return -1;
        }
    }
    return 0;
}

/* Key-specific rules beyond the type's. Messages never show a value: it may be a credential. */
static spoor_err_t check_value(const spoor_config_t *conf, const char *key, const char *v) {
    char err[512];
    if (!strcmp(key, "host") && *v && strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "host: must be an http:// or https:// URL");
    if (!strcmp(key, "host") && *v && spoor__url_check(v, err, sizeof err))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "host: is not a valid URL (%s)", err);
    if (becomes_header(key) && spoor__header_value_problem(v, err, sizeof err))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: %s", key, err);
    if (!strcmp(key, "username") && strchr(v, ':'))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "username: must not contain ':' (Basic auth puts it between user and password)");
    if (!strcmp(key, "host") && *v) { /* a common slip: the endpoint for the base */
        size_t n = strlen(v);
        while (n && v[n - 1] == '/') n--;
        if (n >= 9 && !strncasecmp(v + n - 9, "/v1/batch", 9))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID,
                                "host: must be the server's base URL, without /v1/batch (events go to {host}/v1/batch)");
    }
    if (!strcmp(key, "schemas_from") && spoor__utf8_invalid_at(v, strlen(v)) != strlen(v))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "schemas_from: is not valid UTF-8");
    if (!strcmp(key, "test_fixed_time") && *v) {
        int64_t ms;
        if (spoor__iso8601_parse(v, &ms))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "test_fixed_time: must be an ISO-8601 timestamp");
    }
    if (*v && (!strcmp(key, "headers") || !strcmp(key, "collection_schemas"))) {
        cJSON *j = spoor__json_parse(v, strlen(v), 1048576, SPOOR_JSON_MAX_DEPTH, key, err, sizeof err);
        if (!j) return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s", err);
        int bad = !cJSON_IsObject(j);
        if (bad) snprintf(err, sizeof err, "%s: must be a JSON object", key);
        if (!bad && !strcmp(key, "headers")) bad = check_headers(conf, j, err, sizeof err) != 0;
        if (!bad && !strcmp(key, "collection_schemas")) bad = spoor__validate_schemas(j, err, sizeof err) != 0;
        cJSON_Delete(j);
        if (bad) return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s", err);
    }
    return SPOOR_OK;
}

void spoor__wipe_free(char *s) {
    if (!s) return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

void spoor__wipe_slist(struct curl_slist *list) {
    for (struct curl_slist *l = list; l; l = l->next) OPENSSL_cleanse(l->data, strlen(l->data));
    curl_slist_free_all(list);
}

static spoor_err_t set_prop(spoor_config_t *conf, const prop_t *p, const char *value) {
    const char *key = p->pub.name;
    const char *v = value ? value : p->pub.default_value;
    char *base = (char *)conf;
    switch (p->pub.type) {
    case SPOOR_PROP_STRING:
    case SPOOR_PROP_JSON: {
        spoor_err_t rc = check_value(conf, key, v);
        if (rc) return rc;
        char **slot = (char **)(base + p->offset);
        char *copy = *v ? strdup(v) : NULL;
        if (*v && !copy) return spoor__error(SPOOR_ERR_NOMEM, "%s: out of memory", key);
        spoor__wipe_free(*slot);
        *slot = copy;
        return SPOOR_OK;
    }
    case SPOOR_PROP_INT:
    case SPOOR_PROP_DURATION: {
        int64_t n = -1;
        int64_t *slot = (int64_t *)(base + p->offset);
        if (!*v) { *slot = -1; return SPOOR_OK; } /* unset (only test_id_seed defaults to it) */
        int bad = p->pub.type == SPOOR_PROP_INT ? parse_int(v, &n) : parse_duration(v, &n);
        if (bad)
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: \"%s\" is not %s", key, v,
                                p->pub.type == SPOOR_PROP_INT ? "an integer"
                                                              : "a duration in milliseconds (or with a unit: 250ms, 10s)");
        /* A duration given with a unit ("90000s", as Python passes its seconds) is shown as given. */
        int unit = p->pub.type == SPOOR_PROP_DURATION && v[strlen(v) - 1] > '9';
        if ((n < p->pub.min || n > p->pub.max) && unit)
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: %s is %lld ms, out of range [%lld, %lld] ms", key, v,
                                (long long)n, (long long)p->pub.min, (long long)p->pub.max);
        if (n < p->pub.min || n > p->pub.max)
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: %lld is out of range [%lld, %lld]", key,
                                (long long)n, (long long)p->pub.min, (long long)p->pub.max);
        *slot = n;
        return SPOOR_OK;
    }
    case SPOOR_PROP_BOOL: {
        int b;
        if (parse_bool(v, &b))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: \"%s\" is not a boolean (true or false)", key, v);
        *(int *)(base + p->offset) = b;
        return SPOOR_OK;
    }
    case SPOOR_PROP_ENUM: {
        char names[128] = "";
        for (size_t i = 0; i < p->n_choices; i++) {
            if (!p->choices[i]) continue;
            if (!strcasecmp(v, p->choices[i])) {
                *(int64_t *)(base + p->offset) = (int64_t)i;
                return SPOOR_OK;
            }
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", *names ? ", " : "", p->choices[i]);
        }
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: \"%s\" is not one of %s", key, v, names);
    }
    }
    return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: bad property type", key);
}

spoor_err_t spoor_config_set(spoor_config_t *conf, const char *key, const char *value) {
    if (!conf) return spoor__error(SPOOR_ERR_INVALID, "config: NULL handle");
    const prop_t *p = find(conf, key);
    if (!p) return unknown_key(conf, key);
    spoor_err_t rc = set_prop(conf, p, value);
    if (rc == SPOOR_OK) spoor__clear_error();
    else spoor__config_spell_error(conf);
    return rc;
}

/* The headers setting with every value as "***": any of them may be a credential. */
static char *masked_headers(const char *json) {
    cJSON *j = cJSON_Parse(json), *h;
    cJSON_ArrayForEach(h, j) cJSON_SetValuestring(h, "***");
    char *out = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    return out;
}

spoor_err_t spoor_config_get(const spoor_config_t *conf, const char *key, char *buf, size_t size) {
    const prop_t *p = find(conf, key);
    if (!p) return unknown_key(conf, key);
    if (!conf) return spoor__error(SPOOR_ERR_INVALID, "config: NULL handle");
    const char *base = (const char *)conf;
    switch (p->pub.type) {
    case SPOOR_PROP_STRING:
    case SPOOR_PROP_JSON: {
        const char *s = *(char *const *)(base + p->offset);
        char *shown = NULL; /* credentials inside the host, the proxy and the headers are masked too */
        if (s && (!strcmp(key, "host") || !strcmp(key, "proxy"))) shown = spoor__url_redact(s, key[0] == 'p');
        else if (s && !strcmp(key, "headers")) shown = masked_headers(s);
        snprintf(buf, size, "%s", s && p->pub.secret ? "***" : shown ? shown : s ? s : "");
        free(shown);
        break;
    }
    case SPOOR_PROP_INT:
    case SPOOR_PROP_DURATION: {
        int64_t n = *(const int64_t *)(base + p->offset);
        if (n < 0) snprintf(buf, size, "%s", "");
        else snprintf(buf, size, "%lld", (long long)n);
        break;
    }
    case SPOOR_PROP_BOOL:
        snprintf(buf, size, "%s", *(const int *)(base + p->offset) ? "true" : "false");
        break;
    case SPOOR_PROP_ENUM:
        snprintf(buf, size, "%s", p->choices[*(const int64_t *)(base + p->offset)]);
        break;
    }
    return SPOOR_OK;
}

spoor_config_t *spoor_config_new(void) {
    spoor_config_t *conf = calloc(1, sizeof *conf);
    if (!conf) return NULL;
    for (size_t i = 0; i < N_PROPS; i++) {
        if (set_prop(conf, &props[i], NULL) != SPOOR_OK) {
            spoor_config_destroy(conf);
            return NULL;
        }
    }
    return conf;
}

void spoor__config_clear(spoor_config_t *conf) {
    for (size_t i = 0; i < N_PROPS; i++) {
        spoor_prop_type_t t = props[i].pub.type;
        if (t == SPOOR_PROP_STRING || t == SPOOR_PROP_JSON) {
            char **slot = (char **)((char *)conf + props[i].offset);
            spoor__wipe_free(*slot);
            *slot = NULL;
        }
    }
}

spoor_err_t spoor__config_copy(spoor_config_t *dst, const spoor_config_t *src) {
    *dst = *src;
    for (size_t i = 0; i < N_PROPS; i++) {
        spoor_prop_type_t t = props[i].pub.type;
        if (t != SPOOR_PROP_STRING && t != SPOOR_PROP_JSON) continue;
        char **slot = (char **)((char *)dst + props[i].offset);
        if (*slot && !(*slot = strdup(*slot))) {
            for (size_t j = i + 1; j < N_PROPS; j++) /* the rest still alias src: forget them */
                if (props[j].pub.type == SPOOR_PROP_STRING || props[j].pub.type == SPOOR_PROP_JSON)
                    *(char **)((char *)dst + props[j].offset) = NULL;
            spoor__config_clear(dst);
            return spoor__error(SPOOR_ERR_NOMEM, "config: out of memory");
        }
    }
    return SPOOR_OK;
}

spoor_config_t *spoor_config_dup(const spoor_config_t *conf) {
    spoor_config_t *copy = conf ? malloc(sizeof *copy) : NULL;
    if (copy && spoor__config_copy(copy, conf) != SPOOR_OK) {
        free(copy);
        return NULL;
    }
    return copy;
}

void spoor_config_destroy(spoor_config_t *conf) {
    if (!conf) return;
    spoor__config_clear(conf);
    free(conf);
}

void spoor_config_set_log_cb(spoor_config_t *conf, spoor_log_cb cb, void *opaque) {
    conf->log_cb = cb, conf->log_opaque = opaque;
}
void spoor_config_set_delivery_cb(spoor_config_t *conf, spoor_delivery_cb cb, void *opaque) {
    conf->delivery_cb = cb, conf->delivery_opaque = opaque;
}
void spoor_config_set_token_cb(spoor_config_t *conf, spoor_token_cb cb, void *opaque) {
    conf->token_cb = cb, conf->token_opaque = opaque;
}
void spoor_config_set_before_send_cb(spoor_config_t *conf, spoor_before_send_cb cb, void *opaque) {
    conf->before_send_cb = cb, conf->before_send_opaque = opaque;
}
/* The test hooks of spoor/sys/testing.h. */
void spoor_config_set_clock_cb(spoor_config_t *conf, spoor_clock_cb cb, void *opaque) {
    conf->clock_cb = cb, conf->clock_opaque = opaque;
}
void spoor_config_set_id_cb(spoor_config_t *conf, spoor_id_cb cb, void *opaque) {
    conf->id_cb = cb, conf->id_opaque = opaque;
}

/* "83.3 minutes": a duration as a person reads it. */
static void human_duration(int64_t ms, char *buf, size_t size) {
    if (ms >= 2 * 60 * MIN) snprintf(buf, size, "%.3g hours", (double)ms / (60 * MIN));
    else if (ms >= 2 * MIN) snprintf(buf, size, "%.3g minutes", (double)ms / MIN);
    else snprintf(buf, size, "%.3g seconds", (double)ms / 1000);
}

void spoor__config_warn(const spoor_client_t *c) {
    for (size_t i = 0; i < N_PROPS; i++) {
        const prop_t *p = &props[i];
        if (p->pub.type != SPOOR_PROP_DURATION || !p->plausible_max) continue;
        int64_t ms = *(const int64_t *)((const char *)&c->conf + p->offset);
        if (ms <= p->plausible_max) continue;
        char is[32], limit[32];
        human_duration(ms, is, sizeof is);
        human_duration(p->plausible_max, limit, sizeof limit);
        spoor__log(c, SPOOR_LOG_WARN,
                   "%s is %lld ms (%s), more than %s: is the unit right? (durations are milliseconds; "
                   "seconds in Python)", spelled(&c->conf, i), (long long)ms, is, limit);
    }
}
