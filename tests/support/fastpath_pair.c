/* fastpath_pair.c: see fastpath_pair.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath_pair.h"
#include "internal.h"
#include "utf8.h"

static void quiet(spoor_log_level_t level, const char *message, void *opaque) {
    (void)level, (void)message, (void)opaque;
}

static spoor_client_t *pair_client(const char *log_level, const char *max_event_bytes, const char *protocol) {
    spoor_config_t *conf = spoor_config_new();
    spoor_client_t *c = NULL;
    /* Nothing is sent: port 9 is never reached, as no batch fills and the interval is long. */
    const char *kv[][2] = {{"host", "http://127.0.0.1:9"}, {"flush_at", "100000"}, {"flush_interval", "86400s"},
                           {"max_queue_size", "1000000"}, {"test_fixed_time", "2026-11-23T10:00:00.25Z"},
                           {"test_id_seed", "11"}, {"log_level", log_level}, {"binding", "c\"test"},
                           {"protocol", protocol}};
    int bad = 0;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++) bad |= spoor_config_set(conf, kv[i][0], kv[i][1]) != SPOOR_OK;
    if (max_event_bytes && *max_event_bytes) bad |= spoor_config_set(conf, "max_event_bytes", max_event_bytes) != SPOOR_OK;
    spoor_config_set_log_cb(conf, quiet, NULL);
    if (bad || spoor_client_new(&c, conf)) c = NULL;
    spoor_config_destroy(conf);
    return c;
}

int fastpath_pair_open(fastpath_pair_t *p, const char *max_event_bytes, const char *protocol) {
    p->fast = pair_client("info", max_event_bytes, protocol);
    p->general = pair_client("debug", max_event_bytes, protocol);
    if (p->fast && p->general) return 0;
    fastpath_pair_close(p);
    return -1;
}

void fastpath_pair_close(fastpath_pair_t *p) {
    if (p->fast) spoor_client_destroy(p->fast);
    if (p->general) spoor_client_destroy(p->general);
    p->fast = p->general = NULL;
}

static spoor_err_t call(spoor_client_t *c, fastpath_op_t op, const char *a, const char *b, const char *json) {
    switch (op) {
    case FP_TRACK: return spoor_track(c, json);
    case FP_IDENTIFY: return spoor_identify(c, a, json);
    case FP_GROUP: return spoor_group(c, a, b, json);
    case FP_PAGE: return spoor_page(c, a, b, json);
    case FP_RECORD: return spoor_record_event(c, a, json);
    case FP_SCREEN: return spoor_screen(c, a, b, json);
    default: return spoor_profile(c, json);
    }
}

/* The event the call queued: its text and id, malloc'd; NULL when none. */
static char *take_queued(spoor_client_t *c, size_t *len) {
    spoor_item_t item;
    pthread_mutex_lock(&c->lock);
    int got = spoor__queue_pop(&c->queue, &item) == 0;
    pthread_mutex_unlock(&c->lock);
    if (!got) return NULL;
    size_t id_len = strlen(SPOOR_ITEM_ID(&item));
    *len = item.len + 1 + id_len + 1;
    return item.json; /* the text, a NUL, the id, a NUL */
}

int fastpath_pair_call(fastpath_pair_t *p, fastpath_op_t op, const char *a, const char *b, const char *json,
                       spoor_err_t *rc, char *why, size_t size) {
    char fast_err[600], general_err[600];
    spoor_err_t fast_rc = call(p->fast, op, a, b, json);
    snprintf(fast_err, sizeof fast_err, "%s", fast_rc ? spoor_last_error() : "");
    spoor_err_t general_rc = call(p->general, op, a, b, json);
    snprintf(general_err, sizeof general_err, "%s", general_rc ? spoor_last_error() : "");
    size_t fast_len = 0, general_len = 0;
    char *fast_ev = take_queued(p->fast, &fast_len), *general_ev = take_queued(p->general, &general_len);
    /* An accepted call must have queued its event (else the comparison proves nothing). */
    int same = (fast_rc != SPOOR_OK || fast_ev) && fast_rc == general_rc && !strcmp(fast_err, general_err) && !fast_ev == !general_ev &&
               fast_len == general_len && (!fast_ev || !memcmp(fast_ev, general_ev, fast_len));
    /* And what was queued may go on the wire: well-formed UTF-8, id included. */
    if (same && fast_ev && spoor__utf8_invalid_at(fast_ev, fast_len) != fast_len) {
        snprintf(why, size, "both queued invalid UTF-8: %s", fast_ev);
        same = 0;
    } else if (!same)
        snprintf(why, size, "fast path: %d \"%s\" %s\ngeneral:   %d \"%s\" %s", fast_rc, fast_err,
                 fast_ev ? fast_ev : "(nothing queued)", general_rc, general_err,
                 general_ev ? general_ev : "(nothing queued)");
    free(fast_ev);
    free(general_ev);
    *rc = fast_rc;
    return same ? 0 : -1;
}
