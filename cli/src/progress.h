/* progress.h: what a running import shows on stderr: a progress bar redrawn in
 * place on a terminal, or a plain line every few seconds when stderr is a file
 * or a pipe (a log, cron's mail); and the messages (rejected lines, warnings)
 * printed between, which must not tear the bar. */
#ifndef SPOOR_CLI_PROGRESS_H
#define SPOOR_CLI_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef enum { CLI_PROGRESS_NONE, CLI_PROGRESS_LINES, CLI_PROGRESS_BAR } cli_progress_mode_t;

typedef struct {
    uint64_t records;      /* records read so far (this run) */
    uint64_t bytes;        /* bytes of the input read so far (this run) */
    uint64_t total_bytes;  /* bytes this run reads in all; 0: unknown (a pipe) */
    uint64_t sent, rejected, failed;
    double elapsed;        /* seconds since the run started */
    const char *phase;     /* NULL while reading; else what the import waits for */
} cli_progress_snapshot_t;

typedef void (*cli_snapshot_fn)(cli_progress_snapshot_t *s, void *opaque);

/* Start showing progress (a thread): every 0.2 s for a bar, every interval
 * seconds for lines. CLI_PROGRESS_NONE shows nothing. */
int cli_progress_start(cli_progress_mode_t mode, double interval, cli_snapshot_fn fn, void *opaque);
/* Stop, and take the bar off the screen. */
void cli_progress_stop(void);

/* One line of text, for a message among the progress (stderr, with a newline). */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* What the bar and a plain line say (exposed for the tests). */
void cli_progress_format_bar(const cli_progress_snapshot_t *s, int width, char *out, size_t size);
void cli_progress_format_line(const cli_progress_snapshot_t *s, char *out, size_t size);
/* n with thousands separators: 1234567 -> "1,234,567". */
void cli_format_count(uint64_t n, char out[32]);
/* A duration: "42 s", "3:07", "1:02:03". */
void cli_format_duration(double seconds, char out[32]);

#endif
