/* metrics.h: the collector's counters, and GET /metrics, which shows them in
 * Prometheus' text format (docs/collector.md, "Metrics"). Every counter counts from
 * the collector's start: /micro/reset empties the store, not these. */
#ifndef COLLECTOR_METRICS_H
#define COLLECTOR_METRICS_H

#include <stddef.h>

#include "app.h"

/* The routes a request is counted under (the label route). */
typedef enum {
    ROUTE_BATCH, ROUTE_REGISTRY, ROUTE_MICRO, ROUTE_HEALTH, ROUTE_METRICS, ROUTE_NONE, N_ROUTES
} metrics_route_t;

/* The formats events are counted under (the label format): as ingest.c tells them. */
typedef enum { METRICS_SPOOR, METRICS_SEGMENT, N_FORMATS } metrics_format_t;

void metrics_start(void);
/* One request answered with status (0: cut on purpose), its body bytes as received. */
void metrics_request(metrics_route_t route, int status, size_t bytes);
/* The events of a stored batch, by outcome. */
void metrics_events(metrics_format_t format, long good, long bad, long duplicates);
void metrics_fault(void);
void metrics_refused(void);
/* GET /metrics: the text into r (connections: open now, -1 when unknown). */
void metrics_answer(app_t *app, long connections, reply_t *r);

#endif
