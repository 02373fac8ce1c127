/* test_util.c: see test_util.h. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "test_util.h"

spoor_config_t *config_with_v(const char *host, va_list ap) {
    spoor_config_t *conf = spoor_config_new();
    assert_non_null(conf);
    if (host) assert_int_equal(spoor_config_set(conf, "host", host), SPOOR_OK);
    const char *key;
    while ((key = va_arg(ap, const char *))) {
        const char *value = va_arg(ap, const char *);
        spoor_err_t rc = spoor_config_set(conf, key, value);
        if (rc) fprintf(stderr, "config %s=%s: %s\n", key, value, spoor_last_error());
        assert_int_equal(rc, SPOOR_OK);
    }
    return conf;
}

static spoor_client_t *finish(spoor_config_t *conf) {
    spoor_client_t *c = NULL;
    spoor_err_t rc = spoor_client_new(&c, conf);
    if (rc) fprintf(stderr, "client_new: %s\n", spoor_last_error());
    assert_int_equal(rc, SPOOR_OK);
    spoor_config_destroy(conf);
    return c;
}

spoor_client_t *client_with(const char *host, ...) {
    va_list ap;
    va_start(ap, host);
    spoor_config_t *conf = config_with_v(host, ap);
    va_end(ap);
    return finish(conf);
}

spoor_client_t *client_collecting(collector_t *col, const char *host, ...) {
    va_list ap;
    va_start(ap, host);
    spoor_config_t *conf = config_with_v(host, ap);
    va_end(ap);
    spoor_config_set_delivery_cb(conf, collector_cb, col);
    return finish(conf);
}

void collector_init(collector_t *col) {
    memset(col, 0, sizeof *col);
    pthread_mutex_init(&col->lock, NULL);
}

void collector_cb(const spoor_delivery_report_t *r, void *opaque) {
    collector_t *col = opaque;
    pthread_mutex_lock(&col->lock);
    col->reports++;
    if (r->err == SPOOR_OK) {
        col->delivered += r->count;
    } else {
        if (r->err == SPOOR_ERR_QUEUE_FULL) col->dropped += r->count;
        else if (r->err == SPOOR_ERR_ABORTED) col->aborted += r->count;
        else col->failed += r->count;
        if (r->err == SPOOR_ERR_REJECTED) col->rejected += r->count;
        col->last_err = r->err;
        col->last_status = r->http_status;
        snprintf(col->last_reason, sizeof col->last_reason, "%s", r->reason);
        for (size_t i = 0; i < r->count && col->n_ids < 64; i++)
            snprintf(col->ids[col->n_ids++], 37, "%s", r->event_ids[i]);
    }
    pthread_mutex_unlock(&col->lock);
}

void logbuf_cb(spoor_log_level_t level, const char *message, void *opaque) {
    (void)level;
    logbuf_t *lb = opaque;
    pthread_mutex_lock(&lb->lock);
    size_t used = strlen(lb->text);
    snprintf(lb->text + used, sizeof lb->text - used, "%s\n", message);
    lb->lines++;
    pthread_mutex_unlock(&lb->lock);
}

spoor_client_t *logged_client(logbuf_t *lb, const char *host, ...) {
    va_list ap;
    va_start(ap, host);
    spoor_config_t *conf = config_with_v(host, ap);
    va_end(ap);
    spoor_config_set_log_cb(conf, logbuf_cb, lb);
    return finish(conf);
}

long long mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
