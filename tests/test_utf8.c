/* test_utf8.c: the well-formedness check of core/src/utf8.h against Unicode's
 * Table 3-7, byte range by byte range, and against an independent decoder over
 * every 1 to 3 byte string of interesting bytes. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"
#include "utf8.h"

typedef struct {
    const char *bytes;
    size_t len;
    size_t invalid_at; /* the first byte not in a well-formed sequence (len: none) */
} utf8_case_t;

#define C(s, at) {s, sizeof s - 1, at}

static const utf8_case_t cases[] = {
    C("", 0),
    C("plain ascii \x01\x7f", 14),
    C("\xc2\x80", 2),             /* U+0080, the first 2-byte */
    C("\xdf\xbf", 2),             /* U+07FF */
    C("\xe0\xa0\x80", 3),         /* U+0800, the first 3-byte */
    C("\xed\x9f\xbf", 3),         /* U+D7FF, just below the surrogates */
    C("\xee\x80\x80", 3),         /* U+E000, just above */
    C("\xef\xbf\xbf", 3),         /* U+FFFF */
    C("\xf0\x90\x80\x80", 4),     /* U+10000, the first 4-byte */
    C("\xf4\x8f\xbf\xbf", 4),     /* U+10FFFF, the last */
    C("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x98\x80", 14),
    C("\x80", 0),                 /* a continuation byte alone */
    C("a\xbf", 1),
    C("\xc0\x80", 0),             /* overlong NUL */
    C("\xc1\xbf", 0),             /* overlong */
    C("\xe0\x80\x80", 0),         /* overlong 3-byte */
    C("\xe0\x9f\xbf", 0),
    C("\xed\xa0\x80", 0),         /* U+D800, a surrogate */
    C("\xed\xbf\xbf", 0),         /* U+DFFF */
    C("\xf0\x80\x80\x80", 0),     /* overlong 4-byte */
    C("\xf0\x8f\xbf\xbf", 0),
    C("\xf4\x90\x80\x80", 0),     /* U+110000 */
    C("\xf5\x80\x80\x80", 0),     /* F5..FF never appear */
    C("\xff", 0),
    C("\xfe\xff", 0),
    C("ok\xc3", 2),               /* cut short at the end */
    C("ok\xe2\x9c", 2),
    C("ok\xf0\x9f\x98", 2),
    C("\xc3(", 0),                /* a lead byte without its continuation */
    C("\xe2\x28\xa1", 0),
    C("\xf0\x9f\x98\x80\xf0\x9f\x98", 4),
    C("ok\xed\xa0\x80\xed\xb0\x80", 2), /* a surrogate pair in CESU-8 */
};

static void table_3_7(void **state) {
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t at = spoor__utf8_invalid_at(cases[i].bytes, cases[i].len);
        if (at != cases[i].invalid_at)
            fail_msg("case %zu: invalid at %zu, want %zu", i, at, cases[i].invalid_at);
    }
}

/* An independent decoder: the code point of the sequence at p and its length,
 * or 0 when it is not the shortest form of a scalar value. */
static size_t decode(const unsigned char *p, size_t room, uint32_t *cp) {
    if (p[0] < 0x80) return *cp = p[0], 1;
    size_t n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
    if (!n || p[0] >= 0xF8 || n > room) return 0;
    uint32_t v = p[0] & (0x7F >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (p[i] & 0x3F);
    }
    static const uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (v < least[n] || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    *cp = v;
    return n;
}

static void agrees_with_a_decoder(void **state) {
    (void)state;
    /* Every string of up to 4 bytes from the edges of each range. */
    static const unsigned char edges[] = {0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1,
                                          0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3,
                                          0xF4, 0xF5, 0xF7, 0xF8, 0xFF};
    size_t n_edges = sizeof edges, checked = 0;
    unsigned char s[4];
    for (size_t len = 1; len <= 4; len++) {
        size_t total = 1;
        for (size_t i = 0; i < len; i++) total *= n_edges;
        for (size_t k = 0; k < total; k++) {
            size_t x = k;
            for (size_t i = 0; i < len; i++) s[i] = edges[x % n_edges], x /= n_edges;
            size_t want = 0;
            uint32_t cp;
            for (size_t used; want < len && (used = decode(s + want, len - want, &cp)); want += used) {}
            size_t got = spoor__utf8_invalid_at((const char *)s, len);
            if (got != want) fail_msg("%zu bytes %02x %02x %02x %02x: invalid at %zu, want %zu", len, s[0],
                                      len > 1 ? s[1] : 0, len > 2 ? s[2] : 0, len > 3 ? s[3] : 0, got, want);
            size_t seq = spoor__utf8_seq(s, s + len), one = decode(s, len, &cp);
            if (seq != one) fail_msg("seq of %02x...: %zu, want %zu", s[0], seq, one);
            checked++;
        }
    }
    assert_true(checked > 500000);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_3_7),
        cmocka_unit_test(agrees_with_a_decoder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
