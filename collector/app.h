/* app.h: the collector's shared state and the reply every route fills in. */
#ifndef COLLECTOR_APP_H
#define COLLECTOR_APP_H

#include <pthread.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#include "auth.h"
#include "buf.h"
#include "registry.h"
#include "store.h"

#define DEFAULT_MAX_BODY (5u * 1024 * 1024)
/* Connections (each one a thread) at once, in all and from one address, and
 * how long one may sit idle: so stalled uploads cannot pile up threads. */
#define DEFAULT_MAX_CONNECTIONS 128
#define DEFAULT_MAX_CONNECTIONS_PER_IP 64
#define DEFAULT_CONNECTION_TIMEOUT_S 30

typedef struct {
    auth_conf_t auth;
    registry_t registry;     /* --schemas FILE; no sources (n == 0) without it */
    size_t max_body;         /* bytes, compressed and decompressed */
    unsigned max_connections, max_connections_per_ip, connection_timeout_s;
    int quiet;
    store_t *store;
    pthread_mutex_t store_lock; /* every store call, and the counter below */
    long duplicates;         /* since start or the last reset */
} app_t;

/* What a route answers; http.c turns it into an HTTP response. */
typedef struct {
    int status;
    textbuf_t body;              /* JSON */
    int retry_after;         /* seconds for Retry-After, -1: none */
    const char *content_type; /* NULL: application/json */
    long events, duplicates, rejected; /* for the log line and request log */
} reply_t;

void reply_init(reply_t *r);
/* status and {"error": message} */
void reply_error(reply_t *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* status and body taken over from text (malloc'd; NULL means out of memory) */
void reply_take(reply_t *r, int status, char *text);

#endif
