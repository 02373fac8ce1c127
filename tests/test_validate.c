/* test_validate.c: every validation rule of the wire format, good and bad, through the
 * public operations. A bad call returns an error whose message starts with the
 * field and says the rule, and queues nothing. */
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "json.h"

typedef enum { TRACK, RECORD, PROFILE, CONSENTS, IDENTIFY, GROUP, PAGE, PRODUCT, BATCH, ENQUEUE, FEED } op_t;

typedef struct {
    op_t op;
    const char *a, *b, *c;
    spoor_err_t rc;
    const char *says; /* the message starts with this */
    int events;       /* events queued when it succeeds */
} case_t;

#define OK(op, a, b, c, n) {op, a, b, c, SPOOR_OK, NULL, n}
#define BAD(op, a, b, c, says) {op, a, b, c, SPOOR_ERR_INVALID, says, 0}

static const char *feed_json =
    "{\"products\":[{\"product\":{\"id\":\"SKU1\",\"title\":\"Hoodie\",\"description\":\"Soft\","
    "\"url\":\"https://s.example/h\",\"image_link\":\"https://s.example/h.jpg\",\"price\":49.5}},"
    "{\"product\":{\"id\":\"SKU2\",\"title\":\"Cap\",\"description\":\"Red\",\"url\":\"https://s.example/c\","
    "\"image_link\":\"https://s.example/c.jpg\"}}]}";
static const char *feed_xml =
    "<catalog><products><product><id>SKU12345</id><title>Cotton Hoodie</title>"
    "<description>Soft-touch premium cotton hoodie.</description><url>https://yourstore.com/products/hoodie</url>"
    "<image_link>https://yourstore.com/products/hoodie.jpg</image_link><tags>a</tags><tags>b</tags></product>"
    "</products></catalog>";
static const char *feed_xml_bad =
    "<catalog><products><product><id>SKU1</id><description>d</description><url>u</url>"
    "<image_link>i</image_link></product></products></catalog>";

static const case_t cases[] = {
    /* track */
    OK(TRACK, "{\"event\":\"purchase\",\"userId\":\"u1\",\"properties\":{\"revenue\":99.99,\"currency\":\"USD\"}}", 0, 0, 1),
    OK(TRACK, "{\"event\":\"signup\",\"anonymousId\":\"anon_1\"}", 0, 0, 1),
    OK(TRACK, "{\"event\":\"login\",\"profileId\":\"p1\",\"sessionId\":\"s1\",\"accountId\":\"a1\",\"pageId\":\"pg\"}", 0, 0, 1),
    OK(TRACK, "{\"event\":\"e\",\"userId\":\"u1\",\"timestamp\":\"2026-11-23T12:00:00+02:00\",\"eventId\":\"evt_98ac13f01a2b\"}", 0, 0, 1),
    OK(TRACK, "{\"event\":\"e\",\"userId\":\"u1\",\"timestamp\":1795428000000}", 0, 0, 1),
    OK(TRACK, "{\"event\":\"e\",\"userId\":\"u1\",\"anonymousId\":null,\"properties\":null}", 0, 0, 1),
    BAD(TRACK, "{\"event\":", 0, 0, "track: not valid JSON"),
    BAD(TRACK, "[1,2]", 0, 0, "track: must be a JSON object"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"ok\":1.5,\"items\":[1,{\"big\":-1e400}]}}", 0, 0,
        "track: properties.items[1].big: number out of range (a double holds up to about 1.8e308)"),
    BAD(TRACK, "{\"userId\":\"u1\"}", 0, 0, "event: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"\",\"userId\":\"u1\"}", 0, 0, "event: must be a non-empty string"),
    BAD(TRACK, "{\"event\":5,\"userId\":\"u1\"}", 0, 0, "event: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"e\"}", 0, 0, "userId: one of userId, anonymousId or profileId is required"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":5}", 0, 0, "userId: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"e\",\"anonymousId\":\"\"}", 0, 0, "anonymousId: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":\"x\"}", 0, 0, "properties: must be an object"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":\"yesterday\"}", 0, 0, "timestamp: must be an ISO-8601 timestamp"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":true}", 0, 0, "timestamp: must be an ISO-8601 string or epoch milliseconds"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":1.5}", 0, 0, "timestamp: must be an ISO-8601 string or epoch milliseconds"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"\"}", 0, 0, "eventId: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"sessionId\":7}", 0, 0, "sessionId: must be a non-empty string"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"propertys\":{}}", 0, 0, "propertys: is not an argument of track"),
    BAD(TRACK, "{\"event\":\"x\\u0000y\",\"userId\":\"u\"}", 0, 0, "track: strings must not contain NUL"),
    OK(TRACK, "{\"event\":\"x\\\\u0000y\",\"userId\":\"u\"}", 0, 0, 1), /* an escaped backslash, then text */
    /* recordEvent */
    OK(RECORD, "purchase", "{\"profileId\":\"p1\",\"totalprice\":35,\"ispaid\":true,\"items\":[{\"price\":20}]}", 0, 1),
    OK(RECORD, "catalog", "{\"productId\":\"123\",\"name\":\"Wine\",\"amount\":150}", 0, 1),
    OK(RECORD, "purchase", "{\"userId\":\"u\",\"totalprice\":null,\"ordered_at\":\"2026-11-23T10:00:00Z\"}", 0, 1),
    BAD(RECORD, "", "{\"profileId\":\"p1\"}", 0, "collection: must be a non-empty string"),
    BAD(RECORD, NULL, "{\"profileId\":\"p1\"}", 0, "collection: must be a non-empty string"),
    BAD(RECORD, "purchase", "[1]", 0, "event: must be a JSON object"),
    BAD(RECORD, "purchase", "{\"totalprice\":35}", 0, "userId: one of userId, anonymousId or profileId is required (unless productId is present)"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"totalprice\":\"35\"}", 0, "event.totalprice: must be of type number (collection purchase)"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"ispaid\":1}", 0, "event.ispaid: must be of type boolean"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"items\":{}}", 0, "event.items: must be of type array"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"ordered_at\":\"soon\"}", 0, "event.ordered_at: must be of type timestamp"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"timestamp\":\"nope\"}", 0, "timestamp: must be an ISO-8601"),
    /* profile */
    OK(PROFILE, "{\"profileId\":\"p1\",\"user_identifier\":\"john@example.com\",\"account_identifier\":\"acme\",\"plan\":\"pro\"}", 0, 0, 1),
    BAD(PROFILE, "{\"user_identifier\":\"john@example.com\"}", 0, 0, "userId: one of userId, anonymousId or profileId"),
    BAD(PROFILE, "\"p1\"", 0, 0, "profile: must be a JSON object"),
    /* consents */
    OK(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true},{\"regulation\":\"CCPA\",\"purpose\":\"analytics\",\"consented\":false}]", "{\"profileId\":\"p1\"}", 0, 1),
    OK(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"email\",\"consented\":true}]", "{\"userId\":\"u1\"}", 0, 1),
    BAD(CONSENTS, "[{\"regulation\":\"HIPAA\",\"purpose\":\"x\",\"consented\":true}]", "{\"profileId\":\"p1\"}", 0, "consents[0].regulation: must be GDPR or CCPA"),
    BAD(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"\",\"consented\":true}]", "{\"profileId\":\"p1\"}", 0, "consents[0].purpose: must be a non-empty string"),
    BAD(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"a\",\"consented\":true},{\"regulation\":\"CCPA\",\"purpose\":\"b\",\"consented\":\"yes\"}]", "{\"profileId\":\"p1\"}", 0, "consents[1].consented: must be a boolean"),
    BAD(CONSENTS, "[]", "{\"profileId\":\"p1\"}", 0, "consents: must be a non-empty array"),
    BAD(CONSENTS, "{\"regulation\":\"GDPR\"}", "{\"profileId\":\"p1\"}", 0, "consents: must be a JSON array"),
    BAD(CONSENTS, "[\"GDPR\"]", "{\"profileId\":\"p1\"}", 0, "consents[0]: must be an object"),
    BAD(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"a\",\"consented\":true}]", NULL, 0, "userId: one of userId, anonymousId or profileId"),
    /* identify, group, page */
    OK(IDENTIFY, "user_123", "{\"email\":\"john@example.com\",\"plan\":\"enterprise\"}", 0, 1),
    OK(IDENTIFY, "user_123", NULL, 0, 1),
    BAD(IDENTIFY, NULL, "{}", 0, "userId: must be a non-empty string"),
    BAD(IDENTIFY, "", "{}", 0, "userId: must be a non-empty string"),
    BAD(IDENTIFY, "u1", "[1]", 0, "traits: must be a JSON object"),
    OK(GROUP, "user_123", "company_456", "{\"name\":\"Acme Corp\",\"employees\":500}", 1),
    BAD(GROUP, "user_123", NULL, NULL, "groupId: must be a non-empty string"),
    BAD(GROUP, "user_123", "", NULL, "groupId: must be a non-empty string"),
    OK(PAGE, "user_123", "Landing Page", "{\"url\":\"https://example.com\"}", 1),
    OK(PAGE, "user_123", NULL, NULL, 1),
    BAD(PAGE, "user_123", "", NULL, "name: must be a non-empty string"),
    BAD(PAGE, "user_123", "Home", "7", "properties: must be a JSON object"),
    /* product */
    OK(PRODUCT, "{\"productId\":\"123\",\"data\":{\"name\":\"Wine\",\"amount\":150,\"quantity\":4}}", 0, 0, 1),
    OK(PRODUCT, "{\"id\":\"SKU12345\",\"title\":\"Cotton Hoodie\",\"description\":\"Soft.\",\"url\":\"https://x/h\",\"image_link\":\"https://x/h.jpg\",\"price\":49.5,\"tags\":[\"a\"]}", 0, 0, 1),
    BAD(PRODUCT, "{\"id\":\"SKU1\",\"title\":\"T\",\"description\":\"D\",\"url\":\"U\"}", 0, 0, "product.image_link: is required (a non-empty string) in a catalog product"),
    BAD(PRODUCT, "{\"productId\":5}", 0, 0, "productId: must be a non-empty string"),
    BAD(PRODUCT, "{\"productId\":\"1\",\"data\":\"x\"}", 0, 0, "data: must be an object"),
    /* batch and enqueue */
    OK(BATCH, "[{\"type\":\"track\",\"userId\":\"user-123\",\"event\":\"feature_used\",\"properties\":{\"feature\":\"export\"}},"
              "{\"type\":\"identify\",\"userId\":\"user-123\",\"traits\":{\"plan\":\"pro\"}},"
              "{\"type\":\"record\",\"collection\":\"purchase\",\"properties\":{\"profileId\":\"p\",\"totalprice\":3}},"
              "{\"type\":\"product\",\"productId\":\"9\"}]", 0, 0, 4),
    BAD(BATCH, "[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"ok\"},{\"type\":\"track\",\"userId\":\"u\"}]", 0, 0, "batch[1].event: must be a non-empty string"),
    BAD(BATCH, "[{\"type\":\"teleport\",\"userId\":\"u\"}]", 0, 0, "batch[0].type: must be one of track"),
    BAD(BATCH, "[{\"userId\":\"u\",\"event\":\"x\"}]", 0, 0, "batch[0].type: must be one of track"),
    BAD(BATCH, "{}", 0, 0, "batch: must be a JSON array"),
    BAD(BATCH, "[{\"type\":\"record\",\"collection\":\"c\",\"properties\":7}]", 0, 0, "batch[0].properties: must be an object"),
    BAD(BATCH, "[{\"type\":\"record\",\"collection\":\"purchase\",\"properties\":{\"userId\":\"u\",\"totalprice\":\"1\"}}]", 0, 0, "batch[0].properties.totalprice: must be of type number"),
    OK(ENQUEUE, "{\"type\":\"group\",\"userId\":\"u\",\"groupId\":\"g\"}", 0, 0, 1),
    BAD(ENQUEUE, "{\"type\":\"group\",\"userId\":\"u\"}", 0, 0, "message[0].groupId: must be a non-empty string"),
    /* catalog feeds */
    OK(FEED, NULL, 0, 0, 2), /* feed_json, set below */
    OK(FEED, NULL, 0, 0, 1), /* feed_xml */
    BAD(FEED, NULL, 0, 0, "products[0].product.title: is required"), /* feed_xml_bad */
    BAD(FEED, "/nonexistent/feed.xml", 0, 0, "feed: cannot open /nonexistent/feed.xml"),
    BAD(FEED, "<catalog><products>", 0, 0, "feed: not valid XML"),
    BAD(FEED, "{\"items\":[]}", 0, 0, "feed.products: must be an array"),
    /* Invalid UTF-8 (a stray continuation byte, an overlong form, a surrogate, a cut
     * sequence) is refused at the call, naming the field; valid multi-byte text passes. */
    OK(TRACK, "{\"event\":\"caf\xc3\xa9\",\"userId\":\"\xf0\x9f\x98\x80\",\"properties\":{\"\xe2\x9c\x93\":\"\xf4\x8f\xbf\xbf\"}}", 0, 0, 1),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"name\":\"a\xff\"}}", 0, 0, "properties.name: is not valid UTF-8"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"name\":\"\xc0\xaf\"}}", 0, 0, "properties.name: is not valid UTF-8"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"l\":[\"ok\",\"\xed\xa0\x80\"]}}", 0, 0, "properties.l[1]: is not valid UTF-8"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"k\xe2\x9c\":1}}", 0, 0, "properties: a key is not valid UTF-8"),
    BAD(TRACK, "{\"event\":\"\x80\",\"userId\":\"u\"}", 0, 0, "event: is not valid UTF-8"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\xf5\"}", 0, 0, "userId: is not valid UTF-8"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"name\":\"\xe0\x80\x80\"}", 0, "event.name: is not valid UTF-8"),
    BAD(RECORD, "pur\xe2\x82", "{\"profileId\":\"p1\"}", 0, "collection: is not valid UTF-8"),
    BAD(PROFILE, "{\"profileId\":\"p1\",\"city\":\"\xf4\x90\x80\x80\"}", 0, 0, "city: is not valid UTF-8"),
    BAD(IDENTIFY, "u\xfe", "{}", 0, "userId: is not valid UTF-8"),
    BAD(IDENTIFY, "u1", "{\"plan\":\"\xc3\"}", 0, "traits.plan: is not valid UTF-8"),
    BAD(GROUP, "u1", "g\xc3(", NULL, "groupId: is not valid UTF-8"),
    BAD(PAGE, "u1", "Home\xa0", NULL, "name: is not valid UTF-8"),
    BAD(CONSENTS, "[{\"regulation\":\"GDPR\",\"purpose\":\"\xff\",\"consented\":true}]", "{\"profileId\":\"p1\"}", 0, "consents[0].purpose: is not valid UTF-8"),
    BAD(PRODUCT, "{\"productId\":\"1\",\"data\":{\"n\":\"\xe2\x28\xa1\"}}", 0, 0, "data.n: is not valid UTF-8"),
    BAD(BATCH, "[{\"type\":\"track\",\"userId\":\"u\",\"event\":\"ok\"},{\"type\":\"identify\",\"userId\":\"u\",\"traits\":{\"a\":\"\x9f\"}}]", 0, 0, "batch[1].traits.a: is not valid UTF-8"),
    BAD(FEED, "{\"products\":[{\"product\":{\"id\":\"S1\",\"title\":\"Caf\xe9\",\"description\":\"d\",\"url\":\"u\",\"image_link\":\"i\"}}]}", 0, 0, "products[0].product.title: is not valid UTF-8"),
    BAD(FEED, "<catalog><product><id>S1</id><title>Caf\xe9</title></product></catalog>", 0, 0, "feed: not valid XML"),
    /* A key given twice in one object: refused naming it (cJSON keeps both; which
     * one a reader takes is anyone's guess). */
    BAD(TRACK, "{\"event\":\"a\",\"userId\":\"u\",\"event\":\"b\"}", 0, 0, "event: appears twice"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"dup\":1,\"x\":2,\"dup\":3}}", 0, 0, "properties.dup: appears twice"),
    BAD(TRACK, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":[{\"b\":{\"c\":1,\"\\u0063\":2}}]}}", 0, 0, "properties.a[0].b.c: appears twice"),
    BAD(RECORD, "purchase", "{\"profileId\":\"p1\",\"total\":1,\"total\":2}", 0, "event.total: appears twice"),
    BAD(PROFILE, "{\"profileId\":\"p1\",\"profileId\":\"p2\"}", 0, 0, "profileId: appears twice"),
    BAD(IDENTIFY, "u1", "{\"plan\":\"a\",\"plan\":\"b\"}", 0, "traits.plan: appears twice"),
    BAD(BATCH, "[{\"type\":\"track\",\"type\":\"identify\",\"userId\":\"u\",\"event\":\"e\"}]", 0, 0, "batch[0].type: appears twice"),
    BAD(FEED, "{\"products\":[{\"product\":{\"id\":\"S1\",\"id\":\"S2\",\"title\":\"t\",\"description\":\"d\",\"url\":\"u\",\"image_link\":\"i\"}}]}", 0, 0, "products[0].product.id: appears twice"),
    BAD(FEED, "{\"products\":[{\"product\":{\"id\":\"S1\",\"title\":\"t\",\"description\":\"d\",\"url\":\"u\",\"image_link\":\"i\"},\"product\":{}}]}", 0, 0, "products[0].product: appears twice"),
};

static spoor_err_t run(spoor_client_t *c, const case_t *k, const char *feed) {
    switch (k->op) {
    case TRACK: return spoor_track(c, k->a);
    case RECORD: return spoor_record_event(c, k->a, k->b);
    case PROFILE: return spoor_profile(c, k->a);
    case CONSENTS: return spoor_track_consents(c, k->a, k->b);
    case IDENTIFY: return spoor_identify(c, k->a, k->b);
    case GROUP: return spoor_group(c, k->a, k->b, k->c);
    case PAGE: return spoor_page(c, k->a, k->b, k->c);
    case PRODUCT: return spoor_product(c, k->a);
    case BATCH: return spoor_batch(c, k->a);
    case ENQUEUE: return spoor_enqueue(c, k->a);
    case FEED: return spoor_ingest_feed(c, feed ? feed : k->a, NULL);
    }
    return SPOOR_ERR_INVALID;
}

static spoor_client_t *quiet_client(void) {
    return client_with("http://127.0.0.1:9", "flush_at", "100000", "flush_interval", "1000s", "log_level", "error",
                       "collection_schemas",
                       "{\"purchase\":{\"totalprice\":\"number\",\"ispaid\":\"boolean\",\"items\":\"array\","
                       "\"ordered_at\":\"timestamp\"}}",
                       NULL);
}

static void every_rule(void **state) {
    (void)state;
    spoor_client_t *c = quiet_client();
    uint64_t expected = 0;
    const char *feeds[] = {feed_json, feed_xml, feed_xml_bad};
    size_t feed_i = 0;
    int failures = 0;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const case_t *k = &cases[i];
        const char *feed = k->op == FEED && !k->a ? feeds[feed_i++] : NULL;
        spoor_err_t rc = run(c, k, feed);
        const char *msg = spoor_last_error();
        /* Every case runs: a failure is printed and counted, then the test fails. */
        if (rc != k->rc || (k->says && strncmp(msg, k->says, strlen(k->says)))) {
            print_error("case %zu: rc %s \"%s\", want %s \"%s\"\n", i, spoor_err2name(rc), msg,
                        spoor_err2name(k->rc), k->says ? k->says : "");
            failures++;
        }
        if (rc == SPOOR_OK) expected += (uint64_t)k->events;
        spoor_stats_t st = SPOOR_STATS_INIT;
        spoor_client_stats(c, &st);
        if (st.accepted != expected) {
            print_error("case %zu: %llu accepted, want %llu\n", i, (unsigned long long)st.accepted,
                        (unsigned long long)expected);
            failures++;
            expected = st.accepted;
        }
    }
    if (failures) fail_msg("%d cases failed", failures);
    spoor_close(c, 0);
    spoor_client_destroy(c);
}

static void limits(void **state) {
    (void)state;
    spoor_client_t *c = client_with("http://127.0.0.1:9", "flush_at", "100000", "flush_interval", "1000s",
                                    "max_event_bytes", "1024", "log_level", "error", NULL);
    char big[2048];
    snprintf(big, sizeof big, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"blob\":\"%01000d\"}}", 0);
    assert_int_equal(spoor_track(c, big), SPOOR_ERR_TOO_LARGE);
    assert_non_null(strstr(spoor_last_error(), "over max_event_bytes (1024)"));
    /* Nesting deeper than 64 is refused before cJSON recurses into it. */
    char deep[512] = "{\"event\":\"e\",\"userId\":\"u\",\"properties\":";
    for (int i = 0; i < 70; i++) strcat(deep, "[");
    for (int i = 0; i < 70; i++) strcat(deep, "]");
    strcat(deep, "}");
    assert_int_equal(spoor_track(c, deep), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "track: nested deeper than 64 levels");
    char long_id[400] = "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"";
    for (int i = 0; i < 300; i++) strcat(long_id, "x");
    strcat(long_id, "\"}");
    assert_int_equal(spoor_track(c, long_id), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "eventId: must be at most 256 bytes");
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    assert_int_equal(st.accepted, 0);
    spoor_client_destroy(c);
}

/* Text with its length (the collector's bodies): a NUL ends nothing, and it and
 * whatever follows are trailing data no one validated. */
static void parse_refuses_trailing_nul(void **state) {
    (void)state;
    char err[256];
    static const char body[] = "{\"batch\":[]} \0{\"garbage\":1}";
    assert_null(spoor__json_parse(body, sizeof body - 1, 0, 64, "body", err, sizeof err));
    assert_string_equal(err, "body: not valid JSON (trailing data at byte 13)");
    cJSON *ok = spoor__json_parse(body, 13, 0, 64, "body", err, sizeof err);
    assert_non_null(ok);
    cJSON_Delete(ok);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_rule),
        cmocka_unit_test(limits),
        cmocka_unit_test(parse_refuses_trailing_nul),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
