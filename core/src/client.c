/* client.c: making a client from a configuration (the checks that need more than
 * one key, the spool, the worker when the spool holds events) and freeing it.
 * The client's other jobs have their own files: the operations (operations.c),
 * the schemas and schemas_from (schemas.c), the Get APIs (fetch.c),
 * queueing (enqueue.c), flush and close (flush.c), the counters (stats.c), the
 * request's URL and headers (transport.c) and the fork registry (process.c). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "internal.h"
#include "json.h"
#include "schemas.h"
#include "segment.h"
#include "timefmt.h"
#include "transport.h"

/* The checks of a configuration that need more than one key or the file system. */
static spoor_err_t prepare(spoor_client_t *c) {
    spoor_config_t *k = &c->conf;
    char err[512];
    if (!k->host && k->mode == SPOOR__MODE_SEND)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "host: is required (the server's base URL)");
    if (k->spool_dir && k->mode != SPOOR__MODE_SEND) /* a test mode must not take a real spool's events */
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot be set in mode %s (nothing is sent)",
                            k->mode == SPOOR__MODE_CAPTURE ? "capture" : "disabled");
    c->intercept = k->before_send_cb != NULL || k->mode != SPOOR__MODE_SEND;
    if (k->max_event_bytes > k->max_batch_bytes - 64)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "max_event_bytes: must be smaller than %s - 64 (%lld)",
                            spoor__key_name(k, "max_batch_bytes"), (long long)k->max_batch_bytes - 64);
    if (!!k->username != !!k->password)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: username and password go together", k->username ? "password" : "username");
    if (k->username && (k->access_token || k->token_cb))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "access_token: cannot be combined with username/password (both use Authorization)");
    if (k->protocol == SPOOR__PROTOCOL_SEGMENT) {
        if (k->api_key && (k->username || k->access_token || k->token_cb))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "api_key: with protocol=segment it is sent as Authorization: Basic, "
                                "so it cannot be combined with %s", k->username ? "username/password" : spoor__key_name(k, "access_token"));
        if (k->api_key && strchr(k->api_key, ':'))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID, "api_key: must not contain ':' with protocol=segment (Basic auth "
                                "puts it between the write key and the empty password)");
        /* Segment's limits: a bigger message or request is refused (400), never retried. */
        if (k->max_event_bytes > SPOOR_SEGMENT_MAX_MESSAGE_BYTES) k->max_event_bytes = SPOOR_SEGMENT_MAX_MESSAGE_BYTES;
        if (k->max_batch_bytes > SPOOR_SEGMENT_MAX_REQUEST_BYTES) k->max_batch_bytes = SPOOR_SEGMENT_MAX_REQUEST_BYTES;
    }
    if (k->debug) k->log_level = SPOOR_LOG_DEBUG;
    if (k->schemas_json &&
        !(c->schemas = spoor__json_parse(k->schemas_json, strlen(k->schemas_json), 0, SPOOR_JSON_MAX_DEPTH,
                                         "collection_schemas", err, sizeof err)))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s", err);
    c->fixed_time_ms = -1;
    if (k->test_fixed_time) spoor__iso8601_parse(k->test_fixed_time, &c->fixed_time_ms);

    if (k->ca_path) { /* refused now rather than failing every request later */
        int fd = open(k->ca_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        struct stat st;
        if (fd < 0) return spoor__error(SPOOR_ERR_CONFIG_INVALID, "ca_path: cannot read %s: %s", k->ca_path, strerror(errno));
        int file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
        close(fd);
        if (!file) return spoor__error(SPOOR_ERR_CONFIG_INVALID, "ca_path: %s is not a file (give a CA bundle, PEM)", k->ca_path);
    }
    return k->host ? spoor__request_setup(c) : SPOOR_OK; /* no host: a mode that sends nothing */
}

static void free_client(spoor_client_t *c) {
    spoor__schemas_free(c);
    spoor__spool_close(c->spool);
    spoor__queue_clear(&c->queue);
    spoor__queue_clear(&c->dropped);
    spoor__queue_clear(&c->captured);
    spoor__transport_free(c->transport);
    spoor__request_free(c);
    cJSON_Delete(c->schemas);
    spoor__config_clear(&c->conf);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->progress);
    free(c);
}

/* Whether every event the spool gave back is in the client's wire format: a spool
 * keeps the events' texts as they will be sent, and a batch is one format. Each
 * writer starts an event with its own first key (v1 "eventId", Segment's "type"). */
static spoor_err_t spool_format_matches(spoor_client_t *c) {
    static const char v1[] = "{\"eventId\":", segment[] = "{\"type\":";
    const char *want = SPOOR__SEGMENT(c) ? segment : v1;
    spoor_queue_iter_t it = spoor__queue_iter(&c->queue);
    for (const spoor_item_t *item; (item = spoor__queue_next(&it));) {
        if (strncmp(item->json, want, strlen(want)))
            return spoor__error(SPOOR_ERR_CONFIG_INVALID,
                                "spool_dir: %s holds events in %s format, and this client sends %s (%s=%s): deliver "
                                "them with a client of their protocol, or give this one another spool_dir",
                                c->conf.spool_dir, SPOOR__SEGMENT(c) ? "spoor's own" : "Segment's",
                                SPOOR__SEGMENT(c) ? "Segment's" : "spoor's own", spoor__key_name(&c->conf, "protocol"),
                                SPOOR__SEGMENT(c) ? "segment" : "spoor");
    }
    return SPOOR_OK;
}

/* Open spool_dir and queue what an earlier run left, to be sent at once. */
static spoor_err_t open_spool(spoor_client_t *c, spoor_spool_found_t *out) {
    spoor_spool_found_t found;
    spoor_err_t rc = spoor__spool_open(c->conf.spool_dir, (spoor_sync_t)c->conf.spool_sync, spoor__monotonic_ms(),
                                       &c->queue, &c->next_seq, &found, &c->spool);
    if (rc || (rc = spool_format_matches(c))) return rc;
    c->stats.replayed = found.replayed;
    c->stats.spool_corrupt = found.corrupt;
    *out = found;
    c->flush_target = c->next_seq - 1;
    spoor__enforce_queue_cap(c);
    return SPOOR_OK;
}

/* What the spool held, said once the client is ready. */
static void log_spool_found(spoor_client_t *c, const spoor_spool_found_t *found) {
    if (!c->spool) return;
    if (c->stats.replayed || c->stats.spool_corrupt)
        spoor__log(c, c->stats.spool_corrupt ? SPOOR_LOG_WARN : SPOOR_LOG_INFO,
                   "spool %s: %llu events from an earlier run queued again; %llu damaged records skipped",
                   spoor__spool_dir(c->spool), (unsigned long long)c->stats.replayed,
                   (unsigned long long)c->stats.spool_corrupt);
    for (size_t i = 0; i < found->n_bad; i++) spoor__log(c, SPOOR_LOG_WARN, "%s", found->bad[i]);
    if (found->cursor_reset)
        spoor__log(c, SPOOR_LOG_WARN, "spool %s: its cursor (%llu) is past every record; every record there is sent again",
                   spoor__spool_dir(c->spool), (unsigned long long)found->cursor_reset);
}

static spoor_err_t client_new(spoor_client_t **out, const spoor_config_t *conf) {
    spoor__process_init();
    spoor_client_t *c = calloc(1, sizeof *c);
    if (!c) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    spoor__init_lock(&c->lock);
    spoor__init_cond(&c->wake);
    spoor__init_cond(&c->progress);
    spoor_err_t rc = spoor__config_copy(&c->conf, conf);
    if (rc) {
        memset(&c->conf, 0, sizeof c->conf);
        free_client(c);
        return rc;
    }
    if ((rc = prepare(c)) != SPOOR_OK) {
        free_client(c);
        return rc;
    }
    c->next_seq = 1;
    c->pid = getpid();
    spoor_spool_found_t spool_found = {0};
    if (c->conf.spool_dir && (rc = open_spool(c, &spool_found)) != SPOOR_OK) {
        free_client(c);
        return rc;
    }
    spoor__client_new_id(c, c->anonymous_id);
    spoor__register(c);
    spoor__log(c, SPOOR_LOG_INFO, "client ready: %s (spoor %s, binding %s)", c->log_host ? c->log_host : "no host",
               SPOOR_VERSION_STRING, c->conf.binding ? c->conf.binding : "c");
    if (c->conf.host) spoor__request_warn(c);
    spoor__config_warn(c);
    log_spool_found(c, &spool_found);
    if ((rc = spoor__schemas_start(c)) != SPOOR_OK) {
        spoor_client_destroy(c);
        return rc;
    }
    if (c->queue.count && spoor__start_worker(c) != SPOOR_OK) {
        spoor_client_destroy(c);
        return spoor__error(SPOOR_ERR_SYSTEM, "cannot start the worker thread");
    }
    *out = c;
    return SPOOR_OK;
}

spoor_err_t spoor_client_new(spoor_client_t **out, const spoor_config_t *conf) {
    if (!out || !conf) return spoor__error(SPOOR_ERR_INVALID, "client_new: out and conf must not be NULL");
    *out = NULL;
    spoor_err_t rc = client_new(out, conf);
    if (rc) spoor__config_spell_error(conf);
    else spoor__clear_error();
    return rc;
}

void spoor_client_destroy(spoor_client_t *c) {
    if (!c) return;
    spoor_close(c, -1);
    spoor__unregister(c);
    free_client(c);
}

const char *spoor_anonymous_id(spoor_client_t *c) { return c ? c->anonymous_id : ""; }
