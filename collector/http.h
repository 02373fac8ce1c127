/* http.h: the collector's HTTP face on libmicrohttpd: one thread per connection
 * (a delayed answer never holds up another request) up to the connection
 * limits, bodies collected up to the limit, routes dispatched from one table to
 * ingest.c and micro.c (the /micro ones behind their credentials), one log line
 * per request. */
#ifndef COLLECTOR_HTTP_H
#define COLLECTOR_HTTP_H

#include <sys/socket.h>

#include "app.h"

struct MHD_Daemon;

/* Starts serving on addr (port 0: any free one). NULL on failure. */
struct MHD_Daemon *http_start(app_t *app, const struct sockaddr *addr, int ipv6);
/* The port actually bound. */
int http_port(struct MHD_Daemon *d);
/* Stops accepting, waits up to timeout_ms for requests in flight to be answered,
 * then stops the daemon. */
void http_stop(struct MHD_Daemon *d, int timeout_ms);

#endif
