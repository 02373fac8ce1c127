/* metrics.h: an import's counters served in Prometheus' text format at
 * GET /metrics (libmicrohttpd), for as long as the import runs. The names are
 * listed in docs/cli.md. */
#ifndef SPOOR_CLI_METRICS_H
#define SPOOR_CLI_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Writes the exposition text of every metric into out; called on the server's
 * thread for each scrape. */
typedef void (*cli_metrics_fn)(textbuf_t *out, void *opaque);

typedef struct cli_metrics cli_metrics_t;

/* Listen on bind (an IPv4 or IPv6 address) and port (0: a free one). NULL on
 * failure (err), also in a build without libmicrohttpd. */
cli_metrics_t *cli_metrics_start(const char *bind, int port, cli_metrics_fn fn, void *opaque, char *err, size_t size);
int cli_metrics_port(const cli_metrics_t *m);
void cli_metrics_stop(cli_metrics_t *m);

/* One metric in the exposition format: # HELP, # TYPE and the sample. */
void cli_metric(textbuf_t *out, const char *name, const char *type, const char *help, double value);

#endif
