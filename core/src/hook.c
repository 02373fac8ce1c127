/* hook.c: built events on their way to the queue, when the client has a
 * before_send hook or a mode that does not send (c->intercept; enqueue.c asks).
 * A client with neither never comes here: its events go straight to the queue.
 *
 * The hook runs on the caller's thread with no lock held, once per event, and
 * decides: keep, replace (the new text is checked by the event rules, as the
 * collector checks it, and written by the core's writer), or drop (counted in
 * dropped_by_hook, logged at debug). A hook that fails, or whose event breaks a
 * rule, changes nothing: the event goes as built, and that is logged and counted
 * (hook_failed). Then mode disabled discards what is left and mode capture keeps
 * it for spoor_captured(). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json.h"
#include "schemas.h"
#include "segment.h"
#include "validate.h"

struct spoor_hook_reply_s {
    char *text; /* the hook's changed event, or why it failed */
};

spoor_err_t spoor_hook_reply(spoor_hook_reply_t *reply, const char *text) {
    if (!reply || !text) return spoor__error(SPOOR_ERR_INVALID, "hook_reply: reply and text must not be NULL");
    char *copy = strdup(text);
    if (!copy) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    free(reply->text);
    reply->text = copy;
    return SPOOR_OK;
}

/* The client whose hook this thread is running: its operations may not be
 * called from there (each would run the hook again). */
static __thread const spoor_client_t *hook_running;

/* The hook's text as an event: checked as a server of the client's format checks
 * what it receives (the text's UTF-8 and keys; wire v1's event rules with the
 * collection schemas the client checks its calls against now, collection_schemas
 * or what schemas_from fetched; Segment's message rules) and max_event_bytes, and
 * written by the core's writer, with its id (eventId, Segment's messageId) after
 * it (SPOOR_ITEM_ID). 0, or -1 with the rule it breaks in err. */
static int replacement(spoor_client_t *c, const char *text, spoor_item_t *out, char *err, size_t size) {
    int segment = SPOOR__SEGMENT(c);
    cJSON *ev = spoor__json_parse(text, strlen(text), 0, SPOOR_JSON_MAX_DEPTH + 2, "event", err, size);
    int bad = !ev || spoor__check_text(ev, "", "event", err, size);
    if (!bad && segment) {
        bad = spoor__segment_validate(ev, NULL, err, size);
    } else if (!bad) {
        spoor_schema_set_t *held;
        bad = spoor__validate_event(ev, spoor__schemas_hold(c, &held), err, size);
        spoor__schemas_release(held);
    }
    /* The id the client sends with every event: wire v1's rules require it, Segment's
     * (a server's) leave it optional. */
    const char *id_key = segment ? "messageId" : "eventId";
    const cJSON *id = bad ? NULL : cJSON_GetObjectItemCaseSensitive(ev, id_key);
    if (!bad && !cJSON_IsString(id))
        bad = 1, snprintf(err, size, "%s: must be a non-empty string (every event is sent with its id)", id_key);
    if (!bad) {
        out->json = spoor__json_write_tail(ev, id->valuestring, &out->len);
        if (!out->json) bad = 1, snprintf(err, size, "out of memory");
        else if (out->len > (size_t)c->conf.max_event_bytes) {
            bad = 1;
            snprintf(err, size, "event: %zu bytes is over max_event_bytes (%lld)", out->len,
                     (long long)c->conf.max_event_bytes);
            free(out->json);
        }
    }
    cJSON_Delete(ev);
    return bad ? -1 : 0;
}

/* Run the hook over one event: 1 when it is to be dropped, else 0 with *item
 * replaced when the hook changed it. Counts what happened in *dropped, *failed. */
static int run_hook(spoor_client_t *c, spoor_item_t *item, uint64_t *dropped, uint64_t *failed) {
    spoor_hook_reply_t reply = {NULL};
    hook_running = c;
    spoor_hook_result_t r = c->conf.before_send_cb(item->json, &reply, c->conf.before_send_opaque);
    hook_running = NULL;
    int drop = 0;
    char err[512];
    if (r == SPOOR_HOOK_DROP) {
        spoor__log(c, SPOOR_LOG_DEBUG, "before_send dropped event %s", SPOOR_ITEM_ID(item));
        (*dropped)++, drop = 1;
    } else if (r == SPOOR_HOOK_REPLACE && reply.text) {
        spoor_item_t changed = *item;
        if (!strcmp(reply.text, item->json)) {
            /* the event as it was: nothing to check */
        } else if (replacement(c, reply.text, &changed, err, sizeof err) == 0) {
            free(item->json);
            *item = changed;
        } else {
            spoor__log(c, SPOOR_LOG_ERROR, "before_send: the changed event %s breaks a rule (%s); it is sent unchanged",
                       SPOOR_ITEM_ID(item), err);
            (*failed)++;
        }
    } else if (r != SPOOR_HOOK_KEEP) {
        if (r == SPOOR_HOOK_FAILED) snprintf(err, sizeof err, "%s", reply.text ? reply.text : "no reason given");
        else if (r == SPOOR_HOOK_REPLACE) snprintf(err, sizeof err, "it replied no event");
        else snprintf(err, sizeof err, "it returned %d, which is no decision", (int)r);
        spoor__log(c, SPOOR_LOG_ERROR, "before_send failed for event %s (%s); it is sent unchanged",
                   SPOOR_ITEM_ID(item), err);
        (*failed)++;
    }
    free(reply.text);
    return drop;
}

/* mode capture: keep the events, the oldest dropped past max_queue_size. */
static spoor_err_t capture(spoor_client_t *c, spoor_item_t *items, size_t n) {
    size_t evicted = 0, i = 0;
    pthread_mutex_lock(&c->lock);
    for (; i < n; i++) {
        if (spoor__queue_push(&c->captured, &items[i])) break;
        c->stats.accepted++;
        if ((int64_t)c->captured.count > c->conf.max_queue_size) {
            spoor_item_t old;
            spoor__queue_pop(&c->captured, &old);
            free(old.json);
            c->stats.dropped++, c->stats.dropped_queue_full++, evicted++;
        }
    }
    pthread_mutex_unlock(&c->lock);
    if (evicted)
        spoor__log(c, SPOOR_LOG_WARN, "capture: %zu events dropped, the oldest: more than max_queue_size (%lld) captured",
                   evicted, (long long)c->conf.max_queue_size);
    if (i < n) {
        for (size_t j = i; j < n; j++) free(items[j].json);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory capturing event %zu of %zu", i + 1, n);
    }
    return SPOOR_OK;
}

spoor_err_t spoor__intercept(spoor_client_t *c, spoor_item_t *items, size_t n) {
    spoor__mode_t mode = (spoor__mode_t)c->conf.mode;
    if (hook_running == c) {
        for (size_t i = 0; i < n; i++) free(items[i].json);
        return spoor__error(SPOOR_ERR_INVALID, "before_send: the hook cannot send through its own client (each "
                                               "event would run the hook again)");
    }
    if (c->conf.before_send_cb && mode != SPOOR__MODE_DISABLED) {
        uint64_t dropped = 0, failed = 0;
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            if (run_hook(c, &items[i], &dropped, &failed)) free(items[i].json);
            else items[kept++] = items[i];
        }
        n = kept;
        if (dropped || failed) {
            pthread_mutex_lock(&c->lock);
            c->stats.dropped_by_hook += dropped, c->stats.hook_failed += failed;
            pthread_mutex_unlock(&c->lock);
        }
    }
    switch (mode) {
    case SPOOR__MODE_CAPTURE: return capture(c, items, n);
    case SPOOR__MODE_DISABLED:
        for (size_t i = 0; i < n; i++) free(items[i].json);
        return SPOOR_OK;
    default: return n ? spoor__enqueue_intercepted(c, items, n) : SPOOR_OK;
    }
}

/* ---- what mode capture kept ---- */

static spoor_err_t check_capture(const spoor_client_t *c, const char *op) {
    if (!c) return spoor__error(SPOOR_ERR_INVALID, "%s: client is NULL", op);
    if (c->conf.mode != SPOOR__MODE_CAPTURE)
        return spoor__error(SPOOR_ERR_INVALID, "%s: the client does not capture (set mode to capture)", op);
    return SPOOR_OK;
}

spoor_err_t spoor_captured(spoor_client_t *c, char **out) {
    spoor_err_t rc = out ? check_capture(c, "captured") : spoor__error(SPOOR_ERR_INVALID, "captured: out is NULL");
    if (rc) return rc;
    *out = NULL;
    pthread_mutex_lock(&c->lock);
    size_t cap = 3;
    spoor_queue_iter_t it = spoor__queue_iter(&c->captured);
    for (const spoor_item_t *item; (item = spoor__queue_next(&it));) cap += item->len + 1;
    char *text = malloc(cap), *p = text;
    if (text) {
        *p++ = '[';
        it = spoor__queue_iter(&c->captured);
        for (const spoor_item_t *item; (item = spoor__queue_next(&it));) {
            if (p[-1] != '[') *p++ = ',';
            memcpy(p, item->json, item->len);
            p += item->len;
        }
        memcpy(p, "]", 2);
    }
    pthread_mutex_unlock(&c->lock);
    if (!text) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    *out = text;
    spoor__clear_error();
    return SPOOR_OK;
}

spoor_err_t spoor_captured_clear(spoor_client_t *c) {
    spoor_err_t rc = check_capture(c, "captured_clear");
    if (rc) return rc;
    pthread_mutex_lock(&c->lock);
    spoor__queue_clear(&c->captured);
    pthread_mutex_unlock(&c->lock);
    spoor__clear_error();
    return SPOOR_OK;
}
