/* stats.h: the client's counters, as the command uses them (summaries,
 * progress, /metrics). cli_stats_read is the one place that reads them. */
#ifndef SPOOR_CLI_STATS_H
#define SPOOR_CLI_STATS_H

#include <spoor.h>

#include "buf.h"

/* The client's counters now; all zero when client is NULL. */
void cli_stats_read(spoor_client_t *client, spoor_stats_t *out);

/* Every counter of the client in Prometheus' text format, as the core writes it
 * (spoor_client_stats_prometheus): spoor_client_<name>_total counters and the
 * spoor_client_queued gauge. Nothing when client is NULL. */
void cli_stats_metrics(spoor_client_t *client, textbuf_t *out);

#endif
