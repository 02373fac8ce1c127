/* stats.c: the client's counters (stats.h). */
#include "stats.h"

#include <stdio.h>

void cli_stats_read(spoor_client_t *client, spoor_stats_t *out) {
    spoor_stats_t init = SPOOR_STATS_INIT;
    *out = init;
    if (client && spoor_client_stats(client, out) != SPOOR_OK) *out = init;
}

void cli_stats_metrics(spoor_client_t *client, textbuf_t *out) {
    char text[16384]; /* the core's families: about 200 bytes each */
    if (client && spoor_client_stats_prometheus(client, NULL, text, sizeof text) == SPOOR_OK) textbuf_adds(out, text);
}
