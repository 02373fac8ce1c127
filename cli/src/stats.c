/* stats.c: reading the client's counters (stats.h). The table says, for each,
 * where it is in spoor_stats_t and how it is exported; cli_stats_read is the one
 * function that reads the core's struct. */
#include "stats.h"

#include <stddef.h>
#include <string.h>

#define AT(field) offsetof(spoor_stats_t, field)

static const struct {
    size_t offset;
    cli_stat_info_t info;
} table[CLI_STAT_COUNT] = {
    [CLI_STAT_ACCEPTED] = {AT(accepted), {"spoor_events_accepted_total", "counter", "Events the client accepted (validated and queued)."}},
    [CLI_STAT_QUEUED] = {AT(queued), {"spoor_events_queued", "gauge", "Events waiting to be sent now, in flight included."}},
    [CLI_STAT_DELIVERED] = {AT(delivered), {"spoor_events_delivered_total", "counter", "Events the server accepted (duplicates included)."}},
    [CLI_STAT_FAILED] = {AT(failed), {"spoor_events_failed_total", "counter", "Events that finally failed: HTTP error, network, rejected, aborted."}},
    [CLI_STAT_REJECTED] = {AT(rejected), {"spoor_events_rejected_total", "counter", "Of the failed events, those the server rejected one by one."}},
    [CLI_STAT_DROPPED] = {AT(dropped), {"spoor_events_dropped_total", "counter", "Events dropped before sending, all reasons."}},
    [CLI_STAT_DROPPED_QUEUE_FULL] = {AT(dropped_queue_full), {"spoor_events_dropped_queue_full_total", "counter", "Of the dropped events, those dropped because the queue was full."}},
    [CLI_STAT_RETRIED] = {AT(retried), {"spoor_requests_retried_total", "counter", "Requests retried."}},
    [CLI_STAT_BATCHES] = {AT(batches), {"spoor_batches_total", "counter", "Requests the server answered with a 2xx."}},
    [CLI_STAT_REQUESTS] = {AT(requests), {"spoor_requests_total", "counter", "Requests attempted."}},
    [CLI_STAT_BYTES_SENT] = {AT(bytes_sent), {"spoor_bytes_sent_total", "counter", "Request body bytes sent (after gzip)."}},
    [CLI_STAT_REPLAYED] = {AT(replayed), {"spoor_events_replayed_total", "counter", "Events the spool held from an earlier run, loaded at start."}},
    [CLI_STAT_SPOOL_CORRUPT] = {AT(spool_corrupt), {"spoor_spool_corrupt_total", "counter", "Damaged spool regions skipped at start."}},
};

void cli_stats_read(spoor_client_t *client, cli_stats_t *out) {
    spoor_stats_t s;
    memset(out, 0, sizeof *out);
    if (!client || spoor_client_stats(client, &s) != SPOOR_OK) return;
    for (int i = 0; i < CLI_STAT_COUNT; i++) memcpy(&out->v[i], (const char *)&s + table[i].offset, sizeof out->v[i]);
}

const cli_stat_info_t *cli_stat_info(cli_stat_t which) { return &table[which].info; }
