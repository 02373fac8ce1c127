/* ingest.h: POST /v1/batch (wire format v1 or Segment's batch) and Segment's
 * single-message paths (/v1/track, ...), from the raw request to the stored
 * events and the answer. Knows nothing of the HTTP library. */
#ifndef COLLECTOR_INGEST_H
#define COLLECTOR_INGEST_H

#include <stddef.h>

#include "app.h"

typedef struct {
    /* headers of interest, NULL when absent */
    const char *x_api_key, *authorization, *content_encoding, *timestamp, *signature;
    const char *body;        /* as received (maybe gzip) */
    size_t len;
    int over_limit;          /* the body passed max_body and was not kept */
    const char *segment_type; /* Segment's single-message path (/v1/track: "track"), or NULL: /v1/batch */
} batch_request_t;

void ingest_batch(app_t *app, const batch_request_t *rq, reply_t *r);

/* How many events the body holds (0 when it cannot be read), for the request
 * log of requests that were not ingested. */
long ingest_count_events(app_t *app, const batch_request_t *rq);

/* 1 when a Content-Encoding value means gzip. */
int ingest_is_gzip(const char *content_encoding);

#endif
