/* enqueue.c: the producer side of a client's queue. Built events are numbered,
 * written to the spool when there is one (an event is accepted once it is on
 * disk), queued under the lock with the queue's cap applied, and the worker is
 * started or woken. The operations that build the events are in operations.c. */
#include <stdlib.h>

#include "internal.h"

/* Drop the oldest events past max_queue_size onto the dropped queue, which the
 * worker reports (c->lock held). */
void spoor__enforce_queue_cap(spoor_client_t *c) {
    while ((int64_t)c->queue.count > c->conf.max_queue_size) {
        spoor_item_t old;
        spoor__queue_pop(&c->queue, &old);
        if (spoor__queue_push(&c->dropped, &old)) { /* cannot even remember it: count it now */
            free(old.json);
            c->stats.dropped++, c->stats.dropped_queue_full++;
        }
    }
}

/* Start the worker unless it runs (c->lock held, or the client not yet shared). */
spoor_err_t spoor__start_worker(spoor_client_t *c) {
    if (c->worker_running) return SPOOR_OK;
    if (pthread_create(&c->worker, NULL, spoor__worker_main, c)) return spoor__error(SPOOR_ERR_SYSTEM, "cannot start the worker thread");
    c->worker_running = 1;
    return SPOOR_OK;
}

spoor_err_t spoor__check_open(spoor_client_t *c, const char *op) {
    if (!c) return spoor__error(SPOOR_ERR_INVALID, "%s: client is NULL", op);
    if (__atomic_load_n(&c->closing, __ATOMIC_ACQUIRE))
        return spoor__error(SPOOR_ERR_CLOSED, "%s: the client is closed", op);
    return SPOOR_OK;
}

spoor_err_t spoor__enqueue_items(spoor_client_t *c, spoor_item_t *items, size_t n) {
    int64_t now = spoor__monotonic_ms();
    spoor_err_t rc = SPOOR_OK;
    pthread_mutex_lock(&c->lock);
    if (c->closing) rc = spoor__error(SPOOR_ERR_CLOSED, "the client is closed");
    for (size_t i = 0; !rc && i < n; i++) items[i].seq = c->next_seq + i, items[i].enqueued_ms = now;
    /* With a spool, an event is accepted once it is on disk. */
    if (!rc && c->spool) rc = spoor__spool_append(c->spool, items, n);
    if (rc) {
        pthread_mutex_unlock(&c->lock);
        for (size_t i = 0; i < n; i++) free(items[i].json);
        return rc;
    }
    if (c->spool_forgotten) {
        c->spool_forgotten = 0;
        spoor__log(c, SPOOR_LOG_WARN, "spool: a forked child does not share its parent's spool; this client queues in memory only");
    }
    c->next_seq += n;
    int was_empty = c->queue.count == 0;
    size_t i = 0;
    for (; i < n; i++) {
        if (spoor__queue_push(&c->queue, &items[i])) break;
        c->stats.accepted++;
        spoor__enforce_queue_cap(c);
    }
    rc = spoor__start_worker(c);
    /* Wake the worker only when it sleeps waiting for work and has some now: one
     * sleeping in a retry backoff must not be woken (and put back) per event. */
    if (c->worker_idle && (was_empty || c->dropped.count || (int64_t)c->queue.count >= c->conf.flush_at ||
                           (int64_t)c->queue.bytes >= c->conf.max_batch_bytes))
        pthread_cond_signal(&c->wake);
    pthread_mutex_unlock(&c->lock);
    if (i < n) {
        for (size_t j = i; j < n; j++) free(items[j].json);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory queueing event %zu of %zu", i + 1, n);
    }
    return rc;
}
