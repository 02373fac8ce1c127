/* spoor/config.h: building a client's configuration.
 *
 * One string key/value setter covers every setting (see docs/configuration.md,
 * generated from the same property table); typed setters take the callbacks. */
#ifndef SPOOR_CONFIG_H
#define SPOOR_CONFIG_H

#include "common.h"
#include "errors.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Log levels, syslog numbering. */
typedef enum spoor_log_level_e {
    SPOOR_LOG_ERROR = 3,
    SPOOR_LOG_WARN = 4,
    SPOOR_LOG_INFO = 6,
    SPOOR_LOG_DEBUG = 7
} spoor_log_level_t;

/** The outcome of events that left the queue without reaching the server,
 *  or that reached it (err == SPOOR_OK). One report covers `count` events. */
typedef struct spoor_delivery_report_s {
    spoor_err_t err;           /**< SPOOR_OK (delivered) or why they failed / were dropped */
    int http_status;           /**< last HTTP status, 0 when none was received */
    const char *reason;        /**< human text, never NULL, never contains a secret */
    size_t count;              /**< number of events in this report */
    const char *const *event_ids;   /**< count eventIds */
    const char *const *events;      /**< count event JSON texts, exactly as queued */
} spoor_delivery_report_t;

/** Log callback. Called from any thread (the caller's for "Event queued",
 *  the worker's for delivery); must not call back into the same client. */
typedef void (*spoor_log_cb)(spoor_log_level_t level, const char *message, void *opaque);

/** Delivery callback. Called from the client's worker thread only, with no lock
 *  held; the report and its strings are valid only during the call. Every event
 *  that does not reach the server (failed, rejected, dropped, aborted) is reported;
 *  delivered batches are reported too, with err == SPOOR_OK. */
typedef void (*spoor_delivery_cb)(const spoor_delivery_report_t *report, void *opaque);

/** Access-token provider, called from the worker thread before every request.
 *  Write a NUL-terminated token of at most size-1 bytes into buf and return 0.
 *  Return non-zero when there is no token now: the request then carries the
 *  access_token setting if one is set; without one it is not sent, and fails like
 *  a network error (retried with backoff up to delivery_timeout, kept by a spool),
 *  so a token service that is briefly away loses nothing. */
typedef int (*spoor_token_cb)(char *buf, size_t size, void *opaque);

/** What a before_send hook decided about one event. */
typedef enum spoor_hook_result_e {
    SPOOR_HOOK_KEEP = 0,    /**< send the event as it is */
    SPOOR_HOOK_REPLACE = 1, /**< send the text given to spoor_hook_reply() instead */
    SPOOR_HOOK_DROP = 2,    /**< do not send it (stats.dropped_by_hook; logged at debug) */
    SPOOR_HOOK_FAILED = 3   /**< the hook failed (an exception in a binding): the event is
                                 sent unchanged and the text given to spoor_hook_reply()
                                 logged as the reason (stats.hook_failed) */
} spoor_hook_result_t;

/** Where a before_send hook puts a changed event (or why it failed). Valid only
 *  during the hook's call. */
typedef struct spoor_hook_reply_s spoor_hook_reply_t;

/** before_send hook. Called on the caller's thread, inside the call that built the
 *  event (track, batch, ...), once per event, before it is queued, with the event's
 *  JSON text exactly as it would be sent. A changed event (spoor_hook_reply(), then
 *  SPOOR_HOOK_REPLACE) is checked by the event rules like any other; one that breaks
 *  them is logged and the event sent unchanged, as when the hook fails. The call
 *  returns SPOOR_OK whatever the hook decides. Not called in mode disabled. The hook
 *  must not call the same client's operations (they fail with SPOOR_ERR_INVALID). */
typedef spoor_hook_result_t (*spoor_before_send_cb)(const char *event_json, spoor_hook_reply_t *reply,
                                                    void *opaque);

/** A new configuration with every default. NULL only when out of memory. */
SPOOR_API spoor_config_t *spoor_config_new(void);

/** A deep copy of conf (callbacks included). */
SPOOR_API spoor_config_t *spoor_config_dup(const spoor_config_t *conf);

/** Free conf. NULL is allowed. */
SPOOR_API void spoor_config_destroy(spoor_config_t *conf);

/** Set one key from its text value. Keys are snake_case (see docs/configuration.md);
 *  durations are milliseconds ("250", or with a unit: "250ms", "10s"); booleans
 *  "true"/"false"/"1"/"0". Returns SPOOR_OK, SPOOR_ERR_CONFIG_UNKNOWN or
 *  SPOOR_ERR_CONFIG_INVALID; on error spoor_last_error() names the key and why.
 *  The value is copied. value NULL resets the key to its default. */
SPOOR_API spoor_err_t spoor_config_set(spoor_config_t *conf, const char *key, const char *value);

/** The current value of key as text (secrets as "***"), copied into buf.
 *  Returns SPOOR_ERR_CONFIG_UNKNOWN for a key that does not exist. */
SPOOR_API spoor_err_t spoor_config_get(const spoor_config_t *conf, const char *key, char *buf, size_t size);

/** Typed setters for the callbacks. opaque is handed back untouched; spoor never frees it. */
SPOOR_API void spoor_config_set_log_cb(spoor_config_t *conf, spoor_log_cb cb, void *opaque);
SPOOR_API void spoor_config_set_delivery_cb(spoor_config_t *conf, spoor_delivery_cb cb, void *opaque);
SPOOR_API void spoor_config_set_token_cb(spoor_config_t *conf, spoor_token_cb cb, void *opaque);
SPOOR_API void spoor_config_set_before_send_cb(spoor_config_t *conf, spoor_before_send_cb cb, void *opaque);
/** From inside a before_send hook: the changed event's JSON text (with SPOOR_HOOK_REPLACE)
 *  or why the hook failed (with SPOOR_HOOK_FAILED). text is copied; a second reply
 *  replaces the first. SPOOR_ERR_INVALID when reply or text is NULL. */
SPOOR_API spoor_err_t spoor_hook_reply(spoor_hook_reply_t *reply, const char *text);
/* The test hooks (a clock and an id source) are in spoor/sys/testing.h. */

/** The kinds of value a key takes. */
typedef enum spoor_prop_type_e {
    SPOOR_PROP_STRING = 0,
    SPOOR_PROP_INT = 1,
    SPOOR_PROP_BOOL = 2,
    SPOOR_PROP_DURATION = 3, /**< milliseconds */
    SPOOR_PROP_JSON = 4,     /**< a JSON object as text */
    SPOOR_PROP_ENUM = 5
} spoor_prop_type_t;

/** One configuration key, as spoor_config_property() gives it. Fields are only
 *  ever added at the end: the library hands out pointers to its own entries, so a
 *  program built against an older, shorter struct reads the fields it knows. */
typedef struct spoor_property_s {
    const char *name;          /**< snake_case key */
    spoor_prop_type_t type;
    const char *default_value; /**< as text; "" when unset */
    const char *description;
    int64_t min, max;          /**< for INT and DURATION */
    int secret;                /**< 1: never logged, shown as "***" */
    int unstable;              /**< 1: a test hook (spoor/sys/testing.h), not part of the stable API */
} spoor_property_t;

/** The i-th configuration key (from 0), for bindings and docs; NULL past the last.
 *  Static storage. */
SPOOR_API const spoor_property_t *spoor_config_property(size_t i);

#ifdef __cplusplus
}
#endif
#endif
