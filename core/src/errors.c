/* errors.c: error names, messages and the thread-local last-error text. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static _Thread_local char last_error[1024];

static const struct { spoor_err_t code; const char *name, *text; } errors[] = {
    {SPOOR_OK, "OK", "success"},
    {SPOOR_ERR_INVALID, "INVALID", "invalid input"},
    {SPOOR_ERR_TOO_LARGE, "TOO_LARGE", "event too large"},
    {SPOOR_ERR_CONFIG_UNKNOWN, "CONFIG_UNKNOWN", "unknown configuration key"},
    {SPOOR_ERR_CONFIG_INVALID, "CONFIG_INVALID", "invalid configuration value"},
    {SPOOR_ERR_CLOSED, "CLOSED", "client is closed"},
    {SPOOR_ERR_TIMED_OUT, "TIMED_OUT", "timed out"},
    {SPOOR_ERR_NOMEM, "NOMEM", "out of memory"},
    {SPOOR_ERR_QUEUE_FULL, "QUEUE_FULL", "dropped: queue full"},
    {SPOOR_ERR_TRANSPORT, "TRANSPORT", "network error"},
    {SPOOR_ERR_HTTP, "HTTP", "HTTP error status"},
    {SPOOR_ERR_REJECTED, "REJECTED", "rejected by the server"},
    {SPOOR_ERR_NOT_SUPPORTED, "NOT_SUPPORTED", "not supported"},
    {SPOOR_ERR_SYSTEM, "SYSTEM", "system error"},
    {SPOOR_ERR_ABORTED, "ABORTED", "aborted: client closed before delivery"},
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

const char *spoor_version(void) { return SPOOR_VERSION_STRING; }
