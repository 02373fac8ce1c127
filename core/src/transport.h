/* transport.h: the request a client sends (URL and fixed headers, made once per
 * client) and one HTTP POST of a batch body, with libcurl. One handle per
 * client, used only by its worker thread, so connections are kept alive. */
#ifndef SPOOR_TRANSPORT_H
#define SPOOR_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include "internal.h"

typedef struct spoor_response_s {
    int http_status;         /* 0 when no response arrived */
    int network_error;       /* 1: connection failed, timed out or was cut */
    int aborted;             /* 1: cancelled because the client is closing */
    int refused;             /* 1: not sent: a header value was refused (error says which) */
    int64_t retry_after_ms;  /* from Retry-After, -1 when absent */
    char error[256];         /* curl's message when network_error; why when refused */
    char *body;              /* response body, NUL-terminated (owned; may be NULL) */
    size_t body_len;
    size_t bytes_sent;       /* body bytes put on the wire (after gzip) */
} spoor_response_t;

/* The batch URL, its redacted forms for logs, and the fixed headers (content type,
 * the headers setting), into c. SPOOR_OK, or NOMEM. */
spoor_err_t spoor__request_setup(spoor_client_t *c);
void spoor__request_free(spoor_client_t *c);
/* Warn, once, about settings that expose what is sent (tls_verify false, credentials
 * over plain http:// to another machine). */
void spoor__request_warn(const spoor_client_t *c);

spoor_transport_t *spoor__transport_new(void);
void spoor__transport_free(spoor_transport_t *t);
/* Wake a transfer in progress so it sees c->aborting now (any thread; t may be NULL). */
void spoor__transport_wake(spoor_transport_t *t);

/* POST body (exactly these bytes are signed; gzip applies after). */
void spoor__transport_post(spoor_transport_t *t, spoor_client_t *c, const char *body, size_t len,
                           spoor_response_t *resp);
void spoor__response_clear(spoor_response_t *resp);

#endif
