/* transport.h: the requests a client sends (the batch URL and the fixed headers,
 * made once per client): one HTTP POST of a batch body, or one GET of the Get
 * APIs, with libcurl. A handle is used by one thread at a time: the worker's
 * keeps its connections alive; a Get API call makes its own. */
#ifndef SPOOR_TRANSPORT_H
#define SPOOR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct spoor_response_s {
    int http_status;         /* 0 when no response arrived */
    int network_error;       /* 1: connection failed, timed out or was cut */
    int aborted;             /* 1: cancelled because the client is closing */
    int tls_setup;           /* 1: a TLS failure no retry mends (certificate refused, bad ca_path);
                              * network_error is set too */
    int refused;             /* 1: not sent: a header value was refused (error says which) */
    int no_token;            /* 1: not sent: the token callback had no token and there is no
                              * access_token (network_error is set too: it is retried) */
    int64_t retry_after_ms;  /* from Retry-After, -1 when absent */
    char error[256];         /* curl's message when network_error; why when refused */
    char *body;              /* response body, NUL-terminated (owned; may be NULL) */
    size_t body_len;
    int truncated;           /* 1: the body was longer than body_max, and was cut there */
    size_t body_max;         /* the most of the body kept (SPOOR_RESPONSE_MAX, or more for a batch) */
    size_t bytes_sent;       /* body bytes put on the wire (after gzip) */
    int sent;                /* 1: the request was attempted (0: refused or failed before it) */
} spoor_response_t;

/* The batch URL, its redacted forms for logs, and the fixed headers (the headers
 * setting), into c. SPOOR_OK, or NOMEM. */
spoor_err_t spoor__request_setup(spoor_client_t *c);
void spoor__request_free(spoor_client_t *c);
/* Warn, once, about settings that expose what is sent (tls_verify false, credentials
 * over plain http:// to another machine). */
void spoor__request_warn(const spoor_client_t *c);

spoor_transport_t *spoor__transport_new(void);
void spoor__transport_free(spoor_transport_t *t);
/* Wake a transfer in progress so it sees c->aborting now (any thread; t may be NULL). */
void spoor__transport_wake(spoor_transport_t *t);

/* The most of an answer a GET keeps, and the least a POST does. */
#define SPOOR_RESPONSE_MAX (1024 * 1024)

/* POST body, a batch of n events (exactly these bytes are signed; gzip applies
 * after). Its answer is read up to SPOOR_RESPONSE_MAX + len + n KiB: room for
 * every event of the batch to be rejected, each with its id and a reason. */
void spoor__transport_post(spoor_transport_t *t, spoor_client_t *c, const char *body, size_t len, size_t n,
                           spoor_response_t *resp);
/* GET url (the Get APIs, schemas_from): the auth headers, TLS settings, proxy and
 * timeouts of a POST, with Accept: application/json and nothing about a body (no
 * Content-Type, gzip or signature). The transfer ends when *cancel becomes
 * non-zero and spoor__transport_wake(t) is called. */
void spoor__transport_get(spoor_transport_t *t, spoor_client_t *c, const char *url, const int *cancel,
                          spoor_response_t *resp);
void spoor__response_clear(spoor_response_t *resp);

/* Why a request failed, as its user should read it: where it went (log_url, with
 * credentials redacted), the status and the start of what the server answered
 * (one line of valid UTF-8), and for the statuses a setting explains, which
 * setting to check; not_found is the hint a 404 gets (" (check ...)"). */
void spoor__failure_reason(const spoor_client_t *c, const char *log_url, const char *not_found,
                           const spoor_response_t *resp, char *reason, size_t size);

#endif
