/* test_time.c: ISO-8601 parsing and normalisation to UTC milliseconds. */
#include <stdint.h>

#include "test_util.h"
#include "timefmt.h"

static void normalises(void **state) {
    (void)state;
    static const char *const cases[][2] = {
        {"2026-11-23T10:00:00Z", "2026-11-23T10:00:00.000Z"},
        {"2026-11-23T10:00:00.123456Z", "2026-11-23T10:00:00.123Z"},
        {"2026-11-23T12:30:00+02:30", "2026-11-23T10:00:00.000Z"},
        {"2026-11-23T05:00:00-0500", "2026-11-23T10:00:00.000Z"},
        {"2026-11-23T10:00:00+01", "2026-11-23T09:00:00.000Z"},
        {"2026-11-23T10:00", "2026-11-23T10:00:00.000Z"},
        {"2026-11-23", "2026-11-23T00:00:00.000Z"},
        {"2026-11-23 10:00:00.5", "2026-11-23T10:00:00.500Z"},
        {"2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"},
        {"2027-01-01T00:30:00+01:00", "2026-12-31T23:30:00.000Z"},
        {"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"},
        {"1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t ms;
        char out[SPOOR_ISO_LEN];
        assert_int_equal(spoor__iso8601_parse(cases[i][0], &ms), 0);
        spoor__iso8601_format(ms, out);
        assert_string_equal(out, cases[i][1]);
    }
}

static void refuses(void **state) {
    (void)state;
    static const char *const bad[] = {"", "2026", "2026-13-01", "2026-02-30", "2025-02-29", "2026-11-23T24:00:00Z",
                                      "2026-11-23T10:60Z", "2026-11-23T10:00:61Z", "2026-11-23T10:00:00.Z",
                                      "2026-11-23T10:00:00+25:00", "2026-11-23T10:00:00 UTC", "23/11/2026",
                                      "2026-11-23T10:00:00Zjunk", "tomorrow"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t ms;
        if (spoor__iso8601_parse(bad[i], &ms) == 0) fail_msg("accepted \"%s\"", bad[i]);
    }
}

static void epoch_values(void **state) {
    (void)state;
    int64_t ms;
    assert_int_equal(spoor__iso8601_parse("2026-11-23T10:00:00.000Z", &ms), 0);
    assert_int_equal(ms, INT64_C(1795428000000));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(normalises),
        cmocka_unit_test(refuses),
        cmocka_unit_test(epoch_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
