/* flush.c: waiting for the worker. flush waits until every event accepted
 * before it is settled; close does that until its deadline, then stops the
 * worker (what is left is reported ABORTED, or kept in the spool) and releases
 * the connection. */
#include <stdint.h>
#include <time.h>

#include "internal.h"
#include "transport.h"

static int flushed(const spoor_client_t *c, uint64_t target) {
    const spoor_item_t *front = spoor__queue_front(&c->queue);
    return (!front || front->seq > target) && (!c->inflight_count || c->inflight_min_seq > target) &&
           !c->dropped.count;
}

/* Wait on c->progress until done() or the deadline (-1: none). 0, or -1 on timeout. */
static int wait_progress(spoor_client_t *c, int64_t deadline, int (*done)(const spoor_client_t *, uint64_t),
                         uint64_t target) {
    while (!done(c, target)) {
        if (deadline < 0) {
            pthread_cond_wait(&c->progress, &c->lock);
            continue;
        }
        if (spoor__monotonic_ms() >= deadline) return -1;
        struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
        pthread_cond_timedwait(&c->progress, &c->lock, &ts);
    }
    return 0;
}

/* flush/close from a delivery callback would wait for the worker that runs it. */
static int on_worker_thread(spoor_client_t *c) {
    pthread_mutex_lock(&c->lock);
    int self = c->worker_running && pthread_equal(c->worker, pthread_self());
    pthread_mutex_unlock(&c->lock);
    return self;
}

spoor_err_t spoor_flush(spoor_client_t *c, int timeout_ms) {
    if (!c) return spoor__error(SPOOR_ERR_INVALID, "flush: client is NULL");
    spoor__check_pid(c);
    if (on_worker_thread(c)) return spoor__error(SPOOR_ERR_INVALID, "flush: cannot be called from a spoor callback");
    int64_t deadline = timeout_ms < 0 ? -1 : spoor__monotonic_ms() + timeout_ms;
    pthread_mutex_lock(&c->lock);
    if (c->closed) {
        pthread_mutex_unlock(&c->lock);
        return spoor__error(SPOOR_ERR_CLOSED, "flush: the client is closed");
    }
    uint64_t target = c->next_seq - 1;
    if (target > c->flush_target) c->flush_target = target;
    pthread_cond_signal(&c->wake);
    int timed_out = wait_progress(c, deadline, flushed, target);
    size_t waiting = c->queue.count + c->inflight_count;
    pthread_mutex_unlock(&c->lock);
    if (timed_out)
        return spoor__error(SPOOR_ERR_TIMED_OUT, "flush: %d ms passed with %zu events still waiting (delivery goes on)",
                            timeout_ms, waiting);
    spoor__clear_error();
    return SPOOR_OK;
}

static int drained(const spoor_client_t *c, uint64_t target) {
    (void)target;
    return !c->queue.count && !c->inflight_count && !c->dropped.count;
}

spoor_err_t spoor_close(spoor_client_t *c, int timeout_ms) {
    if (!c) return spoor__error(SPOOR_ERR_INVALID, "close: client is NULL");
    spoor__check_pid(c);
    if (on_worker_thread(c)) return spoor__error(SPOOR_ERR_INVALID, "close: cannot be called from a spoor callback");
    pthread_mutex_lock(&c->lock);
    if (c->closing) { /* idempotent */
        pthread_mutex_unlock(&c->lock);
        return SPOOR_OK;
    }
    __atomic_store_n(&c->closing, 1, __ATOMIC_RELEASE);
    c->flush_target = UINT64_MAX;
    pthread_cond_broadcast(&c->wake);
    int64_t ms = timeout_ms < 0 ? c->conf.close_timeout_ms : timeout_ms;
    int timed_out = c->worker_running && wait_progress(c, spoor__monotonic_ms() + ms, drained, 0) != 0;
    size_t left = c->queue.count + c->inflight_count;
    if (timed_out) {
        __atomic_store_n(&c->aborting, 1, __ATOMIC_RELEASE); /* the worker reports the rest as ABORTED */
        pthread_cond_broadcast(&c->wake);
        spoor__transport_wake(c->transport); /* a request in flight ends now, not at curl's next tick */
    }
    int running = c->worker_running;
    pthread_mutex_unlock(&c->lock);
    if (running) pthread_join(c->worker, NULL);
    pthread_mutex_lock(&c->lock);
    c->worker_running = 0;
    c->closed = 1;
    spoor_transport_t *t = c->transport;
    c->transport = NULL;
    spoor_spool_t *spool = c->spool;
    c->spool = NULL;
    size_t kept = c->queue.count;
    pthread_mutex_unlock(&c->lock);
    spoor__transport_free(t);
    if (spool) {
        spoor__spool_close(spool); /* the worker settled the cursor before it stopped */
        if (kept)
            spoor__log(c, SPOOR_LOG_WARN, "close: %zu events undelivered are kept in the spool %s for the next client that opens it",
                       kept, c->conf.spool_dir);
        timed_out = 0;
    }
    spoor__log(c, SPOOR_LOG_INFO, "client closed%s", timed_out ? " (timed out)" : "");
    if (timed_out)
        return spoor__error(SPOOR_ERR_TIMED_OUT, "close: %lld ms passed with %zu events undelivered; they were reported failed (ABORTED)",
                            (long long)ms, left);
    spoor__clear_error();
    return SPOOR_OK;
}
