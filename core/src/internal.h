/* internal.h: the structures behind the opaque handles, shared by core/src only. */
#ifndef SPOOR_INTERNAL_H
#define SPOOR_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/types.h>
#include <cjson/cJSON.h>

#include "spoor.h"
#include "spoor/sys/testing.h"
#include "queue.h"
#include "spool.h"

/* Every setting; one field per row of the property table in config.c. */
struct spoor_config_s {
    char *host, *api_key, *access_token, *username, *password, *secret;
    char *spool_dir, *ca_path, *proxy, *binding, *test_fixed_time;
    char *headers_json, *schemas_json, *schemas_from;
    int64_t flush_at, max_batch_events, max_batch_bytes, max_event_bytes, max_queue_size;
    int64_t flush_interval_ms, timeout_ms, connect_timeout_ms, close_timeout_ms;
    int64_t schemas_refresh_ms, schemas_wait_ms;
    int64_t retry_limit, retry_backoff_ms, retry_backoff_max_ms, retry_after_max_ms, delivery_timeout_ms;
    int64_t test_id_seed; /* -1: off */
    int64_t log_level;    /* spoor_log_level_t */
    int64_t spool_sync;   /* spoor_sync_t */
    int64_t key_style;    /* spoor__key_style_t */
    int64_t protocol;     /* spoor__protocol_t */
    int64_t mode;         /* spoor__mode_t */
    int gzip, debug, tls_verify;

    spoor_log_cb log_cb;           void *log_opaque;
    spoor_delivery_cb delivery_cb; void *delivery_opaque;
    spoor_token_cb token_cb;       void *token_opaque;
    spoor_before_send_cb before_send_cb; void *before_send_opaque;
    spoor_clock_cb clock_cb;       void *clock_opaque;
    spoor_id_cb id_cb;             void *id_opaque;
};

typedef struct spoor_transport_s spoor_transport_t;

struct spoor_client_s {
    spoor_config_t conf;           /* private copy, immutable after creation */
    cJSON *schemas;                /* parsed collection_schemas, or NULL */
    struct spoor_schemas_s *fetched; /* schemas_from's thread and set (schemas.c), or NULL */
    struct curl_slist *headers;    /* fixed request headers (the headers setting) */
    char *url;                     /* host + "/v1/batch" */
    char *log_host;                /* host with any user:password removed, for logs */
    char *log_url;                 /* url, redacted the same way, for delivery reasons */
    int64_t fixed_time_ms;         /* test_fixed_time parsed, or -1 */
    char anonymous_id[37];
    uint64_t id_counter;           /* test_id_seed sequence (atomic) */
    int intercept;                 /* a before_send hook, or a mode that does not send (hook.c) */

    /* Apart: every call reads the fields above (no lock) and every enqueue writes the lock
     * and the fields below; on one cache line each write would make the other producer
     * threads' next read a miss. A cache line's worth of padding, so no alignment is needed. */
    char read_mostly_above[64];
    pthread_mutex_t lock;          /* guards everything below */
    pthread_cond_t wake;           /* worker: work arrived, flush asked, closing */
    pthread_cond_t progress;       /* flush/close waiters: events completed */
    spoor_queue_t queue;           /* waiting events, oldest first */
    spoor_queue_t dropped;         /* overflow victims, reported by the worker */
    spoor_queue_t captured;        /* mode capture: the events kept for spoor_captured() */
    uint64_t next_seq;             /* seq of the next accepted event */
    uint64_t inflight_min_seq;     /* lowest seq in the batch being sent, 0: none */
    uint64_t flush_target;         /* send at once every event with seq <= this */
    spoor_item_t *inflight;        /* the batch being sent (kept reachable after fork) */
    size_t inflight_count;
    pthread_t worker;
    int worker_running;
    int worker_idle;               /* the worker waits for work (not in a retry backoff) */
    int closing, aborting, closed;
    pid_t pid;                     /* process that owns the worker */
    spoor_stats_t stats;
    spoor_transport_t *transport;  /* touched only by the worker thread */
    spoor_transport_t *orphan_transport; /* a parent's, after fork: never used */
    spoor_spool_t *spool;          /* the durable queue (spool_dir), or NULL */
    int64_t retry_pause_until;     /* spool mode: kept events wait until then (monotonic ms) */
    uint64_t kept_max_seq;         /* spool mode: highest seq kept for another round of retries */
    int spool_forgotten;           /* a forked child dropped its parent's spool: warn once */

    struct spoor_client_s *next_live;    /* registry for pthread_atfork */
};

/* errors.c */
spoor_err_t spoor__error(spoor_err_t err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void spoor__clear_error(void);
/* The exception class a binding raises for err: "validation", "config", "closed",
 * "timeout", or NULL for its base class. For the generators in core/tools. */
const char *spoor__err_kind(spoor_err_t err);
/* Replace the first n bytes of this thread's last error with text. */
void spoor__error_respell(size_t n, const char *text);
/* What the ABORTED code says, and the reason of every event a close deadline aborted. */
#define SPOOR_CLOSED_BEFORE_DELIVERY "client closed before delivery"

/* log.c */
void spoor__log(const spoor_client_t *c, spoor_log_level_t level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void spoor__excerpt(char *out, size_t size, const char *s, size_t len);

/* config.c */
/* How keys are spelled (the key_style setting): flush_at or flushAt. */
typedef enum { SPOOR__KEYS_SNAKE = 0, SPOOR__KEYS_CAMEL = 1 } spoor__key_style_t;
/* The wire format a client speaks (the protocol setting): spoor's own wire v1, or
 * Segment's HTTP Tracking API (docs/protocol.md). */
typedef enum { SPOOR__PROTOCOL_SPOOR = 0, SPOOR__PROTOCOL_SEGMENT = 1 } spoor__protocol_t;
#define SPOOR__SEGMENT(c) ((c)->conf.protocol == SPOOR__PROTOCOL_SEGMENT)
/* Why product() and ingest_feed() refuse to work in Segment's format. */
#define SPOOR__SEGMENT_NO_PRODUCTS "catalog products have no message in Segment's format (it records what users do, " \
                                   "each message with a userId or anonymousId); send them with protocol=spoor"
/* What a client does with accepted events (the mode setting). */
typedef enum { SPOOR__MODE_SEND = 0, SPOOR__MODE_DISABLED = 1, SPOOR__MODE_CAPTURE = 2 } spoor__mode_t;
/* snake_case as camelCase (flush_at: flushAt), the one rule every binding's names follow. */
void spoor__camel_case(const char *snake, char *out, size_t size);
/* The key (snake_case, as in the table) as conf spells keys; key itself when unknown. */
const char *spoor__key_name(const spoor_config_t *conf, const char *key);
/* The last error starts with a key (every configuration error does): spell it as conf
 * spells keys. Inner mentions of other keys are spelled with spoor__key_name. */
void spoor__config_spell_error(const spoor_config_t *conf);
/* The longest value spoor puts in one request header (servers commonly take 8
 * KiB per line); a longer one is refused, never cut. */
#define SPOOR_HEADER_VALUE_MAX 8192
/* 0 when v fits in a header value (no control character but tab, at most
 * SPOOR_HEADER_VALUE_MAX bytes), else -1 with what is wrong with it in why. */
int spoor__header_value_problem(const char *v, char *why, size_t size);
/* Free text that may hold a credential, wiped first (OPENSSL_cleanse); NULL is a no-op. */
void spoor__wipe_free(char *s);
/* The same for a curl header list. */
struct curl_slist;
void spoor__wipe_slist(struct curl_slist *list);
spoor_err_t spoor__config_copy(spoor_config_t *dst, const spoor_config_t *src);
void spoor__config_clear(spoor_config_t *conf);
/* An enum key's names, indexed by value (gaps NULL); NULL and 0 for other keys.
 * For the generators in core/tools. */
const char *const *spoor__config_choices(const char *key, size_t *count);
/* Log a warning for every duration longer than is plausible (a value in the wrong unit). */
void spoor__config_warn(const spoor_client_t *c);

/* Incremented in every forked child (process.c's atfork handler): per-thread state
 * that must not be shared with a parent, like buffered random bytes, checks it. */
extern unsigned long spoor__fork_generation;

/* ids.c */
void spoor__uuid4(char out[37]);
void spoor__seeded_id(uint64_t seed, uint64_t n, char out[37]);
void spoor__client_new_id(spoor_client_t *c, char out[37]);
int64_t spoor__client_now_ms(const spoor_client_t *c);
int64_t spoor__monotonic_ms(void);

/* event.c: build one wire event from a message object; on success *out holds the
 * serialised event and *id its eventId. */
spoor_err_t spoor__build_event(spoor_client_t *c, const char *op, const char *type,
                               cJSON *msg, const char *field_prefix, spoor_item_t *out);

/* process.c: per process, not per client */
/* libcurl's global init and the pthread_atfork handlers, once. */
void spoor__process_init(void);
/* Add c to (remove it from) the clients a fork starts afresh. */
void spoor__register(spoor_client_t *c);
void spoor__unregister(spoor_client_t *c);
/* A fork that bypassed pthread_atfork: start c afresh when its pid changed. */
void spoor__check_pid(spoor_client_t *c);
/* A condition variable on the monotonic clock. */
void spoor__init_cond(pthread_cond_t *cond);
/* A client's lock (c->lock): one that spins a little before it sleeps. */
void spoor__init_lock(pthread_mutex_t *lock);

/* enqueue.c: the producer side of the queue */
spoor_err_t spoor__enqueue_items(spoor_client_t *c, spoor_item_t *items, size_t n);
/* The same for events hook.c let through: queued without asking it again. */
spoor_err_t spoor__enqueue_intercepted(spoor_client_t *c, spoor_item_t *items, size_t n);
spoor_err_t spoor__check_open(spoor_client_t *c, const char *op);
/* Move the oldest events past max_queue_size to c->dropped, for the worker to
 * report (c->lock held). */
void spoor__enforce_queue_cap(spoor_client_t *c);
/* Start the worker unless it runs (c->lock held, or the client not yet shared). */
spoor_err_t spoor__start_worker(spoor_client_t *c);

/* hook.c: built events on their way to the queue when the client has a before_send
 * hook or a mode other than send (c->intercept): the hook may change or drop each;
 * then mode send queues what is left (spoor__enqueue_intercepted), mode disabled
 * discards it and mode capture keeps it. Caller's thread, no lock held. Takes the
 * items' events, as spoor__enqueue_items does. */
spoor_err_t spoor__intercept(spoor_client_t *c, spoor_item_t *items, size_t n);

/* worker.c */
void *spoor__worker_main(void *arg);
void spoor__report(spoor_client_t *c, spoor_err_t err, int http_status, const char *reason,
                   spoor_item_t *items, size_t n);

#endif
