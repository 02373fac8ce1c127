/* errors.c: error names, messages and the thread-local last-error text. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[1024];

/* kind: which of a binding's exception classes a code raises (every binding has
 * these four and a base class for the rest); NULL: the base class. */
static const struct {
    spoor_err_t code;
    const char *name, *text, *kind;
} errors[] = {
    {SPOOR_OK, "OK", "success", NULL},
    {SPOOR_ERR_INVALID, "INVALID", "invalid input", "validation"},
    {SPOOR_ERR_TOO_LARGE, "TOO_LARGE", "event too large", "validation"},
    {SPOOR_ERR_CONFIG_UNKNOWN, "CONFIG_UNKNOWN", "unknown configuration key", "config"},
    {SPOOR_ERR_CONFIG_INVALID, "CONFIG_INVALID", "invalid configuration value", "config"},
    {SPOOR_ERR_CLOSED, "CLOSED", "client is closed", "closed"},
    {SPOOR_ERR_TIMED_OUT, "TIMED_OUT", "timed out", "timeout"},
    {SPOOR_ERR_NOMEM, "NOMEM", "out of memory", NULL},
    {SPOOR_ERR_QUEUE_FULL, "QUEUE_FULL", "dropped: queue full", NULL},
    {SPOOR_ERR_TRANSPORT, "TRANSPORT", "network error", NULL},
    {SPOOR_ERR_HTTP, "HTTP", "HTTP error status", NULL},
    {SPOOR_ERR_REJECTED, "REJECTED", "rejected by the server", NULL},
    {SPOOR_ERR_NOT_SUPPORTED, "NOT_SUPPORTED", "not supported", NULL},
    {SPOOR_ERR_SYSTEM, "SYSTEM", "system error", NULL},
    {SPOOR_ERR_ABORTED, "ABORTED", "aborted: " SPOOR_CLOSED_BEFORE_DELIVERY, NULL},
};
#define N_ERRORS (sizeof errors / sizeof errors[0])

const char *spoor_strerror(spoor_err_t err) {
    for (size_t i = 0; i < N_ERRORS; i++)
        if (errors[i].code == err) return errors[i].text;
    return "unknown error";
}

const char *spoor_err2name(spoor_err_t err) {
    for (size_t i = 0; i < N_ERRORS; i++)
        if (errors[i].code == err) return errors[i].name;
    return "UNKNOWN";
}

const char *spoor__err_kind(spoor_err_t err) {
    for (size_t i = 0; i < N_ERRORS; i++)
        if (errors[i].code == err) return errors[i].kind;
    return NULL;
}

const spoor_err_t *spoor_err_list(size_t *count) {
    static spoor_err_t codes[N_ERRORS];
    for (size_t i = 0; i < N_ERRORS; i++) codes[i] = errors[i].code;
    if (count) *count = N_ERRORS;
    return codes;
}

const char *spoor_last_error(void) { return last_error; }

spoor_err_t spoor__error(spoor_err_t err, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(last_error, sizeof last_error, fmt, ap);
    va_end(ap);
    return err;
}

void spoor__clear_error(void) { last_error[0] = '\0'; }

void spoor__error_respell(size_t n, const char *text) {
    char rest[sizeof last_error];
    snprintf(rest, sizeof rest, "%s", last_error + n);
    snprintf(last_error, sizeof last_error, "%s%s", text, rest);
}

const char *spoor_version(void) { return SPOOR_VERSION_STRING; }
