/* test_cli_display.c: what an import shows: the progress bar and lines
 * (progress.c) and the /metrics server (metrics.c), scraped over HTTP. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <curl/curl.h>

#include "metrics.h"
#include "progress.h"

static void numbers_and_durations(void **state) {
    (void)state;
    char out[32];
    cli_format_count(0, out);
    assert_string_equal(out, "0");
    cli_format_count(999, out);
    assert_string_equal(out, "999");
    cli_format_count(1000, out);
    assert_string_equal(out, "1,000");
    cli_format_count(1234567890, out);
    assert_string_equal(out, "1,234,567,890");
    cli_format_duration(42.4, out);
    assert_string_equal(out, "42 s");
    cli_format_duration(187, out);
    assert_string_equal(out, "3:07");
    cli_format_duration(3723, out);
    assert_string_equal(out, "1:02:03");
}

static void bar_and_lines(void **state) {
    (void)state;
    char out[512];
    cli_progress_snapshot_t s = {.records = 450000, .bytes = 45000000, .total_bytes = 100000000,
                                 .sent = 440000, .rejected = 3, .failed = 0, .elapsed = 9.0};
    cli_progress_format_bar(&s, 120, out, sizeof out);
    /* 45%: 5 MB/s over 9 s, 55 MB left: 11 s; 50,000 lines/s. The bar takes the
     * width the text leaves (one column spare): 42, 45% of it filled. */
    assert_string_equal(out, " 45% [##################........................] 450,000 lines 50,000/s 11 s left | "
                             "sent 440,000, rejected 3, failed 0");
    assert_int_equal(strlen(out), 119);
    cli_progress_format_bar(&s, 60, out, sizeof out); /* too narrow for a bar: the text, cut to fit */
    assert_int_equal(strlen(out), 59);
    assert_memory_equal(out, "450,000 lines 50,000/s 11 s left", 32);
    cli_progress_format_line(&s, out, sizeof out);
    assert_string_equal(out, "spoor import: 45%, 450,000 lines in 9 s (50,000 lines/s, about 11 s left); "
                             "sent 440,000, rejected 3, failed 0");
    s.total_bytes = 0; /* a pipe: no percentage, no time left */
    cli_progress_format_line(&s, out, sizeof out);
    assert_string_equal(out, "spoor import: 450,000 lines in 9 s (50,000 lines/s); sent 440,000, rejected 3, failed 0");
    s.phase = "waiting for the last events to be delivered";
    s.total_bytes = s.bytes;
    cli_progress_format_bar(&s, 130, out, sizeof out);
    assert_string_equal(out, "100% [##########################] 450,000 lines | "
                             "waiting for the last events to be delivered; sent 440,000, rejected 3, failed 0");
    s.total_bytes = 0;
    s.phase = "sending the 12 events the spool kept from before";
    cli_progress_format_line(&s, out, sizeof out);
    assert_string_equal(out, "spoor import: sending the 12 events the spool kept from before (9 s); "
                             "sent 440,000, rejected 3, failed 0");
}

static void render(textbuf_t *out, void *opaque) {
    cli_metric(out, "spoor_import_lines_read_total", "counter", "Records read.", (double)*(uint64_t *)opaque);
}

static size_t collect(char *p, size_t size, size_t n, void *opaque) {
    textbuf_add(opaque, p, size * n);
    return size * n;
}

static long get(int port, const char *path, textbuf_t *body) {
    char url[128];
    long status = 0;
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
    assert_int_equal(curl_easy_perform(c), CURLE_OK);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static void metrics_over_http(void **state) {
    (void)state;
    char err[300];
    uint64_t lines = 1234567;
    cli_metrics_t *m = cli_metrics_start("127.0.0.1", 0, render, &lines, err, sizeof err);
    assert_non_null(m);
    int port = cli_metrics_port(m);
    assert_true(port > 0);
    textbuf_t body;
    textbuf_init(&body);
    assert_int_equal(get(port, "/metrics", &body), 200);
    assert_string_equal(body.data, "# HELP spoor_import_lines_read_total Records read.\n"
                                   "# TYPE spoor_import_lines_read_total counter\n"
                                   "spoor_import_lines_read_total 1234567\n");
    lines++; /* each scrape renders anew */
    textbuf_reset(&body);
    get(port, "/metrics", &body);
    assert_non_null(strstr(body.data, "spoor_import_lines_read_total 1234568\n"));
    textbuf_reset(&body);
    assert_int_equal(get(port, "/other", &body), 404);
    /* A second server on the same port cannot start, and says so. */
    assert_null(cli_metrics_start("127.0.0.1", port, render, &lines, err, sizeof err));
    assert_non_null(strstr(err, "cannot listen"));
    assert_null(cli_metrics_start("localhost", 0, render, &lines, err, sizeof err));
    assert_string_equal(err, "--metrics-bind: \"localhost\" is not an IPv4 or IPv6 address");
    textbuf_free(&body);
    cli_metrics_stop(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_and_durations),
        cmocka_unit_test(bar_and_lines),
        cmocka_unit_test(metrics_over_http),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
