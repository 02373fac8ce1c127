/* test_fetch.c: the Get APIs (spoor_fetch_sources, spoor_fetch_collections) and
 * schemas_from, against the mock server: the requests they make, the errors they
 * give, and the schemas recordEvent is checked against as they are fetched,
 * refreshed, kept through failures and swapped while other threads record. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mock_server.h"
#include "test_util.h"

#define COLLECTIONS_PATH "/v1/sources/shop/collections"
#define SHOP_NUMBER "{\"source\":\"shop\",\"collections\":{\"purchase\":{\"totalprice\":\"number\",\"ispaid\":\"boolean\"}}}"
#define SHOP_STRING "{\"source\":\"shop\",\"collections\":{\"purchase\":{\"totalprice\":\"string\"}}}"

static void route(mock_server_t *m, const char *path, int status, const char *body) {
    mock_reply_t r = {.status = status, .retry_after = -1, .body = body};
    mock_route(m, path, &r);
}

static int has_header(mock_server_t *m, size_t i, const char *name) {
    char v[512];
    return mock_header(m, i, name, v, sizeof v) == 0;
}

static spoor_stats_t stats_of(spoor_client_t *c) {
    spoor_stats_t st = SPOOR_STATS_INIT;
    assert_int_equal(spoor_client_stats(c, &st), SPOOR_OK);
    return st;
}

/* Wait (at most 10 s) until the client has made at least n fetches of schemas_from, good or bad. */
static void wait_fetches(spoor_client_t *c, uint64_t good, uint64_t bad) {
    long long deadline = mono_ms() + 10000;
    spoor_stats_t st = stats_of(c);
    while ((st.schema_fetches < good || st.schema_fetch_failures < bad) && mono_ms() < deadline) {
        struct timespec ts = {0, 5 * 1000000};
        nanosleep(&ts, NULL);
        st = stats_of(c);
    }
    assert_true(st.schema_fetches >= good);
    assert_true(st.schema_fetch_failures >= bad);
}

static void fetch_sources_is_one_get(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    const char *answer = "{\"org\":\"acme\",\"project\":\"web\",\"sources\":[{\"id\":\"shop\",\"name\":\"Shop\","
                         "\"collections\":{\"purchase\":{\"totalprice\":\"number\"}}}]}";
    route(m, "/v1/orgs/acme/projects/web/sources", 200, answer);
    spoor_client_t *c = client_with(mock_url(m), "api_key", "k1", "secret", "s3cret", "gzip", "true",
                                    "headers", "{\"X-Team\":\"growth\"}", "log_level", "error", NULL);
    char *json = NULL;
    assert_int_equal(spoor_fetch_sources(c, "acme", "web", &json), SPOOR_OK);
    assert_string_equal(json, answer); /* the server's answer as it came */
    assert_string_equal(spoor_last_error(), "");
    spoor_free(json);

    assert_int_equal(mock_count(m), 1);
    mock_request_t r = mock_request(m, 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.path, "/v1/orgs/acme/projects/web/sources");
    assert_int_equal(r.len, 0);
    char v[256];
    assert_int_equal(mock_header(m, 0, "x-api-key", v, sizeof v), 0);
    assert_string_equal(v, "k1");
    assert_int_equal(mock_header(m, 0, "x-team", v, sizeof v), 0);
    assert_string_equal(v, "growth");
    assert_int_equal(mock_header(m, 0, "accept", v, sizeof v), 0);
    assert_string_equal(v, "application/json");
    assert_int_equal(mock_header(m, 0, "user-agent", v, sizeof v), 0);
    assert_non_null(strstr(v, "spoor-c/"));
    /* A GET has no body: nothing to type, zip or sign. */
    assert_false(has_header(m, 0, "content-type"));
    assert_false(has_header(m, 0, "content-encoding"));
    assert_false(has_header(m, 0, "x-spoor-signature"));

    /* The event queue is not touched. */
    spoor_stats_t st = stats_of(c);
    assert_int_equal(st.accepted, 0);
    assert_int_equal(st.requests, 0);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void fetch_collections_encodes_the_id(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "username", "u", "password", "p", "log_level", "error", NULL);
    char *json = NULL;
    /* A '/' or '?' stays inside its segment: the mock answers 200 {"accepted":0,...}, a JSON object. */
    assert_int_equal(spoor_fetch_collections(c, "a b/c?d", &json), SPOOR_OK);
    spoor_free(json);
    mock_request_t r = mock_request(m, 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.raw_path, "/v1/sources/a%20b%2Fc%3Fd/collections");
    char v[256];
    assert_int_equal(mock_header(m, 0, "authorization", v, sizeof v), 0);
    assert_string_equal(v, "Basic dTpw"); /* u:p */
    spoor_client_destroy(c);
    mock_stop(m);
}

static void fetch_errors_name_what_went_wrong(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    route(m, "/v1/orgs/acme/projects/nope/sources", 404, "{\"error\": \"org acme, project nope: no such project\"}");
    route(m, "/v1/sources/locked/collections", 401, "{\"error\": \"unauthorized\"}");
    route(m, "/v1/sources/html/collections", 200, "<html>\nhello</html>");
    route(m, "/v1/sources/list/collections", 200, "[1, 2]");
    spoor_client_t *c = client_with(mock_url(m), "api_key", "k", "log_level", "error", NULL);
    char *json = (char *)"untouched", expect[512];

    assert_int_equal(spoor_fetch_sources(c, "acme", "nope", &json), SPOOR_ERR_HTTP);
    assert_null(json);
    snprintf(expect, sizeof expect, "fetch_sources: HTTP 404 from %s/v1/orgs/acme/projects/nope/sources: "
             "{\"error\": \"org acme, project nope: no such project\"} (check the org and project names, and that "
             "the server serves a schema registry)", mock_url(m));
    assert_string_equal(spoor_last_error(), expect);

    assert_int_equal(spoor_fetch_collections(c, "locked", &json), SPOOR_ERR_HTTP);
    snprintf(expect, sizeof expect, "fetch_collections: HTTP 401 from %s/v1/sources/locked/collections: "
             "{\"error\": \"unauthorized\"} (check api_key)", mock_url(m));
    assert_string_equal(spoor_last_error(), expect);

    assert_int_equal(spoor_fetch_collections(c, "html", &json), SPOOR_ERR_HTTP);
    assert_non_null(strstr(spoor_last_error(), "is not what a schema registry answers"));
    assert_non_null(strstr(spoor_last_error(), ": <html>\\nhello</html>")); /* quoted on one line */
    assert_int_equal(spoor_fetch_collections(c, "list", &json), SPOOR_ERR_HTTP);
    assert_non_null(strstr(spoor_last_error(), "(answer: must be a JSON object)"));

    assert_int_equal(spoor_fetch_sources(c, "", "web", &json), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "org: must be a non-empty string");
    assert_int_equal(spoor_fetch_sources(c, "acme", NULL, &json), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "project: must be a non-empty string");
    assert_int_equal(spoor_fetch_collections(c, "\xff", &json), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "source: is not valid UTF-8");
    assert_int_equal(spoor_fetch_collections(c, "s", NULL), SPOOR_ERR_INVALID);
    size_t before = mock_count(m);
    assert_int_equal(before, 4); /* the bad arguments sent nothing */

    spoor_close(c, 1000);
    assert_int_equal(spoor_fetch_collections(c, "shop", &json), SPOOR_ERR_CLOSED);
    assert_string_equal(spoor_last_error(), "fetch_collections: the client is closed");
    spoor_client_destroy(c);
    mock_stop(m);

    /* No server: a network error naming the URL. */
    c = client_with("http://127.0.0.1:9", "log_level", "error", NULL);
    assert_int_equal(spoor_fetch_collections(c, "shop", &json), SPOOR_ERR_TRANSPORT);
    assert_non_null(strstr(spoor_last_error(), "fetch_collections: network error reaching http://127.0.0.1:9/v1/sources/shop/collections: "));
    spoor_client_destroy(c);
}

static void fetch_is_bounded_by_timeout(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t slow = {.status = 200, .retry_after = -1, .delay_ms = 3000, .body = "{}"};
    mock_route(m, "/v1/sources/slow/collections", &slow);
    spoor_client_t *c = client_with(mock_url(m), "timeout", "200", "log_level", "error", NULL);
    char *json = NULL;
    assert_int_equal(spoor_fetch_collections(c, "slow", &json), SPOOR_ERR_TRANSPORT);
    assert_non_null(strstr(spoor_last_error(), "Timeout"));
    spoor_client_destroy(c);
    mock_stop(m);
}

static void schemas_from_checks_record_event(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    route(m, COLLECTIONS_PATH, 200, SHOP_NUMBER);
    spoor_client_t *c = client_with(mock_url(m), "api_key", "k", "schemas_from", "shop", "flush_at", "100",
                                    "log_level", "error", NULL);
    /* Creation waited for the first fetch: the very first call is checked. */
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p1\",\"totalprice\":\"35\"}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "event.totalprice: must be of type number (collection purchase)");
    assert_int_equal(spoor_batch(c, "[{\"type\":\"record\",\"collection\":\"purchase\",\"userId\":\"u\","
                                    "\"properties\":{\"ispaid\":1}}]"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "batch[0].properties.ispaid: must be of type boolean (collection purchase)");
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p1\",\"totalprice\":35,\"ispaid\":true}"), SPOOR_OK);
    assert_int_equal(spoor_record_event(c, "refund", "{\"profileId\":\"p1\",\"amount\":\"any\"}"), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);

    spoor_stats_t st = stats_of(c);
    assert_int_equal(st.schema_fetches, 1);
    assert_int_equal(st.schema_fetch_failures, 0);
    assert_int_equal(st.delivered, 2);
    mock_request_t r = mock_request(m, 0);
    assert_string_equal(r.method, "GET");
    assert_string_equal(r.path, COLLECTIONS_PATH);
    assert_string_equal(mock_request(m, 1).method, "POST");
    spoor_client_destroy(c);
    mock_stop(m);
}

static void a_failed_fetch_keeps_what_the_client_had(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    route(m, COLLECTIONS_PATH, 503, "{\"error\":\"down\"}");
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    /* A registry that is down does not stop the client. */
    spoor_client_t *c = logged_client(&lb, mock_url(m), "schemas_from", "shop", "schemas_refresh", "50",
                                      "collection_schemas", "{\"purchase\":{\"totalprice\":\"string\"}}", NULL);
    wait_fetches(c, 0, 1);
    /* collection_schemas serves until a fetch succeeds. */
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":35}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "event.totalprice: must be of type string (collection purchase)");
    pthread_mutex_lock(&lb.lock);
    assert_non_null(strstr(lb.text, "schemas_from shop: HTTP 503 from "));
    assert_non_null(strstr(lb.text, "; recordEvent is checked against collection_schemas until a fetch succeeds"));
    pthread_mutex_unlock(&lb.lock);

    /* The registry comes back: its schemas replace collection_schemas. */
    route(m, COLLECTIONS_PATH, 200, SHOP_NUMBER);
    wait_fetches(c, 1, 1);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":35}"), SPOOR_OK);
    /* It fails again: the fetched ones stay. */
    spoor_stats_t st = stats_of(c);
    route(m, COLLECTIONS_PATH, 200, "{\"source\":\"shop\",\"collections\":{\"purchase\":{\"totalprice\":\"money\"}}}");
    wait_fetches(c, 0, st.schema_fetch_failures + 1);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":\"35\"}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "event.totalprice: must be of type number (collection purchase)");
    pthread_mutex_lock(&lb.lock);
    assert_non_null(strstr(lb.text, "schemas_from shop: the answer's collections break a rule: collection_schemas.purchase.totalprice: "
                                    "type must be string, number, boolean, timestamp, object or array; "
                                    "recordEvent is checked against the collections fetched before"));
    pthread_mutex_unlock(&lb.lock);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void a_refresh_replaces_the_schemas(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    route(m, COLLECTIONS_PATH, 200, SHOP_NUMBER);
    spoor_client_t *c = client_with(mock_url(m), "schemas_from", "shop", "schemas_refresh", "20", "log_level", "error", NULL);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":\"35\"}"), SPOOR_ERR_INVALID);
    route(m, COLLECTIONS_PATH, 200, SHOP_STRING);
    spoor_stats_t st = stats_of(c);
    wait_fetches(c, st.schema_fetches + 2, 0); /* one may have begun before the route changed */
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":\"35\"}"), SPOOR_OK);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":35}"), SPOOR_ERR_INVALID);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* Threads record while the schemas are swapped under them (TSan: no race; ASan and
 * valgrind: a replaced set is freed once, by its last holder). */
typedef struct {
    spoor_client_t *c;
    int ok, refused;
} recorder_t;

static void *record_many(void *arg) {
    recorder_t *r = arg;
    for (int i = 0; i < 1500; i++) {
        spoor_err_t rc = spoor_record_event(r->c, "purchase", i % 2 ? "{\"profileId\":\"p\",\"totalprice\":35}"
                                                                    : "{\"profileId\":\"p\",\"totalprice\":\"35\"}");
        if (rc == SPOOR_OK) r->ok++;
        else if (rc == SPOOR_ERR_INVALID) r->refused++;
    }
    return NULL;
}

static void swaps_while_recording(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    route(m, COLLECTIONS_PATH, 200, SHOP_NUMBER);
    spoor_client_t *c = client_with(mock_url(m), "schemas_from", "shop", "schemas_refresh", "1", "flush_at", "500",
                                    "max_queue_size", "100000", "log_level", "error", NULL);
    pthread_t th[4];
    recorder_t rec[4];
    for (int i = 0; i < 4; i++) {
        rec[i] = (recorder_t){c, 0, 0};
        pthread_create(&th[i], NULL, record_many, &rec[i]);
    }
    for (int i = 0; i < 20; i++) { /* the answer flips between the two types meanwhile */
        route(m, COLLECTIONS_PATH, 200, i % 2 ? SHOP_NUMBER : SHOP_STRING);
        struct timespec ts = {0, 2 * 1000000};
        nanosleep(&ts, NULL);
    }
    for (int i = 0; i < 4; i++) pthread_join(th[i], NULL);
    int ok = 0, refused = 0;
    for (int i = 0; i < 4; i++) ok += rec[i].ok, refused += rec[i].refused;
    assert_int_equal(ok + refused, 6000); /* every call either queued or refused by a schema */
    assert_true(stats_of(c).schema_fetches >= 1);
    assert_int_equal(spoor_close(c, 10000), SPOOR_OK);
    assert_int_equal(stats_of(c).delivered, (uint64_t)ok);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void creation_waits_at_most_schemas_wait(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t slow = {.status = 200, .retry_after = -1, .delay_ms = 1500, .body = SHOP_NUMBER};
    mock_route(m, COLLECTIONS_PATH, &slow);
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_client_t *c = logged_client(&lb, mock_url(m), "schemas_from", "shop", "schemas_wait", "50", NULL);
    /* Created before the answer came (it takes 1.5 s): nothing is checked yet, and the log says so. */
    assert_int_equal(stats_of(c).schema_fetches, 0);
    pthread_mutex_lock(&lb.lock);
    assert_non_null(strstr(lb.text, "schemas_from shop: no answer within schemas_wait (50 ms); the fetch goes on in the "
                                    "background, and recordEvent is not checked against any schema until it succeeds"));
    pthread_mutex_unlock(&lb.lock);
    wait_fetches(c, 1, 0);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"profileId\":\"p\",\"totalprice\":\"35\"}"), SPOOR_ERR_INVALID);
    spoor_client_destroy(c);

    /* close() cuts a fetch in flight short, and a cut fetch is no failure. */
    c = client_with(mock_url(m), "schemas_from", "shop", "schemas_wait", "0", "log_level", "error", NULL);
    usleep(100 * 1000); /* the GET is now in flight (the mock answers it after 1.5 s) */
    assert_int_equal(spoor_close(c, 1000), SPOOR_OK);
    assert_int_equal(stats_of(c).schema_fetch_failures, 0);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void schemas_from_settings_are_checked(void **state) {
    (void)state;
    spoor_config_t *conf = spoor_config_new();
    assert_int_equal(spoor_config_set(conf, "schemas_from", "\xc3"), SPOOR_ERR_CONFIG_INVALID);
    assert_string_equal(spoor_last_error(), "schemas_from: is not valid UTF-8");
    assert_int_equal(spoor_config_set(conf, "schemas_wait", "2m"), SPOOR_ERR_CONFIG_INVALID);
    assert_int_equal(spoor_config_set(conf, "schemas_refresh", "-1"), SPOOR_ERR_CONFIG_INVALID);
    char buf[64];
    assert_int_equal(spoor_config_get(conf, "schemas_refresh", buf, sizeof buf), SPOOR_OK);
    assert_string_equal(buf, "300000");
    assert_int_equal(spoor_config_get(conf, "schemas_wait", buf, sizeof buf), SPOOR_OK);
    assert_string_equal(buf, "2000");
    spoor_config_destroy(conf);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fetch_sources_is_one_get),
        cmocka_unit_test(fetch_collections_encodes_the_id),
        cmocka_unit_test(fetch_errors_name_what_went_wrong),
        cmocka_unit_test(fetch_is_bounded_by_timeout),
        cmocka_unit_test(schemas_from_checks_record_event),
        cmocka_unit_test(a_failed_fetch_keeps_what_the_client_had),
        cmocka_unit_test(a_refresh_replaces_the_schemas),
        cmocka_unit_test(swaps_while_recording),
        cmocka_unit_test(creation_waits_at_most_schemas_wait),
        cmocka_unit_test(schemas_from_settings_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
