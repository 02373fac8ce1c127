/* test_dns.c: flush and close keep their deadlines while the name of the host is
 * being resolved by a DNS server that never answers (libcurl's threaded resolver
 * waits in getaddrinfo, which only the resolver's own timeouts end).
 *
 * The process moves into a private mount namespace and bind-mounts its own
 * /etc/resolv.conf (a nameserver on a loopback address whose UDP port 53 reads
 * every query and answers none, with timeouts of 30 s) and /etc/nsswitch.conf
 * ("hosts: files dns"); the host name is in no hosts file. So the machine's own
 * resolver is untouched, and the bound below (the deadline plus a margin) is far
 * below what waiting for the resolver would take. It needs root (CAP_SYS_ADMIN
 * for the namespace, port 53), as the CI has; elsewhere it is skipped (77). */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_util.h"

#define SKIP 77
/* Margin over a deadline: a correctness bound (the resolver would hold close for
 * 30 s or more), not a measure of speed. */
#define MARGIN_MS 1500

static int queries;
static pthread_mutex_t queries_lock = PTHREAD_MUTEX_INITIALIZER;

/* Reads every query and answers none. */
static void *black_hole(void *arg) {
    int fd = *(int *)arg;
    char buf[1500];
    while (recv(fd, buf, sizeof buf, 0) >= 0) {
        pthread_mutex_lock(&queries_lock);
        queries++;
        pthread_mutex_unlock(&queries_lock);
    }
    return NULL;
}

static int queries_seen(void) {
    pthread_mutex_lock(&queries_lock);
    int n = queries;
    pthread_mutex_unlock(&queries_lock);
    return n;
}

/* A UDP socket on port 53 of a free loopback address (its text in addr). -1: none. */
static int bind_black_hole(char *addr, size_t size) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    for (int i = 1; fd >= 0 && i < 250; i++) {
        struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(53)};
        snprintf(addr, size, "127.53.%d.1", i);
        inet_pton(AF_INET, addr, &a.sin_addr);
        if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0) return fd;
    }
    if (fd >= 0) close(fd);
    return -1;
}

/* Write text to a new file in dir and bind-mount it over target. 0, or -1. */
static int mount_file(const char *dir, const char *name, const char *text, const char *target) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) return -1;
    fputs(text, f);
    fclose(f);
    return mount(path, target, NULL, MS_BIND, NULL);
}

static int skip_test(const char *why) {
    printf("SKIP: %s\n", why);
    return SKIP;
}

static void deadlines_hold(void **state) {
    (void)state;
    collector_t col;
    collector_init(&col);
    /* connect_timeout and timeout far away: only the deadlines may end the wait. */
    spoor_client_t *c = client_collecting(&col, "http://spoor-dns-black-hole.test:8080", "flush_at", "1",
                                          "connect_timeout", "120s", "timeout", "120s", "log_level", "error", NULL);
    assert_int_equal(spoor_track(c, "{\"event\":\"purchase\",\"userId\":\"u1\"}"), SPOOR_OK);
    long long t0 = mono_ms();
    while (!queries_seen() && mono_ms() - t0 < 10000) usleep(10 * 1000);
    if (!queries_seen()) fail_msg("the resolver was never asked: the test does not exercise DNS");

    t0 = mono_ms();
    assert_int_equal(spoor_flush(c, 300), SPOOR_ERR_TIMED_OUT);
    long long took = mono_ms() - t0;
    if (took > 300 + MARGIN_MS) fail_msg("flush(300) took %lld ms", took);

    t0 = mono_ms();
    assert_int_equal(spoor_close(c, 500), SPOOR_ERR_TIMED_OUT);
    took = mono_ms() - t0;
    printf("close(500) with the resolver silent returned in %lld ms\n", took);
    if (took > 500 + MARGIN_MS) fail_msg("close(500) took %lld ms", took);
    assert_int_equal(col.aborted, 1); /* reported, not lost */
    spoor_client_destroy(c);
}

int main(void) {
    if (geteuid() != 0) return skip_test("needs root (a private mount namespace and port 53)");
    if (unshare(CLONE_NEWNS) != 0) return skip_test("unshare(CLONE_NEWNS) refused");
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return skip_test("cannot make the mounts private");
    char addr[32], dir[] = "/tmp/spoor-dns-XXXXXX", conf[128];
    int fd = bind_black_hole(addr, sizeof addr);
    if (fd < 0) return skip_test("no loopback address with a free UDP port 53");
    if (!mkdtemp(dir)) return skip_test("mkdtemp failed");
    snprintf(conf, sizeof conf, "nameserver %s\noptions timeout:30 attempts:2\n", addr);
    if (mount_file(dir, "resolv.conf", conf, "/etc/resolv.conf") ||
        mount_file(dir, "nsswitch.conf", "hosts: files dns\n", "/etc/nsswitch.conf"))
        return skip_test(strerror(errno));
    pthread_t t;
    pthread_create(&t, NULL, black_hole, &fd);
    pthread_detach(t);
    const struct CMUnitTest tests[] = {cmocka_unit_test(deadlines_hold)};
    int failed = cmocka_run_group_tests(tests, NULL, NULL);
    umount("/etc/resolv.conf");
    umount("/etc/nsswitch.conf");
    char path[512];
    snprintf(path, sizeof path, "%s/resolv.conf", dir), unlink(path);
    snprintf(path, sizeof path, "%s/nsswitch.conf", dir), unlink(path);
    rmdir(dir);
    return failed;
}
