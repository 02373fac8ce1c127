/* mock_server.h: a scriptable HTTP server on 127.0.0.1 for the C tests
 * (libmicrohttpd, one thread per connection). Each request to any path is
 * recorded (method, headers, body gunzipped) and answered by its path's route
 * (mock_route), else by the next scripted reply, or 200 {"accepted": n} when the
 * script is empty. */
#ifndef SPOOR_MOCK_SERVER_H
#define SPOOR_MOCK_SERVER_H

#include <stddef.h>

typedef struct mock_reply_s {
    int status;          /* 0: 200 */
    int retry_after;     /* seconds for a Retry-After header, -1: none */
    int delay_ms;        /* wait before answering */
    int cut;             /* 1: close the connection without an answer */
    const char *body;    /* NULL: {"accepted": n, "duplicates": 0, "rejected": []} */
    const char *retry_after_text; /* a Retry-After header's text as it is (over retry_after) */
} mock_reply_t;

typedef struct mock_request_s {
    char *body;          /* decompressed when Content-Encoding: gzip */
    size_t len;
    size_t raw_len;      /* bytes as received */
    int gzip;
    int status;          /* what was answered (0 for a cut) */
    long long at_ms;     /* monotonic arrival time */
    char headers[4096];  /* "name: value\n" lines, names lower-cased */
    char path[512];      /* the path, then ?name=value&... of the query's arguments */
    char method[16];     /* GET, POST, ... */
    char raw_path[512];  /* the path and query as sent, before any decoding */
} mock_request_t;

typedef struct mock_server_s mock_server_t;

mock_server_t *mock_start(void);
/* The same server over https with this certificate and key (PEM): its url is
 * "https://127.0.0.1:PORT". NULL when libmicrohttpd has no TLS. */
mock_server_t *mock_start_tls(const char *cert_pem, const char *key_pem);
void mock_stop(mock_server_t *m);
const char *mock_url(mock_server_t *m);          /* "http://127.0.0.1:PORT" */
void mock_script(mock_server_t *m, const mock_reply_t *replies, size_t n);
/* Answer every request for path (as received, before any decoding; no query) with
 * reply, whatever the method, from now on; a second route for a path replaces it.
 * reply->body is copied. */
void mock_route(mock_server_t *m, const char *path, const mock_reply_t *reply);
size_t mock_count(mock_server_t *m);             /* requests received */
int mock_wait(mock_server_t *m, size_t n, int timeout_ms); /* 0 once n requests arrived */
mock_request_t mock_request(mock_server_t *m, size_t i);   /* a copy; body owned by the server */
size_t mock_events_accepted(mock_server_t *m);
size_t mock_connections(mock_server_t *m);       /* TCP connections accepted */   /* events in requests answered 2xx */
/* Copy the value of header name (lower case) of request i into buf; 0 if present. */
int mock_header(mock_server_t *m, size_t i, const char *name, char *buf, size_t size);

#endif
