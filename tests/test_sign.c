/* test_sign.c: HMAC-SHA256 signing against vectors computed independently with
 * Python's hmac module. */
#include <string.h>

#include "sign.h"
#include "test_util.h"

/* RFC 4231 case 2's key and text, in the v1 layout "<ts>.<body>" with ts 0:
 * python3 -c 'import hmac,hashlib;print(hmac.new(b"Jefe", b"0.what do ya want for nothing?",
 *   hashlib.sha256).hexdigest())' */
static void jefe_vector(void **state) {
    (void)state;
    char sig[68];
    spoor__sign_v1("Jefe", 0, "what do ya want for nothing?", 28, sig);
    assert_string_equal(sig, "v1=37f471929915ccd2cbbe79feb84ffcff4f2bb25e15fc41c2506687331ae179cc");
}

static void v1_layout(void **state) {
    (void)state;
    /* python3 -c 'import hmac,hashlib;print(hmac.new(b"demo-secret",
     *   b"1795426940.{\"sentAt\":\"2026-11-23T10:00:00.000Z\",\"batch\":[]}", hashlib.sha256).hexdigest())' */
    const char *body = "{\"sentAt\":\"2026-11-23T10:00:00.000Z\",\"batch\":[]}";
    char sig[68];
    spoor__sign_v1("demo-secret", 1795426940, body, strlen(body), sig);
    assert_string_equal(sig, "v1=99f0ae86462e123ab0948521e736f00ad1b16d015962ee9828b1f99f1003ea2d");
    assert_int_equal(spoor__verify_v1("demo-secret", 1795426940, body, strlen(body), sig), 1);
    sig[10] ^= 1;
    assert_int_equal(spoor__verify_v1("demo-secret", 1795426940, body, strlen(body), sig), 0);
    assert_int_equal(spoor__verify_v1("demo-secret", 1795426941, body, strlen(body),
                                      "v1=99f0ae86462e123ab0948521e736f00ad1b16d015962ee9828b1f99f1003ea2d"), 0);
    assert_int_equal(spoor__verify_v1("demo-secret", 1795426940, body, strlen(body), "v1=short"), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jefe_vector),
        cmocka_unit_test(v1_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
