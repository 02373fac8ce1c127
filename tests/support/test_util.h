/* test_util.h: helpers shared by the C tests. */
#ifndef SPOOR_TEST_UTIL_H
#define SPOOR_TEST_UTIL_H

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <spoor.h>

/* A client from NULL-terminated key, value pairs; fails the test on error. */
spoor_client_t *client_with(const char *host, ...);
spoor_config_t *config_with_v(const char *host, va_list ap);

/* Collects delivery reports (thread-safe) for assertions. */
typedef struct {
    pthread_mutex_t lock;
    size_t reports;
    size_t delivered, failed, dropped, aborted, rejected;
    spoor_err_t last_err;
    int last_status;
    char last_reason[1024];
    char ids[64][37];   /* event ids of not-delivered events, in order */
    size_t n_ids;
} collector_t;

void collector_init(collector_t *col);
void collector_cb(const spoor_delivery_report_t *r, void *opaque);
spoor_client_t *client_collecting(collector_t *col, const char *host, ...);

/* Collects log lines (thread-safe), one per line, for assertions. */
typedef struct {
    pthread_mutex_t lock;
    char text[65536];
    size_t lines;
} logbuf_t;

void logbuf_cb(spoor_log_level_t level, const char *message, void *opaque);
/* A client (as client_with) whose log lines go to lb. */
spoor_client_t *logged_client(logbuf_t *lb, const char *host, ...);

long long mono_ms(void);

#endif
