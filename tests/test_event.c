/* test_event.c: the exact bytes on the wire (wire format v1), made deterministic
 * with the fixed clock and the seeded id generator: key order, lifting of
 * envelope keys, timestamp normalisation, escaping, numbers, every event type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_server.h"
#include "test_util.h"
#include "validate.h"

/* Checked by hand against docs/protocol.md; ids from the seeded sequence (test_id_seed 7). */
static const char *expected_body =
    "{\"sentAt\":\"2026-11-23T10:00:00.000Z\",\"batch\":[{\"eventId\":\"d45246f9-7655-4467-a123-b634260530d5\",\"type\":\"record\",\"eventName\":\"purchase\",\"profileId\":\"user_123\",\"sessionId\":\"sess_1\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"properties\":{\"items\":[{\"item name\":\"item 1\",\"price\":20},{\"item name\":\"item 2\",\"price\":15}],\"totalprice\":35,\"ispaid\":true,\"fixed.name\":\"John Smith\",\"fixed.age\":28},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"6a9b99a2-f3da-47b7-b8fc-6c6c100c4526\",\"type\":\"profile\",\"profileId\":\"user_123\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"traits\":{\"user_identifier\":\"john@example.com\",\"account_identifier\":\"acme\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"ee83759c-989f-4850-b8cb-432a23bd0c5e\",\"type\":\"consent\",\"profileId\":\"user_123\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"consents\":[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true}],\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"evt_1\",\"type\":\"track\",\"eventName\":\"purchase\",\"userId\":\"user_123\",\"anonymousId\":\"anon_abc123\",\"timestamp\":\"2026-11-23T10:00:00.500Z\",\"properties\":{\"revenue\":99.99,\"currency\":\"USD\",\"big\":1.2345678901234567e+19,\"tiny\":1e-07,\"quote\":\"say \\\"hi\\\"\\n\",\"unicode\":\"caf\303\251 \342\234\223\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"023e3594-d9fc-4e1e-b982-c05a06d520c6\",\"type\":\"identify\",\"userId\":\"user_123\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"traits\":{\"email\":\"john@example.com\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"474477bb-54d0-42b8-8f3f-3a5544d2ca11\",\"type\":\"group\",\"userId\":\"user_123\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"traits\":{\"name\":\"Acme Corp\"},\"groupId\":\"company_456\",\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"3c5aa628-1438-456d-b765-4c0c041a81b7\",\"type\":\"page\",\"eventName\":\"Landing Page\",\"userId\":\"user_123\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"properties\":{\"url\":\"https://example.com\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"eece1fe9-bb1a-4fa7-9b30-8ee4304fad5a\",\"type\":\"product\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"productId\":\"123\",\"data\":{\"name\":\"Wine\",\"amount\":150},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}},{\"eventId"
    "\":\"02488ab6-1306-445c-b3f5-f115e2343297\",\"type\":\"product\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"productId\":\"SKU1\",\"data\":{\"id\":\"SKU1\",\"title\":\"Hoodie\",\"description\":\"Soft\",\"url\":\"https://s/h\",\"image_link\":\"https://s/h.jpg\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\",\"binding\":\"c\"}}}]}";

static void every_type_on_the_wire(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s",
                                    "test_fixed_time", "2026-11-23T10:00:00Z", "test_id_seed", "7", NULL);
    assert_string_equal(spoor_anonymous_id(c), "63cb8839-18a4-40e9-9c71-eb5756e7c3d7");
    assert_int_equal(spoor_record_event(c, "purchase",
        "{\"items\":[{\"item name\":\"item 1\",\"price\":20},{\"item name\":\"item 2\",\"price\":15}],"
        "\"totalprice\":35,\"ispaid\":true,\"timestamp\":1795428000000,\"fixed.name\":\"John Smith\","
        "\"fixed.age\":28,\"profileId\":\"user_123\",\"sessionId\":\"sess_1\"}"), SPOOR_OK);
    assert_int_equal(spoor_profile(c, "{\"profileId\":\"user_123\",\"user_identifier\":\"john@example.com\","
                                      "\"account_identifier\":\"acme\"}"), SPOOR_OK);
    assert_int_equal(spoor_track_consents(c, "[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true}]",
                                          "{\"profileId\":\"user_123\"}"), SPOOR_OK);
    assert_int_equal(spoor_track(c, "{\"properties\":{\"revenue\":99.99,\"currency\":\"USD\",\"big\":12345678901234567890,"
                                    "\"tiny\":1e-7,\"quote\":\"say \\\"hi\\\"\\n\",\"unicode\":\"caf\\u00e9 \xe2\x9c\x93\"},"
                                    "\"event\":\"purchase\",\"userId\":\"user_123\",\"anonymousId\":\"anon_abc123\","
                                    "\"eventId\":\"evt_1\",\"timestamp\":\"2026-11-23T12:00:00.5+02:00\"}"), SPOOR_OK);
    assert_int_equal(spoor_identify(c, "user_123", "{\"email\":\"john@example.com\"}"), SPOOR_OK);
    assert_int_equal(spoor_group(c, "user_123", "company_456", "{\"name\":\"Acme Corp\"}"), SPOOR_OK);
    assert_int_equal(spoor_page(c, "user_123", "Landing Page", "{\"url\":\"https://example.com\"}"), SPOOR_OK);
    assert_int_equal(spoor_product(c, "{\"productId\":\"123\",\"data\":{\"name\":\"Wine\",\"amount\":150}}"), SPOOR_OK);
    assert_int_equal(spoor_product(c, "{\"id\":\"SKU1\",\"title\":\"Hoodie\",\"description\":\"Soft\","
                                      "\"url\":\"https://s/h\",\"image_link\":\"https://s/h.jpg\"}"), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 1);
    mock_request_t r = mock_request(m, 0);
    if (strcmp(r.body, expected_body)) {
        FILE *f = fopen("test_event.actual.json", "w"); /* for a look at the difference */
        if (f) fputs(r.body, f), fclose(f);
        fail_msg("body differs from the expected bytes; see test_event.actual.json");
    }
    spoor_client_destroy(c);
    mock_stop(m);
}

/* Numbers keep their exact double value; a catalog product keeps a given eventId. */
static void exact_numbers_and_catalog_ids(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s", NULL);
    assert_int_equal(spoor_track(c, "{\"event\":\"n\",\"userId\":\"u\",\"properties\":{\"a\":0.30000000000000004,"
                                    "\"b\":9007199254740992,\"c\":-42,\"d\":1.5e300,\"e\":0.1,\"f\":100000000000000000000}}"), SPOOR_OK);
    assert_int_equal(spoor_product(c, "{\"eventId\":\"catalog-evt-1\",\"timestamp\":\"2026-11-23T10:00:00Z\",\"id\":\"sku-9\","
                                      "\"title\":\"Hat\",\"description\":\"d\",\"url\":\"https://s/hat\",\"image_link\":\"https://s/hat.png\"}"), SPOOR_OK);
    /* A catalog field named "type" is product data, in a call and in a batch message alike. */
    assert_int_equal(spoor_product(c, "{\"eventId\":\"catalog-evt-2\",\"id\":\"sku-10\",\"title\":\"Shirt\",\"description\":\"d\","
                                      "\"url\":\"https://s/shirt\",\"image_link\":\"https://s/shirt.png\",\"type\":\"apparel\"}"), SPOOR_OK);
    assert_int_equal(spoor_ingest_feed(c, "<catalog><products><product><id>sku-11</id><title>T</title><description>d</description>"
                                          "<url>u</url><image_link>i</image_link><type>apparel</type></product></products></catalog>", NULL), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    const char *body = mock_request(m, 0).body;
    assert_non_null(strstr(body, "\"image_link\":\"https://s/shirt.png\",\"type\":\"apparel\"}"));
    assert_non_null(strstr(body, "\"image_link\":\"i\",\"type\":\"apparel\"}"));
    assert_non_null(strstr(body, "\"properties\":{\"a\":0.30000000000000004,\"b\":9007199254740992,\"c\":-42,"
                                 "\"d\":1.5e+300,\"e\":0.1,\"f\":1e+20}"));
    assert_non_null(strstr(body, "{\"eventId\":\"catalog-evt-1\",\"type\":\"product\",\"timestamp\":\"2026-11-23T10:00:00.000Z\","
                                 "\"productId\":\"sku-9\",\"data\":{\"id\":\"sku-9\""));
    spoor_client_destroy(c);
    mock_stop(m);
}

/* The builders (event.c) and the rules (validate.c) know the same types: each type
 * the rules accept has a builder (none is refused as unknown), and an unknown type is
 * refused with the one rule, worded from the rules' list. */
static void every_type_has_a_builder(void **state) {
    (void)state;
    spoor_client_t *c = client_with("http://127.0.0.1:9", "flush_at", "1000", "flush_interval", "60s", NULL);
    char rule[160], msg[64];
    spoor__event_type_rule(rule, sizeof rule);
    assert_string_equal(rule, "must be one of track, identify, group, page, record, profile, consent, product");
    for (int i = 0; spoor__event_types[i]; i++) {
        snprintf(msg, sizeof msg, "{\"type\":\"%s\",\"userId\":\"u\"}", spoor__event_types[i]);
        spoor_enqueue(c, msg);
        if (strstr(spoor_last_error(), "must be one of")) fail_msg("%s: %s", spoor__event_types[i], spoor_last_error());
    }
    assert_int_equal(spoor_enqueue(c, "{\"type\":\"teleport\",\"userId\":\"u\"}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "message[0].type: must be one of track, identify, group, page, record, profile, consent, product");
    spoor_client_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_type_on_the_wire), cmocka_unit_test(exact_numbers_and_catalog_ids),
                                       cmocka_unit_test(every_type_has_a_builder)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
