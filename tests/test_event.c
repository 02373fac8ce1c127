/* test_event.c: the exact bytes on the wire (wire format v1), made deterministic
 * with the fixed clock and the seeded id generator: key order, lifting of
 * envelope keys, timestamp normalisation, escaping, numbers, every event type. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mock_server.h"
#include "test_util.h"
#include "segment.h"
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

/* protocol=segment: each message as Segment's spec has it, spoor's own operations
 * mapped (record a track, profile an identify, consents a track of Segment's
 * consent event), no key of wire v1's own; checked by hand against docs/protocol.md. */
static const char *const segment_expected[] = {
    "{\"type\":\"track\",\"messageId\":\"d45246f9-7655-4467-a123-b634260530d5\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"user_123\",\"event\":\"purchase\",\"properties\":{\"totalprice\":35,\"sessionId\":\"sess_1\"},\"context\":{\"groupId\":\"acme\",\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"identify\",\"messageId\":\"6a9b99a2-f3da-47b7-b8fc-6c6c100c4526\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"user_123\",\"traits\":{\"user_identifier\":\"john@example.com\",\"plan\":\"pro\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"track\",\"messageId\":\"ee83759c-989f-4850-b8cb-432a23bd0c5e\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"user_123\",\"event\":\"Segment Consent Preference Updated\",\"properties\":{\"consents\":[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true},{\"regulation\":\"CCPA\",\"purpose\":\"analytics\",\"consented\":false}]},\"context\":{\"consent\":{\"categoryPreferences\":{\"advertising\":true,\"analytics\":false}},\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"track\",\"messageId\":\"m-1\",\"timestamp\":\"2026-11-23T10:00:00.500Z\",\"userId\":\"u1\",\"anonymousId\":\"a1\",\"event\":\"purchase\",\"properties\":{\"revenue\":9.5},\"context\":{\"ip\":\"1.2.3.4\",\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}},\"integrations\":{\"All\":false}}",
    "{\"type\":\"identify\",\"messageId\":\"023e3594-d9fc-4e1e-b982-c05a06d520c6\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"u1\",\"traits\":{},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"group\",\"messageId\":\"474477bb-54d0-42b8-8f3f-3a5544d2ca11\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"u1\",\"groupId\":\"g1\",\"traits\":{\"n\":1},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"page\",\"messageId\":\"3c5aa628-1438-456d-b765-4c0c041a81b7\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"u1\",\"name\":\"Home\",\"properties\":{},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"screen\",\"messageId\":\"eece1fe9-bb1a-4fa7-9b30-8ee4304fad5a\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"u1\",\"name\":\"Settings\",\"category\":\"Account\",\"properties\":{\"tab\":\"x\"},\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
    "{\"type\":\"alias\",\"messageId\":\"02488ab6-1306-445c-b3f5-f115e2343297\",\"timestamp\":\"2026-11-23T10:00:00.000Z\",\"userId\":\"u1\",\"previousId\":\"anon-1\",\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"0.1.0\"}}}",
};

static void every_operation_in_segment_format(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "600s", "protocol", "segment",
                                    "test_fixed_time", "2026-11-23T10:00:00Z", "test_id_seed", "7", NULL);
    assert_int_equal(spoor_record_event(c, "purchase", "{\"totalprice\":35,\"profileId\":\"user_123\",\"sessionId\":\"sess_1\","
                                                       "\"accountId\":\"acme\"}"), SPOOR_OK);
    assert_int_equal(spoor_profile(c, "{\"profileId\":\"user_123\",\"user_identifier\":\"john@example.com\",\"plan\":\"pro\"}"),
                     SPOOR_OK);
    assert_int_equal(spoor_track_consents(c, "[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true},"
                                             "{\"regulation\":\"CCPA\",\"purpose\":\"analytics\",\"consented\":false}]",
                                          "{\"profileId\":\"user_123\"}"), SPOOR_OK);
    assert_int_equal(spoor_track(c, "{\"event\":\"purchase\",\"userId\":\"u1\",\"anonymousId\":\"a1\",\"properties\":{\"revenue\":9.5},"
                                    "\"context\":{\"ip\":\"1.2.3.4\"},\"integrations\":{\"All\":false},\"messageId\":\"m-1\","
                                    "\"timestamp\":\"2026-11-23T12:00:00.5+02:00\"}"), SPOOR_OK);
    assert_int_equal(spoor_identify(c, "u1", NULL), SPOOR_OK);
    assert_int_equal(spoor_group(c, "u1", "g1", "{\"n\":1}"), SPOOR_OK);
    assert_int_equal(spoor_page(c, "u1", "Home", NULL), SPOOR_OK);
    assert_int_equal(spoor_enqueue(c, "{\"type\":\"screen\",\"userId\":\"u1\",\"name\":\"Settings\",\"category\":\"Account\","
                                      "\"properties\":{\"tab\":\"x\"}}"), SPOOR_OK);
    assert_int_equal(spoor_alias(c, "anon-1", "u1"), SPOOR_OK);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_count(m), 1);
    const char *body = mock_request(m, 0).body, *at = body + strlen("{\"batch\":[");
    assert_memory_equal(body, "{\"batch\":[", strlen("{\"batch\":["));
    for (size_t i = 0; i < sizeof segment_expected / sizeof *segment_expected; i++) {
        size_t n = strlen(segment_expected[i]);
        if (strncmp(at, segment_expected[i], n)) fail_msg("message %zu:\n  got  %.*s\n  want %s", i, (int)n, at, segment_expected[i]);
        at += n + 1; /* and the comma, or the bracket */
    }
    assert_string_equal(at - 1, "],\"sentAt\":\"2026-11-23T10:00:00.000Z\"}");
    spoor_client_destroy(c);
    mock_stop(m);
}

/* What Segment's format has no place for, or would change, is refused at the call,
 * naming the field: nothing is dropped by the mapping. */
static void segment_refusals(void **state) {
    (void)state;
    spoor_client_t *c = client_with("http://127.0.0.1:9", "flush_at", "1000", "flush_interval", "60s", "protocol", "segment", NULL);
    static const char *const refused[][2] = {
        {"{\"type\":\"product\",\"productId\":\"1\"}", "message[0].type: catalog products have no message in Segment's "
         "format (it records what users do, each message with a userId or anonymousId); send them with protocol=spoor"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"x\",\"messageId\":\"y\"}",
         "message[0].messageId: names the same id as eventId: give one of them"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"category\":\"c\"}", "message[0].category: is not an argument of track"},
        {"{\"type\":\"alias\",\"previousId\":\"a\",\"userId\":\"u\",\"sessionId\":\"s\"}",
         "message[0].sessionId: has no place in Segment's alias (it carries userId and previousId only)"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"pageId\":\"p\",\"properties\":{\"pageId\":1}}",
         "message[0].properties.pageId: appears twice (once as the pageId argument)"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"accountId\":\"a\",\"context\":{\"groupId\":\"g\"}}",
         "message[0].context.groupId: appears twice (once as the groupId argument)"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"context\":{\"library\":{\"name\":\"x\"}}}",
         "message[0].context.library: is the client's own (name and version of spoor)"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"context\":5}", "message[0].context: must be an object"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"integrations\":[]}", "message[0].integrations: must be an object"},
        {"{\"type\":\"consent\",\"userId\":\"u\",\"consents\":[{\"regulation\":\"GDPR\",\"purpose\":\"ads\",\"consented\":true},"
         "{\"regulation\":\"CCPA\",\"purpose\":\"ads\",\"consented\":false}]}",
         "message[0].consents[1].purpose: is given again with the other answer (Segment's categoryPreferences holds one answer per purpose)"},
        {"{\"type\":\"record\",\"collection\":\"c\",\"properties\":{\"productId\":\"p\"}}",
         "message[0].userId: one of userId or anonymousId is required"},
        {"{\"type\":\"alias\",\"previousId\":\"a\",\"anonymousId\":\"b\"}", "message[0].userId: is required for alias"},
        {"{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"messageId\":\"\u00e9123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789012345678901234567890\"}",
         "message[0].messageId: must be at most 100 characters in Segment's format (its messageId)"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
        assert_int_equal(spoor_enqueue(c, refused[i][0]), SPOOR_ERR_INVALID);
        assert_string_equal(spoor_last_error(), refused[i][1]);
    }
    /* The same forms in wire v1: Segment's own keys are no arguments of spoor's format. */
    spoor_client_destroy(c);
    c = client_with("http://127.0.0.1:9", "flush_at", "1000", "flush_interval", "60s", NULL);
    assert_int_equal(spoor_enqueue(c, "{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"context\":{}}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "message[0].context: is not an argument of track");
    assert_int_equal(spoor_enqueue(c, "{\"type\":\"alias\",\"previousId\":\"a\",\"anonymousId\":\"b\"}"), SPOOR_ERR_INVALID);
    assert_string_equal(spoor_last_error(), "message[0].userId: is required for alias events");
    spoor_client_destroy(c);
}

/* The builders (event.c) and the rules (validate.c) know the same types, in both
 * formats: each type the rules accept has a builder (none is refused as unknown),
 * and an unknown type is refused with the one rule, worded from the rules' list.
 * Segment's six types are among them. */
static void every_type_has_a_builder(void **state) {
    (void)state;
    static const char *const protocols[] = {"spoor", "segment"};
    char rule[160], msg[64];
    spoor__event_type_rule(rule, sizeof rule);
    assert_string_equal(rule, "must be one of track, identify, group, page, screen, alias, record, profile, consent, product");
    for (int i = 0; spoor__segment_types[i]; i++) {
        int known = 0;
        for (int j = 0; spoor__event_types[j]; j++) known |= !strcmp(spoor__segment_types[i], spoor__event_types[j]);
        if (!known) fail_msg("Segment's type %s is not one of spoor__event_types", spoor__segment_types[i]);
    }
    for (size_t p = 0; p < 2; p++) {
        spoor_client_t *c = client_with("http://127.0.0.1:9", "flush_at", "1000", "flush_interval", "60s",
                                        "protocol", protocols[p], "close_timeout", "0", "log_level", "error", NULL);
        for (int i = 0; spoor__event_types[i]; i++) {
            snprintf(msg, sizeof msg, "{\"type\":\"%s\",\"userId\":\"u\"}", spoor__event_types[i]);
            spoor_enqueue(c, msg);
            if (strstr(spoor_last_error(), "must be one of")) fail_msg("%s: %s", spoor__event_types[i], spoor_last_error());
        }
        assert_int_equal(spoor_enqueue(c, "{\"type\":\"teleport\",\"userId\":\"u\"}"), SPOOR_ERR_INVALID);
        assert_string_equal(spoor_last_error(), "message[0].type: must be one of track, identify, group, page, screen, "
                                                "alias, record, profile, consent, product");
        spoor_client_destroy(c);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_type_on_the_wire), cmocka_unit_test(exact_numbers_and_catalog_ids),
                                       cmocka_unit_test(every_type_has_a_builder),
                                       cmocka_unit_test(every_operation_in_segment_format),
                                       cmocka_unit_test(segment_refusals)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
