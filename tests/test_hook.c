/* test_hook.c: the before_send hook (keep, replace, drop, fail, a replacement that
 * breaks a rule, a hook that calls its own client), the modes disabled and capture,
 * and the counters in Prometheus' text format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mock_server.h"
#include "test_util.h"

#define EV "{\"event\":\"purchase\",\"userId\":\"user_123\",\"properties\":{\"revenue\":99.99}}"
#define DOWN "http://127.0.0.1:9" /* the discard port: nothing listens */

/* What a hook saw and what it is to do. */
typedef struct {
    int calls;
    char seen[8][1024];          /* the texts it was given */
    spoor_hook_result_t result;  /* what it returns */
    const char *reply;           /* given to spoor_hook_reply when not NULL */
    const char *add_property;    /* REPLACE with properties.<this> = true added */
    const char *remove_key;      /* REPLACE with this top-level key removed */
    int drop_call;               /* DROP the n-th call (1-based), keep the others */
    spoor_client_t *reenter;     /* call spoor_track on it from the hook */
    spoor_err_t reenter_rc;
} hook_t;

static spoor_hook_result_t hook(const char *event, spoor_hook_reply_t *reply, void *opaque) {
    hook_t *h = opaque;
    if (h->calls < 8) snprintf(h->seen[h->calls], sizeof h->seen[0], "%s", event);
    h->calls++;
    if (h->reenter) h->reenter_rc = spoor_track(h->reenter, EV);
    if (h->drop_call) return h->calls == h->drop_call ? SPOOR_HOOK_DROP : SPOOR_HOOK_KEEP;
    if (h->add_property || h->remove_key) {
        cJSON *ev = cJSON_Parse(event);
        if (h->add_property) cJSON_AddTrueToObject(cJSON_GetObjectItem(ev, "properties"), h->add_property);
        if (h->remove_key) cJSON_DeleteItemFromObjectCaseSensitive(ev, h->remove_key);
        char *text = cJSON_PrintUnformatted(ev);
        assert_int_equal(spoor_hook_reply(reply, text), SPOOR_OK);
        free(text);
        cJSON_Delete(ev);
        return SPOOR_HOOK_REPLACE;
    }
    if (h->reply) assert_int_equal(spoor_hook_reply(reply, h->reply), SPOOR_OK);
    return h->result;
}

static spoor_client_t *hooked(hook_t *h, logbuf_t *lb, collector_t *col, const char *host, ...) {
    va_list ap;
    va_start(ap, host);
    spoor_config_t *conf = config_with_v(host, ap);
    va_end(ap);
    spoor_config_set_before_send_cb(conf, hook, h);
    if (lb) spoor_config_set_log_cb(conf, logbuf_cb, lb);
    if (col) spoor_config_set_delivery_cb(conf, collector_cb, col);
    spoor_client_t *c = NULL;
    spoor_err_t rc = spoor_client_new(&c, conf);
    if (rc) fail_msg("client_new: %s", spoor_last_error());
    spoor_config_destroy(conf);
    return c;
}

static spoor_stats_t stats_of(spoor_client_t *c) {
    spoor_stats_t s = SPOOR_STATS_INIT;
    assert_int_equal(spoor_client_stats(c, &s), SPOOR_OK);
    return s;
}

/* The events of the captured() array, parsed. */
static cJSON *captured(spoor_client_t *c) {
    char *text = NULL;
    assert_int_equal(spoor_captured(c, &text), SPOOR_OK);
    cJSON *list = cJSON_Parse(text);
    assert_non_null(list);
    spoor_free(text);
    return list;
}

/* Event i of the first request the mock server received, as its text in the body. */
static char *sent_event(mock_server_t *m, size_t request, int i) {
    mock_request_t r = mock_request(m, request);
    cJSON *doc = cJSON_Parse(r.body);
    char *text = cJSON_PrintUnformatted(cJSON_GetArrayItem(cJSON_GetObjectItem(doc, "batch"), i));
    cJSON_Delete(doc);
    return text;
}

static void hook_sees_the_event_as_sent(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    hook_t h = {.result = SPOOR_HOOK_KEEP};
    spoor_client_t *c = hooked(&h, NULL, NULL, mock_url(m), NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(spoor_identify(c, "user_123", "{\"plan\":\"pro\"}"), SPOOR_OK);
    assert_int_equal(h.calls, 2); /* inside the calls, before they returned */
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    /* The body holds the hook's texts byte for byte (cJSON prints them back alike). */
    mock_request_t r = mock_request(m, 0);
    assert_non_null(strstr(r.body, h.seen[0]));
    assert_non_null(strstr(r.body, h.seen[1]));
    assert_non_null(strstr(h.seen[0], "\"eventId\":"));
    assert_non_null(strstr(h.seen[1], "\"type\":\"identify\""));
    spoor_stats_t s = stats_of(c);
    assert_int_equal(s.delivered, 2);
    assert_int_equal(s.dropped_by_hook + s.hook_failed, 0);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void hook_changes_the_event(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    hook_t h = {.add_property = "scrubbed"};
    spoor_client_t *c = hooked(&h, NULL, NULL, mock_url(m), NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    char *sent = sent_event(m, 0, 0);
    cJSON *ev = cJSON_Parse(sent), *seen = cJSON_Parse(h.seen[0]);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(ev, "properties"), "scrubbed")));
    assert_string_equal(cJSON_GetObjectItem(ev, "eventId")->valuestring, cJSON_GetObjectItem(seen, "eventId")->valuestring);
    cJSON_Delete(ev);
    cJSON_Delete(seen);
    free(sent);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void hook_drops_one_of_a_batch(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    hook_t h = {.drop_call = 2};
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = hooked(&h, &lb, &col, mock_url(m), "log_level", "debug", NULL);
    assert_int_equal(spoor_batch(c, "[{\"type\":\"track\",\"event\":\"a\",\"userId\":\"u\"},"
                                    "{\"type\":\"track\",\"event\":\"b\",\"userId\":\"u\"},"
                                    "{\"type\":\"track\",\"event\":\"c\",\"userId\":\"u\"}]"), SPOOR_OK);
    assert_int_equal(h.calls, 3);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), 2);
    mock_request_t r = mock_request(m, 0);
    assert_null(strstr(r.body, "\"eventName\":\"b\""));
    spoor_stats_t s = stats_of(c);
    assert_int_equal(s.accepted, 2); /* never queued, so neither accepted nor dropped */
    assert_int_equal(s.dropped, 0);
    assert_int_equal(s.dropped_by_hook, 1);
    assert_int_equal(col.delivered, 2); /* the hook's own decision is not a delivery report */
    assert_int_equal(col.reports, 1);
    cJSON *dropped = cJSON_Parse(h.seen[1]);
    char line[128];
    snprintf(line, sizeof line, "before_send dropped event %s", cJSON_GetObjectItem(dropped, "eventId")->valuestring);
    assert_non_null(strstr(lb.text, line));
    cJSON_Delete(dropped);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A hook that fails, or gives back an event that breaks a rule, changes nothing: the
 * event goes as built, and the reason is logged and counted. */
static void failures_send_the_event_unchanged(void **state) {
    (void)state;
    static const struct {
        hook_t h;
        const char *logged;
    } cases[] = {
        {{.result = SPOOR_HOOK_FAILED, .reply = "ValueError: boom"}, "before_send failed for event "},
        {{.result = SPOOR_HOOK_FAILED}, "(no reason given); it is sent unchanged"},
        {{.result = SPOOR_HOOK_REPLACE}, "(it replied no event)"},
        {{.result = (spoor_hook_result_t)7}, "(it returned 7, which is no decision)"},
        {{.remove_key = "userId"}, "breaks a rule (userId: one of userId, anonymousId or profileId is required"},
        {{.remove_key = "eventId"}, "breaks a rule (eventId: must be a non-empty string)"},
        {{.result = SPOOR_HOOK_REPLACE, .reply = "{\"type\":"}, "breaks a rule (event: "},
        {{.result = SPOOR_HOOK_REPLACE, .reply = "[1]"}, "breaks a rule (event: must be a JSON object)"},
        {{.result = SPOOR_HOOK_REPLACE, .reply = "{\"a\":1,\"a\":2}"}, "breaks a rule (a: appears twice (a key may be given once))"},
        {{.result = SPOOR_HOOK_REPLACE, .reply = "{\"type\":\"track\",\"eventName\":\"\xff\"}"}, "eventName: is not valid UTF-8"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        mock_server_t *m = mock_start();
        hook_t h = cases[i].h;
        logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
        spoor_client_t *c = hooked(&h, &lb, NULL, mock_url(m), NULL);
        assert_int_equal(spoor_track(c, EV), SPOOR_OK);
        assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
        char *sent = sent_event(m, 0, 0);
        cJSON *a = cJSON_Parse(sent), *b = cJSON_Parse(h.seen[0]);
        char *pa = cJSON_PrintUnformatted(a), *pb = cJSON_PrintUnformatted(b);
        assert_string_equal(pa, pb);
        if (!strstr(lb.text, cases[i].logged)) fail_msg("case %zu: no \"%s\" in the log:\n%s", i, cases[i].logged, lb.text);
        assert_non_null(strstr(lb.text, "it is sent unchanged"));
        spoor_stats_t s = stats_of(c);
        assert_int_equal(s.hook_failed, 1);
        assert_int_equal(s.delivered, 1);
        free(pa), free(pb), free(sent);
        cJSON_Delete(a), cJSON_Delete(b);
        spoor_client_destroy(c);
        mock_stop(m);
    }
}

/* A replacement is held to max_event_bytes and the collection's schema too. */
static void replacement_meets_the_client_settings(void **state) {
    (void)state;
    char big[1200];
    snprintf(big, sizeof big, "{\"type\":\"track\",\"eventId\":\"e1\",\"eventName\":\"x\",\"userId\":\"u\","
                              "\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"properties\":{\"pad\":\"%0900d\"}}", 0);
    hook_t h = {.result = SPOOR_HOOK_REPLACE, .reply = big};
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_client_t *c = hooked(&h, &lb, NULL, NULL, "mode", "capture", "max_event_bytes", "512", NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_non_null(strstr(lb.text, "is over max_event_bytes (512)"));
    spoor_client_destroy(c);

    hook_t typed = {.result = SPOOR_HOOK_REPLACE,
                    .reply = "{\"type\":\"record\",\"eventId\":\"e1\",\"eventName\":\"purchase\",\"profileId\":\"p\","
                             "\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"properties\":{\"totalprice\":\"35\"}}"};
    memset(&lb, 0, sizeof lb);
    pthread_mutex_init(&lb.lock, NULL);
    c = hooked(&typed, &lb, NULL, NULL, "mode", "capture",
               "collection_schemas", "{\"purchase\":{\"totalprice\":\"number\"}}", NULL);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":35}"), SPOOR_OK);
    assert_non_null(strstr(lb.text, "properties.totalprice: must be of type number"));
    cJSON *list = captured(c);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "properties"), "totalprice")->valuedouble, 35);
    cJSON_Delete(list);
    spoor_client_destroy(c);
}

/* A replacement is checked against the schemas the client's calls are checked
 * against now (here fetched with schemas_from), and in Segment's format by
 * Segment's rules, its id being the messageId. */
static void replacement_meets_the_client_format_and_fetched_schemas(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t shop = {.status = 200, .retry_after = -1,
                         .body = "{\"source\":\"shop\",\"collections\":{\"purchase\":{\"totalprice\":\"number\"}}}"};
    mock_route(m, "/v1/sources/shop/collections", &shop);
    hook_t typed = {.result = SPOOR_HOOK_REPLACE,
                    .reply = "{\"type\":\"record\",\"eventId\":\"e1\",\"eventName\":\"purchase\",\"profileId\":\"p\","
                             "\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"properties\":{\"totalprice\":\"35\"}}"};
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_client_t *c = hooked(&typed, &lb, NULL, mock_url(m), "mode", "capture", "schemas_from", "shop", NULL);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":35}"), SPOOR_OK);
    assert_non_null(strstr(lb.text, "properties.totalprice: must be of type number"));
    assert_int_equal(stats_of(c).hook_failed, 1);
    cJSON *list = captured(c);
    assert_int_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "properties"), "totalprice")->valuedouble, 35);
    cJSON_Delete(list);
    spoor_client_destroy(c);
    mock_stop(m);

    hook_t add = {.add_property = "checked"};
    memset(&lb, 0, sizeof lb);
    pthread_mutex_init(&lb.lock, NULL);
    c = hooked(&add, &lb, NULL, NULL, "mode", "capture", "protocol", "segment", NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(stats_of(c).hook_failed, 0);
    list = captured(c);
    cJSON *msg = cJSON_GetArrayItem(list, 0);
    assert_string_equal(cJSON_GetObjectItem(msg, "type")->valuestring, "track");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(msg, "properties"), "checked")));
    cJSON_Delete(list);
    spoor_client_destroy(c);

    hook_t remove = {.remove_key = "messageId"};
    memset(&lb, 0, sizeof lb);
    pthread_mutex_init(&lb.lock, NULL);
    c = hooked(&remove, &lb, NULL, NULL, "mode", "capture", "protocol", "segment", NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_non_null(strstr(lb.text, "messageId: must be a non-empty string"));
    assert_int_equal(stats_of(c).hook_failed, 1);
    spoor_client_destroy(c);
}

static void hook_cannot_call_its_own_client(void **state) {
    (void)state;
    hook_t h = {.result = SPOOR_HOOK_KEEP};
    spoor_client_t *c = hooked(&h, NULL, NULL, NULL, "mode", "capture", NULL);
    h.reenter = c;
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(h.reenter_rc, SPOOR_ERR_INVALID);
    assert_int_equal(h.calls, 1); /* the inner call's event was refused before the hook */
    cJSON *list = captured(c);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    /* Another client may be called from the hook. */
    spoor_client_t *other = client_with(NULL, "mode", "capture", NULL);
    h.reenter = other;
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(h.reenter_rc, SPOOR_OK);
    list = captured(other);
    assert_int_equal(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    spoor_client_destroy(other);
    spoor_client_destroy(c);
}

/* disabled: every call is checked, nothing is queued or sent, and flush and close
 * return at once with the host down. The hook is not called. */
static void disabled_sends_nothing(void **state) {
    (void)state;
    hook_t h = {.result = SPOOR_HOOK_KEEP};
    spoor_client_t *c = hooked(&h, NULL, NULL, DOWN, "mode", "disabled", "flush_at", "1", NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    assert_int_equal(spoor_batch(c, "[{\"type\":\"identify\",\"userId\":\"u\"}]"), SPOOR_OK);
    assert_int_equal(spoor_track(c, "{\"event\":\"purchase\"}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "userId: one of userId, anonymousId or profileId is required (unless productId is present)");
    assert_int_equal(h.calls, 0);
    long long t0 = mono_ms();
    assert_int_equal(spoor_flush(c, -1), SPOOR_OK); /* for ever: there is nothing to wait for */
    assert_int_equal(spoor_close(c, 10000), SPOOR_OK);
    long long took = mono_ms() - t0;
    if (took > 500) fail_msg("flush and close took %lld ms", took);
    spoor_stats_t s = stats_of(c);
    assert_int_equal(s.accepted + s.requests + s.queued, 0);
    char *text = NULL;
    assert_int_equal(spoor_captured(c, &text), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "captured: the client does not capture (set mode to capture)");
    spoor_client_destroy(c);
}

static void capture_keeps_what_would_be_sent(void **state) {
    (void)state;
    /* The same calls to a server and to a capturing client give the same events. */
    mock_server_t *m = mock_start();
    spoor_client_t *sent = client_with(mock_url(m), "test_id_seed", "7", "test_fixed_time", "2024-05-01T10:00:00Z", NULL);
    spoor_client_t *c = client_with(NULL, "mode", "capture", "test_id_seed", "7", "test_fixed_time",
                                    "2024-05-01T10:00:00Z", NULL);
    for (int i = 0; i < 2; i++) {
        spoor_client_t *x = i ? c : sent;
        assert_int_equal(spoor_track(x, EV), SPOOR_OK);
        assert_int_equal(spoor_page(x, "user_123", "Home", NULL), SPOOR_OK);
        assert_int_equal(spoor_track(x, "{\"event\":\"purchase\"}"), SPOOR_ERR_INVALID);
    }
    assert_int_equal(spoor_flush(sent, 5000), SPOOR_OK);
    mock_request_t r = mock_request(m, 0);
    char *text = NULL;
    assert_int_equal(spoor_captured(c, &text), SPOOR_OK);
    char *batch = strstr(r.body, "\"batch\":");
    assert_non_null(batch);
    batch += strlen("\"batch\":");
    assert_int_equal(strncmp(batch, text, strlen(text)), 0);
    assert_string_equal(batch + strlen(text), "}");
    spoor_free(text);
    assert_int_equal(stats_of(c).accepted, 2);
    assert_int_equal(spoor_flush(c, 1000), SPOOR_OK);
    assert_int_equal(stats_of(c).requests, 0);
    assert_int_equal(spoor_captured_clear(c), SPOOR_OK);
    cJSON *list = captured(c);
    assert_int_equal(cJSON_GetArraySize(list), 0);
    cJSON_Delete(list);
    assert_int_equal(spoor_identify(c, "u2", NULL), SPOOR_OK);
    list = captured(c);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "userId")->valuestring, "u2");
    cJSON_Delete(list);
    assert_int_equal(spoor_close(c, 1000), SPOOR_OK);
    list = captured(c); /* still there after close */
    assert_int_equal(cJSON_GetArraySize(list), 1);
    cJSON_Delete(list);
    assert_int_equal(spoor_captured_clear(sent), SPOOR_ERR_INVALID);
    spoor_client_destroy(c);
    spoor_client_destroy(sent);
    mock_stop(m);
}

static void capture_is_bounded(void **state) {
    (void)state;
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "mode", "capture");
    spoor_config_set(conf, "max_queue_size", "3");
    spoor_config_set_log_cb(conf, logbuf_cb, &lb);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    for (int i = 0; i < 5; i++) {
        char ev[128];
        snprintf(ev, sizeof ev, "{\"event\":\"e%d\",\"userId\":\"u\"}", i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
    cJSON *list = captured(c);
    assert_int_equal(cJSON_GetArraySize(list), 3);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 0), "eventName")->valuestring, "e2");
    cJSON_Delete(list);
    spoor_stats_t s = stats_of(c);
    assert_int_equal(s.accepted, 5);
    assert_int_equal(s.dropped, 2);
    assert_int_equal(s.dropped_queue_full, 2);
    assert_non_null(strstr(lb.text, "capture: 1 events dropped, the oldest: more than max_queue_size (3) captured"));
    spoor_client_destroy(c);
}

static void modes_and_their_settings(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    spoor_client_t *c = NULL;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID); /* send needs a host */
    assert_string_equal(spoor_last_error(), "host: is required (the server's base URL)");
    assert_int_equal(spoor_config_set(conf, "mode", "record"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "mode: \"record\" is not one of send, disabled, capture");
    char dir[] = "/tmp/spoor-hook-XXXXXX";
    assert_non_null(mkdtemp(dir));
    spoor_config_set(conf, "mode", "disabled");
    spoor_config_set(conf, "spool_dir", dir);
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "spool_dir: cannot be set in mode disabled (nothing is sent)");
    spoor_config_set(conf, "key_style", "camel");
    spoor_config_set(conf, "mode", "capture");
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "spoolDir: cannot be set in mode capture (nothing is sent)");
    rmdir(dir);
    spoor_config_destroy(conf);
}

static void prometheus_text(void **state) {
    (void)state;
    spoor_client_t *c = client_with(NULL, "mode", "capture", NULL);
    assert_int_equal(spoor_track(c, EV), SPOOR_OK);
    char buf[8192];
    assert_int_equal(spoor_client_stats_prometheus(c, NULL, buf, sizeof buf), SPOOR_OK);
    assert_non_null(strstr(buf, "# HELP spoor_client_accepted_total events queued by calls\n"
                                "# TYPE spoor_client_accepted_total counter\nspoor_client_accepted_total 1\n"));
    assert_non_null(strstr(buf, "# TYPE spoor_client_queued gauge\nspoor_client_queued 0\n"));
    assert_non_null(strstr(buf, "\nspoor_client_dropped_by_hook_total 0\n"));
    assert_int_equal(spoor_client_stats_prometheus(c, "job=\"import\"", buf, sizeof buf), SPOOR_OK);
    assert_non_null(strstr(buf, "\nspoor_client_accepted_total{job=\"import\"} 1\n"));
    /* Every line is a comment or "name{labels} value", and every counter is there. */
    size_t samples = 0;
    for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n"))
        if (*line != '#') samples++, assert_non_null(strstr(line, "} "));
    assert_int_equal(samples, (sizeof(spoor_stats_t) - sizeof(size_t)) / sizeof(uint64_t));
    assert_int_equal(spoor_client_stats_prometheus(c, NULL, buf, 100), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "stats_prometheus: buffer of 100 bytes is too small");
    spoor_client_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hook_sees_the_event_as_sent),
        cmocka_unit_test(hook_changes_the_event),
        cmocka_unit_test(hook_drops_one_of_a_batch),
        cmocka_unit_test(failures_send_the_event_unchanged),
        cmocka_unit_test(replacement_meets_the_client_settings),
        cmocka_unit_test(replacement_meets_the_client_format_and_fetched_schemas),
        cmocka_unit_test(hook_cannot_call_its_own_client),
        cmocka_unit_test(disabled_sends_nothing),
        cmocka_unit_test(capture_keeps_what_would_be_sent),
        cmocka_unit_test(capture_is_bounded),
        cmocka_unit_test(modes_and_their_settings),
        cmocka_unit_test(prometheus_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
