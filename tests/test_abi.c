/* test_abi.c: the public structs can grow without breaking a program built
 * before (or after) the library it runs with.
 *
 * A program compiled against an older header has a shorter spoor_stats_t (the
 * counters a later version adds at the end are missing) and an older
 * spoor_property_t (without fields added since). This file is such a program:
 * it declares those older layouts itself, as its compiler would have from the
 * older header, and calls the library of this tree through the shared library.
 * The structs are malloc'd at their exact size, so ASan (ci/test-c asan) and
 * valgrind (ci/test-c valgrind) report any byte the library writes past them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <spoor.h>

/* spoor_stats_t as a header with two counters fewer declared it. */
typedef struct {
    size_t size;
    uint64_t accepted, queued, delivered, failed, rejected, dropped, dropped_queue_full, retried, batches, requests,
        bytes_sent;
} older_stats_t;

/* spoor_stats_t as a later header with one more counter declares it. */
typedef struct {
    spoor_stats_t known;
    uint64_t dropped_by_hook;
} newer_stats_t;

/* spoor_property_t as an older header declared it, reduced to the field read here:
 * the library hands out pointers to its own entries, so any prefix of the struct
 * reads right, however many fields were added after it. */
typedef struct {
    const char *name;
} older_property_t;

static spoor_client_t *client_with_events(int n) {
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", "http://127.0.0.1:9");
    spoor_config_set(conf, "flush_interval", "600000");
    spoor_config_set(conf, "flush_at", "1000");
    spoor_config_set(conf, "log_level", "error");
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    for (int i = 0; i < n; i++) assert_int_equal(spoor_identify(c, "u1", NULL), SPOOR_OK);
    return c;
}

/* Counters of a struct of `size` bytes, filled by the library; the struct is
 * malloc'd at exactly that size, its bytes first set to 0xAB. */
static void *stats_of(spoor_client_t *c, size_t size) {
    spoor_stats_t *st = malloc(size);
    memset(st, 0xAB, size);
    st->size = size;
    assert_int_equal(spoor_client_stats(c, st), SPOOR_OK);
    assert_int_equal(st->size, size);
    return st;
}

static void stats_of_another_size(void **state) {
    (void)state;
    spoor_client_t *c = client_with_events(3);
    /* Older: the counters it knows, and not a byte past it (ASan, valgrind). */
    older_stats_t *old = stats_of(c, sizeof *old);
    assert_int_equal(old->accepted, 3);
    assert_int_equal(old->queued, 3);
    assert_int_equal(old->bytes_sent, 0);
    /* Newer: the counters this library has, and 0 for the one it lacks. */
    newer_stats_t *newer = stats_of(c, sizeof *newer);
    assert_int_equal(newer->known.accepted, 3);
    assert_int_equal(newer->known.spool_corrupt, 0);
    assert_int_equal(newer->dropped_by_hook, 0);
    free(old);
    free(newer);
    spoor_client_destroy(c);
}

static void a_size_no_compiler_wrote_is_refused(void **state) {
    (void)state;
    spoor_client_t *c = client_with_events(0);
    spoor_stats_t st = SPOOR_STATS_INIT;
    size_t bad[] = {0, sizeof(size_t), sizeof st + 3, 1u << 20};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        st.size = bad[i];
        assert_int_equal(spoor_client_stats(c, &st), SPOOR_ERR_INVALID);
        assert_non_null(strstr(spoor_last_error(), "SPOOR_STATS_INIT"));
    }
    spoor_client_destroy(c);
}

static void older_properties_read_the_fields_they_know(void **state) {
    (void)state;
    const spoor_property_t *p;
    size_t n = 0;
    for (; (p = spoor_config_property(n)); n++) /* a pointer to the library's entry: any prefix reads right */
        assert_string_equal(((const older_property_t *)p)->name, p->name);
    assert_true(n > 30);
    assert_null(spoor_config_property(n));
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(stats_of_another_size), cmocka_unit_test(a_size_no_compiler_wrote_is_refused),
                                       cmocka_unit_test(older_properties_read_the_fields_they_know)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
