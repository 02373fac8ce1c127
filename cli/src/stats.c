/* stats.c: the client's counters (stats.h). */
#include "stats.h"

#include <stdio.h>
#include <string.h>

#include "metrics.h"

void cli_stats_read(spoor_client_t *client, spoor_stats_t *out) {
    spoor_stats_t init = SPOOR_STATS_INIT;
    *out = init;
    if (client && spoor_client_stats(client, out) != SPOOR_OK) *out = init;
}

/* One counter: spoor_client_<name>_total, or for queued (the one that goes down)
 * the gauge spoor_client_queued. */
static void metric(cli_buf_t *out, const char *name, const char *meaning, uint64_t value) {
    char full[96], help[256];
    int gauge = !strcmp(name, "queued");
    snprintf(full, sizeof full, "spoor_client_%s%s", name, gauge ? "" : "_total");
    snprintf(help, sizeof help, "%s.", meaning);
    cli_metric(out, full, gauge ? "gauge" : "counter", help, (double)value);
}

void cli_stats_metrics(const spoor_stats_t *st, cli_buf_t *out) {
#define CLI_STATS_METRIC_(name, meaning) metric(out, #name, meaning, st->name);
    SPOOR_STATS_COUNTERS(CLI_STATS_METRIC_)
#undef CLI_STATS_METRIC_
}
