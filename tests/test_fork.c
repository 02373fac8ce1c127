/* test_fork.c: after fork() the child gets its own worker and connection, its
 * events arrive, and the parent's queue (and spool) is sent once, by the parent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mock_server.h"
#include "test_util.h"

static void track_id(spoor_client_t *c, const char *id) {
    char ev[128];
    snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"%s\"}", id);
    assert_int_equal(spoor_track(c, ev), SPOOR_OK);
}

/* The child's verdict travels through a pipe, not its exit status: under
 * valgrind a forked child "leaks" the memory of the threads that did not survive
 * the fork (the parent's transfer, the mock server's), and valgrind would turn
 * that into the child's exit status. */
static pid_t fork_child(int fds[2]) {
    assert_int_equal(pipe(fds), 0);
    return fork();
}

static void child_report(int fds[2], int bad) {
    char verdict = bad ? 'F' : 'K';
    if (write(fds[1], &verdict, 1) != 1) _exit(3);
    _exit(0);
}

static void expect_child_ok(pid_t pid, int fds[2]) {
    char verdict = 0;
    close(fds[1]);
    assert_int_equal(read(fds[0], &verdict, 1), 1);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    assert_int_equal(verdict, 'K');
}

static int count_in_bodies(mock_server_t *m, const char *needle) {
    int n = 0;
    for (size_t i = 0; i < mock_count(m); i++)
        for (const char *p = mock_request(m, i).body; (p = strstr(p, needle)); p++) n++;
    return n;
}

static int child_sends(spoor_client_t *c) {
    char ev[128];
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"child-%d\"}", i);
        bad |= spoor_track(c, ev) != SPOOR_OK;
    }
    bad |= spoor_flush(c, 5000) != SPOOR_OK;
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    bad |= st.accepted != 2 || st.delivered != 2; /* the child's own counters */
    spoor_client_destroy(c);
    return bad;
}

/* Fork; the child sends two events of its own through c and reports whether they arrived. */
static void fork_child_that_sends(spoor_client_t *c) {
    int fds[2];
    pid_t pid = fork_child(fds);
    assert_true(pid >= 0);
    if (pid == 0) child_report(fds, child_sends(c));
    expect_child_ok(pid, fds);
}

static void child_does_not_resend_parent_queue(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1000", "flush_interval", "1000s", NULL);
    track_id(c, "parent-0");
    track_id(c, "parent-1");
    track_id(c, "parent-2");
    fork_child_that_sends(c);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), 5);
    assert_int_equal(count_in_bodies(m, "\"parent-0\""), 1);
    assert_int_equal(count_in_bodies(m, "\"parent-2\""), 1);
    assert_int_equal(count_in_bodies(m, "\"child-1\""), 1);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void fork_while_sending(void **state) {
    (void)state;
    mock_server_t *m = mock_start();
    mock_reply_t script[] = {{.delay_ms = 400, .retry_after = -1}};
    mock_script(m, script, 1);
    spoor_client_t *c = client_with(mock_url(m), "flush_at", "1", NULL);
    track_id(c, "inflight-0");
    usleep(100 * 1000); /* the parent's worker is now inside the slow request */
    fork_child_that_sends(c);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_wait(m, 2, 5000), 0);
    assert_int_equal(count_in_bodies(m, "\"inflight-0\""), 1);
    assert_int_equal(count_in_bodies(m, "\"child-0\""), 1);
    assert_int_equal(mock_events_accepted(m), 3);
    spoor_client_destroy(c);
    mock_stop(m);
}

/* A child of a client with a spool queues in memory: its events arrive, the
 * parent's spool and its lock stay the parent's. */
static void child_leaves_the_spool_to_its_parent(void **state) {
    (void)state;
    char dir[] = "/tmp/spoor-fork-spool-XXXXXX";
    assert_non_null(mkdtemp(dir));
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "spool_dir", dir, "flush_at", "1000", "flush_interval", "1000s", NULL);
    track_id(c, "parent-0");
    fork_child_that_sends(c);
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set(conf, "spool_dir", dir);
    spoor_client_t *other = NULL;
    assert_int_equal(spoor_client_new(&other, conf), SPOOR_ERR_CONFIG_INVALID); /* still locked by the parent */
    track_id(c, "parent-1");
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), 4);
    assert_int_equal(count_in_bodies(m, "\"parent-0\""), 1);
    assert_int_equal(count_in_bodies(m, "\"child-1\""), 1);
    spoor_client_destroy(c);
    assert_int_equal(spoor_client_new(&other, conf), SPOOR_OK); /* nothing left to resend */
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(other, &st);
    assert_int_equal(st.replayed, 0);
    spoor_client_destroy(other);
    spoor_config_destroy(conf);
    char path[128];
    snprintf(path, sizeof path, "%s/lock", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/cursor", dir);
    unlink(path);
    assert_int_equal(rmdir(dir), 0); /* no segment left behind */
    mock_stop(m);
}

void spoor__uuid4(char out[37]); /* core/src/internal.h */

/* Event ids come from a per-thread block of random bytes: a forked child must not
 * hand out the ids its parent hands out next. */
static void child_ids_differ_from_parent(void **state) {
    (void)state;
    char first[37], parent_next[37], child_next[37] = "";
    spoor__uuid4(first); /* fills this thread's block */
    int fds[2];
    pid_t pid = fork_child(fds);
    assert_true(pid >= 0);
    if (pid == 0) {
        spoor__uuid4(child_next);
        if (write(fds[1], child_next, 37) != 37) _exit(3);
        _exit(0);
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], child_next, 37), 37);
    close(fds[0]);
    waitpid(pid, NULL, 0);
    spoor__uuid4(parent_next);
    assert_string_not_equal(parent_next, child_next);
    assert_string_not_equal(first, parent_next);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(child_does_not_resend_parent_queue),
        cmocka_unit_test(fork_while_sending),
        cmocka_unit_test(child_ids_differ_from_parent),
        cmocka_unit_test(child_leaves_the_spool_to_its_parent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
