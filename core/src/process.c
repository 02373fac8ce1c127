/* process.c: what spoor keeps per process rather than per client: libcurl's
 * global init, and the registry of live clients that the pthread_atfork handlers
 * walk, so that a forked child starts every client afresh (its own worker and
 * connection, none of the parent's queue). */
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "internal.h"
#include "schemas.h"
#include "transport.h"

static pthread_once_t global_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static spoor_client_t *registry;
/* Handles inherited from a parent process: never used (their sockets and TLS
 * state belong to the parent), never freed, kept reachable here. */
static spoor_transport_t *orphans[64];
static size_t n_orphans;

void spoor__init_cond(pthread_cond_t *cond) {
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(cond, &attr);
    pthread_condattr_destroy(&attr);
}

/* The client's lock: held for a few hundred instructions per event (enqueue.c), so a
 * thread that finds it taken spins briefly before it sleeps: two producer threads
 * would otherwise pay a futex wait and wake, microseconds, for a wait of nanoseconds. */
void spoor__init_lock(pthread_mutex_t *lock) {
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
#ifdef PTHREAD_ADAPTIVE_MUTEX_INITIALIZER_NP
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_ADAPTIVE_NP);
#endif
    pthread_mutex_init(lock, &attr);
    pthread_mutexattr_destroy(&attr);
}

static void before_fork(void) {
    pthread_mutex_lock(&registry_lock);
    for (spoor_client_t *c = registry; c; c = c->next_live) {
        pthread_mutex_lock(&c->lock);
        spoor__schemas_fork(c, SPOOR__FORK_PREPARE);
    }
}

static void after_fork_parent(void) {
    for (spoor_client_t *c = registry; c; c = c->next_live) {
        spoor__schemas_fork(c, SPOOR__FORK_PARENT);
        pthread_mutex_unlock(&c->lock);
    }
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
    spoor_transport_t *schemas_transport = spoor__schemas_fork(c, SPOOR__FORK_CHILD);
    if (schemas_transport && n_orphans < sizeof orphans / sizeof *orphans) orphans[n_orphans++] = schemas_transport;
    memset(&c->stats, 0, sizeof c->stats);
    c->pid = getpid();
    pthread_mutex_unlock(&c->lock);
    spoor__init_lock(&c->lock);
    spoor__init_cond(&c->wake);
    spoor__init_cond(&c->progress);
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
void spoor__check_pid(spoor_client_t *c) {
    if (c->pid == getpid()) return;
    spoor__init_lock(&c->lock);
    pthread_mutex_lock(&c->lock);
    reset_in_child(c);
}

void spoor__process_init(void) { pthread_once(&global_once, global_init); }

void spoor__register(spoor_client_t *c) {
    pthread_mutex_lock(&registry_lock);
    c->next_live = registry;
    registry = c;
    pthread_mutex_unlock(&registry_lock);
}

void spoor__unregister(spoor_client_t *c) {
    pthread_mutex_lock(&registry_lock);
    for (spoor_client_t **p = &registry; *p; p = &(*p)->next_live) {
        if (*p == c) {
            *p = c->next_live;
            break;
        }
    }
    pthread_mutex_unlock(&registry_lock);
}
