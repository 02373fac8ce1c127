/* test_fastpath.c: the one-pass build (core/src/fastpath.c) gives the same result
 * as the general path for every argument: the same code, error text and bytes.
 * Hand-picked arguments first, then numbers in many spellings, then seeded
 * mutations of both (SPOOR_FASTPATH_MUTATIONS sets how many; fuzz_fastpath goes on
 * from there). And the common arguments really take it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "fastpath_pair.h"
#include "test_util.h"

static const char *purchase =
    "{\"userId\":\"user_123\",\"event\":\"purchase\",\"properties\":{\"revenue\":99.99,\"currency\":\"USD\","
    "\"product_id\":\"prod_456\",\"items\":[{\"item name\":\"item 1\",\"price\":20},{\"item name\":\"item 2\",\"price\":15}]}}";

/* Arguments to track: the common forms and the edges of every rule. */
static const char *const track_args[] = {
    "{\"userId\":\"user_123\",\"event\":\"purchase\",\"properties\":{\"revenue\":99.99,\"currency\":\"USD\"}}",
    "{\"event\":\"e\",\"anonymousId\":\"a\",\"profileId\":\"p\",\"sessionId\":\"s\",\"accountId\":\"c\",\"pageId\":\"g\","
    "\"eventId\":\"evt-1\",\"timestamp\":\"2026-11-23T12:00:00.5+02:00\",\"properties\":{}}",
    "{\"event\":\"caf\xc3\xa9 \xe2\x9c\x93\",\"userId\":\"u\",\"properties\":{\"q\":\"say \\\"hi\\\"\\n\\t\\\\ \\b\\f\\r\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":[],\"b\":{},\"c\":[1,[2,[3]],{\"d\":null}],\"t\":true,\"f\":false}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"dup\":1,\"dup\":2}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"n\":[0,-1,123456789012345,1234567890123456,-0,0.5,-0.25,1.50,"
    "0.1,0.30000000000000004,1e3,1E-7,0.000001,0.0001,99.99,12345.678901,100.0]}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"esc\":\"\\u00e9\\/\\u0041\",\"ctl\":\"\\u0001\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"nul\":\"a\\u0000b\"}}",
    "{ \"event\":\"e\",\"userId\":\"u\"}",
    "{\"event\":\"e\",\"userId\":\"u\"} ",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\": 1}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"event\":\"f\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"colour\":\"red\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"colour\":null}",
    "{\"event\":\"e\",\"userId\":null,\"anonymousId\":\"a\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":1795428000000}",
    "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":\"yesterday\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":\"2026-11-23\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"a\\\"b\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":7}",
    "{\"event\":\"\",\"userId\":\"u\"}",
    "{\"event\":\"e\"}",
    "{\"userId\":\"u\"}",
    "{\"event\":\"e\",\"userId\":\"\"}",
    "{\"event\":\"e\",\"userId\":42}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":[]}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":\"x\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":1,}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":01}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":1e400}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"x\x01y\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":tru}}",
    "{\"event\":\"e\",\"userId\":\"u\"",
    "{\"event\":\"e\",\"userId\":\"u\"}}",
    /* UTF-8: valid sequences of every length and at the edges of Unicode's table,
     * then invalid ones (stray continuation, overlong, surrogate, above U+10FFFF, cut,
     * F5..FF) in values, keys, names and nested objects: both refuse them alike. */
    "{\"event\":\"\xc2\x80\xdf\xbf\xe0\xa0\x80\xed\x9f\xbf\xee\x80\x80\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\",\"userId\":\"u\"}",
    "{\"event\":\"e\",\"userId\":\"\xe2\x9c\x93\",\"properties\":{\"\xc3\xa9\":[\"\xf0\x9f\x98\x80\",{\"\xe6\x97\xa5\":\"\xe6\x9c\xac\"}]}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\x80\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xc0\x80\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xc1\xbf\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xe0\x9f\xbf\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xed\xa0\x80\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xf0\x8f\xbf\xbf\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xf4\x90\x80\x80\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xf5\x80\x80\x80\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xe2\x9c\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"\xf0\x9f\x98\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":\"ok\xff\"}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"\xff\":1}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":[{\"b\":\"\xc3\"}]}}",
    "{\"event\":\"\xe2\x82\",\"userId\":\"u\"}",
    "{\"event\":\"e\",\"userId\":\"\xc3\xa9\xc3\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"id\xfe\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"timestamp\":\"2026-11-23T10:00:00Z\xc3\"}",
    /* Keys given twice, at every depth and in any spelling. */
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":1,\"b\":2,\"a\":3}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":{\"x\":1,\"x\":1}}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":[1,{\"y\":[{\"z\":1,\"\\u007a\":2}]}]}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"\\n\":1,\"\\u000a\":2}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"a\":1,\"A\":2,\"ab\":3,\"a \":4}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,"
    "\"k8\":8,\"k9\":9,\"k10\":10,\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,\"k17\":17,\"k18\":18,"
    "\"k19\":19,\"k20\":20,\"k21\":21,\"k22\":22,\"k23\":23,\"k24\":24,\"k25\":25,\"k26\":26,\"k27\":27,\"k28\":28,"
    "\"k29\":29,\"k30\":30,\"k31\":31,\"k32\":32,\"k33\":33,\"k3\":34}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{},\"properties\":{}}",
    "{}",
    "[]",
    "null",
    "",
    NULL,
};

/* Segment's format maps some of spoor's keys (event.c, segment_write) and takes
 * arguments of its own: the fast path declines what it does not write the same. */
static const char *const segment_args[] = {
    "{\"event\":\"e\",\"profileId\":\"p\"}",
    "{\"event\":\"e\",\"profileId\":\"p\",\"userId\":\"u\",\"properties\":{\"a\":1}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"accountId\":\"acme\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"pageId\":\"pg\",\"properties\":{\"pageId\":1}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"messageId\":\"m-1\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"messageId\":\"m-1\",\"eventId\":\"e-1\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"context\":{\"ip\":\"1.2.3.4\"},\"integrations\":{\"All\":false}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"context\":{\"library\":{}}}",
    "{\"event\":\"e\",\"userId\":\"u\",\"category\":\"c\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"0123456789012345678901234567890123456789012345678901234567890123456789"
    "012345678901234567890123456789\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"0123456789012345678901234567890123456789012345678901234567890123456789"
    "0123456789012345678901234567890\"}",
    "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"\xc3\xa9" "123456789012345678901234567890123456789012345678901234567890"
    "1234567890123456789012345678901234567890\"}",
    NULL,
};

/* Where the UTF-8 arguments start in track_args (checked in the test that uses it). */
enum { UTF8_FIRST = 35 };
#define utf8_args (track_args + UTF8_FIRST)

/* Fields for recordEvent: envelope keys lifted from anywhere among them. */
static const char *const record_args[] = {
    "{\"items\":[{\"item name\":\"item 1\",\"price\":20}],\"totalprice\":35,\"ispaid\":true,\"timestamp\":1795428000000,"
    "\"fixed.name\":\"John Smith\",\"profileId\":\"user_123\",\"sessionId\":\"sess_1\"}",
    "{\"userId\":\"u\",\"a\":1}",
    "{\"a\":1,\"userId\":\"u\"}",
    "{\"a\":1,\"userId\":\"u\",\"b\":2}",
    "{\"userId\":\"u\",\"eventId\":\"e1\",\"timestamp\":\"2026-01-02T03:04:05Z\",\"anonymousId\":\"a\","
    "\"profileId\":\"p\",\"sessionId\":\"s\",\"accountId\":\"c\",\"pageId\":\"g\"}",
    "{\"userId\":\"u\",\"userId\":\"v\"}",
    "{\"userId\":\"u\",\"sessionId\":null,\"x\":null}",
    "{\"userId\":\"u\",\"timestamp\":1.5}",
    "{\"userId\":\"u\",\"timestamp\":253402300800000}",
    "{\"userId\":\"u\",\"timestamp\":-1}",
    "{\"productId\":\"p1\",\"price\":3}",
    "{\"a\\n\":1,\"userId\":\"u\"}",
    "{\"userId\":\"u\",\"city\":\"K\xc3\xb6ln\",\"\xe2\x9c\x93\":true}",
    "{\"userId\":\"u\",\"city\":\"K\xc3\"}",
    "{\"userId\":\"u\xff\",\"a\":1}",
    "{\"\xed\xbf\xbf\":1,\"userId\":\"u\"}",
    "{\"a\":1,\"userId\":\"u\",\"a\":2}",
    "{\"a\":{\"b\":1,\"b\":2},\"userId\":\"u\"}",
    "{\"userId\":\"u\",\"a\":null,\"a\":null}",
    "{\"a\":1,}",
    "{,\"userId\":\"u\"}",
    "{\"userId\":\"u\",\"a\":1} ",
    "{}",
    "[]",
    NULL,
};

static void same_result(fastpath_pair_t *p, fastpath_op_t op, const char *a, const char *b, const char *json) {
    char why[4096];
    spoor_err_t rc;
    if (fastpath_pair_call(p, op, a, b, json, &rc, why, sizeof why))
        fail_msg("the paths differ for op %d (%s, %s, %s):\n%s", (int)op, a ? a : "NULL", b ? b : "NULL",
                 json ? json : "NULL", why);
}

/* Each test runs for both wire formats: the fast path writes either. */
static const char *const protocols[] = {"spoor", "segment"};

static void hand_picked_arguments_agree(void **state) {
    (void)state;
    for (size_t proto = 0; proto < 2; proto++) {
    fastpath_pair_t p;
    assert_int_equal(fastpath_pair_open(&p, "", protocols[proto]), 0);
    for (size_t i = 0; i < sizeof track_args / sizeof track_args[0]; i++) same_result(&p, FP_TRACK, NULL, NULL, track_args[i]);
    for (size_t i = 0; i < sizeof segment_args / sizeof segment_args[0]; i++) {
        same_result(&p, FP_TRACK, NULL, NULL, segment_args[i]);
        if (segment_args[i]) same_result(&p, FP_RECORD, "c", NULL, segment_args[i]); /* as fields */
    }
    for (size_t i = 0; i < sizeof record_args / sizeof record_args[0]; i++) {
        same_result(&p, FP_RECORD, "purchase", NULL, record_args[i]);
        same_result(&p, FP_RECORD, "a\"b", NULL, record_args[i]);
        same_result(&p, FP_RECORD, "caf\xc3\xa9", NULL, record_args[i]);
        same_result(&p, FP_RECORD, "caf\xc3", NULL, record_args[i]);
        same_result(&p, FP_PROFILE, NULL, NULL, record_args[i]); /* the attributes of a profile */
    }
    const char *ids[] = {"user_123", "", "caf\xc3\xa9", "a\"b", "tab\there", "caf\xc3", "\xff", "\xed\xa0\x80", NULL};
    const char *objects[] = {"{\"plan\":\"pro\",\"seats\":5}", "{}", NULL, "[1]", "{\"a\" :1}", "{\"a\":1", "7",
                             "{\"plan\":\"\xc3\xa9\"}", "{\"plan\":\"\xc3\"}", "{\"a\":1,\"a\":1}"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        for (size_t j = 0; j < sizeof objects / sizeof objects[0]; j++) {
            same_result(&p, FP_IDENTIFY, ids[i], NULL, objects[j]);
            same_result(&p, FP_GROUP, "user_123", ids[i], objects[j]);
            same_result(&p, FP_GROUP, ids[i], "company", objects[j]);
            same_result(&p, FP_PAGE, "user_123", ids[i], objects[j]);
            same_result(&p, FP_PAGE, ids[i], "Home", objects[j]);
            same_result(&p, FP_SCREEN, ids[i], "Settings", objects[j]);
            same_result(&p, FP_SCREEN, "user_123", ids[i], objects[j]);
        }
    fastpath_pair_close(&p);
    }
}

/* Over max_event_bytes: both refuse with the same size in the message. */
static void too_large_agrees(void **state) {
    (void)state;
    for (size_t proto = 0; proto < 2; proto++) {
        fastpath_pair_t p;
        spoor_err_t rc;
        char why[4096];
        assert_int_equal(fastpath_pair_open(&p, "300", protocols[proto]), 0);
        if (fastpath_pair_call(&p, FP_TRACK, NULL, NULL, purchase, &rc, why, sizeof why)) fail_msg("%s", why);
        assert_int_equal(rc, SPOOR_ERR_TOO_LARGE);
        assert_non_null(strstr(spoor_last_error(), "over max_event_bytes (300)"));
        fastpath_pair_close(&p);
    }
}

static uint64_t next_random(uint64_t *s) { /* xorshift64*: the same sequence on every machine */
    *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
    return *s * 2685821657736338717ULL;
}

/* Doubles in the spellings a caller's encoder might use, alone in properties. */
static void numbers_agree(void **state) {
    (void)state;
    fastpath_pair_t p;
    uint64_t seed = 0x5eed;
    for (size_t proto = 0; proto < 2; proto++) {
    assert_int_equal(fastpath_pair_open(&p, "", protocols[proto]), 0);
    for (int i = 0; i < 3000; i++) {
        uint64_t r = next_random(&seed);
        double v;
        switch (i % 3) {
        case 0: v = (double)(int64_t)(r % 2000000) / 100.0 - 10000; break;    /* prices */
        case 1: v = (double)(int64_t)(r >> 11) / (double)(1 + r % 1000000); break; /* anything */
        default: memcpy(&v, &r, sizeof v); if (v - v != 0) v = 1.5; break;    /* any bit pattern */
        }
        char json[128];
        const char *formats[] = {"%.17g", "%.15g", "%.10f", "%.2f", "%g", "%.3e", "%.0f"};
        for (size_t f = 0; f < sizeof formats / sizeof formats[0]; f++) {
            char num[64];
            snprintf(num, sizeof num, formats[f], v);
            snprintf(json, sizeof json, "{\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"v\":%s}}", num);
            same_result(&p, FP_TRACK, NULL, NULL, json);
        }
    }
    fastpath_pair_close(&p);
    }
}

/* Seeded mutations of the arguments: bytes replaced, inserted, removed, slices
 * repeated, with bytes that matter to JSON more often than not. */
static void mutate(char *s, size_t *len, size_t cap, uint64_t *seed) {
    static const char interesting[] = "\"\\{}[],:0123456789.-+eE tfnu \x01\x1f\x7f\xc3\xa9\xff/";
    int edits = 1 + (int)(next_random(seed) % 4);
    for (int e = 0; e < edits; e++) {
        uint64_t r = next_random(seed);
        size_t at = *len ? (size_t)(r >> 8) % (*len + 1) : 0;
        char ch = r % 5 ? interesting[(r >> 40) % (sizeof interesting - 1)] : (char)(r >> 48);
        switch (r % 4) {
        case 0: if (at < *len) s[at] = ch; break;
        case 1:
            if (*len + 1 < cap) memmove(s + at + 1, s + at, *len - at + 1), s[at] = ch, (*len)++;
            break;
        case 2: if (at < *len) memmove(s + at, s + at + 1, *len - at), (*len)--; break;
        default: {
            size_t n = 1 + (size_t)(r >> 32) % 12;
            if (at + n <= *len && *len + n < cap) memmove(s + at + n, s + at, *len - at + 1), *len += n;
        }
        }
        s[*len] = '\0';
    }
}

static void mutations_agree(void **state) {
    (void)state;
    const char *env = getenv("SPOOR_FASTPATH_MUTATIONS");
    long n = env ? atol(env) : 20000;
    fastpath_pair_t p;
    uint64_t seed = 0xfa57;
    size_t bases = sizeof track_args / sizeof track_args[0] - 1; /* not the NULL */
    for (size_t proto = 0; proto < 2; proto++) {
    assert_int_equal(fastpath_pair_open(&p, "", protocols[proto]), 0);
    for (long i = 0; i < n; i++) {
        char s[1024];
        const char *base = i % 3 ? track_args[i % 7 == 0 ? (size_t)i % bases : 0] : purchase;
        size_t len = strlen(base);
        memcpy(s, base, len + 1);
        mutate(s, &len, sizeof s, &seed);
        same_result(&p, FP_TRACK, NULL, NULL, s);
        if (i % 4 == 0) { /* the traits object of identify, group and page */
            char id[64] = "user_123";
            size_t id_len = strlen(id);
            mutate(id, &id_len, sizeof id, &seed);
            fastpath_op_t op = i % 16 == 0 ? FP_SCREEN : (fastpath_op_t)(FP_IDENTIFY + i % 3);
            same_result(&p, op, id, "name", strchr(s, '{') ? strchr(s, '{') : s);
        }
        if (i % 2 == 0) { /* recordEvent's fields or profile's attributes, envelope keys among them */
            const char *fields = record_args[(size_t)i % (sizeof record_args / sizeof record_args[0] - 1)];
            len = strlen(fields);
            memcpy(s, fields, len + 1);
            mutate(s, &len, sizeof s, &seed);
            same_result(&p, i % 4 ? FP_RECORD : FP_PROFILE, "purchase", NULL, s);
        }
    }
    fastpath_pair_close(&p);
    }
}

/* The common arguments are built in one pass (the point of it), and the odd ones declined. */
static void common_arguments_take_the_fast_path(void **state) {
    (void)state;
    spoor_client_t *c = client_with("http://127.0.0.1:9", "flush_at", "100000", "flush_interval", "86400s", NULL);
    spoor_item_t item;
    assert_memory_equal(utf8_args[0], "{\"event\":\"\xc2\x80", 12);
    const char *fast[] = {purchase, track_args[0], track_args[1], track_args[2], track_args[3], utf8_args[0], utf8_args[1]};
    for (size_t i = 0; i < sizeof fast / sizeof fast[0]; i++) {
        assert_int_equal(spoor__fast_track(c, fast[i], strlen(fast[i]), &item), SPOOR_OK);
        assert_int_equal(strlen(SPOOR_ITEM_ID(&item)), fast[i] == track_args[1] ? 5 : 36); /* given, or a UUID */
        if (fast[i] == track_args[1]) assert_string_equal(SPOOR_ITEM_ID(&item), "evt-1");
        free(item.json);
    }
    const char *declined[] = {track_args[4], track_args[5], track_args[6], track_args[8], track_args[9], track_args[10],
                              track_args[11], track_args[13], track_args[16], utf8_args[2], utf8_args[3]};
    for (size_t i = 0; i < sizeof declined / sizeof declined[0]; i++)
        assert_int_equal(spoor__fast_track(c, declined[i], strlen(declined[i]), &item), SPOOR__FAST_DECLINED);
    for (size_t i = 0; i < 5; i++) { /* the fields with envelope keys: lifted in one pass */
        assert_int_equal(spoor__fast_record(c, "purchase", record_args[i], strlen(record_args[i]), &item), SPOOR_OK);
        free(item.json);
        assert_int_equal(spoor__fast_profile(c, record_args[i], strlen(record_args[i]), &item), SPOOR_OK);
        free(item.json);
    }
    const char *traits = "{\"plan\":\"pro\"}";
    assert_int_equal(spoor__fast_traits(c, "identify", "u", NULL, NULL, traits, strlen(traits), &item), SPOOR_OK);
    free(item.json);
    assert_int_equal(spoor__fast_traits(c, "page", "u", NULL, "Home", NULL, 0, &item), SPOOR_OK);
    assert_non_null(strstr(item.json, "\"eventName\":\"Home\",\"userId\":\"u\","));
    assert_non_null(strstr(item.json, "\"properties\":{},\"context\""));
    free(item.json);
    assert_int_equal(spoor__fast_traits(c, "group", "u", "a\"b", NULL, traits, strlen(traits), &item),
                     SPOOR__FAST_DECLINED);
    spoor_client_destroy(c);

    /* Segment's format: the common forms too; what it maps or adds, declined. */
    c = client_with("http://127.0.0.1:9", "flush_at", "100000", "flush_interval", "86400s", "protocol", "segment", NULL);
    const char *segment_fast[] = {purchase, track_args[0], track_args[2], segment_args[0], segment_args[9]};
    for (size_t i = 0; i < sizeof segment_fast / sizeof segment_fast[0]; i++) {
        assert_int_equal(spoor__fast_track(c, segment_fast[i], strlen(segment_fast[i]), &item), SPOOR_OK);
        assert_memory_equal(item.json, "{\"type\":\"track\",\"messageId\":", 28);
        free(item.json);
    }
    for (size_t i = 1; i < 9; i++)
        assert_int_equal(spoor__fast_track(c, segment_args[i], strlen(segment_args[i]), &item), SPOOR__FAST_DECLINED);
    assert_int_equal(spoor__fast_track(c, segment_args[10], strlen(segment_args[10]), &item), SPOOR__FAST_DECLINED);
    assert_int_equal(spoor__fast_track(c, track_args[1], strlen(track_args[1]), &item), SPOOR__FAST_DECLINED);
    assert_int_equal(spoor__fast_record(c, "purchase", record_args[1], strlen(record_args[1]), &item), SPOOR_OK);
    assert_non_null(strstr(item.json, "\"userId\":\"u\",\"event\":\"purchase\",\"properties\":{\"a\":1},"));
    free(item.json);
    assert_int_equal(spoor__fast_traits(c, "screen", "u", NULL, "Home", NULL, 0, &item), SPOOR_OK);
    assert_non_null(strstr(item.json, "\"userId\":\"u\",\"name\":\"Home\",\"properties\":{},\"context\""));
    free(item.json);
    spoor_client_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hand_picked_arguments_agree),
        cmocka_unit_test(too_large_agrees),
        cmocka_unit_test(numbers_agree),
        cmocka_unit_test(mutations_agree),
        cmocka_unit_test(common_arguments_take_the_fast_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
