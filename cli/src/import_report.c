/* import_report.c: what `spoor import` tells while it runs (the progress
 * snapshot, /metrics) and at its end (the summary, the whole import's totals). */
#include <stdio.h>

#include "import.h"
#include "metrics.h"
#include "stats.h"

void cli_import_snapshot(cli_progress_snapshot_t *s, void *opaque) {
    cli_import_t *x = opaque;
    spoor_stats_t st;
    cli_stats_read(x->client, &st);
    s->records = LOAD(x->records);
    s->bytes = LOAD(x->bytes);
    s->total_bytes = x->total_bytes;
    s->sent = st.delivered;
    s->rejected = LOAD(x->rejected);
    s->failed = st.failed + st.dropped;
    s->elapsed = cli_now() - x->started;
    s->phase = __atomic_load_n(&x->phase, __ATOMIC_RELAXED);
}

void cli_import_metrics(textbuf_t *out, void *opaque) {
    cli_import_t *x = opaque;
    cli_metric(out, "spoor_import_lines_read_total", "counter", "Records (lines, CSV rows) read from the input by this run.",
               (double)LOAD(x->records));
    cli_metric(out, "spoor_import_lines_rejected_total", "counter",
               "Records that could not become an event (invalid), written to the rejects file.", (double)LOAD(x->rejected));
    cli_metric(out, "spoor_import_lines_resumed_total", "counter",
               "Records not queued again on resume because the spool still held them.", (double)LOAD(x->skipped));
    cli_metric(out, "spoor_import_bytes_read_total", "counter", "Bytes of the input read by this run.", (double)LOAD(x->bytes));
    cli_metric(out, "spoor_import_input_bytes", "gauge", "Bytes this run reads in all (0: unknown, a pipe).",
               (double)x->total_bytes);
    cli_metric(out, "spoor_import_elapsed_seconds", "gauge", "Seconds since this run started.", cli_now() - x->started);
    cli_stats_metrics(x->client, out);
}

/* The rejected and failed counts of the whole import: with a spool, of every
 * run (the state keeps them), else of this one. */
void cli_import_totals(const cli_import_t *x, const spoor_stats_t *st, uint64_t *rejected, uint64_t *failed) {
    *rejected = x->spool_dir ? x->state.rejected : LOAD(x->rejected);
    *failed = x->spool_dir ? x->state.failed : st->failed + st->dropped;
}

void cli_import_summary(cli_import_t *x, const spoor_stats_t *st, uint64_t resumed_line) {
    char records[32], rate[32], took[32], sent[32], rejected[32], failed[32], skipped[32], replayed[32];
    char all_rejected[32], all_failed[32];
    uint64_t total_rejected, total_failed, run_failed = st->failed + st->dropped;
    cli_import_totals(x, st, &total_rejected, &total_failed);
    double elapsed = cli_now() - x->started;
    cli_format_count(LOAD(x->records), records);
    cli_format_count((uint64_t)(elapsed > 0 ? (double)LOAD(x->records) / elapsed + 0.5 : 0), rate);
    cli_format_duration(elapsed, took);
    cli_format_count(st->delivered, sent);
    cli_format_count(LOAD(x->rejected), rejected);
    cli_format_count(run_failed, failed);
    cli_format_count(LOAD(x->skipped), skipped);
    cli_format_count(st->replayed, replayed);
    cli_format_count(total_rejected, all_rejected);
    cli_format_count(total_failed, all_failed);
    const char *see = x->rejects_path && (total_rejected || total_failed) ? x->rejects_path : NULL;
    printf("spoor import: %s: %s\n", x->path,
           x->interrupted ? "interrupted" : x->io_error ? "stopped (a write failed)" : "done");
    printf("  read     %s line%s in %s (%s lines/s)\n", records, LOAD(x->records) == 1 ? "" : "s", took, rate);
    printf("  sent     %s event%s\n", sent, st->delivered == 1 ? "" : "s");
    printf("  rejected %s line%s (invalid)", rejected, LOAD(x->rejected) == 1 ? "" : "s");
    if (resumed_line) printf("; %s in the whole import", all_rejected);
    printf("\n  failed   %s event%s (not delivered)", failed, run_failed == 1 ? "" : "s");
    if (resumed_line) printf("; %s in the whole import", all_failed);
    printf("\n");
    if (see) printf("  see      %s\n", see);
    if (resumed_line)
        printf("  resumed  at line %llu; %s events the spool kept were sent first, %s lines it held not queued again\n",
               (unsigned long long)resumed_line, replayed, skipped);
    if (x->interrupted && x->spool_dir)
        printf("  kept     %llu events in the spool %s: run the same command to resume\n",
               (unsigned long long)st->queued, x->spool_dir);
    fflush(stdout);
}
