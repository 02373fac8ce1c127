/* test_spool.c: the durable spool (spool_dir): events survive a close while the
 * server is down and a kill -9, the next client sends them once; torn and
 * corrupt records are skipped and counted; the size cap drops the oldest; one
 * client per spool; the sync policies; the record reader on its own. */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "mock_server.h"
#include "spool.h"
#include "test_util.h"

extern char **environ;

/* Nothing listens here: every request fails at once with a network error. */
#define DOWN "http://127.0.0.1:9"

static char *new_dir(void) {
    char *dir = strdup("/tmp/spoor-spool-XXXXXX");
    assert_non_null(mkdtemp(dir));
    return dir;
}

static void remove_dir(char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    if (d) closedir(d);
    rmdir(dir);
    free(dir);
}

/* The segment files in dir, and the size of the newest in *last_size. */
static int segments(const char *dir, char *last, size_t size) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (last) *last = 0;
    while (d && (e = readdir(d))) {
        if (strncmp(e->d_name, "seg-", 4)) continue;
        n++;
        if (last && strcmp(e->d_name, last) > 0) snprintf(last, size, "%s", e->d_name);
    }
    if (d) closedir(d);
    return n;
}

static void track_numbered(spoor_client_t *c, int from, int to) {
    for (int i = from; i < to; i++) {
        char ev[160];
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"ev-%06d\",\"properties\":{\"n\":%d}}", i, i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
}

/* Every eventId the server accepted, counted: seen[i] for "ev-%06d". */
static void count_received(mock_server_t *m, int *seen, int n) {
    for (size_t r = 0; r < mock_count(m); r++) {
        mock_request_t req = mock_request(m, r);
        if (req.status < 200 || req.status >= 300) continue;
        cJSON *doc = cJSON_Parse(req.body), *ev;
        cJSON_ArrayForEach(ev, cJSON_GetObjectItem(doc, "batch")) {
            int i = atoi(cJSON_GetObjectItem(ev, "eventId")->valuestring + 3);
            assert_true(i >= 0 && i < n);
            seen[i]++;
        }
        cJSON_Delete(doc);
    }
}

static spoor_stats_t stats(spoor_client_t *c) {
    spoor_stats_t s;
    assert_int_equal(spoor_client_stats(c, &s), SPOOR_OK);
    return s;
}

/* Close with the server down: nothing fails, everything stays for the next
 * client, which sends each event once, in order; then the spool is emptied. */
static void kept_at_close_then_sent_by_next_client(void **state) {
    (void)state;
    char *dir = new_dir();
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, DOWN, "spool_dir", dir, "retry_limit", "1", "retry_backoff", "1",
                                          "retry_backoff_max", "20", "flush_at", "10", NULL);
    track_numbered(c, 0, 50);
    assert_int_equal(spoor_close(c, 300), SPOOR_OK); /* kept, not failed */
    spoor_stats_t s = stats(c);
    assert_int_equal(s.accepted, 50);
    assert_int_equal(s.queued, 50);
    assert_int_equal(s.failed + s.dropped + s.delivered, 0);
    assert_int_equal(col.failed + col.aborted + col.dropped, 0);
    spoor_client_destroy(c);
    assert_true(segments(dir, NULL, 0) >= 1);

    mock_server_t *m = mock_start();
    collector_t col2;
    collector_init(&col2);
    c = client_collecting(&col2, mock_url(m), "spool_dir", dir, "flush_at", "1000", "flush_interval", "1000s", NULL);
    s = stats(c);
    assert_int_equal(s.replayed, 50);
    assert_int_equal(s.spool_corrupt, 0);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK); /* replayed events go at once, not at flush_interval */
    int seen[50] = {0};
    count_received(m, seen, 50);
    for (int i = 0; i < 50; i++) assert_int_equal(seen[i], 1);
    mock_request_t first = mock_request(m, 0);
    assert_non_null(strstr(first.body, "\"eventId\":\"ev-000000\"")); /* oldest first */
    assert_int_equal(col2.delivered, 50);
    track_numbered(c, 50, 60); /* sequence numbers go on past the replayed ones */
    assert_int_equal(spoor_close(c, 5000), SPOOR_OK);
    assert_int_equal(stats(c).delivered, 60);
    spoor_client_destroy(c);
    assert_int_equal(segments(dir, NULL, 0), 0); /* all settled: segments deleted */

    c = client_with(mock_url(m), "spool_dir", dir, NULL); /* nothing is sent twice */
    assert_int_equal(stats(c).replayed, 0);
    spoor_client_destroy(c);
    assert_int_equal(segments(dir, NULL, 0), 0); /* an open and close with no events leaves no segment */
    mock_stop(m);
    remove_dir(dir);
}

/* Segments roll over every few MiB; the ones the cursor has passed are deleted
 * while the client runs, not only at close. */
static void settled_segments_are_deleted(void **state) {
    (void)state;
    char *dir = new_dir();
    spoor_client_t *c = client_with(DOWN, "spool_dir", dir, "retry_limit", "0", "flush_at", "100000",
                                    "flush_interval", "1000s", "max_queue_size", "100000", NULL);
    char ev[2300];
    for (int i = 0; i < 5000; i++) { /* about 11 MB */
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"ev-%06d\",\"properties\":{\"pad\":\"%02000d\"}}", i, i);
        assert_int_equal(spoor_track(c, ev), SPOOR_OK);
    }
    assert_int_equal(spoor_close(c, 0), SPOOR_OK);
    spoor_client_destroy(c);
    assert_true(segments(dir, NULL, 0) >= 3);
    mock_server_t *m = mock_start();
    c = client_with(mock_url(m), "spool_dir", dir, "max_queue_size", "100000", "max_batch_events", "500", NULL);
    assert_int_equal(stats(c).replayed, 5000);
    assert_int_equal(spoor_flush(c, 10000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), 5000);
    assert_int_equal(segments(dir, NULL, 0), 1); /* only this client's own (empty) segment */
    spoor_client_destroy(c);
    assert_int_equal(segments(dir, NULL, 0), 0);
    mock_stop(m);
    remove_dir(dir);
}

/* A write that fails (here: past RLIMIT_FSIZE, as on a full disk) refuses the
 * call with an error; what was accepted before is intact and replayed, nothing
 * torn is left behind. */
static void failed_write_refuses_the_call(void **state) {
    (void)state;
    char *dir = new_dir();
    spoor_client_t *c = client_with(DOWN, "spool_dir", dir, "retry_limit", "0", "flush_at", "100000",
                                    "flush_interval", "1000s", "close_timeout", "0", NULL);
    struct rlimit old, small = {64 * 1024, 64 * 1024};
    getrlimit(RLIMIT_FSIZE, &old);
    void (*old_handler)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    int accepted = 0;
    spoor_err_t rc = SPOOR_OK;
    for (int i = 0; i < 10000 && rc == SPOOR_OK; i++) {
        char ev[400];
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"ev-%06d\",\"properties\":{\"pad\":\"%0200d\"}}", i, i);
        if ((rc = spoor_track(c, ev)) == SPOOR_OK) accepted++;
    }
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, old_handler);
    assert_int_equal(rc, SPOOR_ERR_SYSTEM);
    assert_non_null(strstr(spoor_last_error(), "spool: cannot write to"));
    assert_non_null(strstr(spoor_last_error(), "the event was not accepted"));
    assert_true(accepted > 100 && accepted < 400);
    assert_int_equal(stats(c).accepted, (uint64_t)accepted);
    assert_int_equal(spoor_close(c, 0), SPOOR_OK);
    spoor_client_destroy(c);

    mock_server_t *m = mock_start();
    c = client_with(mock_url(m), "spool_dir", dir, NULL);
    spoor_stats_t s = stats(c);
    assert_int_equal(s.replayed, (uint64_t)accepted);
    assert_int_equal(s.spool_corrupt, 0); /* the partial record was cut off again */
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    assert_int_equal(mock_events_accepted(m), (size_t)accepted);
    spoor_client_destroy(c);
    mock_stop(m);
    remove_dir(dir);
}

static void one_client_per_spool(void **state) {
    (void)state;
    char *dir = new_dir();
    spoor_client_t *a = client_with(DOWN, "spool_dir", dir, NULL), *b = NULL;
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", DOWN);
    spoor_config_set(conf, "spool_dir", dir);
    assert_int_equal(spoor_client_new(&b, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_null(b);
    char want[512];
    snprintf(want, sizeof want, "spool_dir: %s is in use by another client (pid %ld)", dir, (long)getpid());
    assert_non_null(strstr(spoor_last_error(), want));
    spoor_client_destroy(a);
    assert_int_equal(spoor_client_new(&b, conf), SPOOR_OK); /* released by the first */
    spoor_client_destroy(b);
    spoor_config_set(conf, "spool_dir", "/proc/no/such/place");
    assert_int_equal(spoor_client_new(&b, conf), SPOOR_ERR_CONFIG_INVALID);
    assert_non_null(strstr(spoor_last_error(), "spool_dir: cannot create /proc/no/such/place"));
    spoor_config_destroy(conf);
    remove_dir(dir);
}

/* The child of kill_9_then_restart: flush 100 events, queue 20 more, die. */
static int crash_child(const char *url, const char *dir) {
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", url);
    spoor_config_set(conf, "spool_dir", dir);
    spoor_config_set(conf, "flush_at", "1000");
    spoor_config_set(conf, "flush_interval", "1000s");
    spoor_client_t *c = NULL;
    if (spoor_client_new(&c, conf)) return 2;
    for (int i = 0; i < 120; i++) {
        char ev[160];
        snprintf(ev, sizeof ev, "{\"event\":\"e\",\"userId\":\"u\",\"eventId\":\"ev-%06d\"}", i);
        if (spoor_track(c, ev) || (i == 99 && spoor_flush(c, 5000))) return 3;
    }
    kill(getpid(), SIGKILL);
    return 4;
}

static char self_exe[512];

static void kill_9_then_restart(void **state) {
    (void)state;
    char *dir = new_dir();
    mock_server_t *m = mock_start();
    char *argv[] = {self_exe, "--crash-child", (char *)mock_url(m), dir, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, self_exe, NULL, NULL, argv, environ), 0);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    int seen[120] = {0};
    count_received(m, seen, 120);
    for (int i = 0; i < 120; i++) assert_int_equal(seen[i], i < 100); /* the child delivered 100 */

    spoor_client_t *c = client_with(mock_url(m), "spool_dir", dir, NULL);
    assert_int_equal(stats(c).replayed, 20); /* the cursor had passed the 100 */
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    memset(seen, 0, sizeof seen);
    count_received(m, seen, 120);
    for (int i = 0; i < 120; i++) assert_int_equal(seen[i], 1);
    spoor_client_destroy(c);
    mock_stop(m);
    remove_dir(dir);
}

/* Leave n events in a fresh spool (server down, close keeps them). */
static char *spool_with(int n) {
    char *dir = new_dir();
    spoor_client_t *c = client_with(DOWN, "spool_dir", dir, "retry_limit", "0", "flush_at", "1000", "flush_interval", "1000s", NULL);
    track_numbered(c, 0, n);
    assert_int_equal(spoor_close(c, 0), SPOOR_OK);
    spoor_client_destroy(c);
    return dir;
}

static void damage(const char *dir, long offset_from_end, int truncate) {
    char name[300], path[600];
    assert_int_equal(segments(dir, name, sizeof name), 1);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDWR);
    assert_true(fd >= 0);
    off_t size = lseek(fd, 0, SEEK_END);
    if (truncate) {
        assert_int_equal(ftruncate(fd, size - offset_from_end), 0);
    } else {
        unsigned char b;
        assert_int_equal(pread(fd, &b, 1, size - offset_from_end), 1);
        b ^= 0x40;
        assert_int_equal(pwrite(fd, &b, 1, size - offset_from_end), 1);
    }
    close(fd);
}

static void replay_of_damaged(const char *dir, int n, int want_replayed, int want_corrupt, int missing) {
    mock_server_t *m = mock_start();
    spoor_client_t *c = client_with(mock_url(m), "spool_dir", dir, NULL);
    spoor_stats_t s = stats(c);
    assert_int_equal(s.replayed, want_replayed);
    assert_int_equal(s.spool_corrupt, want_corrupt);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    int seen[64] = {0};
    count_received(m, seen, n);
    for (int i = 0; i < n; i++) assert_int_equal(seen[i], i != missing);
    spoor_client_destroy(c);
    mock_stop(m);
}

static void torn_tail_is_skipped_and_counted(void **state) {
    (void)state;
    char *dir = spool_with(10);
    damage(dir, 7, 1); /* a write cut short inside the last record */
    replay_of_damaged(dir, 10, 9, 1, 9);
    remove_dir(dir);
}

static void corrupt_record_is_skipped_and_counted(void **state) {
    (void)state;
    char *dir = spool_with(10);
    /* A flipped bit in the last record's JSON: its CRC fails. */
    damage(dir, 3, 0);
    replay_of_damaged(dir, 10, 9, 1, 9);
    remove_dir(dir);
}

/* Sequence numbers of the records a scan found; checks each record's id. */
typedef struct {
    uint64_t seqs[8];
    size_t n;
    const char *id_prefix; /* NULL: ids are "id-<seq>" */
} seq_list_t;

static int collect(const spoor_spool_record_t *r, void *opaque) {
    seq_list_t *out = opaque;
    if (out->id_prefix) {
        assert_non_null(strstr(r->event_id, out->id_prefix));
    } else {
        char id[32];
        snprintf(id, sizeof id, "id-%llu", (unsigned long long)r->seq);
        assert_string_equal(r->event_id, id);
        assert_int_equal(r->event_id_len, strlen(id));
        assert_int_equal(r->json_len, 7);
    }
    assert_true(out->n < 8);
    out->seqs[out->n++] = r->seq;
    return 0;
}

static void garbage_between_records_is_skipped(void **state) {
    (void)state;
    /* The reader on its own: good, garbage, good, torn. */
    unsigned char buf[4096];
    size_t len = 0;
    len += spoor__spool_encode(1, "id-1", "{\"a\":1}", 7, buf + len);
    memcpy(buf + len, "SPR1garbage\x53PR", 15), len += 15;
    len += spoor__spool_encode(2, "id-2", "{\"b\":2}", 7, buf + len);
    size_t keep = len;
    len += spoor__spool_encode(3, "id-3", "{\"c\":3}", 7, buf + len);
    seq_list_t out = {0};
    assert_int_equal(spoor__spool_scan(buf, len - 1, collect, &out), 2); /* the garbage, the torn tail */
    assert_int_equal(out.n, 2);
    assert_int_equal(out.seqs[0], 1);
    assert_int_equal(out.seqs[1], 2);
    out.n = 0;
    assert_int_equal(spoor__spool_scan(buf, keep, collect, &out), 1);
    assert_int_equal(out.n, 2);
    out.n = 0;
    assert_int_equal(spoor__spool_scan(buf, 0, collect, &out), 0);
    assert_int_equal(out.n, 0);
}

/* max_queue_size caps the spool: the oldest are dropped, reported, and not replayed. */
static void cap_drops_the_oldest(void **state) {
    (void)state;
    char *dir = new_dir();
    collector_t col;
    collector_init(&col);
    spoor_client_t *c = client_collecting(&col, DOWN, "spool_dir", dir, "max_queue_size", "10", "retry_limit", "0",
                                          "flush_at", "1000", "flush_interval", "1000s", NULL);
    track_numbered(c, 0, 25);
    assert_int_equal(spoor_close(c, 0), SPOOR_OK);
    spoor_stats_t s = stats(c);
    assert_int_equal(s.dropped_queue_full, 15);
    assert_int_equal(col.dropped, 15);
    assert_int_equal(s.queued, 10);
    assert_string_equal(col.ids[0], "ev-000000");
    spoor_client_destroy(c);
    mock_server_t *m = mock_start();
    c = client_with(mock_url(m), "spool_dir", dir, "max_queue_size", "10", NULL);
    assert_int_equal(stats(c).replayed, 10);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    int seen[25] = {0};
    count_received(m, seen, 25);
    for (int i = 0; i < 25; i++) assert_int_equal(seen[i], i >= 15);
    spoor_client_destroy(c);
    mock_stop(m);
    remove_dir(dir);
}

/* With a spool, a batch whose retries run out rests and goes again in this run;
 * without one, it fails. */
static void retries_run_out_then_resume(void **state) {
    (void)state;
    for (int spool = 0; spool <= 1; spool++) {
        char *dir = new_dir();
        mock_server_t *m = mock_start();
        mock_reply_t fail[] = {{503, -1, 0, 0, NULL}, {503, -1, 0, 0, NULL}};
        mock_script(m, fail, 2);
        collector_t col;
        collector_init(&col);
        spoor_client_t *c = client_collecting(&col, mock_url(m), "spool_dir", spool ? dir : "", "retry_limit", "1",
                                              "retry_backoff", "1", "retry_backoff_max", "100", NULL);
        track_numbered(c, 0, 5);
        assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
        spoor_stats_t s = stats(c);
        assert_int_equal(s.delivered, spool ? 5 : 0);
        assert_int_equal(s.failed, spool ? 0 : 5);
        assert_int_equal(s.retried, spool ? 2 : 1); /* the round after the rest counts as a retry */
        assert_int_equal(mock_count(m), spool ? 3 : 2);
        if (spool) assert_true(mock_request(m, 2).at_ms - mock_request(m, 1).at_ms >= 90); /* rested */
        spoor_client_destroy(c);
        mock_stop(m);
        remove_dir(dir);
    }
}

/* Each policy writes the record before the call returns. */
static void written_before_the_call_returns(void **state) {
    (void)state;
    const char *policies[] = {"none", "batch", "event"};
    for (size_t p = 0; p < 3; p++) {
        char *dir = new_dir();
        spoor_client_t *c = client_with(DOWN, "spool_dir", dir, "spool_sync", policies[p], "flush_at", "1000",
                                        "flush_interval", "1000s", "close_timeout", "0", NULL);
        track_numbered(c, 0, 3);
        char name[300], path[600];
        assert_int_equal(segments(dir, name, sizeof name), 1);
        snprintf(path, sizeof path, "%s/%s", dir, name);
        FILE *f = fopen(path, "rb");
        unsigned char buf[4096];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        seq_list_t out = {.id_prefix = "ev-"};
        assert_int_equal(spoor__spool_scan(buf, len, collect, &out), 0);
        assert_int_equal(out.n, 3);
        assert_int_equal(out.seqs[0] + 2, out.seqs[2]);
        spoor_client_destroy(c);
        remove_dir(dir);
    }
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "--crash-child")) return crash_child(argv[2], argv[3]);
    ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    self_exe[n > 0 ? n : 0] = 0;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(kept_at_close_then_sent_by_next_client),
        cmocka_unit_test(settled_segments_are_deleted),
        cmocka_unit_test(failed_write_refuses_the_call),
        cmocka_unit_test(one_client_per_spool),
        cmocka_unit_test(kill_9_then_restart),
        cmocka_unit_test(torn_tail_is_skipped_and_counted),
        cmocka_unit_test(corrupt_record_is_skipped_and_counted),
        cmocka_unit_test(garbage_between_records_is_skipped),
        cmocka_unit_test(cap_drops_the_oldest),
        cmocka_unit_test(retries_run_out_then_resume),
        cmocka_unit_test(written_before_the_call_returns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
