/* test_config.c: every configuration key, good and bad values, and the checks
 * spoor_client_new() makes across keys. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"

typedef struct {
    const char *key, *good, *bad, *bad_says;
} key_case_t;

/* One good and one bad value for every key of the property table. */
static const key_case_t cases[] = {
    {"host", "https://ingest.example.com", "ftp://x", "http:// or https://"},
    {"protocol", "segment", "json", "not one of spoor, segment"},
    {"api_key", "k_123", NULL, NULL},
    {"access_token", "eyJhbG", NULL, NULL},
    {"username", "me", NULL, NULL},
    {"password", "pw", NULL, NULL},
    {"headers", "{\"X-Tenant\":\"acme\"}", "{\"X-Tenant\":5}", "headers.X-Tenant"},
    {"flush_at", "20", "0", "out of range"},
    {"flush_interval", "10s", "soon", "duration"},
    {"max_batch_events", "500", "-1", "out of range"},
    {"max_batch_bytes", "65536", "12", "out of range"},
    {"max_event_bytes", "4096", "1x", "integer"},
    {"max_queue_size", "1000", "0", "out of range"},
    {"timeout", "2500ms", "-5", "duration"},
    {"connect_timeout", "1s", "1h", "duration"},
    {"retry_limit", "5", "1001", "out of range"},
    {"retry_backoff", "50", "x", "duration"},
    {"retry_backoff_max", "2s", "", NULL},
    {"delivery_timeout", "30s", "a while", "duration"},
    {"retry_after_max", "30s", "?", "duration"},
    {"gzip", "true", "maybe", "boolean"},
    {"secret", "s3cr3t", NULL, NULL},
    {"debug", "1", "2", "boolean"},
    {"log_level", "debug", "loud", "error, warn, info, debug"},
    {"ca_path", "/etc/ssl/certs/ca-certificates.crt", NULL, NULL},
    {"tls_verify", "false", "nope", "boolean"},
    {"proxy", "http://proxy:3128", NULL, NULL},
    {"close_timeout", "3s", "forever", "duration"},
    {"collection_schemas", "{\"purchase\":{\"totalprice\":\"number\"}}", "{\"purchase\":{\"totalprice\":\"money\"}}",
     "collection_schemas.purchase.totalprice"},
    {"schemas_from", "shop-server", "\xff", "not valid UTF-8"},
    {"schemas_refresh", "5m", "often", "duration"},
    {"schemas_wait", "500ms", "2m", "out of range"},
    {"binding", "python", NULL, NULL},
    {"key_style", "snake", "kebab", "not one of snake, camel"},
    {"mode", "capture", "record", "not one of send, disabled, capture"},
    {"spool_dir", "/tmp/spoor-spool", NULL, NULL}, /* checked when the client opens it (test_spool) */
    {"spool_sync", "none", "sometimes", "not one of none, batch, event"},
    {"test_fixed_time", "2026-11-23T10:00:00Z", "yesterday", "ISO-8601"},
    {"test_id_seed", "42", "-3", "out of range"},
};

static void every_key_good_and_bad(void **state) {
    (void)state;
    const spoor_property_t *p;
    spoor_config_t *conf = spoor_config_new();
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        const key_case_t *kc = NULL;
        for (size_t j = 0; j < sizeof cases / sizeof *cases; j++)
            if (!strcmp(cases[j].key, p->name)) kc = &cases[j];
        if (!kc) fail_msg("no test case for key %s", p->name);
        /* The test hooks, and only they, are marked unstable (spoor/sys/testing.h). */
        assert_int_equal(p->unstable, !strncmp(p->name, "test_", 5));
        assert_int_equal(spoor_config_set(conf, kc->key, kc->good), SPOOR_OK);
        if (kc->bad && kc->bad_says) {
            assert_int_equal(spoor_config_set(conf, kc->key, kc->bad), SPOOR_ERR_CONFIG_INVALID);
            const char *msg = spoor_last_error();
            if (strncmp(msg, kc->key, strlen(kc->key)) || !strstr(msg, kc->bad_says))
                fail_msg("key %s: message \"%s\" should name the key and say \"%s\"", kc->key, msg, kc->bad_says);
        }
    }
    spoor_config_destroy(conf);
}

static void unknown_key(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    /* The core names the key it thinks was meant, so every binding says the same. */
    static const char *const meant[][2] = {
        {"flushAt", "flush_at"}, {"flushAT", "flush_at"}, {"FLUSH_AT", "flush_at"}, {"flush-interval", "flush_interval"},
        {"flush_intervall", "flush_interval"}, {"timout", "timeout"}, {"apiKey", "api_key"},
        {"retry_limt", "retry_limit"}, {"deliveryTimeout", "delivery_timeout"}, {"spool_dri", "spool_dir"}};
    for (size_t i = 0; i < sizeof meant / sizeof *meant; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s: unknown configuration key (did you mean %s?)", meant[i][0], meant[i][1]);
        assert_int_equal(spoor_config_set(conf, meant[i][0], "5"), SPOOR_ERR_CONFIG_UNKNOWN);
        assert_string_equal(spoor_last_error(), want);
    }
    /* Nothing close: no guess. */
    static const char *const far[] = {"nope", "x", "", "retries", "a_key_much_longer_than_any_spoor_key_and_then_some_more_text"};
    for (size_t i = 0; i < sizeof far / sizeof *far; i++) {
        char want[128];
        snprintf(want, sizeof want, "%s: unknown configuration key", far[i]);
        assert_int_equal(spoor_config_set(conf, far[i], "5"), SPOOR_ERR_CONFIG_UNKNOWN);
        assert_string_equal(spoor_last_error(), want);
    }
    char buf[16];
    assert_int_equal(spoor_config_get(conf, "nope", buf, sizeof buf), SPOOR_ERR_CONFIG_UNKNOWN);
    assert_int_equal(spoor_config_get(conf, "gzp", buf, sizeof buf), SPOOR_ERR_CONFIG_UNKNOWN);
    assert_string_equal(spoor_last_error(), "gzp: unknown configuration key (did you mean gzip?)");
    spoor_config_destroy(conf);
}

static void host_is_the_base_url(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    static const char *const refused[] = {"http://127.0.0.1:8080/v1/batch", "https://ingest.example.com/v1/batch/",
                                          "http://x/api/V1/Batch"};
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(spoor_config_set(conf, "host", refused[i]), SPOOR_ERR_CONFIG_INVALID);
        assert_string_equal(spoor_last_error(),
                            "host: must be the server's base URL, without /v1/batch (events go to {host}/v1/batch)");
    }
    static const char *const accepted[] = {"http://127.0.0.1:8080", "https://ingest.example.com/api/",
                                           "http://x/v1/batches", "http://x/v1"};
    for (size_t i = 0; i < sizeof accepted / sizeof *accepted; i++)
        assert_int_equal(spoor_config_set(conf, "host", accepted[i]), SPOOR_OK);
    spoor_config_destroy(conf);
}

typedef struct {
    char text[4096];
} warnings_t;

static void collect_warning(spoor_log_level_t level, const char *message, void *opaque) {
    warnings_t *w = opaque;
    if (level <= SPOOR_LOG_WARN) snprintf(w->text + strlen(w->text), sizeof w->text - strlen(w->text), "%s\n", message);
}

/* The lines a client with these settings warns about when it is created. */
static void creation_warnings(warnings_t *w, const char *key, const char *value) {
    memset(w, 0, sizeof *w);
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", "http://127.0.0.1:9");
    if (key) assert_int_equal(spoor_config_set(conf, key, value), SPOOR_OK);
    spoor_config_set_log_cb(conf, collect_warning, w);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    spoor_client_destroy(c);
}

static void implausible_durations_warn(void **state) {
    (void)state;
    warnings_t w;
    /* Too long is refused past the range; a duration given with a unit is shown as given,
     * and in ms (Python passes its seconds so). */
    spoor_config_t *conf = spoor_config_new();
    assert_int_equal(spoor_config_set(conf, "flush_interval", "86401s"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "flush_interval: 86401s is 86401000 ms, out of range [1, 86400000] ms");
    spoor_config_destroy(conf);
    creation_warnings(&w, NULL, NULL);
    assert_string_equal(w.text, ""); /* the defaults are plausible */
    /* flush_interval=5000 in Python (seconds) reaches the core as 5000000 ms. */
    creation_warnings(&w, "flush_interval", "5000000");
    assert_string_equal(w.text, "flush_interval is 5000000 ms (83.3 minutes), more than 10 minutes: is the unit "
                                "right? (durations are milliseconds; seconds in Python)\n");
    creation_warnings(&w, "timeout", "10000s");
    assert_non_null(strstr(w.text, "timeout is 10000000 ms (2.78 hours), more than 10 minutes"));
    creation_warnings(&w, "retry_backoff", "100s");
    assert_non_null(strstr(w.text, "retry_backoff is 100000 ms (100 seconds), more than 60 seconds"));
    creation_warnings(&w, "close_timeout", "5000s");
    assert_non_null(strstr(w.text, "close_timeout is 5000000 ms"));
    /* Long but plausible: no warning. */
    creation_warnings(&w, "flush_interval", "5m");
    assert_string_equal(w.text, "");
    creation_warnings(&w, "delivery_timeout", "120m");
    assert_string_equal(w.text, "");
}

static void spool_keys(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    char buf[64];
    assert_int_equal(spoor_config_get(conf, "spool_sync", buf, sizeof buf), SPOOR_OK);
    assert_string_equal(buf, "batch");
    assert_int_equal(spoor_config_set(conf, "spool_dir", "/tmp/spool"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "spool_sync", "EVENT"), SPOOR_OK);
    spoor_config_get(conf, "spool_sync", buf, sizeof buf);
    assert_string_equal(buf, "event");
    assert_int_equal(spoor_config_set(conf, "spool_sync", "always"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "spool_sync: \"always\" is not one of none, batch, event");
    assert_int_equal(spoor_config_set(conf, "log_level", "loud"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "log_level: \"loud\" is not one of error, warn, info, debug");
    spoor_config_destroy(conf);
}

static void defaults_and_get(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    char buf[64];
    static const char *const defaults[][2] = {{"flush_at", "10"}, {"flush_interval", "10000"},
        {"max_batch_events", "10000"}, {"max_event_bytes", "32768"}, {"max_queue_size", "10000"},
        {"timeout", "10000"}, {"retry_limit", "100"}, {"delivery_timeout", "60000"}, {"gzip", "false"}, {"tls_verify", "true"},
        {"log_level", "warn"}, {"binding", "c"}, {"test_id_seed", ""}};
    for (size_t i = 0; i < sizeof defaults / sizeof *defaults; i++) {
        assert_int_equal(spoor_config_get(conf, defaults[i][0], buf, sizeof buf), SPOOR_OK);
        assert_string_equal(buf, defaults[i][1]);
    }
    assert_int_equal(spoor_config_set(conf, "flush_interval", "1.5s"), SPOOR_OK);
    spoor_config_get(conf, "flush_interval", buf, sizeof buf);
    assert_string_equal(buf, "1500");
    /* Secrets never come back out. */
    assert_int_equal(spoor_config_set(conf, "secret", "hunter2"), SPOOR_OK);
    spoor_config_get(conf, "secret", buf, sizeof buf);
    assert_string_equal(buf, "***");
    /* NULL resets to the default. */
    assert_int_equal(spoor_config_set(conf, "flush_at", NULL), SPOOR_OK);
    spoor_config_get(conf, "flush_at", buf, sizeof buf);
    assert_string_equal(buf, "10");
    spoor_config_t *copy = spoor_config_dup(conf);
    spoor_config_destroy(conf);
    spoor_config_get(copy, "flush_interval", buf, sizeof buf); /* the copy owns its strings */
    assert_string_equal(buf, "1500");
    spoor_config_destroy(copy);
}

static void client_needs_host_and_consistent_keys(void **state) {
    (void)state;
    spoor_client_t *c = NULL;
    spoor_config_t *conf = spoor_config_new();
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "host"));
    assert_null(c);
    spoor_config_set(conf, "host", "http://127.0.0.1:9");
    spoor_config_set(conf, "username", "me");
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "password"));
    spoor_config_set(conf, "password", "pw");
    spoor_config_set(conf, "access_token", "tok");
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "access_token"));
    spoor_config_set(conf, "access_token", NULL);
    spoor_config_set(conf, "max_batch_bytes", "4096");
    spoor_config_set(conf, "max_event_bytes", "8192");
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "max_event_bytes"));
    spoor_config_set(conf, "max_event_bytes", "1024");
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    spoor_client_destroy(c);
}

/* protocol=segment: the api key is the Basic user name, so nothing else may use
 * Authorization; and it holds no ':' (which would split the pair). */
static void segment_credentials(void **state) {
    (void)state;
    static const char *const refused[][4] = {
        {"username", "me", "api_key: with protocol=segment it is sent as Authorization: Basic, so it cannot be combined "
                           "with username/password", "password"},
        {"access_token", "tok", "api_key: with protocol=segment it is sent as Authorization: Basic, so it cannot be "
                                "combined with access_token", NULL},
        {"api_key", "wk:x", "api_key: must not contain ':' with protocol=segment (Basic auth puts it between the write "
                            "key and the empty password)", NULL},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        spoor_config_t *conf = spoor_config_new();
        spoor_client_t *c = NULL;
        spoor_config_set(conf, "host", "http://127.0.0.1:9");
        spoor_config_set(conf, "protocol", "segment");
        spoor_config_set(conf, "api_key", "wk");
        assert_int_equal(spoor_config_set(conf, refused[i][0], refused[i][1]), SPOOR_OK);
        if (refused[i][3]) spoor_config_set(conf, refused[i][3], "pw");
        assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
        assert_string_equal(spoor_last_error(), refused[i][2]);
        /* The same settings in spoor's own protocol are fine (X-API-Key beside the others). */
        spoor_config_set(conf, "protocol", "spoor");
        assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
        spoor_client_destroy(c);
        spoor_config_destroy(conf);
    }
}

/* key_style=camel: a binding whose options are camelCase (Node) sets it, and the
 * core takes, guesses and words every key that way; the binding rewrites nothing. */
static void camel_key_style(void **state) {
    (void)state;
    char buf[64];
    spoor_config_t *conf = spoor_config_new();
    assert_int_equal(spoor_config_set(conf, "key_style", "camel"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "flushAt", "20"), SPOOR_OK);
    assert_int_equal(spoor_config_get(conf, "flushAt", buf, sizeof buf), SPOOR_OK);
    assert_string_equal(buf, "20");
    assert_int_equal(spoor_config_set(conf, "flush_at", "20"), SPOOR_ERR_CONFIG_UNKNOWN);
    assert_string_equal(spoor_last_error(), "flush_at: unknown configuration key (did you mean flushAt?)");
    assert_int_equal(spoor_config_set(conf, "flushAT", "20"), SPOOR_ERR_CONFIG_UNKNOWN);
    assert_string_equal(spoor_last_error(), "flushAT: unknown configuration key (did you mean flushAt?)");
    assert_int_equal(spoor_config_set(conf, "maxQueueSize", "0"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "maxQueueSize: 0 is out of range [1, 1000000000]");
    assert_int_equal(spoor_config_set(conf, "collectionSchemas", "{\"p\":{\"x\":\"money\"}}"), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "collectionSchemas.p.x: type must be"));
    assert_int_equal(spoor_config_set(conf, "testFixedTime", "noon"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "testFixedTime: must be an ISO-8601 timestamp");
    /* Checks across keys, made by spoor_client_new, inner mentions included. */
    spoor_client_t *c = NULL;
    assert_int_equal(spoor_config_set(conf, "host", "http://127.0.0.1:9"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "maxBatchBytes", "4096"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "maxEventBytes", "8192"), SPOOR_OK);
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "maxEventBytes: must be smaller than maxBatchBytes - 64 (4032)");
    assert_int_equal(spoor_config_set(conf, "maxEventBytes", NULL), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "maxBatchBytes", NULL), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "caPath", "/nonexistent/ca.pem"), SPOOR_OK);
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "caPath: cannot read /nonexistent/ca.pem: No such file or directory");
    assert_null(c);
    spoor_config_destroy(conf);
    /* The default is snake_case, as the table writes the keys. */
    conf = spoor_config_new();
    assert_int_equal(spoor_config_set(conf, "maxQueueSize", "5"), SPOOR_ERR_CONFIG_UNKNOWN);
    assert_string_equal(spoor_last_error(), "maxQueueSize: unknown configuration key (did you mean max_queue_size?)");
    spoor_config_destroy(conf);
}

/* Every value that becomes a request header: no control character can end the
 * header line and start another (header injection), and none is cut silently. */
static void header_values_refuse_control_characters(void **state) {
    (void)state;
    static const char *const keys[] = {"api_key", "access_token", "username", "password", "binding"};
    static const char *const bad[] = {"k1\r\nX-Injected: yes", "k1\nX-Injected: yes", "k\r", "a\x01z", "del\x7f"};
    spoor_config_t *conf = spoor_config_new();
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        for (size_t j = 0; j < sizeof bad / sizeof *bad; j++) {
            assert_int_equal(spoor_config_set(conf, keys[i], bad[j]), SPOOR_ERR_CONFIG_INVALID);
            const char *msg = spoor_last_error();
            if (strncmp(msg, keys[i], strlen(keys[i])) || !strstr(msg, "control character") || strstr(msg, "Injected"))
                fail_msg("%s: \"%s\" should name the key, say why and not echo the value", keys[i], msg);
        }
        assert_int_equal(spoor_config_set(conf, keys[i], "fine-value_1.2"), SPOOR_OK);
    }
    /* Basic auth separates the user from the password with a colon. */
    assert_int_equal(spoor_config_set(conf, "username", "me:you"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "username: must not contain ':' (Basic auth puts it between user and password)");
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-A\":\"v\\r\\nX-Injected: yes\"}"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "headers.X-A: must not contain control characters (a header value is one line)");
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-A\":\"tab\\tis\\u0001not\"}"), SPOOR_ERR_CONFIG_INVALID);
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-A\":\"a tab\\tis fine\"}"), SPOOR_OK);
    spoor_config_destroy(conf);
}

/* Header names are HTTP tokens (RFC 9110's tchar); nothing else is a name. */
static void header_names_are_tokens(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    static const char *const bad[] = {"{\"X B\":\"v\"}", "{\"X(B)\":\"v\"}", "{\"X:B\":\"v\"}", "{\"X\\u00e9\":\"v\"}",
                                      "{\"\":\"v\"}", "{\"X\\nB\":\"v\"}", "{\"X/B\":\"v\"}"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (spoor_config_set(conf, "headers", bad[i]) != SPOOR_ERR_CONFIG_INVALID)
            fail_msg("headers %s was accepted", bad[i]);
        if (strncmp(spoor_last_error(), "headers", 7) || !strstr(spoor_last_error(), "not a header name"))
            fail_msg("headers %s: \"%s\"", bad[i], spoor_last_error());
    }
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X B\":\"v\"}"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(),
                        "headers.X B: is not a header name (letters, digits and !#$%&'*+-.^_`|~ only)");
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-Tenant_1\":\"a\",\"!#$%&'*+-.^_`|~\":\"b\"}"), SPOOR_OK);
    spoor_config_destroy(conf);
}

/* A custom header named like one spoor sets (in any case) was sent twice or
 * replaced spoor's own: it is refused, naming the header and what to set instead. */
static void headers_spoor_sets_are_refused(void **state) {
    (void)state;
    static const struct {
        const char *json, *error;
    } cases[] = {
        {"{\"Authorization\":\"Bearer x\"}", "headers: \"Authorization\" is set by spoor (use access_token or username/password)"},
        {"{\"x-api-key\":\"k\"}", "headers: \"x-api-key\" is set by spoor (use api_key)"},
        {"{\"CONTENT-ENCODING\":\"br\"}", "headers: \"CONTENT-ENCODING\" is set by spoor (use gzip)"},
        {"{\"Content-Type\":\"text/plain\"}", "headers: \"Content-Type\" is set by spoor"},
        {"{\"Content-Length\":\"1\"}", "headers: \"Content-Length\" is set by spoor"},
        {"{\"User-Agent\":\"me\"}", "headers: \"User-Agent\" is set by spoor"},
        {"{\"expect\":\"100-continue\"}", "headers: \"expect\" is set by spoor"},
        {"{\"X-Tenant\":\"a\",\"Accept\":\"text/html\"}", "headers: \"Accept\" is set by spoor"},
        {"{\"x-spoor-signature\":\"v1=0\"}", "headers: \"x-spoor-signature\" is set by spoor (X-Spoor-* is spoor's own: "
                                             "X-Spoor-Timestamp and X-Spoor-Signature come from secret)"},
        {"{\"X-Spoor-Anything\":5}", "headers: \"X-Spoor-Anything\" is set by spoor (X-Spoor-* is spoor's own: "
                                      "X-Spoor-Timestamp and X-Spoor-Signature come from secret)"},
    };
    spoor_config_t *conf = spoor_config_new();
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        if (spoor_config_set(conf, "headers", cases[i].json) != SPOOR_ERR_CONFIG_INVALID)
            fail_msg("headers %s was accepted", cases[i].json);
        assert_string_equal(spoor_last_error(), cases[i].error);
    }
    /* Names that only start like one are the user's. */
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-Spoor\":\"a\",\"Accept-Language\":\"en\",\"X-API-Keys\":\"b\"}"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "key_style", "camel"), SPOOR_OK);
    assert_int_equal(spoor_config_set(conf, "headers", "{\"authorization\":\"x\"}"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "headers: \"authorization\" is set by spoor (use accessToken or username/password)");
    spoor_config_destroy(conf);
}

/* A header value over the limit is refused, never cut (it was cut at 4 KiB). */
static void header_values_over_the_limit(void **state) {
    (void)state;
    static char big[9000], json[9100];
    memset(big, 'v', sizeof big - 1);
    spoor_config_t *conf = spoor_config_new();
    snprintf(json, sizeof json, "{\"X-Big\":\"%s\"}", big);
    assert_int_equal(spoor_config_set(conf, "headers", json), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "headers.X-Big: 8999 bytes is over the limit of 8192 for a header value");
    assert_int_equal(spoor_config_set(conf, "api_key", big), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "api_key: 8999 bytes is over the limit of 8192 for a header value");
    big[5000] = '\0'; /* between the old cut (4 KiB) and the limit: sent whole */
    snprintf(json, sizeof json, "{\"X-Big\":\"%s\"}", big);
    assert_int_equal(spoor_config_set(conf, "headers", json), SPOOR_OK);
    spoor_config_destroy(conf);
}

/* A host must parse as a URL (libcurl's URL parser): one whose credentials hide
 * its real form (a '/' or '@' in the password) is refused, not half-redacted. */
static void host_must_parse(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    static const char *const bad[] = {"http://user:pa/ss@127.0.0.1:9/", "http://user:p@ss@127.0.0.1:9/",
                                      "http://exa mple.com", "http://h:99999", "https://"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        if (spoor_config_set(conf, "host", bad[i]) != SPOOR_ERR_CONFIG_INVALID) fail_msg("host %s was accepted", bad[i]);
        const char *msg = spoor_last_error();
        if (strncmp(msg, "host: is not a valid URL", 24) || strstr(msg, "ss@") || strstr(msg, "pa/"))
            fail_msg("host %s: \"%s\"", bad[i], msg);
    }
    assert_int_equal(spoor_config_set(conf, "host", "http://u%40x:p%2Fw@127.0.0.1:9/base/?tenant=1"), SPOOR_OK);
    spoor_config_destroy(conf);
}

/* spoor_config_get never gives back a credential: not a secret setting, nor
 * one inside the host, the proxy or the headers. */
static void get_masks_credentials(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    char buf[256];
    assert_int_equal(spoor_config_set(conf, "host", "https://hostuser:HOSTPW@ingest.example.com:8443/base?api_key=QKEY"), SPOOR_OK);
    spoor_config_get(conf, "host", buf, sizeof buf);
    assert_string_equal(buf, "https://***@ingest.example.com:8443/base?***");
    assert_int_equal(spoor_config_set(conf, "proxy", "http://proxyuser:PROXYPW@proxy.example.com:3128"), SPOOR_OK);
    spoor_config_get(conf, "proxy", buf, sizeof buf);
    assert_string_equal(buf, "http://***@proxy.example.com:3128/");
    assert_int_equal(spoor_config_set(conf, "headers", "{\"X-Auth-Token\":\"SEKRIT\",\"X-Tenant\":\"acme\"}"), SPOOR_OK);
    spoor_config_get(conf, "headers", buf, sizeof buf);
    assert_string_equal(buf, "{\"X-Auth-Token\":\"***\",\"X-Tenant\":\"***\"}");
    assert_int_equal(spoor_config_set(conf, "host", "http://127.0.0.1:8080"), SPOOR_OK);
    spoor_config_get(conf, "host", buf, sizeof buf);
    assert_string_equal(buf, "http://127.0.0.1:8080"); /* nothing to hide: as given */
    spoor_config_destroy(conf);
}

/* An unreadable CA bundle is refused when the client is made, naming it. */
static void unreadable_ca_path(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    spoor_client_t *c = NULL;
    spoor_config_set(conf, "host", "https://127.0.0.1:9");
    assert_int_equal(spoor_config_set(conf, "ca_path", "/nonexistent/ca.pem"), SPOOR_OK);
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "ca_path: cannot read /nonexistent/ca.pem: No such file or directory");
    assert_int_equal(spoor_config_set(conf, "ca_path", "/"), SPOOR_OK);
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "ca_path: / is not a file (give a CA bundle, PEM)");
    assert_null(c);
    spoor_config_destroy(conf);
}

static void error_names(void **state) {
    (void)state;
    size_t n;
    const spoor_err_t *codes = spoor_err_list(&n);
    assert_true(n >= 15);
    for (size_t i = 0; i < n; i++) {
        assert_string_not_equal(spoor_err2name(codes[i]), "UNKNOWN");
        assert_string_not_equal(spoor_strerror(codes[i]), "unknown error");
    }
    assert_string_equal(spoor_err2name(SPOOR_ERR_TIMED_OUT), "TIMED_OUT");
    assert_int_equal(SPOOR_ERR_INVALID, -1); /* codes are never renumbered */
    assert_int_equal(SPOOR_ERR_ABORTED, -14);
    assert_string_equal(spoor_version(), SPOOR_VERSION_STRING);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_key_good_and_bad),
        cmocka_unit_test(unknown_key),
        cmocka_unit_test(host_is_the_base_url),
        cmocka_unit_test(implausible_durations_warn),
        cmocka_unit_test(spool_keys),
        cmocka_unit_test(defaults_and_get),
        cmocka_unit_test(client_needs_host_and_consistent_keys),
        cmocka_unit_test(segment_credentials),
        cmocka_unit_test(camel_key_style),
        cmocka_unit_test(header_values_refuse_control_characters),
        cmocka_unit_test(header_names_are_tokens),
        cmocka_unit_test(headers_spoor_sets_are_refused),
        cmocka_unit_test(header_values_over_the_limit),
        cmocka_unit_test(host_must_parse),
        cmocka_unit_test(get_masks_credentials),
        cmocka_unit_test(unreadable_ca_path),
        cmocka_unit_test(error_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
