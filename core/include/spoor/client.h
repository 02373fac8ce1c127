/* spoor/client.h: the client and its operations.
 *
 * Every operation validates its input at once and either queues exactly one
 * event per message (returning SPOOR_OK) or queues nothing and returns an error
 * whose message (spoor_last_error()) names the field and the rule. No operation
 * but flush and close waits: delivery happens on the client's worker thread.
 *
 * Structured arguments are JSON texts (an object unless said otherwise); the
 * bindings produce them from their own values. Strings are UTF-8. Every pointer
 * argument is borrowed for the call only. */
#ifndef SPOOR_CLIENT_H
#define SPOOR_CLIENT_H

#include "common.h"
#include "errors.h"
#include "config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Create a client from conf. conf is copied: the caller still owns it and may
 *  destroy it at once. Fails with SPOOR_ERR_CONFIG_INVALID when a required key
 *  is missing (host) or keys disagree. The worker thread starts on the first event.
 *
 *  With spool_dir set, the client opens (creating) the spool and locks it: a
 *  spool another client holds, in this process or another, fails with
 *  SPOOR_ERR_CONFIG_INVALID naming the directory and the holder's pid. Events a
 *  spool still holds from an earlier run are queued again (stats.replayed) and
 *  sent at once; damaged records are skipped and counted (stats.spool_corrupt). */
SPOOR_API spoor_err_t spoor_client_new(spoor_client_t **out, const spoor_config_t *conf);

/** Close (with close_timeout, when not yet closed) and free the client. NULL is allowed. */
SPOOR_API void spoor_client_destroy(spoor_client_t *client);

/** recordEvent: an event of type "record" whose eventName is collection. The
 *  event's fields go to "properties"; eventId, profileId, userId, anonymousId,
 *  sessionId, accountId, pageId and timestamp among them are lifted to the top. */
SPOOR_API spoor_err_t spoor_record_event(spoor_client_t *client, const char *collection, const char *event_json);

/** profile: {"profileId", "user_identifier", "account_identifier", ...attributes}.
 *  Identity and envelope keys are lifted; the rest become "traits". */
SPOOR_API spoor_err_t spoor_profile(spoor_client_t *client, const char *attributes_json);

/** trackConsents: consents_json is an array of {"regulation": "GDPR"|"CCPA",
 *  "purpose": "...", "consented": true|false}; subject_json is {"profileId"} or {"userId"}. */
SPOOR_API spoor_err_t spoor_track_consents(spoor_client_t *client, const char *consents_json, const char *subject_json);

/** track: {"event", "userId", "anonymousId", "profileId", "properties", "eventId",
 *  "timestamp", "sessionId", "accountId", "pageId"}. */
SPOOR_API spoor_err_t spoor_track(spoor_client_t *client, const char *options_json);

/** identify: user_id and optional traits (traits_json may be NULL). */
SPOOR_API spoor_err_t spoor_identify(spoor_client_t *client, const char *user_id, const char *traits_json);

/** group: user_id, group_id and optional traits (traits_json may be NULL). */
SPOOR_API spoor_err_t spoor_group(spoor_client_t *client, const char *user_id, const char *group_id, const char *traits_json);

/** page: user_id, optional name and properties (name and properties_json may be NULL). */
SPOOR_API spoor_err_t spoor_page(spoor_client_t *client, const char *user_id, const char *name, const char *properties_json);

/** screen: a mobile or app screen view, as page: user_id, optional name and
 *  properties (name and properties_json may be NULL). */
SPOOR_API spoor_err_t spoor_screen(spoor_client_t *client, const char *user_id, const char *name, const char *properties_json);

/** alias: previous_id (an anonymous id, or an earlier user id) is the same person
 *  as user_id from now on. */
SPOOR_API spoor_err_t spoor_alias(spoor_client_t *client, const char *previous_id, const char *user_id);

/** product: {"productId", "data"} or a catalog product {"id", "title",
 *  "description", "url", "image_link", optional "price", "brand", "category",
 *  "tags", "availability", "rating"}. No identity is needed. */
SPOOR_API spoor_err_t spoor_product(spoor_client_t *client, const char *product_json);

/** Ingest a catalog feed, product by product: text_or_path is either the feed
 *  itself (JSON {"products":[{"product":{...}}]} or XML <catalog><products><product>)
 *  or, when it starts with neither '{' nor '<', the path of a file holding one.
 *  All products are validated first; on any error nothing is queued.
 *  *out_count (may be NULL) receives the number of products queued. */
SPOOR_API spoor_err_t spoor_ingest_feed(spoor_client_t *client, const char *text_or_path, size_t *out_count);

/** Generic enqueue: one message object with a "type" (track, identify, group,
 *  page, screen, alias, record, profile, consent, product) and that type's
 *  fields, as in batch. With protocol=segment a message may also carry Segment's
 *  "context", "integrations" and "messageId" (and "category" for page and screen). */
SPOOR_API spoor_err_t spoor_enqueue(spoor_client_t *client, const char *message_json);

/** batch: a JSON array of messages as for spoor_enqueue(). All are validated
 *  first; on any error (named "batch[i].field") nothing is queued. */
SPOOR_API spoor_err_t spoor_batch(spoor_client_t *client, const char *messages_json);

/** Wait until every event accepted before this call is delivered or has finally
 *  failed (timeout_ms < 0: wait for ever). SPOOR_ERR_TIMED_OUT at the deadline;
 *  nothing is lost by timing out, delivery goes on. Not from a spoor callback
 *  (SPOOR_ERR_INVALID): the worker would wait for itself. */
SPOOR_API spoor_err_t spoor_flush(spoor_client_t *client, int timeout_ms);

/** Flush until the deadline, stop the worker and release the connection. Events
 *  still queued at the deadline are reported failed (SPOOR_ERR_ABORTED) and the
 *  call returns SPOOR_ERR_TIMED_OUT. timeout_ms < 0 uses close_timeout.
 *  With a spool, events still queued at the deadline are not failed: they stay
 *  in the spool for the next client that opens it (stats.queued counts them, a
 *  warning is logged) and the call returns SPOOR_OK.
 *  Idempotent: a second close returns SPOOR_OK at once. Later enqueues fail with
 *  SPOOR_ERR_CLOSED. */
SPOOR_API spoor_err_t spoor_close(spoor_client_t *client, int timeout_ms);

/** The Get APIs read the server's schema registry (docs/protocol.md, "The schema
 *  registry"). They are the only calls that wait on the network: one GET on the
 *  calling thread through the client's transport (its credentials, headers, TLS
 *  settings and proxy; bounded by timeout and connect_timeout; not retried), and
 *  they never touch the event queue.
 *
 *  On success *json_out is the server's answer, a JSON object as text, which the
 *  caller owns and frees with spoor_free(). On failure *json_out is NULL and
 *  spoor_last_error() says why: SPOOR_ERR_HTTP (the status, the URL and the start
 *  of the server's answer, with a hint for 401, 403 and 404; or an answer that is
 *  not a JSON object), SPOOR_ERR_TRANSPORT (no answer), SPOOR_ERR_INVALID (a bad
 *  argument), SPOOR_ERR_CLOSED (after close), SPOOR_ERR_ABORTED (close gave up on
 *  the request). Safe from any thread, concurrently with every other call. */

/** A project's sources with their collections:
 *  GET {host}/v1/orgs/{org}/projects/{project}/sources, answered
 *  {"org", "project", "sources": [{"id", "name", "collections": {...}}]}. */
SPOOR_API spoor_err_t spoor_fetch_sources(spoor_client_t *client, const char *org, const char *project,
                                          char **json_out);

/** One source's collections: GET {host}/v1/sources/{source}/collections, answered
 *  {"source", "collections": {collection: {field: type}}}, the collections in the
 *  form of the collection_schemas setting. */
SPOOR_API spoor_err_t spoor_fetch_collections(spoor_client_t *client, const char *source, char **json_out);

/** Free a text the library handed to the caller (json_out of the Get APIs, spoor_captured's
 *  text). NULL is allowed. */
SPOOR_API void spoor_free(void *ptr);

/** The client's anonymous id, stable for its life. Owned by the client. */
SPOOR_API const char *spoor_anonymous_id(spoor_client_t *client);

/** The client's counters, each as X(name, what it counts), in the order of the
 *  struct below. This list is the one place a counter is written: the struct,
 *  spoor_client_stats_json() and every binding's stats are made from it. A new
 *  counter goes at the end (one line here), so the struct only ever grows at its
 *  end and a program built against an older, shorter one keeps working. */
#define SPOOR_STATS_COUNTERS(X) \
    X(accepted, "events queued by calls") \
    X(queued, "events waiting now, in flight included") \
    X(delivered, "events the server accepted (duplicates included)") \
    X(failed, "events that finally failed: HTTP, transport, rejected, aborted") \
    X(rejected, "of failed: rejected one by one by the server") \
    X(dropped, "events dropped before sending, all reasons") \
    X(dropped_queue_full, "of dropped: max_queue_size overflow") \
    X(retried, "requests retried") \
    X(batches, "requests that got an HTTP 2xx") \
    X(requests, "requests sent (one refused before it went, for a bad token, is not)") \
    X(bytes_sent, "body bytes sent (after gzip)") \
    X(replayed, "events a spool held from an earlier run, loaded at creation") \
    X(spool_corrupt, "damaged spool regions (torn or corrupt records) skipped at creation") \
    X(schema_fetches, "schemas_from fetches that succeeded") \
    X(schema_fetch_failures, "schemas_from fetches that failed (the client kept the schemas it had)") \
    X(dropped_by_hook, "events before_send dropped (never queued: not in accepted or dropped)") \
    X(hook_failed, "before_send calls that failed or gave an event that breaks a rule: the event went unchanged")

/** Counters since the client was created (or, in a forked child, since the fork).
 *  Declare it with SPOOR_STATS_INIT, which records the size this program was
 *  compiled with: spoor_stats_t st = SPOOR_STATS_INIT; spoor_client_stats(c, &st); */
typedef struct spoor_stats_s {
    size_t size; /**< sizeof(spoor_stats_t) as the caller was compiled (SPOOR_STATS_INIT sets it) */
#define SPOOR_STATS_FIELD_(name, meaning) uint64_t name;
    SPOOR_STATS_COUNTERS(SPOOR_STATS_FIELD_)
#undef SPOOR_STATS_FIELD_
} spoor_stats_t;

#ifdef __cplusplus
/* Every member named, so that C++'s -Wmissing-field-initializers stays quiet. */
#define SPOOR_STATS_ZERO_(name, meaning) , 0
#define SPOOR_STATS_INIT {sizeof(spoor_stats_t) SPOOR_STATS_COUNTERS(SPOOR_STATS_ZERO_)}
#else
#define SPOOR_STATS_INIT {.size = sizeof(spoor_stats_t)}
#endif

/** Copy the counters into *out, as many as out->size holds: a program built against
 *  an older header gets the counters it knows, one built against a newer header
 *  reads 0 for those this library does not have. SPOOR_ERR_INVALID when out->size
 *  is not set (use SPOOR_STATS_INIT). */
SPOOR_API spoor_err_t spoor_client_stats(spoor_client_t *client, spoor_stats_t *out);

/** The counters as a JSON object, {"accepted": n, ...} with every counter of
 *  SPOOR_STATS_COUNTERS, copied into buf (for bindings that prefer text).
 *  Returns SPOOR_ERR_INVALID when buf is too small (1024 bytes is enough). */
SPOOR_API spoor_err_t spoor_client_stats_json(spoor_client_t *client, char *buf, size_t size);

/** The counters in Prometheus' text format (version 0.0.4), into buf: one family
 *  per counter, named spoor_client_<counter>_total (spoor_client_queued, a gauge,
 *  without the suffix), with its meaning as HELP. labels (NULL or "" for none) goes
 *  inside the braces of every sample as it is, e.g. "job=\"import\"". Returns
 *  SPOOR_ERR_INVALID when buf is too small (8192 bytes is enough). */
SPOOR_API spoor_err_t spoor_client_stats_prometheus(spoor_client_t *client, const char *labels, char *buf, size_t size);

/** mode capture: every event captured so far (oldest first, at most max_queue_size),
 *  exactly as it would have been sent, as one JSON array text in *out, to be freed
 *  with spoor_free(). SPOOR_ERR_INVALID in another mode. */
SPOOR_API spoor_err_t spoor_captured(spoor_client_t *client, char **out);

/** mode capture: forget the events captured so far. SPOOR_ERR_INVALID in another mode. */
SPOOR_API spoor_err_t spoor_captured_clear(spoor_client_t *client);

#ifdef __cplusplus
}
#endif
#endif
