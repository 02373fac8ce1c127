/* stats.h: the client's counters as the command uses them (summaries, progress,
 * /metrics). cli_stats_read is the one place that reads the core's stats. */
#ifndef SPOOR_CLI_STATS_H
#define SPOOR_CLI_STATS_H

#include <stdint.h>

#include <spoor.h>

typedef enum {
    CLI_STAT_ACCEPTED,
    CLI_STAT_QUEUED,
    CLI_STAT_DELIVERED,
    CLI_STAT_FAILED,
    CLI_STAT_REJECTED,
    CLI_STAT_DROPPED,
    CLI_STAT_DROPPED_QUEUE_FULL,
    CLI_STAT_RETRIED,
    CLI_STAT_BATCHES,
    CLI_STAT_REQUESTS,
    CLI_STAT_BYTES_SENT,
    CLI_STAT_REPLAYED,
    CLI_STAT_SPOOL_CORRUPT,
    CLI_STAT_COUNT
} cli_stat_t;

typedef struct {
    uint64_t v[CLI_STAT_COUNT];
} cli_stats_t;

/* The client's counters now; all zero when client is NULL. */
void cli_stats_read(spoor_client_t *client, cli_stats_t *out);

/* How each counter is exported: its Prometheus name, type and help. */
typedef struct {
    const char *name;
    const char *type; /* "counter" or "gauge" */
    const char *help;
} cli_stat_info_t;

const cli_stat_info_t *cli_stat_info(cli_stat_t which);

#endif
