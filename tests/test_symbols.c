/* test_symbols.c: calls every public function through the shared library, so
 * a symbol the version script forgot to export fails to link. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include <spoor.h>
#include <spoor/sys/testing.h>

static void on_log(spoor_log_level_t l, const char *m, void *o) { (void)l, (void)m, (void)o; }
static void on_delivery(const spoor_delivery_report_t *r, void *o) { (void)r, (void)o; }
static int on_token(char *b, size_t s, void *o) { (void)o; return b && s ? 1 : 1; }
static int64_t on_clock(void *o) { (void)o; return 0; }
static void on_id(char out[37], void *o) { (void)o; memset(out, 'a', 36); out[36] = 0; }

static void every_symbol(void **state) {
    (void)state;
    size_t n;
    char buf[512];
    assert_non_null(spoor_version());
    assert_non_null(spoor_strerror(SPOOR_OK));
    assert_non_null(spoor_err2name(SPOOR_OK));
    assert_non_null(spoor_err_list(&n));
    assert_non_null(spoor_last_error());
    assert_non_null(spoor_config_property(0));
    spoor_config_t *conf = spoor_config_new();
    spoor_config_t *copy = spoor_config_dup(conf);
    assert_int_equal(spoor_config_set(conf, "host", "http://127.0.0.1:9"), SPOOR_OK);
    assert_int_equal(spoor_config_get(conf, "host", buf, sizeof buf), SPOOR_OK);
    spoor_config_set(conf, "log_level", "error");
    spoor_config_set(conf, "retry_limit", "0");
    spoor_config_set_log_cb(conf, on_log, NULL);
    spoor_config_set_delivery_cb(conf, on_delivery, NULL);
    spoor_config_set_token_cb(conf, on_token, NULL);
    spoor_config_set_clock_cb(conf, on_clock, NULL);
    spoor_config_set_id_cb(conf, on_id, NULL);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    spoor_config_destroy(copy);
    assert_string_equal(spoor_anonymous_id(c), "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    spoor_record_event(c, "c", "{\"userId\":\"u\"}");
    spoor_profile(c, "{\"profileId\":\"p\"}");
    spoor_track_consents(c, "[]", "{}");
    spoor_track(c, "{}");
    spoor_identify(c, "u", NULL);
    spoor_group(c, "u", "g", NULL);
    spoor_page(c, "u", NULL, NULL);
    spoor_product(c, "{\"productId\":\"1\"}");
    spoor_ingest_feed(c, "{\"products\":[]}", &n);
    spoor_enqueue(c, "{\"type\":\"identify\",\"userId\":\"u\"}");
    spoor_batch(c, "[]");
    spoor_stats_t st = SPOOR_STATS_INIT;
    assert_int_equal(spoor_client_stats(c, &st), SPOOR_OK);
    assert_int_equal(spoor_client_stats_json(c, buf, sizeof buf), SPOOR_OK);
    spoor_flush(c, 2000);
    spoor_close(c, 2000);
    spoor_client_destroy(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(every_symbol)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
