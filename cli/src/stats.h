/* stats.h: the client's counters, as the command uses them (summaries,
 * progress, /metrics). cli_stats_read is the one place that reads them. */
#ifndef SPOOR_CLI_STATS_H
#define SPOOR_CLI_STATS_H

#include <spoor.h>

#include "buf.h"

/* The client's counters now; all zero when client is NULL. */
void cli_stats_read(spoor_client_t *client, spoor_stats_t *out);

/* Every counter of the core's list (SPOOR_STATS_COUNTERS), in Prometheus' text
 * format: spoor_client_<name>_total, a counter, or spoor_client_queued, a gauge,
 * with the core's words for what it counts as its help. A counter the core adds
 * is exported with no change here. */
void cli_stats_metrics(const spoor_stats_t *st, cli_buf_t *out);

#endif
