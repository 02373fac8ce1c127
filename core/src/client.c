/* client.c: the public operations, the queue's producer side, flush, close and
 * fork handling. Each operation turns its arguments into message objects,
 * builds every event first (all or nothing), then queues them under the lock. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "fastpath.h"
#include "feed.h"
#include "internal.h"
#include "json.h"
#include "timefmt.h"
#include "transport.h"
#include "url.h"
#include "validate.h"

#define BULK_MAX_BYTES (256u * 1024 * 1024)

/* ---- process-wide state: curl init and the registry pthread_atfork walks ---- */

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static spoor_client_t *registry;
/* Handles inherited from a parent process: never used (their sockets and TLS
 * state belong to the parent), never freed, kept reachable here. */
static spoor_transport_t *orphans[64];
static size_t n_orphans;

static void init_cond(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

static void before_fork(void) {
    pthread_mutex_lock(&registry_lock);
    for (spoor_client_t *c = registry; c; c = c->next_live) pthread_mutex_lock(&c->lock);
}

static void after_fork_parent(void) {
    for (spoor_client_t *c = registry; c; c = c->next_live) pthread_mutex_unlock(&c->lock);
    pthread_mutex_unlock(&registry_lock);
}

/* In the child: the worker thread did not survive the fork and the queue is the
 * parent's to deliver. Start afresh: empty queue, zero counters, new worker and
 * connection on the first event. (c->lock is held by this thread.) */
static void reset_in_child(spoor_client_t *c) {
    spoor__queue_clear(&c->queue);
    spoor__queue_clear(&c->dropped);
    /* The batch the parent's worker was sending: the parent delivers it; this
     * copy is the child's to free (its worker thread did not survive the fork). */
    spoor__items_free(c->inflight, c->inflight_count);
    c->inflight = NULL;
    c->inflight_count = 0;
    c->inflight_min_seq = 0;
    c->flush_target = 0;
    c->retry_pause_until = 0;
    c->worker_running = 0;
    if (c->spool) { /* the parent's to deliver; this child keeps its own events in memory */
        spoor__spool_forget(c->spool);
        c->spool = NULL;
        c->spool_forgotten = 1;
    }
    if (c->transport && n_orphans < sizeof orphans / sizeof *orphans) orphans[n_orphans++] = c->transport;
    c->transport = NULL;
    memset(&c->stats, 0, sizeof c->stats);
    c->pid = getpid();
    pthread_mutex_unlock(&c->lock);
    pthread_mutex_init(&c->lock, NULL);
    init_cond(&c->wake);
    init_cond(&c->progress);
}

unsigned long spoor__fork_generation;

static void after_fork_child(void) {
    spoor__fork_generation++;
    for (spoor_client_t *c = registry; c; c = c->next_live) reset_in_child(c);
    pthread_mutex_unlock(&registry_lock);
}

static void global_init(void) {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/* A fork that bypassed pthread_atfork (a raw clone, _Fork): detected by the pid
 * in flush, close and stats. Not per event: getpid() is a system call (about
 * 0.3 µs on a VM with mitigations, 15% of a Node track()), and fork() itself,
 * the way every runtime forks, runs the pthread_atfork handlers. */
static void check_pid(spoor_client_t *c) {
    if (c->pid == getpid()) return;
    pthread_mutex_init(&c->lock, NULL);
    pthread_mutex_lock(&c->lock);
    reset_in_child(c);
}

/* ---- creation and destruction ---- */

static spoor_err_t prepare(spoor_client_t *c) {
    spoor_config_t *k = &c->conf;
    char err[512];
    if (!k->host) return spoor__error(SPOOR_ERR_CONFIG_INVALID, "host: is required (the server's base URL)");
    if (k->max_event_bytes > k->max_batch_bytes - 64)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "max_event_bytes: must be smaller than max_batch_bytes - 64 (%lld)",
                            (long long)k->max_batch_bytes - 64);
    if (!!k->username != !!k->password)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "%s: username and password go together", k->username ? "password" : "username");
    if (k->username && (k->access_token || k->token_cb))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "access_token: cannot be combined with username/password (both use Authorization)");
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

    c->url = spoor__url_batch(k->host);
    c->log_host = spoor__url_redact(k->host, 0);
    if (!c->url || !c->log_host) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    if (!(c->log_url = spoor__url_redact(c->url, 0))) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");

    c->headers = curl_slist_append(NULL, "Content-Type: application/json");
    c->headers = curl_slist_append(c->headers, "Expect:"); /* no 100-continue round trip */
    if (k->headers_json) {
        cJSON *h = cJSON_Parse(k->headers_json), *v;
        cJSON_ArrayForEach(v, h) { /* the whole value: its length was checked when it was set */
            size_t len = strlen(v->string) + strlen(v->valuestring) + 3;
            char *line = malloc(len);
            struct curl_slist *next = line ? (snprintf(line, len, "%s: %s", v->string, v->valuestring),
                                              curl_slist_append(c->headers, line)) : NULL;
            spoor__wipe_free(line);
            if (!next) {
                cJSON_Delete(h);
                return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
            }
            c->headers = next;
        }
        cJSON_Delete(h);
    }
    return SPOOR_OK;
}

/* Settings that expose what is sent, said once when the client is made. */
static void warn_insecure(spoor_client_t *c) {
    const spoor_config_t *k = &c->conf;
    if (!k->tls_verify)
        spoor__log(c, SPOOR_LOG_WARN, "tls_verify is false: the server's certificate is not checked, so anyone on the way "
                                      "can pose as the server and read what is sent");
    char host[256], what[128] = "";
    if (!spoor__url_plain_remote(k->host, host, sizeof host)) return;
    const char *names[] = {k->api_key ? "api_key" : NULL, k->access_token || k->token_cb ? "access_token" : NULL,
                           k->username ? "username" : NULL, spoor__url_has_userinfo(k->host) ? "the host's user:password" : NULL,
                           k->secret ? "secret" : NULL};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i]) snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", *what ? ", " : "", names[i]);
    if (*what)
        spoor__log(c, SPOOR_LOG_WARN, "host: requests with %s go over plain http:// to %s, which is not this machine: "
                                      "anyone on the way can read (or replay) them; use https://", what, host);
}

static void free_client(spoor_client_t *c) {
    spoor__spool_close(c->spool);
    spoor__queue_clear(&c->queue);
    spoor__queue_clear(&c->dropped);
    spoor__transport_free(c->transport);
    spoor__wipe_slist(c->headers);
    cJSON_Delete(c->schemas);
    free(c->url);
    free(c->log_host);
    free(c->log_url);
    spoor__config_clear(&c->conf);
    pthread_mutex_destroy(&c->lock);
    pthread_cond_destroy(&c->wake);
    pthread_cond_destroy(&c->progress);
    free(c);
}

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
static spoor_err_t start_worker(spoor_client_t *c) {
    if (c->worker_running) return SPOOR_OK;
    if (pthread_create(&c->worker, NULL, spoor__worker_main, c)) return spoor__error(SPOOR_ERR_SYSTEM, "cannot start the worker thread");
    c->worker_running = 1;
    return SPOOR_OK;
}

/* Open spool_dir and queue what an earlier run left, to be sent at once. */
static spoor_err_t open_spool(spoor_client_t *c, spoor_spool_found_t *out) {
    spoor_spool_found_t found;
    spoor_err_t rc = spoor__spool_open(c->conf.spool_dir, (spoor_sync_t)c->conf.spool_sync, spoor__monotonic_ms(),
                                       &c->queue, &c->next_seq, &found, &c->spool);
    if (rc) return rc;
    c->stats.replayed = found.replayed;
    c->stats.spool_corrupt = found.corrupt;
    *out = found;
    c->flush_target = c->next_seq - 1;
    spoor__enforce_queue_cap(c);
    return SPOOR_OK;
}

spoor_err_t spoor_client_new(spoor_client_t **out, const spoor_config_t *conf) {
    if (!out || !conf) return spoor__error(SPOOR_ERR_INVALID, "client_new: out and conf must not be NULL");
    *out = NULL;
    pthread_once(&global_once, global_init);
    spoor_client_t *c = calloc(1, sizeof *c);
    if (!c) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    pthread_mutex_init(&c->lock, NULL);
    init_cond(&c->wake);
    init_cond(&c->progress);
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
    pthread_mutex_lock(&registry_lock);
    c->next_live = registry;
    registry = c;
    pthread_mutex_unlock(&registry_lock);
    spoor__log(c, SPOOR_LOG_INFO, "client ready: %s (spoor %s, binding %s)", c->log_host, SPOOR_VERSION_STRING,
               c->conf.binding ? c->conf.binding : "c");
    warn_insecure(c);
    spoor__config_warn(c);
    if (c->spool && (c->stats.replayed || c->stats.spool_corrupt))
        spoor__log(c, c->stats.spool_corrupt ? SPOOR_LOG_WARN : SPOOR_LOG_INFO,
                   "spool %s: %llu events from an earlier run queued again; %llu damaged records skipped",
                   spoor__spool_dir(c->spool), (unsigned long long)c->stats.replayed,
                   (unsigned long long)c->stats.spool_corrupt);
    for (size_t i = 0; c->spool && i < spool_found.n_bad; i++) spoor__log(c, SPOOR_LOG_WARN, "%s", spool_found.bad[i]);
    if (c->spool && spool_found.cursor_reset)
        spoor__log(c, SPOOR_LOG_WARN, "spool %s: its cursor (%llu) is past every record; every record there is sent again",
                   spoor__spool_dir(c->spool), (unsigned long long)spool_found.cursor_reset);
    if (c->queue.count && start_worker(c) != SPOOR_OK) {
        spoor_client_destroy(c);
        return spoor__error(SPOOR_ERR_SYSTEM, "cannot start the worker thread");
    }
    spoor__clear_error();
    *out = c;
    return SPOOR_OK;
}

void spoor_client_destroy(spoor_client_t *c) {
    if (!c) return;
    spoor_close(c, -1);
    pthread_mutex_lock(&registry_lock);
    for (spoor_client_t **p = &registry; *p; p = &(*p)->next_live) {
        if (*p == c) {
            *p = c->next_live;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
    free_client(c);
}

/* ---- the producer side ---- */

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
    rc = start_worker(c);
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

/* Parse one JSON argument; NULL text gives an empty object when optional. */
static spoor_err_t parse_arg(const char *text, const char *field, int want_array, int optional,
                             size_t max_bytes, cJSON **out) {
    char err[512];
    *out = NULL;
    if (!text) {
        if (!optional) return spoor__error(SPOOR_ERR_INVALID, "%s: is required", field);
        *out = cJSON_CreateObject();
        return *out ? SPOOR_OK : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    size_t len = strlen(text);
    if (len > max_bytes)
        return spoor__error(SPOOR_ERR_TOO_LARGE, "%s: %zu bytes of JSON is over the limit of %zu", field, len, max_bytes);
    cJSON *v = spoor__json_parse(text, len, 0, SPOOR_JSON_MAX_DEPTH, field, err, sizeof err);
    if (!v) return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    if (want_array ? !cJSON_IsArray(v) : !cJSON_IsObject(v)) {
        cJSON_Delete(v);
        return spoor__error(SPOOR_ERR_INVALID, "%s: must be a JSON %s", field, want_array ? "array" : "object");
    }
    *out = v;
    return SPOOR_OK;
}

static size_t event_arg_limit(const spoor_client_t *c) { return (size_t)c->conf.max_event_bytes * 4 + 4096; }

/* The name in the debug line "Event queued: purchase" (read before the build
 * takes the message apart). */
static void queued_label(const char *type, const cJSON *msg, char *label, size_t size) {
    const char *key = !strcmp(type, "track") ? "event" : !strcmp(type, "record") ? "collection"
                                                          : !strcmp(type, "page") ? "name" : NULL;
    const cJSON *name = key ? cJSON_GetObjectItemCaseSensitive(msg, key) : NULL;
    snprintf(label, size, "%s", cJSON_IsString(name) ? name->valuestring : type);
}

/* Queue one built event (rc: how the build went). */
static spoor_err_t enqueue_built(spoor_client_t *c, spoor_err_t rc, spoor_item_t *item) {
    if (rc == SPOOR_OK) rc = spoor__enqueue_items(c, item, 1);
    if (rc == SPOOR_OK) spoor__clear_error();
    return rc;
}

/* The text of a message before it is built: UTF-8, each key once (validate.h).
 * path names msg in the message: "" for a call's own, "batch[3]" in a batch. */
static spoor_err_t check_text(const char *op, const char *type, const cJSON *msg, const char *path) {
    char err[512];
    int bad;
    if (!*path && !strcmp(type, "record")) /* record_event(collection, event): its fields are named "event" */
        bad = spoor__check_text(cJSON_GetObjectItemCaseSensitive(msg, "collection"), "collection", op, err, sizeof err) ||
              spoor__check_text(cJSON_GetObjectItemCaseSensitive(msg, "properties"), "event", op, err, sizeof err);
    else
        bad = spoor__check_text(msg, path, op, err, sizeof err);
    return bad ? spoor__error(SPOOR_ERR_INVALID, "%s", err) : SPOOR_OK;
}

/* Build and queue one message; takes msg. */
static spoor_err_t enqueue_one(spoor_client_t *c, const char *op, const char *type, cJSON *msg) {
    spoor_err_t rc = check_text(op, type, msg, "");
    if (rc) {
        cJSON_Delete(msg);
        return rc;
    }
    char label[128] = "";
    int debug = c->conf.log_level >= SPOOR_LOG_DEBUG;
    if (debug) queued_label(type, msg, label, sizeof label);
    spoor_item_t item;
    rc = spoor__build_event(c, op, type, msg, "", &item);
    cJSON_Delete(msg);
    if ((rc = enqueue_built(c, rc, &item)) == SPOOR_OK && debug)
        spoor__log(c, SPOOR_LOG_DEBUG, "Event queued: %s", label);
    return rc;
}

/* The one-pass build (fastpath.h) is tried first, except at debug level, whose
 * "Event queued" line the general path writes. */
static int fast_path_on(const spoor_client_t *c) { return c->conf.log_level < SPOOR_LOG_DEBUG; }

static cJSON *message(void) { return cJSON_CreateObject(); }

static void add_string(cJSON *msg, const char *key, const char *value) {
    if (value) cJSON_AddStringToObject(msg, key, value);
}

typedef int (*fast_build_fn)(spoor_client_t *c, const char *json, size_t len, spoor_item_t *out);

/* The operations whose one argument is the whole message object; fast, when
 * there is one, is tried first (fastpath.h). */
static spoor_err_t object_op(spoor_client_t *c, const char *op, const char *type, const char *json,
                             fast_build_fn fast) {
    spoor_err_t rc = spoor__check_open(c, op);
    cJSON *msg;
    if (rc) return rc;
    size_t len = json ? strlen(json) : 0;
    if (fast && json && fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int built = fast(c, json, len, &item);
        if (built != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)built, &item);
    }
    if ((rc = parse_arg(json, op, 0, 0, event_arg_limit(c), &msg))) return rc;
    return enqueue_one(c, op, type, msg);
}

spoor_err_t spoor_record_event(spoor_client_t *c, const char *collection, const char *event_json) {
    spoor_err_t rc = spoor__check_open(c, "record_event");
    cJSON *fields;
    if (rc) return rc;
    if (!collection || !*collection) return spoor__error(SPOOR_ERR_INVALID, "collection: must be a non-empty string");
    size_t len = event_json ? strlen(event_json) : 0;
    if (event_json && fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int fast = spoor__fast_record(c, collection, event_json, len, &item);
        if (fast != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)fast, &item);
    }
    if ((rc = parse_arg(event_json, "event", 0, 0, event_arg_limit(c), &fields))) return rc;
    cJSON *msg = message();
    add_string(msg, "collection", collection);
    cJSON_AddItemToObject(msg, "properties", fields);
    return enqueue_one(c, "record_event", "record", msg);
}

spoor_err_t spoor_profile(spoor_client_t *c, const char *attributes_json) {
    return object_op(c, "profile", "profile", attributes_json, spoor__fast_profile);
}

spoor_err_t spoor_track_consents(spoor_client_t *c, const char *consents_json, const char *subject_json) {
    spoor_err_t rc = spoor__check_open(c, "track_consents");
    cJSON *consents, *msg;
    if (rc || (rc = parse_arg(consents_json, "consents", 1, 0, event_arg_limit(c), &consents))) return rc;
    if ((rc = parse_arg(subject_json, "subject", 0, 1, event_arg_limit(c), &msg))) {
        cJSON_Delete(consents);
        return rc;
    }
    cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(msg, "consents"));
    cJSON_AddItemToObject(msg, "consents", consents);
    return enqueue_one(c, "track_consents", "consent", msg);
}

spoor_err_t spoor_track(spoor_client_t *c, const char *options_json) {
    return object_op(c, "track", "track", options_json, spoor__fast_track);
}

static spoor_err_t with_traits(spoor_client_t *c, const char *op, const char *type, const char *user_id,
                               const char *group_id, const char *name, const char *json, const char *json_key) {
    spoor_err_t rc = spoor__check_open(c, op);
    cJSON *obj;
    if (rc) return rc;
    if (!user_id || !*user_id) return spoor__error(SPOOR_ERR_INVALID, "userId: must be a non-empty string");
    if (!strcmp(type, "group") && (!group_id || !*group_id))
        return spoor__error(SPOOR_ERR_INVALID, "groupId: must be a non-empty string");
    size_t len = json ? strlen(json) : 0;
    if (fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int fast = spoor__fast_traits(c, type, user_id, group_id, name, json, len, &item);
        if (fast != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)fast, &item);
    }
    if ((rc = parse_arg(json, json_key, 0, 1, event_arg_limit(c), &obj))) return rc;
    cJSON *msg = message();
    add_string(msg, "userId", user_id);
    add_string(msg, "groupId", group_id);
    add_string(msg, "name", name);
    cJSON_AddItemToObject(msg, json_key, obj);
    return enqueue_one(c, op, type, msg);
}

spoor_err_t spoor_identify(spoor_client_t *c, const char *user_id, const char *traits_json) {
    return with_traits(c, "identify", "identify", user_id, NULL, NULL, traits_json, "traits");
}

spoor_err_t spoor_group(spoor_client_t *c, const char *user_id, const char *group_id, const char *traits_json) {
    return with_traits(c, "group", "group", user_id, group_id, NULL, traits_json, "traits");
}

spoor_err_t spoor_page(spoor_client_t *c, const char *user_id, const char *name, const char *properties_json) {
    return with_traits(c, "page", "page", user_id, NULL, name, properties_json, "properties");
}

spoor_err_t spoor_product(spoor_client_t *c, const char *product_json) {
    return object_op(c, "product", "product", product_json, NULL);
}

/* Build every message of list (each a {"type": ...} object unless type is given)
 * and queue them all, or none. Takes list. */
static spoor_err_t enqueue_all(spoor_client_t *c, const char *op, const char *fixed_type, cJSON *list,
                               const char *what, size_t *out_count) {
    size_t n = (size_t)cJSON_GetArraySize(list), built = 0;
    spoor_item_t *items = calloc(n ? n : 1, sizeof *items);
    spoor_err_t rc = items ? SPOOR_OK : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    cJSON *msg;
    cJSON_ArrayForEach(msg, list) {
        if (rc) break;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[%zu].", what, built);
        if (!fixed_type) { /* a feed's text was checked whole when it was read (feed.c) */
            prefix[strlen(prefix) - 1] = '\0';
            rc = check_text(op, "", msg, prefix);
            strcat(prefix, ".");
            if (rc) break;
        }
        char type[16] = "";
        if (fixed_type) {
            snprintf(type, sizeof type, "%s", fixed_type);
        } else {
            cJSON *t = cJSON_IsObject(msg) ? cJSON_DetachItemFromObjectCaseSensitive(msg, "type") : NULL;
            if (!cJSON_IsString(t) || strlen(t->valuestring) >= sizeof type)
                rc = spoor__error(SPOOR_ERR_INVALID, "%stype: must be one of track, identify, group, page, record, profile, consent, product", prefix);
            else
                snprintf(type, sizeof type, "%s", t->valuestring);
            cJSON_Delete(t);
            if (rc) break;
        }
        rc = spoor__build_event(c, op, type, msg, prefix, &items[built]);
        if (rc == SPOOR_OK) built++;
    }
    cJSON_Delete(list);
    if (rc == SPOOR_OK) rc = spoor__enqueue_items(c, items, built);
    else
        for (size_t i = 0; i < built; i++) free(items[i].json);
    free(items);
    if (rc == SPOOR_OK) {
        if (out_count) *out_count = built;
        spoor__log(c, SPOOR_LOG_DEBUG, "%zu events queued (%s)", built, op);
        spoor__clear_error();
    }
    return rc;
}

spoor_err_t spoor_enqueue(spoor_client_t *c, const char *message_json) {
    spoor_err_t rc = spoor__check_open(c, "enqueue");
    cJSON *msg;
    if (rc || (rc = parse_arg(message_json, "message", 0, 0, event_arg_limit(c), &msg))) return rc;
    cJSON *list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, msg);
    return enqueue_all(c, "enqueue", NULL, list, "message", NULL);
}

spoor_err_t spoor_batch(spoor_client_t *c, const char *messages_json) {
    spoor_err_t rc = spoor__check_open(c, "batch");
    cJSON *list;
    if (rc || (rc = parse_arg(messages_json, "batch", 1, 0, BULK_MAX_BYTES, &list))) return rc;
    return enqueue_all(c, "batch", NULL, list, "batch", NULL);
}

spoor_err_t spoor_ingest_feed(spoor_client_t *c, const char *text_or_path, size_t *out_count) {
    spoor_err_t rc = spoor__check_open(c, "ingest_feed");
    if (rc) return rc;
    if (out_count) *out_count = 0;
    if (!text_or_path || !*text_or_path) return spoor__error(SPOOR_ERR_INVALID, "feed: must be a feed's text or a file path");
    const char *p = text_or_path;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    char err[512] = "";
    char *file = NULL;
    size_t len = strlen(text_or_path);
    if (*p != '{' && *p != '<' && *p != '[') {
        if (!(file = spoor__read_file(text_or_path, BULK_MAX_BYTES, &len, err, sizeof err)))
            return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    }
    cJSON *products = spoor__feed_parse(file ? file : text_or_path, len, err, sizeof err);
    free(file);
    if (!products) return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    return enqueue_all(c, "ingest_feed", "product", products, "products", out_count);
}

/* ---- flush, close, accessors ---- */

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
    check_pid(c);
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
    check_pid(c);
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

const char *spoor_anonymous_id(spoor_client_t *c) { return c ? c->anonymous_id : ""; }

spoor_err_t spoor_client_stats(spoor_client_t *c, spoor_stats_t *out) {
    if (!c || !out) return spoor__error(SPOOR_ERR_INVALID, "stats: client and out must not be NULL");
    check_pid(c);
    pthread_mutex_lock(&c->lock);
    *out = c->stats;
    out->queued = c->queue.count + c->inflight_count + c->dropped.count;
    pthread_mutex_unlock(&c->lock);
    return SPOOR_OK;
}

spoor_err_t spoor_client_stats_json(spoor_client_t *c, char *buf, size_t size) {
    spoor_stats_t s;
    spoor_err_t rc = spoor_client_stats(c, &s);
    if (rc) return rc;
    int n = snprintf(buf, size,
                     "{\"accepted\":%llu,\"queued\":%llu,\"delivered\":%llu,\"failed\":%llu,\"rejected\":%llu,"
                     "\"dropped\":%llu,\"dropped_queue_full\":%llu,\"retried\":%llu,\"batches\":%llu,"
                     "\"requests\":%llu,\"bytes_sent\":%llu,\"replayed\":%llu,\"spool_corrupt\":%llu}",
                     (unsigned long long)s.accepted, (unsigned long long)s.queued, (unsigned long long)s.delivered,
                     (unsigned long long)s.failed, (unsigned long long)s.rejected, (unsigned long long)s.dropped,
                     (unsigned long long)s.dropped_queue_full, (unsigned long long)s.retried,
                     (unsigned long long)s.batches, (unsigned long long)s.requests, (unsigned long long)s.bytes_sent,
                     (unsigned long long)s.replayed, (unsigned long long)s.spool_corrupt);
    if (n < 0 || (size_t)n >= size) return spoor__error(SPOOR_ERR_INVALID, "stats_json: buffer of %zu bytes is too small", size);
    return SPOOR_OK;
}
