/* import.h: the state `spoor import` shares between its setup and summary
 * (import.c) and its record loop and delivery callback (import_run.c). */
#ifndef SPOOR_CLI_IMPORT_H
#define SPOOR_CLI_IMPORT_H

#include <pthread.h>
#include <stdint.h>

#include <spoor.h>

#include "buf.h"
#include "eventid.h"
#include "idmap.h"
#include "input.h"
#include "message.h"
#include "progress.h"
#include "rejects.h"
#include "resume.h"
#include "settings.h"
#include "stats.h"

/* The counters the progress and metrics threads read while the import runs. */
#define LOAD(v) __atomic_load_n(&(v), __ATOMIC_RELAXED)
#define ADD(v, n) __atomic_add_fetch(&(v), (n), __ATOMIC_RELAXED)

typedef struct {
    /* options */
    const char *path, *format, *type, *rejects_path, *metrics_bind;
    int csv;
    char delim;
    int metrics_port;
    cli_progress_mode_t progress;
    double progress_interval;
    uint64_t max_errors;   /* rejected lines printed on stderr; the rest are counted */

    /* input */
    cli_input_t *in;
    cli_messages_t *messages;
    cli_idspace_t space;
    char sha256[65];
    uint64_t start_offset; /* where this run started reading */
    uint64_t total_bytes;  /* what this run reads, 0 when unknown */

    /* delivery */
    spoor_client_t *client;
    char *spool_dir;       /* NULL: no spool, nothing to resume */
    int sync_state;        /* fsync the state file (spool_sync=event) */
    uint64_t chunk;        /* records between two saves of the state */
    uint64_t queue_limit;  /* wait for room above this many queued events */
    cli_rejects_t *rejects;

    /* the resume protocol (docs/design.md): lock guards everything below */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    cli_resume_t state;
    int resuming;          /* the spool's state is an unfinished import of this file */
    int chunk_open;        /* records from line chunk_line on may be queued while the state file does not say so */
    int replaying;         /* the spool's events from an interrupted run are being sent */
    uint64_t chunk_line;
    cli_idmap_t *own_ids;  /* events in flight that brought their own eventId -> line */
    int journal_fd;        /* import-settled: lines of the open chunk already settled */
    uint64_t journal_max;  /* the highest line it holds (0: empty) */
    textbuf_t journal_buf;
    cli_idmap_t *resume_ids; /* ids of the records of the interrupted chunk -> index */
    uint64_t *resume_lines;  /* their line numbers, ascending */
    unsigned char *resume_seen; /* of those, the ones that are not to be queued again */
    uint64_t resume_count;
    uint64_t chunk_rejected; /* records of the open chunk refused: added to state.rejected when it is saved past them */
    int io_error;          /* the rejects file or the state could not be written */

    /* counts (this run); read by the progress and metrics threads (atomics) */
    uint64_t records, bytes, rejected, skipped, failed, sent;
    const char *phase;     /* what the import waits for, NULL while reading */
    uint64_t errors_shown;
    double started;        /* monotonic seconds */
    int interrupted;
} cli_import_t;

/* The options (import_options.c): 0, or an exit code; *help when --help was asked. */
int cli_import_parse(cli_import_t *x, cli_settings_t *s, int argc, char **argv, const char **spool, int *help);

/* What the import shows (import_report.c): the progress snapshot and /metrics
 * (called on their threads), the whole import's rejected and failed counts, the
 * summary on stdout. */
void cli_import_snapshot(cli_progress_snapshot_t *s, void *opaque);
void cli_import_metrics(textbuf_t *out, void *opaque);
void cli_import_totals(const cli_import_t *x, const spoor_stats_t *st, uint64_t *rejected, uint64_t *failed);
void cli_import_summary(cli_import_t *x, const spoor_stats_t *st, uint64_t resumed_line);

/* The delivery callback (import_run.c). */
void cli_import_on_delivery(const spoor_delivery_report_t *report, void *opaque);

/* Read, build and queue every record, saving the state as it goes; then wait
 * until everything is delivered. Returns an exit code (CLI_EXIT_*), or 0. */
int cli_import_run(cli_import_t *x);

/* Deliver what the spool kept from an interrupted run before reading on, marking
 * which records of the interrupted chunk it held. 0, or an exit code. */
int cli_import_replay(cli_import_t *x);

/* Wait until every queued event is delivered or failed. 0, or -1 when interrupted. */
int cli_import_finish(cli_import_t *x);

/* Record one line that could not be queued (stderr and the rejects file). */
void cli_import_reject(cli_import_t *x, uint64_t line, const char *error, const char *input, size_t len);

double cli_now(void);

#endif
