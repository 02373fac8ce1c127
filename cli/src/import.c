/* import.c: `spoor import FILE`: the checks before it starts (the input, the
 * spool's state, an interrupted import to resume), the run, and the exit code.
 * Options: import_options.c; the record loop: import_run.c; progress, metrics
 * and the summary: import_report.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "import.h"
#include "metrics.h"
#include "stats.h"

/* A setting's value as text (the configuration is complete by now). */
static void setting(const spoor_config_t *conf, const char *key, char *out, size_t size) {
    if (spoor_config_get(conf, key, out, size) != SPOOR_OK) out[0] = '\0';
}

/* The records of the chunk the interrupted run had open, by eventId, so the
 * replay can say which of them the spool held. 0, or an exit code. */
static int remember_open_chunk(cli_import_t *x) {
    char err[600];
    cli_record_t rec;
    cli_message_t msg;
    if (!x->state.pending) return 0;
    if (cli_input_seek(x->in, x->state.offset, x->state.line, err, sizeof err)) {
        cli_say("spoor import: %s: %s", x->path, err);
        return CLI_EXIT_IOERR;
    }
    x->resume_ids = cli_idmap_new();
    x->resume_seen = calloc(x->state.pending, 1);
    x->resume_lines = calloc(x->state.pending, sizeof *x->resume_lines);
    if (!x->resume_ids || !x->resume_seen || !x->resume_lines) return CLI_EXIT_SOFTWARE;
    while (x->resume_count < x->state.pending && cli_input_next(x->in, &rec, err, sizeof err) == 1) {
        uint64_t index = x->resume_count++;
        x->resume_lines[index] = rec.line;
        if (rec.too_long || cli_messages_build(x->messages, rec.text, rec.len, rec.line, &msg, err, sizeof err))
            continue; /* refused before: refused again */
        if (msg.id[0] && cli_idmap_put(x->resume_ids, msg.id, index)) return CLI_EXIT_SOFTWARE;
    }
    /* The journal: which of them were settled (so are not in the spool any more). */
    uint64_t *settled;
    size_t n;
    if (cli_journal_read(x->spool_dir, &settled, &n, err, sizeof err)) {
        cli_say("spoor import: %s", err);
        return CLI_EXIT_IOERR;
    }
    for (size_t i = 0; i < n; i++) {
        size_t lo = 0, hi = x->resume_count; /* resume_lines ascend */
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (x->resume_lines[mid] < settled[i]) lo = mid + 1;
            else hi = mid;
        }
        if (lo < x->resume_count && x->resume_lines[lo] == settled[i]) x->resume_seen[lo] = 1;
        if (settled[i] > x->journal_max) x->journal_max = settled[i];
    }
    free(settled);
    return 0;
}

/* Compare the spool's state with this import, before the client exists. 0 to
 * go on, -1 when there is nothing to do, or an exit code. */
static int check_state(cli_import_t *x, uint64_t data_line, uint64_t data_offset) {
    char err[600];
    cli_resume_t *st = &x->state;
    if (cli_resume_load(x->spool_dir, st, err, sizeof err)) {
        cli_say("spoor import: %s (remove it to start over)", err);
        return CLI_EXIT_CONFIG;
    }
    int same = st->present && !strcmp(st->sha256, x->sha256) && !strcmp(st->format, x->format) &&
               !strcmp(st->type, x->type ? x->type : "");
    if (st->present && !st->complete && !same) {
        if (strcmp(st->sha256, x->sha256))
            cli_say("spoor import: the spool %s holds an unfinished import of %s (stopped at line %llu), and %s is "
                    "not that file (its content differs). Finish that import by running it again, or remove "
                    "%s/%s to give it up.",
                    x->spool_dir, st->path, (unsigned long long)st->line, x->path, x->spool_dir, CLI_RESUME_FILE);
        else
            cli_say("spoor import: the unfinished import in %s used --format %s%s%s: resume it with the same "
                    "options (or remove %s/%s to give it up)",
                    x->spool_dir, st->format, *st->type ? " --type " : "", st->type, x->spool_dir, CLI_RESUME_FILE);
        return CLI_EXIT_CONFIG;
    }
    if (same && st->complete) {
        cli_say("spoor import: %s was imported completely with this spool before; nothing to do (remove %s/%s "
                "to import it again)", x->path, x->spool_dir, CLI_RESUME_FILE);
        return -1;
    }
    if (!same) { /* a new import */
        memset(st, 0, sizeof *st);
        snprintf(st->sha256, sizeof st->sha256, "%s", x->sha256);
        snprintf(st->format, sizeof st->format, "%s", x->format);
        snprintf(st->type, sizeof st->type, "%s", x->type ? x->type : "");
        st->size = cli_input_size(x->in);
        st->line = data_line;
        st->offset = data_offset;
        char *abs = realpath(x->path, NULL);
        snprintf(st->path, sizeof st->path, "%s", abs ? abs : x->path);
        free(abs);
        return 0;
    }
    x->resuming = 1;
    return remember_open_chunk(x);
}

int cli_import_command(cli_settings_t *s, int argc, char **argv) {
    cli_import_t x;
    memset(&x, 0, sizeof x);
    x.delim = ',';
    x.metrics_port = -1;
    x.metrics_bind = "127.0.0.1";
    x.progress = isatty(STDERR_FILENO) ? CLI_PROGRESS_BAR : CLI_PROGRESS_LINES;
    x.progress_interval = 10;
    x.max_errors = 20;
    x.journal_fd = -1;
    textbuf_init(&x.journal_buf);
    pthread_mutex_init(&x.lock, NULL);
    pthread_cond_init(&x.cond, NULL);
    const char *spool = NULL;
    int help = 0, rc = cli_import_parse(&x, s, argc, argv, &spool, &help);
    spoor_config_t *conf = NULL;
    cli_metrics_t *server = NULL;
    char err[600], value[4096];
    cli_record_t header;
    uint64_t resumed_line = 0;
    if (rc || help) {
        if (help) cli_import_help();
        goto done;
    }
    if (!(conf = cli_settings_config(s))) {
        rc = CLI_EXIT_CONFIG;
        goto done;
    }
    if (spool && spoor_config_set(conf, "spool_dir", spool) != SPOOR_OK) {
        cli_say("spoor import: --spool: %s", spoor_last_error());
        rc = CLI_EXIT_CONFIG;
        goto done;
    }
    setting(conf, "spool_dir", value, sizeof value);
    if (*value) x.spool_dir = strdup(value);
    setting(conf, "spool_sync", value, sizeof value);
    x.sync_state = !strcmp(value, "event");
    setting(conf, "max_queue_size", value, sizeof value);
    uint64_t cap = strtoull(value, NULL, 10);
    x.chunk = cap / 4 < 1000 ? (cap / 4 ? cap / 4 : 1) : 1000;
    x.queue_limit = cap > x.chunk ? cap - x.chunk : 0;

    if (!(x.in = cli_input_open(x.path, x.csv, err, sizeof err))) {
        cli_say("spoor import: %s", err);
        rc = CLI_EXIT_NOINPUT;
        goto done;
    }
    if (x.spool_dir && !cli_input_regular(x.in)) {
        cli_say("spoor import: a spool (to resume an interrupted import) needs FILE to be a file: %s cannot be "
                "read again", x.path);
        rc = CLI_EXIT_USAGE;
        goto done;
    }
    if (cli_input_regular(x.in) ? cli_file_sha256(cli_input_fd(x.in), x.sha256) : cli_idspace_random(&x.space)) {
        cli_say("spoor import: %s: %s", x.path, strerror(errno));
        rc = CLI_EXIT_NOINPUT;
        goto done;
    }
    if (cli_input_regular(x.in)) cli_idspace_init(&x.space, x.sha256, x.format, x.type);
    x.messages = cli_messages_new(x.csv, x.delim, x.type, &x.space);
    x.own_ids = cli_idmap_new();
    if (!x.messages || !x.own_ids) {
        rc = CLI_EXIT_SOFTWARE;
        goto done;
    }
    if (x.csv) { /* the header comes first, on resume too */
        int got = cli_input_next(x.in, &header, err, sizeof err);
        if (got < 0) {
            cli_say("spoor import: %s: %s", x.path, err);
            rc = CLI_EXIT_IOERR;
            goto done;
        }
        if (got && cli_messages_header(x.messages, header.text, header.len, err, sizeof err)) {
            cli_say("spoor import: %s: line %llu: %s", x.path, (unsigned long long)header.line, err);
            rc = CLI_EXIT_INVALID;
            goto done;
        }
    }
    uint64_t data_line = cli_input_line(x.in), data_offset = cli_input_offset(x.in);
    if (x.spool_dir) {
        int r = check_state(&x, data_line, data_offset);
        if (r < 0) goto done; /* nothing to do */
        if ((rc = r)) goto done;
        if (x.resuming) resumed_line = x.state.line;
    }
    if (x.rejects_path && !(x.rejects = cli_rejects_open(x.rejects_path, x.resuming, err, sizeof err))) {
        cli_say("spoor import: %s", err);
        rc = CLI_EXIT_IOERR;
        goto done;
    }
    /* On resume, opened (for appending only) before the client, whose replay may journal at once. */
    if (x.resuming && (x.journal_fd = cli_journal_open(x.spool_dir, err, sizeof err)) < 0) {
        cli_say("spoor import: %s", err);
        rc = CLI_EXIT_IOERR;
        goto done;
    }
    /* The spool replays from spoor_client_new on: the interrupted chunk is open
     * again, so the callback journals what of it is settled now. */
    x.replaying = 1;
    x.chunk_open = x.resuming && x.state.pending;
    x.chunk_line = x.state.line;
    spoor_config_set_delivery_cb(conf, cli_import_on_delivery, &x);
    spoor_config_set_log_cb(conf, cli_log, NULL);
    if (spoor_client_new(&x.client, conf) != SPOOR_OK) {
        cli_settings_explain(s, "spoor", "import", spoor_last_error());
        rc = CLI_EXIT_CONFIG;
        goto done;
    }
    if (x.spool_dir && !x.resuming && /* a new import: what another left there is of no use */
        ((x.journal_fd = cli_journal_open(x.spool_dir, err, sizeof err)) < 0 || ftruncate(x.journal_fd, 0))) {
        cli_say("spoor import: %s/%s: %s", x.spool_dir, CLI_JOURNAL_FILE, strerror(errno));
        rc = CLI_EXIT_IOERR;
        goto done;
    }
    if (x.spool_dir) { /* now the spool is ours: it must still say what it said */
        cli_resume_t again;
        if (cli_resume_load(x.spool_dir, &again, err, sizeof err) ||
            (again.present && (again.line != x.state.line || again.offset != x.state.offset ||
                               again.pending != x.state.pending || again.complete != x.state.complete))) {
            cli_say("spoor import: %s changed while this import started (another import?): run it again", x.spool_dir);
            rc = CLI_EXIT_CONFIG;
            goto done;
        }
    }
    if (cli_input_seek(x.in, x.state.line ? x.state.offset : data_offset, x.state.line ? x.state.line : data_line, err,
                       sizeof err) && cli_input_regular(x.in)) {
        cli_say("spoor import: %s: %s", x.path, err);
        rc = CLI_EXIT_IOERR;
        goto done;
    }
    x.start_offset = cli_input_offset(x.in);
    x.total_bytes = cli_input_regular(x.in) ? cli_input_size(x.in) - x.start_offset : 0;
    if (x.metrics_port >= 0) {
        if (!(server = cli_metrics_start(x.metrics_bind, x.metrics_port, cli_import_metrics, &x, err, sizeof err))) {
            cli_say("spoor import: %s", err);
            rc = CLI_EXIT_CONFIG;
            goto done;
        }
        cli_say("spoor import: metrics at http://%s%s%s:%d/metrics", strchr(x.metrics_bind, ':') ? "[" : "",
                x.metrics_bind, strchr(x.metrics_bind, ':') ? "]" : "", cli_metrics_port(server));
    }
    cli_signals_install();
    x.started = cli_now();
    cli_progress_start(x.progress, x.progress_interval, cli_import_snapshot, &x);
    if (!x.interrupted) rc = cli_import_replay(&x);
    if (!rc && !x.interrupted) rc = cli_import_run(&x);
    if (!rc && !x.interrupted) cli_import_finish(&x);
    spoor_close(x.client, -1); /* after an interruption: close_timeout, then the spool keeps the rest */
    cli_progress_stop();
    spoor_stats_t st;
    cli_stats_read(x.client, &st);
    if (x.spool_dir && !rc && !x.interrupted && !x.io_error && !st.queued) {
        x.state.complete = 1;
        x.state.pending = 0;
        char e2[600];
        if (cli_resume_save(x.spool_dir, &x.state, x.sync_state, e2, sizeof e2)) cli_say("spoor import: %s", e2);
    }
    cli_import_summary(&x, &st, resumed_line);
    cli_signals_restore();
    uint64_t total_rejected, total_failed;
    cli_import_totals(&x, &st, &total_rejected, &total_failed);
    if (!rc) rc = x.interrupted ? CLI_EXIT_INTERRUPTED
                  : x.io_error  ? CLI_EXIT_IOERR
                  : total_failed ? CLI_EXIT_UNAVAILABLE
                  : total_rejected ? CLI_EXIT_INVALID
                                   : CLI_EXIT_OK;
done:
    cli_metrics_stop(server);
    spoor_client_destroy(x.client);
    spoor_config_destroy(conf);
    cli_rejects_close(x.rejects);
    cli_messages_free(x.messages);
    cli_input_close(x.in);
    cli_idmap_free(x.own_ids);
    cli_idmap_free(x.resume_ids);
    free(x.resume_seen);
    free(x.resume_lines);
    if (x.journal_fd >= 0) close(x.journal_fd);
    textbuf_free(&x.journal_buf);
    free(x.spool_dir);
    pthread_cond_destroy(&x.cond);
    pthread_mutex_destroy(&x.lock);
    return rc;
}
