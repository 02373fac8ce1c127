/* test_delivery.c: batching triggers, queue overflow, retries and backoff, 429,
 * 413, 4xx, timeouts, connection cuts, flush and close deadlines, headers, gzip,
 * signing and logs, against a real HTTP server on 127.0.0.1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cjson/cJSON.h>

#include "internal.h"
#include "mock_server.h"
#include "sign.h"
#include "test_util.h"
#include "tls_cert.h"
#include "utf8.h"

#define EV "{\"event\":\"purchase\",\"userId\":\"user_123\",\"properties\":{\"revenue\":99.99}}"

static void track_n(spoor_client_t *c, int n) {
    for (int i = 0; i < n; i++) assert_int_equal(spoor_track(c, EV), SPOOR_OK);
}

static size_t events_in(mock_server_t *m, size_t i) {
    mock_request_t r = mock_request(m, i);
    cJSON *doc = cJSON_Parse(r.body);
    size_t n = (size_t)cJSON_GetArraySize(cJSON_GetObjectItem(doc, "batch"));
    cJSON_Delete(doc);
    return n;
}

static void flush_at_triggers(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "5", "flush_interval", "1000s", NULL);
    track_n(c, 4);
    usleep(300 * 1000);
    assert_int_equal(mock_count(m), 0); /* 4 < flush_at: nothing sent yet */
    track_n(c, 1);
    assert_int_equal(mock_wait(m, 1, 5000), 0);
    assert_int_equal(events_in(m, 0), 5);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void flush_interval_triggers(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "300", NULL);
    long long t0 = mono_ms();
    track_n(c, 2);
    assert_int_equal(mock_wait(m, 1, 5000), 0);
    long long waited = mock_request(m, 0).at_ms - t0;
    assert_true(waited >= 250);
    assert_true(waited < 3000);
    assert_int_equal(events_in(m, 0), 2);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void byte_limit_triggers_and_bounds(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s", "max_batch_bytes", "2048",
                                    "max_event_bytes", "1024", NULL);
    char ev[1024];
    snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"pad\":\"%0400d\"}}", 0);
    for (int i = 0; i < 4; i++) assert_int_equal(spoor_track(c, ev), SPOOR_OK); /* ~2.4 KB: over the limit */
    assert_int_equal(mock_wait(m, 1, 5000), 0);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    size_t total = 0;
    for (size_t i = 0; i < mock_count(m); i++) {
        assert_true(mock_request(m, i).len <= 2048);
        total += events_in(m, i);
    }
    assert_int_equal(total, 4);
    assert_true(mock_count(m) >= 2);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void max_batch_events_splits(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s", "max_batch_events", "3", NULL);
    track_n(c, 7);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 3);
    assert_int_equal(events_in(m, 0), 3);
    assert_int_equal(events_in(m, 1), 3);
    assert_int_equal(events_in(m, 2), 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void overflow_drops_oldest(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "flush_at", "1000", "flush_interval", "1000s",
                                          "max_queue_size", "5", "log_level", "error", NULL);
    for (int i = 0; i < 8; i++) {
        char ev[128];
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"id-%d\"}", i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.accepted, 8);
    assert_int_equal(st.dropped, 3);
    assert_int_equal(st.dropped_queue_full, 3);
    assert_int_equal(st.delivered, 5);
    assert_int_equal(col.dropped, 3);
    assert_string_equal(col.ids[0], "id-0"); /* the oldest go first */
    assert_string_equal(col.ids[2], "id-2");
    assert_int_equal(mock_events_accepted(m), 5);
    assert_non_null(strstr(mock_request(m, 0).body, "\"id-3\""));
    assert_null(strstr(mock_request(m, 0).body, "\"id-2\""));
    spoor_client_destroy(c);
    mock_stop(m);
}

static void retries_5xx_then_delivers(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 500, .retry_after = -1}, {.status = 503, .retry_after = -1}};
    mock_script(m, script, 2);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "retry_backoff", "10", "log_level", "error", NULL);
    track_n(c, 3);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 3);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.retried, 2);
    assert_int_equal(st.delivered, 3);
    assert_int_equal(st.failed, 0);
    assert_int_equal(col.delivered, 3);
    /* The same events, the same ids, every time: the server can dedup. */
    assert_string_equal(strstr(mock_request(m, 0).body, "\"batch\""), strstr(mock_request(m, 2).body, "\"batch\""));
    spoor_client_destroy(c);
    mock_stop(m);
}

static void retries_exhausted_report_failure(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[4];
    for (int i = 0; i < 4; i++) script[i] = (mock_reply_t){.status = 503, .retry_after = -1};
    mock_script(m, script, 4);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "retry_backoff", "5", "retry_limit", "3", "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 4); /* 1 + retry_limit */
    assert_int_equal(col.failed, 2);
    assert_int_equal(col.last_err, SPOOR_ERR_HTTP);
    assert_int_equal(col.last_status, 503);
    /* Where it went, what the server said, and what ended the retries. */
    char want[256];
    snprintf(want, sizeof want, "HTTP 503 from %s/v1/batch: {\"accepted\":2,\"duplicates\":0,\"rejected\":[]} after 4 attempts in ",
             mock_url(m));
    assert_memory_equal(col.last_reason, want, strlen(want));
    assert_non_null(strstr(col.last_reason, " s (retry_limit 3)"));
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.queued, 0);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void delivery_timeout_ends_retries(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[200];
    for (int i = 0; i < 200; i++) script[i] = (mock_reply_t){.status = 503, .retry_after = -1};
    mock_script(m, script, 200);
    collector_t col;
    collector_init(&col);
    /* retry_limit keeps its default (100): the time bound ends the retries. */
    spoor_client_t *c = client_collecting(&col, mock_url(m), "retry_backoff", "20", "retry_backoff_max", "200",
                                          "delivery_timeout", "700", "log_level", "error", NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    size_t n = mock_count(m);
    assert_true(n > 4 && n < 100);
    assert_int_equal(col.failed, 1);
    assert_non_null(strstr(col.last_reason, "(delivery_timeout 700 ms)"));
    /* The last backoff is cut so that the last retry goes at the deadline, not later. */
    long long span = mock_request(m, n - 1).at_ms - mock_request(m, 0).at_ms;
    if (span < 690 || span > 1000) fail_msg("retries spanned %lld ms, want about 700", span);
    /* A Retry-After that ends past the deadline ends the retries at once. */
    mock_reply_t later[] = {{.status = 429, .retry_after = 2}};
    mock_script(m, later, 1);
    long long t0 = mono_ms();
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_true(mono_ms() - t0 < 1500);
    assert_int_equal(mock_count(m), n + 1);
    assert_int_equal(col.failed, 2);
    assert_int_equal(col.last_status, 429);
    assert_non_null(strstr(col.last_reason, "after 1 attempt in "));
    spoor_client_destroy(c);
    mock_stop(m);
}

static void retry_defaults_are_bounded_by_time(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    char buf[32];
    static const char *const want[][2] = {{"delivery_timeout", "60000"}, {"retry_limit", "100"},
                                          {"retry_backoff", "100"}, {"retry_backoff_max", "5000"}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        assert_int_equal(spoor_config_get(conf, want[i][0], buf, sizeof buf), SPOOR_OK);
        assert_string_equal(buf, want[i][1]);
    }
    /* Even with the shortest waits equal jitter allows (half of each backoff), the
     * default backoffs fill delivery_timeout with fewer than retry_limit retries: by
     * default the time bound is the one that ends them. */
    long long v[4];
    for (size_t i = 0; i < 4; i++) {
        spoor_config_get(conf, want[i][0], buf, sizeof buf);
        v[i] = atoll(buf);
    }
    long long spent = 0, backoff = v[2];
    int retries = 0;
    while (spent + backoff / 2 <= v[0])
        spent += backoff / 2, backoff = backoff * 2 > v[3] ? v[3] : backoff * 2, retries++;
    if (retries >= v[1]) fail_msg("%d retries fit in delivery_timeout, retry_limit is %lld", retries, v[1]);
    spoor_config_destroy(conf);
}

static void backoff_grows(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[3];
    for (int i = 0; i < 3; i++) script[i] = (mock_reply_t){.status = 500, .retry_after = -1};
    mock_script(m, script, 3);
    spoor_client_t *c = client_with(mock_url(m), "retry_backoff", "100", "retry_backoff_max", "10s", "log_level", "error", NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 4);
    /* Equal jitter: attempt k waits between base*2^k/2 and base*2^k. */
    for (int k = 0; k < 3; k++) {
        long long gap = mock_request(m, (size_t)k + 1).at_ms - mock_request(m, (size_t)k).at_ms;
        long long full = 100LL << k;
        if (gap < full / 2 - 5 || gap > full + 400) fail_msg("gap %d was %lld ms, want %lld..%lld", k, gap, full / 2, full);
    }
    spoor_client_destroy(c);
    mock_stop(m);
}

static void honours_retry_after(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 429, .retry_after = 1}};
    mock_script(m, script, 1);
    spoor_client_t *c = client_with(mock_url(m), "retry_backoff", "1", "log_level", "error", NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 2);
    long long gap = mock_request(m, 1).at_ms - mock_request(m, 0).at_ms;
    assert_true(gap >= 950);
    assert_int_equal(mock_events_accepted(m), 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* Retry-After is honoured on 503 as on 429. */
static void honours_retry_after_on_503(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 503, .retry_after = 1}};
    mock_script(m, script, 1);
    spoor_client_t *c = client_with(mock_url(m), "retry_backoff", "1", "retry_backoff_max", "1", "log_level", "error", NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 2);
    long long gap = mock_request(m, 1).at_ms - mock_request(m, 0).at_ms;
    if (gap < 950) fail_msg("503 with Retry-After: 1: retried after %lld ms", gap);
    assert_int_equal(mock_events_accepted(m), 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A client for host whose CA bundle is ca_path (NULL: the system's), retrying
 * quickly for a long while: a TLS failure must end it at once, not the retries. */
static spoor_client_t *tls_client(collector_t *col, const char *host, const char *ca_path) {
    return client_collecting(col, host, "retry_backoff", "1", "retry_backoff_max", "1", "delivery_timeout", "60000",
                             "log_level", "error", ca_path ? "ca_path" : NULL, ca_path, NULL);
}

static void expect_tls_failure(collector_t *col, spoor_client_t *c, const char *wanted) {
    track_n(c, 2);
    long long t0 = mono_ms();
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    if (mono_ms() - t0 > 5000) fail_msg("a TLS failure took %lld ms to fail", mono_ms() - t0);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.requests, 1);
    assert_int_equal(st.retried, 0);
    assert_int_equal(st.failed, 2);
    assert_int_equal(col->failed, 2);
    assert_int_equal(col->last_err, SPOOR_ERR_TRANSPORT);
    if (strncmp(col->last_reason, "TLS error reaching https://127.0.0.1:", 37) || !strstr(col->last_reason, wanted) ||
        !strstr(col->last_reason, ": not retried, as a retry would meet the same (check the server's certificate and "))
        fail_msg("reason: %s", col->last_reason);
}

/* A certificate the client does not trust, or a CA bundle it cannot use, is a
 * configuration error: the batch fails at once, saying so, instead of being
 * retried for delivery_timeout. With the right bundle the same server works. */
static void tls_verification_failure_is_not_retried(void **state) {
    (void)state;
    char *cert, *key;
    assert_int_equal(tls_self_signed(&cert, &key), 0);
    mock_server_t *m = mock_start_tls(cert, key);
    assert_non_null(m);
    char dir[] = "/tmp/spoor-tls-XXXXXX", good[64], bad[64];
    assert_non_null(mkdtemp(dir));
    snprintf(good, sizeof good, "%s/ca.pem", dir);
    snprintf(bad, sizeof bad, "%s/bad.pem", dir);
    FILE *f = fopen(good, "w");
    fputs(cert, f);
    fclose(f);
    f = fopen(bad, "w");
    fputs("not a certificate\n", f);
    fclose(f);

    collector_t col;
    collector_init(&col);
    spoor_client_t *c = tls_client(&col, mock_url(m), NULL); /* self-signed: not in the system's bundle */
    expect_tls_failure(&col, c, "certificate and the system's CA bundle, or set ca_path)");
    spoor_client_destroy(c);
    assert_int_equal(mock_count(m), 0); /* no request arrived: the handshake failed */

    collector_init(&col);
    c = tls_client(&col, mock_url(m), bad);
    expect_tls_failure(&col, c, "certificate and ca_path)");
    spoor_client_destroy(c);

    collector_init(&col);
    c = tls_client(&col, mock_url(m), good);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(col.delivered, 2);
    assert_int_equal(mock_events_accepted(m), 2);
    spoor_client_destroy(c);

    mock_stop(m);
    unlink(good);
    unlink(bad);
    rmdir(dir);
    free(cert);
    free(key);
}

static void splits_on_413(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 413, .retry_after = -1}, {.status = 413, .retry_after = -1}};
    mock_script(m, script, 2);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "flush_at", "100", "log_level", "error", NULL);
    track_n(c, 4);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    /* 4 -> 413; first half (2) -> 413 -> 1 + 1; second half 2. */
    assert_int_equal(mock_count(m), 5);
    assert_int_equal(events_in(m, 0), 4);
    assert_int_equal(events_in(m, 1), 2);
    assert_int_equal(events_in(m, 2), 1);
    assert_int_equal(events_in(m, 3), 1);
    assert_int_equal(events_in(m, 4), 2);
    assert_int_equal(col.delivered, 4);
    /* A single event the server still finds too large fails, without retry. */
    mock_reply_t one[] = {{.status = 413, .retry_after = -1}};
    mock_script(m, one, 1);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 6);
    assert_int_equal(col.failed, 1);
    assert_int_equal(col.last_status, 413);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void client_errors_not_retried(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 400, .retry_after = -1}, {.status = 401, .retry_after = -1}};
    mock_script(m, script, 2);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "retry_backoff", "1", "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 2);
    assert_int_equal(col.failed, 3);
    assert_int_equal(col.last_status, 401);
    char want[256];
    snprintf(want, sizeof want, "HTTP 401 from %s/v1/batch: {\"accepted\":1,\"duplicates\":0,\"rejected\":[]} "
             "(no credentials are set: check api_key)", mock_url(m));
    assert_string_equal(col.last_reason, want);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* One failed request's reason (the client is given the settings). */
static void reason_for(mock_server_t *m, const mock_reply_t *reply, const char *host, const char *key,
                       const char *value, char *out, size_t size) {
    mock_script(m, reply, 1);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, host, "log_level", "error", key, value, NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(col.failed, 1);
    snprintf(out, size, "%s", col.last_reason);
    spoor_client_destroy(c);
}

static void failure_reasons_say_what_the_server_said(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    char reason[1024], want[512], host[128];
    /* 403 with a wrong key: the server's words and which setting to check. */
    mock_reply_t refused = {.status = 403, .retry_after = -1, .body = "{\"error\":\"credentials refused\"}\n"};
    reason_for(m, &refused, mock_url(m), "api_key", "wrong", reason, sizeof reason);
    snprintf(want, sizeof want, "HTTP 403 from %s/v1/batch: {\"error\":\"credentials refused\"} (check api_key)", mock_url(m));
    assert_string_equal(reason, want);
    reason_for(m, &refused, mock_url(m), "access_token", "tok", reason, sizeof reason);
    assert_non_null(strstr(reason, "(check access_token)"));
    /* 404: the host is the base URL. */
    mock_reply_t missing = {.status = 404, .retry_after = -1, .body = "not found"};
    reason_for(m, &missing, mock_url(m), "api_key", "k", reason, sizeof reason);
    snprintf(want, sizeof want, "HTTP 404 from %s/v1/batch: not found (check host: it is the server's base URL, "
             "events go to {host}/v1/batch)", mock_url(m));
    assert_string_equal(reason, want);
    /* Credentials in the host are redacted from the URL. */
    snprintf(host, sizeof host, "http://hostuser:hostpass@%s", mock_url(m) + 7);
    reason_for(m, &missing, host, "api_key", "k", reason, sizeof reason);
    snprintf(want, sizeof want, "HTTP 404 from http://***@%s/v1/batch: ", mock_url(m) + 7);
    assert_memory_equal(reason, want, strlen(want));
    assert_null(strstr(reason, "hostpass"));
    /* A body that is long, has control characters and bytes that are not UTF-8: one
     * line of valid UTF-8, cut at a character, ending in "...". */
    char body[1200];
    snprintf(body, sizeof body, "line 1\r\nline\t2\x01\xff\xc3 end ");
    for (int i = 0; i < 500; i++) strcat(body, "\xc3\xa9"); /* é */
    mock_reply_t messy = {.status = 400, .retry_after = -1, .body = body};
    reason_for(m, &messy, mock_url(m), "api_key", "k", reason, sizeof reason);
    snprintf(want, sizeof want, "HTTP 400 from %s/v1/batch: line 1\\r\\nline\\t2\\x01\\xff\\xc3 end \xc3\xa9", mock_url(m));
    assert_memory_equal(reason, want, strlen(want));
    assert_int_equal(spoor__utf8_invalid_at(reason, strlen(reason)), strlen(reason));
    const char *dots = strstr(reason, "...");
    assert_non_null(dots);
    assert_int_equal(dots[3], '\0'); /* no hint for a 400 */
    size_t excerpt = (size_t)(dots - (strstr(reason, ": line 1") + 2)); /* the quoted part, "..." excluded */
    assert_true(excerpt <= 200 && excerpt > 150);
    mock_stop(m);
}

static void timeout_then_retry(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.delay_ms = 1500, .retry_after = -1}};
    mock_script(m, script, 1);
    spoor_client_t *c = client_with(mock_url(m), "timeout", "300", "retry_backoff", "1", "log_level", "error", NULL);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.retried, 1);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(mock_wait(m, 2, 5000), 0); /* the slow first attempt is logged when it ends */
    spoor_client_destroy(c);
    mock_stop(m);
}

static void connection_cut_then_retry(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.cut = 1, .retry_after = -1}, {.cut = 1, .retry_after = -1}};
    mock_script(m, script, 2);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "retry_backoff", "1", "log_level", "error", NULL);
    track_n(c, 3);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 3);
    assert_int_equal(col.delivered, 3);
    assert_int_equal(mock_events_accepted(m), 3);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void network_down_reported(void **state) {
    (void)state;
    collector_t col;
    collector_init(&col);
    /* Port 9 on loopback: nothing listens, the connection is refused. */
    spoor_client_t *c = client_collecting(&col, "http://127.0.0.1:9", "retry_limit", "2", "retry_backoff", "1",
                                          "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(col.failed, 2);
    assert_int_equal(col.last_err, SPOOR_ERR_TRANSPORT);
    assert_non_null(strstr(col.last_reason, "after 3 attempts"));
    spoor_client_destroy(c);
}

static void rejected_events_reported(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 200, .retry_after = -1,
                              .body = "{\"accepted\":1,\"duplicates\":0,\"rejected\":[{\"eventId\":\"bad-1\",\"error\":\"userId: banned\"}]}"}};
    mock_script(m, script, 1);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "log_level", "error", NULL);
    assert_int_equal(spoor_track(c, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"good-1\"}"), SPOOR_OK);
    assert_int_equal(spoor_track(c, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"bad-1\"}"), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(col.delivered, 1);
    assert_int_equal(col.rejected, 1);
    assert_string_equal(col.ids[0], "bad-1");
    assert_string_equal(col.last_reason, "rejected by the server: userId: banned");
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.rejected, 1);
    assert_int_equal(st.failed, 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A 2xx answer that rejects every event of a big batch, each with a long reason,
 * is longer than 1 MiB: the client reads it whole (its bound grows with the
 * batch), so no rejection is lost (it kept the first 1 MiB, could not parse it,
 * and counted all 2000 delivered). */
static void long_answer_rejecting_every_event(void **state) {
    (void)state;
    enum { N = 2000 };
    char reason[601];
    memset(reason, 'r', sizeof reason - 1);
    reason[sizeof reason - 1] = '\0';
    size_t cap = 64 + N * (sizeof reason + 64), used = 0;
    char *answer = malloc(cap);
    used += (size_t)snprintf(answer + used, cap - used, "{\"accepted\":0,\"duplicates\":0,\"rejected\":[");
    for (int i = 0; i < N; i++)
        used += (size_t)snprintf(answer + used, cap - used, "%s{\"eventId\":\"ev-%d\",\"error\":\"%s\"}", i ? "," : "", i, reason);
    snprintf(answer + used, cap - used, "]}");
    assert_true(used > 1024 * 1024);
    mock_server_t *m = mock_start();
    mock_reply_t route = {.status = 200, .retry_after = -1, .body = answer};
    mock_route(m, "/v1/batch", &route);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "flush_at", "2000", "flush_interval", "60000",
                                          "log_level", "error", NULL);
    char ev[128];
    for (int i = 0; i < N; i++) {
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"ev-%d\"}", i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 1);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.delivered, 0);
    assert_int_equal(st.rejected, N);
    assert_int_equal(col.rejected, N);
    assert_int_equal(col.delivered, 0);
    spoor_client_destroy(c);
    mock_stop(m);
    free(answer);
}

/* An answer longer even than that bound is cut; what it rejected cannot be
 * known, so its events are not counted delivered: they fail, saying why. */
static void cut_answer_is_not_counted_delivered(void **state) {
    (void)state;
    size_t big = 3 * 1024 * 1024;
    char *answer = malloc(big + 128);
    int head = snprintf(answer, 128, "{\"accepted\":1,\"duplicates\":0,\"rejected\":[{\"eventId\":\"x\",\"error\":\"");
    memset(answer + head, 'r', big);
    snprintf(answer + head + big, 16, "\"}]}");
    mock_server_t *m = mock_start();
    mock_reply_t route = {.status = 200, .retry_after = -1, .body = answer};
    mock_route(m, "/v1/batch", &route);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 1); /* a 2xx is not retried: the server may have stored them */
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.delivered, 0);
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.batches, 1);
    assert_int_equal(col.failed, 2);
    assert_int_equal(col.last_err, SPOOR_ERR_HTTP);
    assert_int_equal(col.last_status, 200);
    if (!strstr(col.last_reason, "HTTP 200 from http://127.0.0.1:") ||
        !strstr(col.last_reason, "bytes read for 2 events and was cut: which events it rejected is unknown"))
        fail_msg("reason: %s", col.last_reason);
    spoor_client_destroy(c);
    mock_stop(m);
    free(answer);
}

static void flush_times_out_without_loss(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.delay_ms = 1500, .retry_after = -1}};
    mock_script(m, script, 1);
    spoor_client_t *c = client_with(mock_url(m), "log_level", "error", NULL);
    track_n(c, 1);
    long long t0 = mono_ms();
    assert_int_equal(spoor_flush(c, 200), SPOOR_ERR_TIMED_OUT);
    assert_true(mono_ms() - t0 < 1000);
    assert_non_null(strstr(spoor_last_error(), "flush: 200 ms passed"));
    assert_int_equal(spoor_flush(c, -1), SPOOR_OK); /* delivery went on */
    assert_int_equal(mock_events_accepted(m), 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void close_times_out_and_aborts(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.delay_ms = 3000, .retry_after = -1}};
    mock_script(m, script, 1);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(mock_wait(m, 0, 10), 0);
    long long t0 = mono_ms();
    assert_int_equal(spoor_close(c, 300), SPOOR_ERR_TIMED_OUT);
    assert_true(mono_ms() - t0 < 2500); /* the transfer was cancelled, not waited out */
    assert_int_equal(col.aborted, 2);
    assert_non_null(strstr(spoor_last_error(), "close: 300 ms passed"));
    assert_int_equal(spoor_close(c, 300), SPOOR_OK); /* idempotent */
    assert_int_equal(spoor_track(c, EV), SPOOR_ERR_CLOSED);
    assert_string_equal(spoor_last_error(), "track: the client is closed");
    assert_int_equal(spoor_flush(c, 10), SPOOR_ERR_CLOSED);
    assert_int_equal(spoor_identify(c, "u", NULL), SPOOR_ERR_CLOSED);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.failed, 2);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A port that completes connections (the kernel's backlog) and never answers. */
static int silent_listener(char *url, size_t size) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 16), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    snprintf(url, size, "http://127.0.0.1:%d", ntohs(a.sin_port));
    return fd;
}

static void close_holds_its_deadline(void **state) {
    (void)state;
    char url[64];
    int fd = silent_listener(url, sizeof url);
    /* A request in flight to a server that never answers is cut at the deadline
     * (not at curl's next progress call, up to a second later). */
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, url, "flush_at", "1", "log_level", "error", NULL);
    track_n(c, 3);
    usleep(100 * 1000);
    long long t0 = mono_ms();
    assert_int_equal(spoor_close(c, 300), SPOOR_ERR_TIMED_OUT);
    long long took = mono_ms() - t0;
    if (took < 295 || took > 300 + 200) fail_msg("close(300) took %lld ms", took);
    assert_int_equal(col.aborted, 3);
    spoor_client_destroy(c);
    /* A backoff in progress does not outlive the deadline either. */
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 503, .retry_after = -1}};
    mock_script(m, script, 1);
    collector_init(&col);
    c = client_collecting(&col, mock_url(m), "flush_at", "1", "retry_backoff", "5s", "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(mock_wait(m, 1, 5000), 0);
    t0 = mono_ms();
    assert_int_equal(spoor_close(c, 300), SPOOR_ERR_TIMED_OUT);
    took = mono_ms() - t0;
    if (took < 295 || took > 300 + 200) fail_msg("close(300) in a backoff took %lld ms", took);
    assert_int_equal(col.aborted, 2);
    spoor_client_destroy(c);
    mock_stop(m);
    close(fd);
}

static void close_delivers_everything(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s", NULL);
    track_n(c, 25);
    assert_int_equal(spoor_close(c, 5000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), 25);
    spoor_client_destroy(c);
    mock_stop(m);
}

static int token_cb(char *buf, size_t size, void *opaque) {
    (void)opaque;
    snprintf(buf, size, "tok-from-callback");
    return 0;
}

static void auth_headers_and_user_agent(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    char buf[256];
    spoor_client_t *c = client_with(mock_url(m), "api_key", "key_1", "access_token", "tok_1",
                                    "headers", "{\"X-Tenant\":\"acme\"}", NULL);
    track_n(c, 1);
    spoor_flush(c, 5000);
    assert_int_equal(mock_header(m, 0, "x-api-key", buf, sizeof buf), 0);
    assert_string_equal(buf, "key_1");
    assert_int_equal(mock_header(m, 0, "authorization", buf, sizeof buf), 0);
    assert_string_equal(buf, "Bearer tok_1");
    assert_int_equal(mock_header(m, 0, "x-tenant", buf, sizeof buf), 0);
    assert_string_equal(buf, "acme");
    assert_int_equal(mock_header(m, 0, "user-agent", buf, sizeof buf), 0);
    assert_string_equal(buf, "spoor-c/" SPOOR_VERSION_STRING);
    assert_int_equal(mock_header(m, 0, "content-type", buf, sizeof buf), 0);
    assert_string_equal(buf, "application/json");
    assert_int_not_equal(mock_header(m, 0, "x-spoor-signature", buf, sizeof buf), 0);
    spoor_client_destroy(c);

    c = client_with(mock_url(m), "username", "me", "password", "pw", "binding", "python", NULL);
    track_n(c, 1);
    spoor_flush(c, 5000);
    mock_header(m, 1, "authorization", buf, sizeof buf);
    assert_string_equal(buf, "Basic bWU6cHc="); /* base64("me:pw") */
    mock_header(m, 1, "user-agent", buf, sizeof buf);
    assert_string_equal(buf, "spoor-python/" SPOOR_VERSION_STRING);
    assert_non_null(strstr(mock_request(m, 1).body, "\"binding\":\"python\""));
    spoor_client_destroy(c);

    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set_token_cb(conf, token_cb, NULL);
    spoor_client_new(&c, conf);
    spoor_config_destroy(conf);
    track_n(c, 1);
    spoor_flush(c, 5000);
    mock_header(m, 2, "authorization", buf, sizeof buf);
    assert_string_equal(buf, "Bearer tok-from-callback");
    spoor_client_destroy(c);
    mock_stop(m);
}

/* protocol=segment: Segment's request (Basic auth with the write key, its body
 * shape), its limits (32 KB a message, 500 KB a request) and its answers (400 not
 * retried, 429 after Retry-After, 5xx retried, rejected messages by messageId). */
static void segment_requests_and_answers(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    char buf[256];
    mock_reply_t script[] = {{.status = 500, .retry_after = -1}, {.status = 429, .retry_after = 1}, {.status = 200, .retry_after = -1},
                             {.status = 400, .retry_after = -1},
                             {.status = 200, .retry_after = -1, .body = "{\"success\":true,\"rejected\":[{\"eventId\":\"good-1\"},"
                                                                        "{\"messageId\":\"bad-1\",\"error\":\"event: banned\"}]}"}};
    mock_script(m, script, 5);
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, mock_url(m), "protocol", "segment", "api_key", "wk", "secret", "s",
                                          "retry_backoff", "1", "max_event_bytes", "65536", "log_level", "error", NULL);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m), 3); /* 500, 429, 200 */
    assert_true(mock_request(m, 2).at_ms - mock_request(m, 1).at_ms >= 950);
    assert_int_equal(col.delivered, 2);
    mock_request_t r = mock_request(m, 0);
    assert_memory_equal(r.body, "{\"batch\":[{\"type\":\"track\",\"messageId\":", 38);
    assert_non_null(strstr(r.body, "}],\"sentAt\":\""));
    assert_int_equal(r.body[r.len - 1], '}');
    assert_int_equal(mock_header(m, 0, "authorization", buf, sizeof buf), 0);
    assert_string_equal(buf, "Basic d2s6"); /* base64("wk:") */
    assert_int_not_equal(mock_header(m, 0, "x-api-key", buf, sizeof buf), 0);
    assert_int_equal(mock_header(m, 0, "x-spoor-signature", buf, sizeof buf), 0); /* a secret is set */
    assert_int_equal(mock_header(m, 0, "content-type", buf, sizeof buf), 0);
    assert_string_equal(buf, "application/json");

    track_n(c, 1); /* 400: Segment's answer to a body it cannot take, never retried */
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 4);
    assert_int_equal(col.failed, 1);
    assert_int_equal(col.last_status, 400);

    /* Rejected messages are named by messageId (an eventId key names nothing here). */
    assert_int_equal(spoor_track(c, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"good-1\"}"), SPOOR_OK);
    assert_int_equal(spoor_track(c, "{\"event\":\"e\",\"userId\":\"u\",\"messageId\":\"bad-1\"}"), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(col.delivered, 3);
    assert_int_equal(col.rejected, 1);
    assert_string_equal(col.last_reason, "rejected by the server: event: banned");

    /* 32 KB a message, whatever max_event_bytes says, refused at the call. */
    char big[40000];
    snprintf(big, sizeof big, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"blob\":\"%0*d\"}}", 33000, 0);
    assert_int_equal(spoor_track(c, big), SPOOR_ERR_TOO_LARGE);
    assert_non_null(strstr(spoor_last_error(), "event: serialises to "));
    assert_non_null(strstr(spoor_last_error(), " bytes, over max_event_bytes (32768)"));
    spoor_client_destroy(c);

    /* 500 KB a request: 40 messages of 20 KB go in requests cut to fit. */
    size_t before = mock_count(m);
    c = client_with(mock_url(m), "protocol", "segment", "flush_at", "1000", "flush_interval", "60s", "log_level", "error", NULL);
    snprintf(big, sizeof big, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"blob\":\"%0*d\"}}", 20000, 0);
    for (int i = 0; i < 40; i++) assert_int_equal(spoor_track(c, big), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_count(m) - before, 2);
    for (size_t i = before; i < mock_count(m); i++) assert_true(mock_request(m, i).len <= 500 * 1024);
    assert_true(mock_request(m, before).len > 480 * 1024); /* as full as fits */
    spoor_client_destroy(c);
    mock_stop(m);
}

static void gzip_and_signature(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "gzip", "true", "secret", "demo-secret", "flush_at", "100",
                                    "test_fixed_time", "2026-11-23T10:00:00Z", NULL);
    track_n(c, 20);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    mock_request_t r = mock_request(m, 0);
    assert_true(r.gzip);
    assert_true(r.raw_len < r.len); /* compressed on the wire */
    char ts[32], sig[128], buf[64];
    assert_int_equal(mock_header(m, 0, "x-spoor-timestamp", ts, sizeof ts), 0);
    assert_string_equal(ts, "1795428000");
    assert_int_equal(mock_header(m, 0, "content-encoding", buf, sizeof buf), 0);
    assert_string_equal(buf, "gzip");
    assert_int_equal(mock_header(m, 0, "x-spoor-signature", sig, sizeof sig), 0);
    /* The signature covers the exact bytes before compression. */
    assert_int_equal(spoor__verify_v1("demo-secret", 1795428000, r.body, r.len, sig), 1);
    assert_int_equal(spoor__verify_v1("other", 1795428000, r.body, r.len, sig), 0);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.bytes_sent, r.raw_len);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void logs_never_show_secrets(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.status = 500, .retry_after = -1}, {.status = 400, .retry_after = -1}};
    mock_script(m, script, 2);
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    char host[128];
    snprintf(host, sizeof host, "http://hostuser:hostpass@%s", mock_url(m) + 7);
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", host);
    spoor_config_set(conf, "api_key", "KEY-SEKRIT");
    spoor_config_set(conf, "secret", "HMAC-SEKRIT");
    spoor_config_set(conf, "access_token", "TOKEN-SEKRIT");
    spoor_config_set(conf, "debug", "true");
    spoor_config_set(conf, "retry_backoff", "1");
    spoor_config_set_log_cb(conf, logbuf_cb, &lb);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    track_n(c, 2);
    spoor_flush(c, 5000);
    spoor_client_destroy(c);
    assert_non_null(strstr(lb.text, "Event queued: purchase"));
    assert_non_null(strstr(lb.text, "HTTP 500"));
    assert_non_null(strstr(lb.text, "events failed"));
    static const char *const secrets[] = {"KEY-SEKRIT", "HMAC-SEKRIT", "TOKEN-SEKRIT", "hostpass", "hostuser"};
    for (int i = 0; i < 5; i++)
        if (strstr(lb.text, secrets[i])) fail_msg("log shows %s:\n%s", secrets[i], lb.text);
    mock_stop(m);
}

/* A Retry-After too big for an int64 (1e300, inf) waits retry_after_max: it was
 * converted unchecked (undefined behaviour) and came back as a retry within ~100 ms. */
static void huge_retry_after_waits_the_max(void **state) {
    (void)state;
    static const char *const values[] = {"1e300", "inf", "9223372036854775807"};
    for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
        mock_server_t *m = mock_start();
        mock_reply_t script[] = {{.status = 429, .retry_after = -1, .retry_after_text = values[i]}};
        mock_script(m, script, 1);
        spoor_client_t *c = client_with(mock_url(m), "retry_backoff", "1", "retry_backoff_max", "1",
                                        "retry_after_max", "600", "log_level", "error", NULL);
        track_n(c, 1);
        assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
        assert_int_equal(mock_count(m), 2);
        long long gap = mock_request(m, 1).at_ms - mock_request(m, 0).at_ms;
        if (gap < 550) fail_msg("Retry-After: %s: retried after %lld ms, want retry_after_max (600)", values[i], gap);
        spoor_client_destroy(c);
        mock_stop(m);
    }
}

static int injecting_token_cb(char *buf, size_t size, void *opaque) {
    snprintf(buf, size, "%s", (const char *)opaque);
    return 0;
}

/* A token the callback returns is checked before it is sent: one with a control
 * character fails its request (reported and counted like any failed event) and
 * never reaches the wire. */
static void bad_token_is_never_sent(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    collector_t col;
    collector_init(&col);
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set(conf, "log_level", "error");
    spoor_config_set_token_cb(conf, injecting_token_cb, "tok\r\nX-Injected: yes");
    spoor_config_set_delivery_cb(conf, collector_cb, &col);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    track_n(c, 2);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    char buf[64];
    if (mock_count(m)) fail_msg("sent with the bad token (x-injected header: %s)",
                                mock_header(m, 0, "x-injected", buf, sizeof buf) ? "no" : buf);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.failed, 2);
    assert_int_equal(st.requests, 0); /* none was sent */
    assert_int_equal(col.failed, 2);
    assert_int_equal(col.last_err, SPOOR_ERR_INVALID);
    assert_string_equal(col.last_reason, "the token callback's token contains a control character; the request was not sent");
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A token callback that has no token the first `none` times it is asked. */
typedef struct {
    int none, calls;
} flaky_token_t;

static int flaky_token_cb(char *buf, size_t size, void *opaque) {
    flaky_token_t *f = opaque;
    if (__atomic_add_fetch(&f->calls, 1, __ATOMIC_SEQ_CST) <= f->none) return 7;
    snprintf(buf, size, "fresh-token");
    return 0;
}

static spoor_client_t *client_with_token_cb(flaky_token_t *f, collector_t *col, const char *host, const char *access_token,
                                            const char *retry_limit) {
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", host);
    spoor_config_set(conf, "log_level", "error");
    spoor_config_set(conf, "retry_backoff", "1");
    spoor_config_set(conf, "retry_backoff_max", "1");
    spoor_config_set(conf, "retry_limit", retry_limit);
    if (access_token) spoor_config_set(conf, "access_token", access_token);
    spoor_config_set_token_cb(conf, flaky_token_cb, f);
    spoor_config_set_delivery_cb(conf, collector_cb, col);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    return c;
}

/* A token callback with no token (non-zero): the request carries access_token
 * when one is set; without one it is never sent without a token, and is retried
 * like a network error until the callback has one again, or fails once retries
 * end, saying why. */
static void token_callback_without_a_token(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    char buf[64];
    collector_t col;
    collector_init(&col);
    flaky_token_t f = {.none = 2};
    spoor_client_t *c = client_with_token_cb(&f, &col, mock_url(m), NULL, "100");
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 1); /* the two attempts without a token never went */
    assert_int_equal(mock_header(m, 0, "authorization", buf, sizeof buf), 0);
    assert_string_equal(buf, "Bearer fresh-token");
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.delivered, 1);
    assert_int_equal(st.retried, 2);
    assert_int_equal(st.requests, 1);
    spoor_client_destroy(c);

    f = (flaky_token_t){.none = 1};
    c = client_with_token_cb(&f, &col, mock_url(m), "fixed-token", "100");
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 2);
    assert_int_equal(mock_header(m, 1, "authorization", buf, sizeof buf), 0);
    assert_string_equal(buf, "Bearer fixed-token"); /* the fallback */
    spoor_client_destroy(c);

    collector_init(&col);
    f = (flaky_token_t){.none = 1000};
    c = client_with_token_cb(&f, &col, mock_url(m), NULL, "2");
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 2); /* nothing more was sent */
    assert_int_equal(col.failed, 1);
    assert_int_equal(col.last_err, SPOOR_ERR_TRANSPORT);
    if (strncmp(col.last_reason, "the token callback gave no token (it returned 7) and no access_token is set; "
                                 "the request was not sent after 3 attempts", 118))
        fail_msg("reason: %s", col.last_reason);
    st = (spoor_stats_t)SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.requests, 0);
    assert_int_equal(st.failed, 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* Host credentials and a key in the host's query never reach a log line, and
 * the request still goes to {host path}/v1/batch with that query. */
static void host_credentials_and_query_redacted(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    char host[160];
    snprintf(host, sizeof host, "http://hostuser:hostpw@%s/?api_key=QUERYSEKRIT", mock_url(m) + 7);
    spoor_config_t *conf = spoor_config_new();
    assert_int_equal(spoor_config_set(conf, "host", host), SPOOR_OK);
    spoor_config_set(conf, "debug", "true");
    spoor_config_set_log_cb(conf, logbuf_cb, &lb);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    track_n(c, 1);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    spoor_client_destroy(c);
    assert_int_equal(mock_events_accepted(m), 1);
    assert_string_equal(mock_request(m, 0).path, "/v1/batch?api_key=QUERYSEKRIT");
    char want[160];
    snprintf(want, sizeof want, "Flushing 1 events to http://***@%s/?***", mock_url(m) + 7);
    if (!strstr(lb.text, want)) fail_msg("no line \"%s\" in:\n%s", want, lb.text);
    if (strstr(lb.text, "QUERYSEKRIT") || strstr(lb.text, "hostpw")) fail_msg("log shows a credential:\n%s", lb.text);
    mock_stop(m);
}

/* Settings that expose what is sent are warned about, once, when the client is
 * made: no TLS verification; credentials or a signing secret over plain http://
 * to a host that is not this machine. */
static void insecure_settings_warn_once(void **state) {
    (void)state;
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_client_t *c = logged_client(&lb, "https://ingest.example.com", "tls_verify", "false", NULL);
    spoor_client_destroy(c);
    assert_non_null(strstr(lb.text, "tls_verify is false: the server's certificate is not checked"));
    static const char *const creds[][2] = {{"api_key", "k"}, {"access_token", "t"}, {"secret", "s"}, {"username", "u"}};
    for (size_t i = 0; i < sizeof creds / sizeof *creds; i++) {
        memset(lb.text, 0, sizeof lb.text);
        c = logged_client(&lb, "http://ingest.example.com", creds[i][0], creds[i][1],
                          !strcmp(creds[i][0], "username") ? "password" : NULL, "p", NULL);
        spoor_client_destroy(c);
        char want[200];
        snprintf(want, sizeof want, "host: requests with %s go over plain http:// to ingest.example.com, which is not this machine",
                 creds[i][0]);
        if (!strstr(lb.text, want)) fail_msg("no warning \"%s\" in:\n%s", want, lb.text);
        const char *first = strstr(lb.text, "plain http://");
        assert_null(strstr(first + 1, "plain http://")); /* once */
    }
    /* Over https, or to this machine: nothing to say. */
    static const char *const quiet[] = {"https://ingest.example.com", "http://127.0.0.1:9", "http://localhost:9",
                                        "http://[::1]:9", "http://127.8.9.10:9"};
    for (size_t i = 0; i < sizeof quiet / sizeof *quiet; i++) {
        memset(lb.text, 0, sizeof lb.text);
        c = logged_client(&lb, quiet[i], "api_key", "k", "secret", "s", NULL);
        spoor_client_destroy(c);
        if (strstr(lb.text, "plain http") || strstr(lb.text, "tls_verify"))
            fail_msg("%s: unexpected warning:\n%s", quiet[i], lb.text);
    }
}

static void order_and_keep_alive(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "10", "max_batch_events", "10", "flush_interval", "1000s", NULL);
    for (int i = 0; i < 100; i++) {
        char ev[128];
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"i\":%d}}", i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    int next = 0;
    for (size_t r = 0; r < mock_count(m); r++) {
        cJSON *doc = cJSON_Parse(mock_request(m, r).body), *ev;
        cJSON_ArrayForEach(ev, cJSON_GetObjectItem(doc, "batch")) {
            int i = cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "properties"), "i")->valueint;
            assert_int_equal(i, next++);
        }
        cJSON_Delete(doc);
    }
    assert_int_equal(next, 100);
    assert_int_equal(mock_count(m), 10);
    assert_int_equal(mock_connections(m), 1); /* one kept-alive connection for every batch */
    spoor_client_destroy(c);
    mock_stop(m);
}

typedef struct {
    spoor_client_t *c;
    int n;
} producer_t;

static void *produce(void *arg) {
    producer_t *p = arg;
    for (int i = 0; i < p->n; i++)
        if (spoor_track(p->c, EV) != SPOOR_OK) return (void *)1;
    return NULL;
}

static void many_threads(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "50", "max_queue_size", "100000", NULL);
    pthread_t th[4];
    producer_t p = {c, 2000};
    for (int i = 0; i < 4; i++) pthread_create(&th[i], NULL, produce, &p);
    for (int i = 0; i < 4; i++) {
        void *rc;
        pthread_join(th[i], &rc);
        assert_null(rc);
    }
    assert_int_equal(spoor_flush(c, 20000), SPOOR_OK);
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.accepted, 8000);
    assert_int_equal(st.delivered, 8000);
    assert_int_equal(mock_events_accepted(m), 8000);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void flush_from_callback(const spoor_delivery_report_t *r, void *opaque) {
    (void)r;
    spoor_client_t **c = opaque;
    if (spoor_flush(*c, -1) == SPOOR_ERR_INVALID && spoor_close(*c, -1) == SPOOR_ERR_INVALID) c[1] = (void *)1;
}

/* flush/close from the worker's own callback fail at once instead of hanging. */
static void no_flush_inside_callback(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c[2] = {NULL, NULL};
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set_delivery_cb(conf, flush_from_callback, c);
    assert_int_equal(spoor_client_new(&c[0], conf), SPOOR_OK);
    spoor_config_destroy(conf);
    track_n(c[0], 1);
    assert_int_equal(spoor_flush(c[0], 5000), SPOOR_OK);
    assert_non_null(c[1]);
    spoor_client_destroy(c[0]);
    mock_stop(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flush_at_triggers),
        cmocka_unit_test(flush_interval_triggers),
        cmocka_unit_test(byte_limit_triggers_and_bounds),
        cmocka_unit_test(max_batch_events_splits),
        cmocka_unit_test(overflow_drops_oldest),
        cmocka_unit_test(retries_5xx_then_delivers),
        cmocka_unit_test(retries_exhausted_report_failure),
        cmocka_unit_test(delivery_timeout_ends_retries),
        cmocka_unit_test(retry_defaults_are_bounded_by_time),
        cmocka_unit_test(backoff_grows),
        cmocka_unit_test(honours_retry_after),
        cmocka_unit_test(honours_retry_after_on_503),
        cmocka_unit_test(tls_verification_failure_is_not_retried),
        cmocka_unit_test(splits_on_413),
        cmocka_unit_test(client_errors_not_retried),
        cmocka_unit_test(failure_reasons_say_what_the_server_said),
        cmocka_unit_test(timeout_then_retry),
        cmocka_unit_test(connection_cut_then_retry),
        cmocka_unit_test(network_down_reported),
        cmocka_unit_test(rejected_events_reported),
        cmocka_unit_test(long_answer_rejecting_every_event),
        cmocka_unit_test(cut_answer_is_not_counted_delivered),
        cmocka_unit_test(flush_times_out_without_loss),
        cmocka_unit_test(close_times_out_and_aborts),
        cmocka_unit_test(close_holds_its_deadline),
        cmocka_unit_test(close_delivers_everything),
        cmocka_unit_test(auth_headers_and_user_agent),
        cmocka_unit_test(segment_requests_and_answers),
        cmocka_unit_test(gzip_and_signature),
        cmocka_unit_test(logs_never_show_secrets),
        cmocka_unit_test(order_and_keep_alive),
        cmocka_unit_test(many_threads),
        cmocka_unit_test(no_flush_inside_callback),
        cmocka_unit_test(huge_retry_after_waits_the_max),
        cmocka_unit_test(bad_token_is_never_sent),
        cmocka_unit_test(token_callback_without_a_token),
        cmocka_unit_test(host_credentials_and_query_redacted),
        cmocka_unit_test(insecure_settings_warn_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
