/* schemas.c: the collection schemas recordEvent is checked against, and
 * schemas_from, which reads them from the server's schema registry (GET
 * {host}/v1/sources/{id}/collections) when the client is created and every
 * schemas_refresh after, on a thread of its own, so that no call ever waits on it.
 *
 * The fetched set in use is swapped under a small lock of its own (not the
 * client's, which the queue needs) and counted by reference: a call holds the set
 * it checks against until its event is built, and the last holder frees a set
 * that was replaced. A failed fetch keeps the set the client had, is logged, and
 * is counted (stats.schema_fetch_failures). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "schemas.h"
#include "transport.h"
#include "url.h"
#include "validate.h"

struct spoor_schema_set_s {
    cJSON *tree;   /* {collection: {field: type}}, checked by spoor__validate_schemas */
    unsigned refs; /* the client's, while it is the one in use, and one per call holding it */
};

struct spoor_schemas_s {
    pthread_mutex_t lock;         /* guards everything below */
    pthread_cond_t wake;          /* the thread: stop asked; creation: a fetch ended */
    spoor_schema_set_t *current;  /* the last set fetched, or NULL: none yet (collection_schemas serves) */
    char *path;                   /* "/v1/sources/{id}/collections", the id encoded */
    spoor_transport_t *transport; /* the thread's own, kept alive between fetches */
    pthread_t thread;
    int running;                  /* the thread was started and not yet stopped */
    int stop;                     /* read by the transfer without the lock: atomic */
    int restart;                  /* a forked child: start the thread again on the next hold */
    uint64_t attempts;            /* fetches ended, however they ended */
};

/* What a 404 from the registry most likely means. */
#define SOURCE_NOT_FOUND " (check schemas_from: the source id, and that the server serves a schema registry)"

/* ---- holding a set ---- */

static void set_release(spoor_schema_set_t *s) {
    if (s && __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) {
        cJSON_Delete(s->tree);
        free(s);
    }
}

static spoor_err_t start_thread(spoor_client_t *c); /* f->lock held */

const cJSON *spoor__schemas_hold(spoor_client_t *c, spoor_schema_set_t **held) {
    *held = NULL;
    spoor_schemas_t *f = c->fetched;
    if (!f) return c->schemas; /* collection_schemas, fixed for the client's life */
    pthread_mutex_lock(&f->lock);
    if (f->restart && !__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) {
        f->restart = 0;
        start_thread(c);
    }
    spoor_schema_set_t *s = f->current;
    if (s) __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED); /* under the lock: no swap frees it first */
    pthread_mutex_unlock(&f->lock);
    *held = s;
    return s ? s->tree : c->schemas;
}

void spoor__schemas_release(spoor_schema_set_t *held) { set_release(held); }

/* ---- fetching ---- */

static void count(spoor_client_t *c, uint64_t *field) {
    pthread_mutex_lock(&c->lock);
    (*field)++;
    pthread_mutex_unlock(&c->lock);
}

/* What recordEvent is checked against while a fetch fails (f->lock not held; the
 * current set is read only by this thread's writes, and this thread is the writer). */
static const char *meanwhile(const spoor_client_t *c, const spoor_schemas_t *f) {
    if (f->current) return "recordEvent is checked against the collections fetched before";
    if (c->schemas) return "recordEvent is checked against collection_schemas until a fetch succeeds";
    return "recordEvent is not checked against any schema until a fetch succeeds";
}

/* One fetch: on success the set in use is replaced; on failure it is kept. */
static void fetch_once(spoor_client_t *c, spoor_schemas_t *f) {
    char op[256], err[512]; /* "schemas_from shop", as messages name it */
    snprintf(op, sizeof op, "%s %s", spoor__key_name(&c->conf, "schemas_from"), c->conf.schemas_from);
    cJSON *answer = NULL, *collections = NULL;
    spoor_err_t rc = spoor__fetch_json(c, f->transport, &f->stop, op, f->path, SOURCE_NOT_FOUND, &answer, NULL);
    if (rc == SPOOR_OK) {
        collections = cJSON_DetachItemFromObjectCaseSensitive(answer, "collections");
        if (!cJSON_IsObject(collections))
            rc = spoor__error(SPOOR_ERR_HTTP, "%s: the answer has no \"collections\" object", op);
        else if (spoor__validate_schemas(collections, err, sizeof err))
            rc = spoor__error(SPOOR_ERR_HTTP, "%s: the answer's collections break a rule: %s", op, err);
    }
    cJSON_Delete(answer);
    spoor_schema_set_t *fresh = rc ? NULL : calloc(1, sizeof *fresh);
    if (!rc && !fresh) rc = spoor__error(SPOOR_ERR_NOMEM, "%s: out of memory", op);
    if (rc) {
        cJSON_Delete(collections);
        if (__atomic_load_n(&f->stop, __ATOMIC_ACQUIRE)) return; /* cut short by close: not a failure */
        count(c, &c->stats.schema_fetch_failures);
        spoor__log(c, SPOOR_LOG_WARN, "%s; %s", spoor_last_error(), meanwhile(c, f));
        return;
    }
    fresh->tree = collections;
    fresh->refs = 1; /* the client's */
    int changed = !f->current || !cJSON_Compare(f->current->tree, collections, 1);
    pthread_mutex_lock(&f->lock);
    spoor_schema_set_t *old = f->current;
    f->current = fresh;
    pthread_mutex_unlock(&f->lock);
    set_release(old); /* freed here, or by the last call still holding it */
    count(c, &c->stats.schema_fetches);
    spoor__log(c, changed ? SPOOR_LOG_INFO : SPOOR_LOG_DEBUG, "%s: %d collections%s", op,
               cJSON_GetArraySize(collections), changed ? " (new)" : ", unchanged");
}

static void *refresh_main(void *arg) {
    spoor_client_t *c = arg;
    spoor_schemas_t *f = c->fetched;
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL); /* signals belong to the application's threads */
    pthread_mutex_lock(&f->lock);
    while (!f->stop) {
        if (!f->transport) f->transport = spoor__transport_new(); /* under the lock: stop() wakes it */
        spoor_transport_t *t = f->transport;
        pthread_mutex_unlock(&f->lock);
        if (t) fetch_once(c, f);
        else count(c, &c->stats.schema_fetch_failures), spoor__log(c, SPOOR_LOG_WARN, "schemas_from: cannot create a curl handle");
        pthread_mutex_lock(&f->lock);
        f->attempts++;
        pthread_cond_broadcast(&f->wake);
        int64_t next = c->conf.schemas_refresh_ms ? spoor__monotonic_ms() + c->conf.schemas_refresh_ms : INT64_MAX;
        while (!f->stop && spoor__monotonic_ms() < next) {
            if (next == INT64_MAX) {
                pthread_cond_wait(&f->wake, &f->lock);
                continue;
            }
            struct timespec ts = {.tv_sec = next / 1000, .tv_nsec = (next % 1000) * 1000000};
            pthread_cond_timedwait(&f->wake, &f->lock, &ts);
        }
    }
    pthread_mutex_unlock(&f->lock);
    return NULL;
}

static spoor_err_t start_thread(spoor_client_t *c) {
    spoor_schemas_t *f = c->fetched;
    if (pthread_create(&f->thread, NULL, refresh_main, c))
        return spoor__error(SPOOR_ERR_SYSTEM, "%s: cannot start the thread that fetches the schemas",
                            spoor__key_name(&c->conf, "schemas_from"));
    f->running = 1;
    return SPOOR_OK;
}

/* ---- the client's life ---- */

spoor_err_t spoor__schemas_start(spoor_client_t *c) {
    if (!c->conf.schemas_from) return SPOOR_OK;
    spoor_schemas_t *f = calloc(1, sizeof *f);
    char *id = f ? spoor__url_segment(c->conf.schemas_from) : NULL;
    size_t size = id ? strlen(id) + sizeof "/v1/sources//collections" : 0;
    if (id && (f->path = malloc(size))) snprintf(f->path, size, "/v1/sources/%s/collections", id);
    free(id);
    if (!f || !f->path) {
        if (f) free(f->path);
        free(f);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    pthread_mutex_init(&f->lock, NULL);
    spoor__init_cond(&f->wake);
    c->fetched = f;
    pthread_mutex_lock(&f->lock);
    spoor_err_t rc = start_thread(c);
    /* The first fetch is waited for, up to schemas_wait: the calls that follow
     * creation are checked against the server's schemas, not left unchecked. */
    int64_t deadline = spoor__monotonic_ms() + c->conf.schemas_wait_ms;
    while (!rc && !f->attempts && spoor__monotonic_ms() < deadline) {
        struct timespec ts = {.tv_sec = deadline / 1000, .tv_nsec = (deadline % 1000) * 1000000};
        pthread_cond_timedwait(&f->wake, &f->lock, &ts);
    }
    int waited_out = !rc && !f->attempts && c->conf.schemas_wait_ms > 0;
    pthread_mutex_unlock(&f->lock);
    if (waited_out)
        spoor__log(c, SPOOR_LOG_WARN, "%s %s: no answer within %s (%lld ms); the fetch goes on in the background, and %s",
                   spoor__key_name(&c->conf, "schemas_from"), c->conf.schemas_from,
                   spoor__key_name(&c->conf, "schemas_wait"), (long long)c->conf.schemas_wait_ms,
                   c->schemas ? "recordEvent is checked against collection_schemas until it succeeds"
                              : "recordEvent is not checked against any schema until it succeeds");
    return rc;
}

void spoor__schemas_stop(spoor_client_t *c) {
    spoor_schemas_t *f = c->fetched;
    if (!f) return;
    pthread_mutex_lock(&f->lock);
    __atomic_store_n(&f->stop, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&f->wake);
    spoor__transport_wake(f->transport); /* a fetch in flight ends now */
    int running = f->running;
    f->running = 0;
    pthread_t thread = f->thread;
    pthread_mutex_unlock(&f->lock);
    if (!running) return;
    if (pthread_equal(thread, pthread_self())) pthread_detach(thread); /* close() from a log callback */
    else pthread_join(thread, NULL);
}

void spoor__schemas_free(spoor_client_t *c) {
    spoor_schemas_t *f = c->fetched;
    if (!f) return;
    spoor__schemas_stop(c);
    set_release(f->current);
    spoor__transport_free(f->transport);
    free(f->path);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    free(f);
    c->fetched = NULL;
}

spoor_transport_t *spoor__schemas_fork(spoor_client_t *c, spoor_fork_phase_t phase) {
    spoor_schemas_t *f = c->fetched;
    if (!f) return NULL;
    if (phase == SPOOR__FORK_PREPARE) {
        pthread_mutex_lock(&f->lock);
        return NULL;
    }
    if (phase == SPOOR__FORK_PARENT) {
        pthread_mutex_unlock(&f->lock);
        return NULL;
    }
    /* The child: the thread did not survive the fork and the connection is the
     * parent's. The next call that checks a record starts a thread again. */
    spoor_transport_t *parents = f->transport;
    f->transport = NULL;
    f->restart = f->running && !f->stop;
    f->running = 0;
    pthread_mutex_init(&f->lock, NULL);
    spoor__init_cond(&f->wake);
    return parents;
}
