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
    spoor_stats_t s = SPOOR_STATS_INIT;
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
        mock_reply_t fail[] = {{.status = 503, .retry_after = -1}, {.status = 503, .retry_after = -1}};
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

/* ---- a spool directory others could have planted things in ---- */

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void read_file(const char *path, char *buf, size_t size) {
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = 0;
    fclose(f);
}

/* Open a client on dir; its error text (or "" when it opened) into msg. */
static spoor_err_t try_open(const char *dir, char *msg, size_t size) {
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", DOWN);
    spoor_config_set(conf, "spool_dir", dir);
    spoor_config_set(conf, "log_level", "error");
    spoor_client_t *c = NULL;
    spoor_err_t rc = spoor_client_new(&c, conf);
    snprintf(msg, size, "%s", rc ? spoor_last_error() : "");
    spoor_config_destroy(conf);
    spoor_client_destroy(c);
    return rc;
}

/* A link planted as the lock, the cursor or a segment is refused, naming it; the
 * file it points to is left as it was (the lock's pid was written through it). */
static void planted_links_are_refused(void **state) {
    (void)state;
    static const char *const names[] = {"lock", "cursor", "seg-0000000000000001.log", "cursor.tmp"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *dir = new_dir(), *elsewhere = new_dir();
        char target[600], link[600], msg[600], text[64];
        snprintf(target, sizeof target, "%s/precious", elsewhere);
        snprintf(link, sizeof link, "%s/%s", dir, names[i]);
        write_file(target, "precious\n");
        chmod(target, 0644);
        assert_int_equal(symlink(target, link), 0);
        spoor_err_t rc;
        if (!strcmp(names[i], "cursor.tmp")) { /* written when delivered events move the cursor */
            mock_server_t *m = mock_start();
            spoor_client_t *c = client_with(mock_url(m), "spool_dir", dir, "log_level", "error", NULL);
            track_numbered(c, 0, 3);
            rc = spoor_flush(c, 5000);
            spoor_client_destroy(c);
            mock_stop(m);
        } else {
            rc = try_open(dir, msg, sizeof msg);
        }
        read_file(target, text, sizeof text);
        struct stat st;
        assert_int_equal(stat(target, &st), 0);
        if (strcmp(text, "precious\n") || (st.st_mode & 0777) != 0644)
            fail_msg("%s: the link's target was changed (now \"%s\", mode %o)", names[i], text, st.st_mode & 0777);
        if (!strcmp(names[i], "cursor.tmp")) { /* only ever written: replaced, never followed */
            assert_int_equal(rc, SPOOR_OK);
            struct stat lst;
            assert_int_equal(lstat(link, &lst), -1); /* renamed over the cursor, or removed */
        } else {
            char want[700];
            snprintf(want, sizeof want, "spool_dir: %s is not a regular file (a link, a FIFO or a directory); refusing it", link);
            if (rc != SPOOR_ERR_CONFIG_INVALID || strcmp(msg, want)) fail_msg("%s: rc %d \"%s\"", names[i], rc, msg);
        }
        unlink(target);
        remove_dir(elsewhere);
        remove_dir(dir);
    }
}

/* A FIFO where a file should be fails at once (it hung client creation). */
static void fifos_do_not_hang(void **state) {
    (void)state;
    static const char *const names[] = {"cursor", "lock", "seg-0000000000000001.log"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        char *dir = new_dir();
        char fifo[600], msg[600], want[700];
        snprintf(fifo, sizeof fifo, "%s/%s", dir, names[i]);
        assert_int_equal(mkfifo(fifo, 0600), 0);
        alarm(20); /* a hang ends the test, failed */
        spoor_err_t rc = try_open(dir, msg, sizeof msg);
        alarm(0);
        snprintf(want, sizeof want, "spool_dir: %s is not a regular file (a link, a FIFO or a directory); refusing it", fifo);
        if (rc != SPOOR_ERR_CONFIG_INVALID || strcmp(msg, want)) fail_msg("%s: rc %d \"%s\"", names[i], rc, msg);
        remove_dir(dir);
    }
}

/* A directory others can write to, or that another user owns, is refused; one
 * spoor creates is 0700 and its files 0600. */
static void directory_owner_and_mode(void **state) {
    (void)state;
    char *dir = new_dir(), msg[600], want[700];
    assert_int_equal(chmod(dir, 0777), 0);
    assert_int_equal(try_open(dir, msg, sizeof msg), SPOOR_ERR_CONFIG_INVALID);
    snprintf(want, sizeof want, "spool_dir: %s is writable by group or others (mode 0777); make it 0700", dir);
    assert_string_equal(msg, want);
    assert_int_equal(chmod(dir, 0730), 0);
    assert_int_equal(try_open(dir, msg, sizeof msg), SPOOR_ERR_CONFIG_INVALID);
    assert_int_equal(chmod(dir, 0750), 0); /* readable by the group: allowed */
    assert_int_equal(try_open(dir, msg, sizeof msg), SPOOR_OK);
    if (geteuid() == 0) { /* only root can give a directory away */
        assert_int_equal(chmod(dir, 0700), 0);
        assert_int_equal(chown(dir, 65534, 65534), 0);
        assert_int_equal(try_open(dir, msg, sizeof msg), SPOOR_ERR_CONFIG_INVALID);
        snprintf(want, sizeof want, "spool_dir: %s belongs to uid 65534, not to this process's user (uid 0)", dir);
        assert_string_equal(msg, want);
    }
    remove_dir(dir);

    char parent[300], fresh[400];
    char *p = new_dir();
    snprintf(parent, sizeof parent, "%s", p);
    snprintf(fresh, sizeof fresh, "%s/a/spool", parent);
    mode_t old = umask(0); /* even with a permissive umask */
    spoor_client_t *c = client_with(DOWN, "spool_dir", fresh, "retry_limit", "0", "flush_at", "1000", NULL);
    umask(old);
    track_numbered(c, 0, 3);
    struct stat st;
    assert_int_equal(stat(fresh, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    DIR *d = opendir(fresh);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[700];
        snprintf(path, sizeof path, "%s/%s", fresh, e->d_name);
        assert_int_equal(stat(path, &st), 0);
        if ((st.st_mode & 0777) != 0600) fail_msg("%s: mode %o, want 600", path, st.st_mode & 0777);
        files++;
    }
    closedir(d);
    assert_true(files >= 2); /* the lock and a segment */
    spoor_client_destroy(c);
    char sub[400];
    snprintf(sub, sizeof sub, "%s/a", parent);
    remove_dir(strdup(fresh));
    rmdir(sub);
    remove_dir(p);
}

/* ---- recovery never loses what it cannot read ---- */

/* The child of unreadable_segment_fails_creation: open dir as uid (when root),
 * print the result: rc, message, the segment's size after. */
static int open_as_child(const char *uid_text, const char *dir, const char *segment) {
    uid_t uid = (uid_t)atoi(uid_text);
    if (geteuid() != uid && (setgid(uid) || setuid(uid))) return 10;
    char msg[600];
    spoor_err_t rc = try_open(dir, msg, sizeof msg);
    struct stat st;
    long size = stat(segment, &st) ? -1 : (long)st.st_size;
    printf("%d\n%s\n%ld\n", (int)rc, msg, size);
    return 0;
}

static void unreadable_segment_fails_creation(void **state) {
    (void)state;
    char *dir = spool_with(10), name[300], segment[700];
    assert_int_equal(segments(dir, name, sizeof name), 1);
    snprintf(segment, sizeof segment, "%s/%s", dir, name);
    struct stat before;
    assert_int_equal(stat(segment, &before), 0);
    /* Unreadable to its owner (root reads anything, so the child runs as nobody). */
    uid_t uid = geteuid() == 0 ? 65534 : geteuid();
    char uid_text[16], path[700];
    snprintf(uid_text, sizeof uid_text, "%u", (unsigned)uid);
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, "..")) assert_int_equal(lchown(path, uid, uid), 0);
    }
    closedir(d);
    assert_int_equal(chmod(segment, 0200), 0); /* write-only: it could be truncated */
    int out[2];
    assert_int_equal(pipe(out), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_addclose(&fa, out[0]);
    char *argv[] = {self_exe, "--open-as", uid_text, dir, segment, NULL};
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, self_exe, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    close(out[1]);
    char text[1024] = "";
    size_t got = 0;
    ssize_t n;
    while ((n = read(out[0], text + got, sizeof text - 1 - got)) > 0) got += (size_t)n;
    text[got] = 0;
    close(out[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char want[1600];
    snprintf(want, sizeof want, "%d\nspool_dir: cannot read %s: Permission denied; nothing in the spool was changed\n%ld\n",
             (int)SPOOR_ERR_CONFIG_INVALID, segment, (long)before.st_size);
    if (strcmp(text, want)) fail_msg("got:\n%swant:\n%s", text, want);
    chmod(segment, 0600);
    remove_dir(dir);
}

/* A cursor past every record is not believed: the records are sent again
 * (at least once), not all skipped as settled. */
static void cursor_past_every_record_is_clamped(void **state) {
    (void)state;
    static const char *const cursors[] = {"999999\n", "18446744073709551615\n", "-5\n", "garbage\n"};
    for (size_t i = 0; i < sizeof cursors / sizeof *cursors; i++) {
        char *dir = spool_with(10), path[600];
        snprintf(path, sizeof path, "%s/cursor", dir);
        write_file(path, cursors[i]);
        replay_of_damaged(dir, 10, 10, 0, -1);
        remove_dir(dir);
    }
}

/* A record whose CRC is good but whose text is not a JSON event (or not valid
 * UTF-8) is skipped and counted, not replayed to fail its whole batch. */
static void replayed_records_are_parsed(void **state) {
    (void)state;
    static const char *const bad[] = {"not json", "{\"eventId\":\"x\",\"type\":\"track\"", "[1,2]",
                                      "{\"eventId\":\"x\",\"name\":\"\xff\"}", "{\"a\":1,\"a\":2}"};
    char *dir = spool_with(10), name[300], path[700];
    assert_int_equal(segments(dir, name, sizeof name), 1);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "ab");
    assert_non_null(f);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        unsigned char rec[256];
        size_t n = spoor__spool_encode(100 + i, "bad-id", bad[i], strlen(bad[i]), rec);
        assert_int_equal(fwrite(rec, 1, n, f), n);
    }
    fclose(f);
    mock_server_t *m = mock_start();
    logbuf_t lb = {.lock = PTHREAD_MUTEX_INITIALIZER};
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set(conf, "spool_dir", dir);
    spoor_config_set_log_cb(conf, logbuf_cb, &lb);
    spoor_client_t *c;
    assert_int_equal(spoor_client_new(&c, conf), SPOOR_OK);
    spoor_config_destroy(conf);
    assert_int_equal(stats(c).replayed, 10);
    assert_int_equal(stats(c).spool_corrupt, 5);
    assert_int_equal(spoor_flush(c, 5000), SPOOR_OK);
    int seen[16] = {0};
    count_received(m, seen, 16);
    for (int i = 0; i < 10; i++) assert_int_equal(seen[i], 1);
    for (size_t r = 0; r < mock_count(m); r++) assert_null(strstr(mock_request(m, r).body, "bad-id"));
    if (!strstr(lb.text, "spool: record 100 (eventId bad-id) in ") || !strstr(lb.text, "is not a JSON event; skipped"))
        fail_msg("the bad records are not reported:\n%s", lb.text);
    spoor_client_destroy(c);
    mock_stop(m);
    remove_dir(dir);
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "--crash-child")) return crash_child(argv[2], argv[3]);
    if (argc == 5 && !strcmp(argv[1], "--open-as")) return open_as_child(argv[2], argv[3], argv[4]);
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
        cmocka_unit_test(planted_links_are_refused),
        cmocka_unit_test(directory_owner_and_mode),
        cmocka_unit_test(unreadable_segment_fails_creation),
        cmocka_unit_test(cursor_past_every_record_is_clamped),
        cmocka_unit_test(replayed_records_are_parsed),
        cmocka_unit_test(fifos_do_not_hang),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
