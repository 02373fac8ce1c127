/* spoor/errors.h: one error enum, its names and messages, and the
 * thread-local message of the last failed call.
 *
 * Codes are never renumbered; a retired code stays as a placeholder. */
#ifndef SPOOR_ERRORS_H
#define SPOOR_ERRORS_H

#include "common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum spoor_err_e {
    SPOOR_OK = 0,
    /** The call's input breaks a validation rule; the message names the field and the rule. */
    SPOOR_ERR_INVALID = -1,
    /** The event serialises to more than max_event_bytes. */
    SPOOR_ERR_TOO_LARGE = -2,
    /** spoor_config_set(): no such configuration key. */
    SPOOR_ERR_CONFIG_UNKNOWN = -3,
    /** spoor_config_set() or spoor_client_new(): a bad value; the message names the key. */
    SPOOR_ERR_CONFIG_INVALID = -4,
    /** The client was closed; no operation but stats/anonymous_id/destroy is allowed. */
    SPOOR_ERR_CLOSED = -5,
    /** flush() or close() reached its deadline before everything was delivered. */
    SPOOR_ERR_TIMED_OUT = -6,
    /** Out of memory. */
    SPOOR_ERR_NOMEM = -7,
    /** Delivery report: the event was dropped because the queue was full (the oldest goes first). */
    SPOOR_ERR_QUEUE_FULL = -8,
    /** Delivery report: network error or timeout, retries exhausted. A Get API call: no answer. */
    SPOOR_ERR_TRANSPORT = -9,
    /** Delivery report: the server answered with an HTTP error status (see http_status).
     *  A Get API call: an HTTP error status, or an answer that is not a JSON object. */
    SPOOR_ERR_HTTP = -10,
    /** Delivery report: the server accepted the batch but rejected this event (see reason). */
    SPOOR_ERR_REJECTED = -11,
    /** The feature is not available in this build or version. */
    SPOOR_ERR_NOT_SUPPORTED = -12,
    /** A system call failed (thread creation, file access). */
    SPOOR_ERR_SYSTEM = -13,
    /** Delivery report: the client was closed before the event could be delivered.
     *  A Get API call: close() gave up on the request. */
    SPOOR_ERR_ABORTED = -14
} spoor_err_t;

/** A short human description of the code, e.g. "invalid input". Static storage. */
SPOOR_API const char *spoor_strerror(spoor_err_t err);

/** The code's name without the prefix, e.g. "INVALID", "TIMED_OUT". Static storage;
 *  bindings build their exception classes from it. */
SPOOR_API const char *spoor_err2name(spoor_err_t err);

/** Every code, for bindings: fills *count and returns a static array. */
SPOOR_API const spoor_err_t *spoor_err_list(size_t *count);

/** The message of the last failed spoor_* call in this thread, naming the field and
 *  the rule (e.g. "track: event: must be a non-empty string"). "" when none.
 *  Valid until the next spoor_* call in this thread. */
SPOOR_API const char *spoor_last_error(void);

#ifdef __cplusplus
}
#endif
#endif
