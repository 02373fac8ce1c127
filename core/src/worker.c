/* worker.c: the client's one background thread. It batches what waits, sends it
 * with retries, and reports every outcome (delivery callback, stats, log).
 *
 * Lock discipline: c->lock guards the queue and counters and is never held
 * across network I/O or a user callback. */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "timefmt.h"
#include "transport.h"

/* The reason of every event a close deadline cut off (SPOOR_ERR_ABORTED). */
#define ABORTED_REASON SPOOR_CLOSED_BEFORE_DELIVERY " (close timeout)"

static void wait_until(spoor_client_t *c, int64_t deadline_ms) {
    struct timespec ts = {.tv_sec = deadline_ms / 1000, .tv_nsec = (deadline_ms % 1000) * 1000000};
    pthread_cond_timedwait(&c->wake, &c->lock, &ts);
}

void spoor__report(spoor_client_t *c, spoor_err_t err, int http_status, const char *reason,
                   spoor_item_t *items, size_t n) {
    if (!n) return;
    pthread_mutex_lock(&c->lock);
    if (err == SPOOR_OK) c->stats.delivered += n;
    else if (err == SPOOR_ERR_QUEUE_FULL) c->stats.dropped += n, c->stats.dropped_queue_full += n;
    else c->stats.failed += n, c->stats.rejected += err == SPOOR_ERR_REJECTED ? n : 0;
    pthread_mutex_unlock(&c->lock);

    if (err == SPOOR_OK)
        spoor__log(c, SPOOR_LOG_DEBUG, "%zu events delivered (HTTP %d)", n, http_status);
    else if (err == SPOOR_ERR_QUEUE_FULL)
        spoor__log(c, SPOOR_LOG_WARN, "%zu events dropped: queue full (max_queue_size %lld)", n,
                   (long long)c->conf.max_queue_size);
    else
        spoor__log(c, SPOOR_LOG_ERROR, "%zu events failed (%s): %s", n, spoor_err2name(err), reason);

    if (!c->conf.delivery_cb) return;
    const char **ids = malloc(n * sizeof *ids), **jsons = malloc(n * sizeof *jsons);
    if (ids && jsons) {
        for (size_t i = 0; i < n; i++) ids[i] = SPOOR_ITEM_ID(&items[i]), jsons[i] = items[i].json;
        spoor_delivery_report_t r = {err, http_status, reason ? reason : "", n, ids, jsons};
        c->conf.delivery_cb(&r, c->conf.delivery_opaque);
    }
    free(ids);
    free(jsons);
}

/* Sleep up to ms, waking early when close() gives up. Returns 1 when aborted. */
static int backoff_sleep(spoor_client_t *c, int64_t ms) {
    int64_t deadline = spoor__monotonic_ms() + ms;
    pthread_mutex_lock(&c->lock);
    while (!c->aborting && spoor__monotonic_ms() < deadline) wait_until(c, deadline);
    int aborted = c->aborting;
    pthread_mutex_unlock(&c->lock);
    return aborted;
}

/* Exponential backoff with "equal jitter": half fixed, half random. */
static int64_t backoff_ms(spoor_client_t *c, int attempt) {
    int64_t base = c->conf.retry_backoff_ms, cap = c->conf.retry_backoff_max_ms;
    int64_t d = base;
    for (int i = 0; i < attempt && d < cap; i++) d *= 2;
    if (d > cap) d = cap;
    if (d <= 1) return d;
    unsigned int seed = (unsigned int)(spoor__monotonic_ms() ^ (uintptr_t)c ^ (unsigned)attempt);
    return d / 2 + rand_r(&seed) % (d - d / 2 + 1);
}

static char *batch_body(spoor_client_t *c, spoor_item_t *items, size_t n, size_t *len) {
    char sent_at[SPOOR_ISO_LEN];
    spoor__iso8601_format(spoor__client_now_ms(c), sent_at);
    size_t cap = 64 + n;
    for (size_t i = 0; i < n; i++) cap += items[i].len;
    char *body = malloc(cap), *p = body;
    if (!body) return NULL;
    /* Wire v1 puts sentAt first; Segment's libraries write the batch first. */
    int segment = SPOOR__SEGMENT(c);
    if (segment) p += sprintf(p, "{\"batch\":[");
    else p += sprintf(p, "{\"sentAt\":\"%s\",\"batch\":[", sent_at);
    for (size_t i = 0; i < n; i++) {
        if (i) *p++ = ',';
        memcpy(p, items[i].json, items[i].len);
        p += items[i].len;
    }
    if (segment) p += sprintf(p, "],\"sentAt\":\"%s\"}", sent_at);
    else p += sprintf(p, "]}");
    *len = (size_t)(p - body);
    return body;
}

/* A 2xx answer: events listed in "rejected" failed one by one; the rest arrived.
 * An answer cut at its bound may hide rejections: none of the batch is counted
 * delivered then, all fail with a reason that says why. */
static void settle_accepted(spoor_client_t *c, spoor_item_t *items, size_t n, const spoor_response_t *resp) {
    char err[256];
    if (resp->truncated) {
        char url[256], reason[768];
        spoor__excerpt(url, sizeof url, c->log_url, strlen(c->log_url));
        snprintf(reason, sizeof reason, "HTTP %d from %s, but its answer was longer than the %zu bytes read for "
                 "%zu events and was cut: which events it rejected is unknown (the server may have stored some)",
                 resp->http_status, url, resp->body_max, n);
        spoor__report(c, SPOOR_ERR_HTTP, resp->http_status, reason, items, n);
        return;
    }
    cJSON *doc = resp->body ? spoor__json_parse(resp->body, resp->body_len, 0, SPOOR_JSON_MAX_DEPTH, "response", err, sizeof err) : NULL;
    cJSON *rejected = cJSON_GetObjectItemCaseSensitive(doc, "rejected");
    const char *id_key = SPOOR__SEGMENT(c) ? "messageId" : "eventId"; /* each format's name for the id */
    size_t start = 0;
    /* Report in runs so one callback covers consecutive delivered events. */
    for (size_t i = 0; i < n; i++) {
        const cJSON *r, *why = NULL;
        int hit = 0;
        cJSON_ArrayForEach(r, rejected) {
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(r, id_key);
            if (cJSON_IsString(id) && !strcmp(id->valuestring, SPOOR_ITEM_ID(&items[i]))) {
                hit = 1;
                why = cJSON_GetObjectItemCaseSensitive(r, "error");
                break;
            }
        }
        if (!hit) continue;
        spoor__report(c, SPOOR_OK, resp->http_status, "delivered", items + start, i - start);
        char reason[512];
        snprintf(reason, sizeof reason, "rejected by the server: %s",
                 cJSON_IsString(why) ? why->valuestring : "no reason given");
        spoor__report(c, SPOOR_ERR_REJECTED, resp->http_status, reason, items + i, 1);
        start = i + 1;
    }
    spoor__report(c, SPOOR_OK, resp->http_status, "delivered", items + start, n - start);
    cJSON_Delete(doc);
}

/* The hint a 404 to a batch gets. */
#define BATCH_NOT_FOUND " (check host: it is the server's base URL, events go to {host}/v1/batch)"

/* What ended a batch's retries (delivery_timeout, or else retry_limit), appended to its reason. */
static void retries_ended(const spoor_client_t *c, char *reason, size_t size, int attempts, int64_t started,
                          int by_time) {
    size_t used = strlen(reason);
    double secs = (double)(spoor__monotonic_ms() - started) / 1000;
    const char *s = attempts == 1 ? "" : "s";
    if (by_time)
        snprintf(reason + used, size - used, " after %d attempt%s in %.1f s (delivery_timeout %lld ms)", attempts, s,
                 secs, (long long)c->conf.delivery_timeout_ms);
    else
        snprintf(reason + used, size - used, " after %d attempt%s in %.1f s (retry_limit %lld)", attempts, s, secs,
                 (long long)c->conf.retry_limit);
}

static void count(spoor_client_t *c, uint64_t *field, uint64_t by) {
    pthread_mutex_lock(&c->lock);
    *field += by;
    pthread_mutex_unlock(&c->lock);
}

/* Send items until delivered or finally failed; 413 splits the batch in halves.
 * Returns how many items, from the first, are settled (delivered or reported
 * failed). With a spool, a batch that exhausts its retries on a retryable error,
 * or that close cuts short, is not failed: the rest stay unsettled, to be kept. */
static size_t deliver(spoor_client_t *c, spoor_item_t *items, size_t n) {
    size_t len = 0;
    char *body = batch_body(c, items, n, &len);
    if (!body) {
        spoor__report(c, SPOOR_ERR_NOMEM, 0, "out of memory building the batch", items, n);
        return n;
    }
    if (!c->transport) {
        spoor_transport_t *t = spoor__transport_new();
        pthread_mutex_lock(&c->lock); /* close() reads it to wake a request in flight */
        c->transport = t;
        pthread_mutex_unlock(&c->lock);
    }
    spoor_response_t resp = {.retry_after_ms = -1};
    char reason[768];
    spoor_err_t final = SPOOR_ERR_TRANSPORT;
    int split = 0, keep = 0;
    /* delivery_timeout: no retry starts later than this (the last one goes at it). */
    int64_t started = spoor__monotonic_ms();
    int64_t give_up_at = c->conf.delivery_timeout_ms > 0 ? started + c->conf.delivery_timeout_ms : INT64_MAX;
    for (int attempt = 0;; attempt++) {
        if (__atomic_load_n(&c->aborting, __ATOMIC_ACQUIRE)) {
            final = SPOOR_ERR_ABORTED;
            snprintf(reason, sizeof reason, "%s", ABORTED_REASON);
            break;
        }
        spoor__log(c, SPOOR_LOG_DEBUG, "Flushing %zu events to %s", n, c->log_host);
        if (c->transport) spoor__transport_post(c->transport, c, body, len, n, &resp);
        else resp.network_error = 1, snprintf(resp.error, sizeof resp.error, "cannot create a curl handle");
        if (resp.sent) count(c, &c->stats.requests, 1); /* not one refused before it went */
        count(c, &c->stats.bytes_sent, resp.bytes_sent);
        int status = resp.http_status;
        if (status >= 200 && status < 300) {
            count(c, &c->stats.batches, 1);
            settle_accepted(c, items, n, &resp);
            final = SPOOR_OK;
            break;
        }
        if (resp.refused) { /* never sent, and a retry would be refused alike */
            final = SPOOR_ERR_INVALID;
            snprintf(reason, sizeof reason, "%s", resp.error);
            break;
        }
        if (resp.aborted) {
            final = SPOOR_ERR_ABORTED;
            snprintf(reason, sizeof reason, "%s", ABORTED_REASON);
            break;
        }
        if (status == 413) {
            if (n > 1) split = 1;
            else final = SPOOR_ERR_HTTP, spoor__failure_reason(c, c->log_url, BATCH_NOT_FOUND, &resp, reason, sizeof reason);
            break;
        }
        int retryable = (resp.network_error && !resp.tls_setup) || status == 429 || status >= 500;
        /* Retry-After is the server's word on 429 and 503 (Segment's and PostHog's clients honour both). */
        int told = (status == 429 || status == 503) && resp.retry_after_ms >= 0;
        spoor__failure_reason(c, c->log_url, BATCH_NOT_FOUND, &resp, reason, sizeof reason);
        final = resp.network_error ? SPOOR_ERR_TRANSPORT : SPOOR_ERR_HTTP;
        if (!retryable || attempt >= c->conf.retry_limit) {
            keep = retryable && c->spool;
            if (retryable) retries_ended(c, reason, sizeof reason, attempt + 1, started, 0);
            break;
        }
        int64_t wait = backoff_ms(c, attempt);
        if (told)
            wait = resp.retry_after_ms < c->conf.retry_after_max_ms ? resp.retry_after_ms : c->conf.retry_after_max_ms;
        int64_t now = spoor__monotonic_ms();
        if (now + wait > give_up_at) {
            /* A backoff is cut to end at the deadline; a Retry-After is the server's
             * to set, so one that ends past it ends the retries now. */
            if (now >= give_up_at || told) {
                keep = c->spool != NULL;
                retries_ended(c, reason, sizeof reason, attempt + 1, started, 1);
                break;
            }
            wait = give_up_at - now;
        }
        char left[48] = "";
        if (give_up_at != INT64_MAX)
            snprintf(left, sizeof left, ", %.1f s left of delivery_timeout", (double)(give_up_at - now) / 1000);
        spoor__log(c, SPOOR_LOG_WARN, "%s sending %zu events; retry %d in %lld ms%s", reason, n, attempt + 1,
                   (long long)wait, left);
        count(c, &c->stats.retried, 1);
        if (backoff_sleep(c, wait)) {
            final = SPOOR_ERR_ABORTED;
            snprintf(reason, sizeof reason, "%s", ABORTED_REASON);
            break;
        }
    }
    if (final == SPOOR_ERR_ABORTED) keep = c->spool != NULL;
    int status = resp.http_status;
    spoor__response_clear(&resp);
    free(body);
    if (split) {
        spoor__log(c, SPOOR_LOG_INFO, "HTTP 413 for %zu events: splitting the batch", n);
        size_t half = n / 2, done = deliver(c, items, half);
        return done < half ? done : half + deliver(c, items + half, n - half);
    }
    if (keep) {
        spoor__log(c, SPOOR_LOG_WARN, "%s: %zu events stay in the spool %s for a later attempt", reason, n,
                   spoor__spool_dir(c->spool));
        return 0;
    }
    if (final != SPOOR_OK) spoor__report(c, final, status, reason, items, n);
    return n;
}

/* Whether what waits should go now (c->lock held). */
static int batch_due(spoor_client_t *c, int64_t now, int64_t *wake_at) {
    const spoor_item_t *front = spoor__queue_front(&c->queue);
    if (!front) return 0;
    if (now < c->retry_pause_until) { /* kept events rest after their retries ran out */
        *wake_at = c->retry_pause_until;
        return 0;
    }
    *wake_at = front->enqueued_ms + c->conf.flush_interval_ms;
    return c->closing || front->seq <= c->flush_target || (int64_t)c->queue.count >= c->conf.flush_at ||
           (int64_t)c->queue.bytes >= c->conf.max_batch_bytes || now >= *wake_at;
}

/* Report everything in q as err (c->lock held on entry and on return; released
 * around the report so the callback runs unlocked). */
static void settle_all(spoor_client_t *c, spoor_queue_t *q, spoor_err_t err, const char *reason) {
    size_t n;
    spoor_item_t *items = spoor__queue_take(q, q->count, SIZE_MAX, &n);
    pthread_mutex_unlock(&c->lock);
    spoor__report(c, err, 0, reason, items, n);
    spoor__items_free(items, n);
    pthread_mutex_lock(&c->lock);
    pthread_cond_broadcast(&c->progress);
}

/* With a spool: every event below the oldest one still unsettled (waiting, being
 * dropped or in flight) is settled; tell the spool (c->lock held; released
 * around the file work). */
static void advance_cursor(spoor_client_t *c) {
    if (!c->spool) return;
    uint64_t cursor = c->next_seq;
    const spoor_item_t *front = spoor__queue_front(&c->queue), *dropped = spoor__queue_front(&c->dropped);
    if (front && front->seq < cursor) cursor = front->seq;
    if (dropped && dropped->seq < cursor) cursor = dropped->seq;
    if (c->inflight_count && c->inflight_min_seq < cursor) cursor = c->inflight_min_seq;
    if (cursor <= spoor__spool_cursor(c->spool)) return;
    pthread_mutex_unlock(&c->lock);
    spoor__spool_settle(c->spool, cursor);
    pthread_mutex_lock(&c->lock);
}

/* Put the unsettled tail of a batch back at the front of the queue to rest until
 * the next round of retries (c->lock held). Takes the items' events. */
static void keep_for_later(spoor_client_t *c, spoor_item_t *items, size_t n) {
    if (spoor__queue_unshift(&c->queue, items, n)) { /* no memory to keep them: they fail, reported */
        pthread_mutex_unlock(&c->lock);
        spoor__report(c, SPOOR_ERR_NOMEM, 0, "out of memory keeping events for another round of retries", items, n);
        for (size_t i = 0; i < n; i++) free(items[i].json);
        pthread_mutex_lock(&c->lock);
        return;
    }
    c->retry_pause_until = spoor__monotonic_ms() + c->conf.retry_backoff_max_ms;
    if (items[n - 1].seq > c->kept_max_seq) c->kept_max_seq = items[n - 1].seq;
    spoor__enforce_queue_cap(c);
}

void *spoor__worker_main(void *arg) {
    spoor_client_t *c = arg;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals belong to the application's threads */

    pthread_mutex_lock(&c->lock);
    for (;;) {
        if (c->dropped.count) {
            settle_all(c, &c->dropped, SPOOR_ERR_QUEUE_FULL, "queue full: dropped the oldest events");
            advance_cursor(c);
            continue;
        }
        int64_t now = spoor__monotonic_ms(), wake_at = 0;
        if (c->aborting && c->spool) break; /* what waits stays in the spool */
        if (c->aborting && c->queue.count) {
            settle_all(c, &c->queue, SPOOR_ERR_ABORTED, ABORTED_REASON);
            continue;
        }
        if (batch_due(c, now, &wake_at)) {
            size_t n;
            /* Room for the envelope {"sentAt":"...","batch":[...]} around the events. */
            size_t room = (size_t)c->conf.max_batch_bytes > 64 ? (size_t)c->conf.max_batch_bytes - 64 : 1;
            spoor_item_t *items = spoor__queue_take(&c->queue, (size_t)c->conf.max_batch_events, room, &n);
            if (!items) { /* out of memory: try again shortly */
                wait_until(c, now + 10);
                continue;
            }
            c->inflight = items;
            c->inflight_count = n;
            c->inflight_min_seq = items[0].seq;
            if (items[0].seq <= c->kept_max_seq) c->stats.retried++; /* another round for kept events */
            pthread_mutex_unlock(&c->lock);
            spoor__spool_sync(c->spool); /* spool_sync=batch: on disk before it is sent */
            size_t settled = deliver(c, items, n);
            pthread_mutex_lock(&c->lock);
            c->inflight = NULL;
            c->inflight_count = 0;
            c->inflight_min_seq = 0;
            if (settled < n) keep_for_later(c, items + settled, n - settled);
            spoor__items_free(items, settled); /* and the array: the kept events moved to the queue */
            advance_cursor(c);
            pthread_cond_broadcast(&c->progress);
            continue;
        }
        if (c->closing && !c->queue.count) break;
        c->worker_idle = 1; /* producers signal only an idle worker, not one in a backoff */
        if (c->queue.count) wait_until(c, wake_at);
        else pthread_cond_wait(&c->wake, &c->lock);
        c->worker_idle = 0;
    }
    advance_cursor(c);
    pthread_mutex_unlock(&c->lock);
    return NULL;
}
