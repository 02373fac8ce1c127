/* import.c: `spoor import FILE`: its options, the checks before it starts
 * (the input, the spool's state, an interrupted import to resume), and the
 * summary and exit code at the end. The record loop is import_run.c. */
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

void cli_import_help(void) {
    printf("usage: spoor import FILE [options] [settings]\n"
           "\n"
           "Sends every record of FILE (JSON lines, or CSV with a header; - reads standard input).\n"
           "A JSON line is one message as spoor_enqueue and batch take it, with its \"type\".\n"
           "A CSV row becomes one message: each column's name is the field it fills, dots\n"
           "nest (properties.plan), a :number, :boolean or :json suffix types it, an empty\n"
           "cell is left out. Lines without an eventId get one derived from the file and\n"
           "the line number, so a resend is recognised by the server.\n"
           "\n"
           "options:\n"
           "  --format jsonl|csv      the input's format (default: csv for a .csv file, else jsonl)\n"
           "  --type TYPE             the type of records that name none (track, identify, ...)\n"
           "  --delimiter C           CSV field delimiter (default ','; 'tab' for a tab)\n"
           "  --rejects FILE          append what could not be sent there, one JSON object a line\n"
           "  --spool DIR             keep accepted events in DIR (spool_dir) and the import's\n"
           "                          position: run the same command again after an interruption\n"
           "                          (Ctrl-C, kill -9, a crash) to resume, nothing sent twice\n"
           "  --metrics-port N        serve the import's counters at http://127.0.0.1:N/metrics\n"
           "                          (Prometheus text format; 0 picks a free port)\n"
           "  --metrics-bind ADDR     the address to serve them on (default 127.0.0.1)\n"
           "  --progress auto|bar|lines|none   (default auto: a bar on a terminal, else lines)\n"
           "  --progress-interval S   seconds between progress lines (default 10)\n"
           "  --quiet                 no progress (errors and the summary still show)\n"
           "  --errors N              show the first N rejected lines on stderr (default 20)\n"
           "\n"
           "Exit codes: 0 all sent; 65 some lines were invalid (the rest were sent); 69 some\n"
           "events failed to be delivered; 130 interrupted (resumable with --spool); 64 usage,\n"
           "66 FILE cannot be opened, 74 a write failed, 78 a setting is wrong. See docs/cli.md.\n");
}

static int usage_error(const char *fmt, const char *arg) {
    fputs("spoor import: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs(" (spoor import --help)\n", stderr);
    return CLI_EXIT_USAGE;
}

/* Parse the options into x; the settings' options go to s. 0, or an exit code. */
static int parse(cli_import_t *x, cli_settings_t *s, int argc, char **argv, const char **spool, int *help) {
    int only_args = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (only_args || a[0] != '-' || !strcmp(a, "-")) {
            if (x->path) return usage_error("one FILE only (\"%s\" is another)", a);
            x->path = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            only_args = 1;
            continue;
        }
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            *help = 1;
            return 0;
        }
        if (!strcmp(a, "--quiet") || !strcmp(a, "-q")) {
            x->progress = CLI_PROGRESS_NONE;
            continue;
        }
        static const char *const valued[] = {"--format", "--type", "--delimiter", "--rejects", "--spool",
                                             "--metrics-port", "--metrics-bind", "--progress", "--progress-interval",
                                             "--errors", NULL};
        int k = 0;
        size_t len = strcspn(a, "=");
        while (valued[k] && (strlen(valued[k]) != len || strncmp(a, valued[k], len))) k++;
        if (!valued[k]) {
            int r = cli_settings_option(s, argc, argv, &i);
            if (r < 0) return CLI_EXIT_USAGE;
            if (r == 0) {
                cli_settings_unknown(a);
                return CLI_EXIT_USAGE;
            }
            continue;
        }
        if (a[len] == '=') v = a + len + 1;
        else if (!v) return usage_error("%s needs a value", a);
        else i++;
        const char *opt = valued[k];
        char *end;
        if (!strcmp(opt, "--format")) {
            if (strcmp(v, "jsonl") && strcmp(v, "csv")) return usage_error("--format: \"%s\" is not jsonl or csv", v);
            x->format = v;
        } else if (!strcmp(opt, "--type")) {
            x->type = v;
        } else if (!strcmp(opt, "--delimiter")) {
            if (!strcmp(v, "tab") || !strcmp(v, "\\t")) x->delim = '\t';
            else if (strlen(v) == 1 && v[0] != '"' && v[0] != '\n' && v[0] != '\r') x->delim = v[0];
            else return usage_error("--delimiter: \"%s\" is not one character (or tab)", v);
        } else if (!strcmp(opt, "--rejects")) {
            x->rejects_path = v;
        } else if (!strcmp(opt, "--spool")) {
            *spool = v;
        } else if (!strcmp(opt, "--metrics-port")) {
            long port = strtol(v, &end, 10);
            if (*end || end == v || port < 0 || port > 65535) return usage_error("--metrics-port: \"%s\" is not a port", v);
            x->metrics_port = (int)port;
        } else if (!strcmp(opt, "--metrics-bind")) {
            x->metrics_bind = v;
        } else if (!strcmp(opt, "--progress")) {
            if (!strcmp(v, "bar")) x->progress = CLI_PROGRESS_BAR;
            else if (!strcmp(v, "lines")) x->progress = CLI_PROGRESS_LINES;
            else if (!strcmp(v, "none")) x->progress = CLI_PROGRESS_NONE;
            else if (!strcmp(v, "auto")) x->progress = isatty(STDERR_FILENO) ? CLI_PROGRESS_BAR : CLI_PROGRESS_LINES;
            else return usage_error("--progress: \"%s\" is not auto, bar, lines or none", v);
        } else if (!strcmp(opt, "--progress-interval")) {
            double d = strtod(v, &end);
            if (*end || end == v || !(d > 0)) return usage_error("--progress-interval: \"%s\" is not a number of seconds", v);
            x->progress_interval = d;
        } else if (!strcmp(opt, "--errors")) {
            long long n = strtoll(v, &end, 10);
            if (*end || end == v || n < 0) return usage_error("--errors: \"%s\" is not a count", v);
            x->max_errors = (uint64_t)n;
        }
    }
    if (!x->path) return usage_error("%s", "which FILE? (- for standard input)");
    if (!x->format) {
        size_t n = strlen(x->path);
        x->format = n > 4 && !strcasecmp(x->path + n - 4, ".csv") ? "csv" : "jsonl";
    }
    x->csv = !strcmp(x->format, "csv");
    return 0;
}

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

static void snapshot(cli_progress_snapshot_t *s, void *opaque) {
    cli_import_t *x = opaque;
    cli_stats_t st;
    cli_stats_read(x->client, &st);
    s->records = LOAD(x->records);
    s->bytes = LOAD(x->bytes);
    s->total_bytes = x->total_bytes;
    s->sent = st.v[CLI_STAT_DELIVERED];
    s->rejected = LOAD(x->rejected);
    s->failed = st.v[CLI_STAT_FAILED] + st.v[CLI_STAT_DROPPED];
    s->elapsed = cli_now() - x->started;
    s->phase = __atomic_load_n(&x->phase, __ATOMIC_RELAXED);
}

static void metrics(cli_buf_t *out, void *opaque) {
    cli_import_t *x = opaque;
    cli_stats_t st;
    cli_stats_read(x->client, &st);
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
    for (int i = 0; i < CLI_STAT_COUNT; i++) {
        const cli_stat_info_t *info = cli_stat_info((cli_stat_t)i);
        cli_metric(out, info->name, info->type, info->help, (double)st.v[i]);
    }
}

/* The rejected and failed counts of the whole import: with a spool, of every
 * run (the state keeps them), else of this one. */
static void totals(const cli_import_t *x, const cli_stats_t *st, uint64_t *rejected, uint64_t *failed) {
    *rejected = x->spool_dir ? x->state.rejected : LOAD(x->rejected);
    *failed = x->spool_dir ? x->state.failed : st->v[CLI_STAT_FAILED] + st->v[CLI_STAT_DROPPED];
}

static void summary(cli_import_t *x, const cli_stats_t *st, uint64_t resumed_line) {
    char records[32], rate[32], took[32], sent[32], rejected[32], failed[32], skipped[32], replayed[32];
    char all_rejected[32], all_failed[32];
    uint64_t total_rejected, total_failed, run_failed = st->v[CLI_STAT_FAILED] + st->v[CLI_STAT_DROPPED];
    totals(x, st, &total_rejected, &total_failed);
    double elapsed = cli_now() - x->started;
    cli_format_count(LOAD(x->records), records);
    cli_format_count((uint64_t)(elapsed > 0 ? (double)LOAD(x->records) / elapsed + 0.5 : 0), rate);
    cli_format_duration(elapsed, took);
    cli_format_count(st->v[CLI_STAT_DELIVERED], sent);
    cli_format_count(LOAD(x->rejected), rejected);
    cli_format_count(run_failed, failed);
    cli_format_count(LOAD(x->skipped), skipped);
    cli_format_count(st->v[CLI_STAT_REPLAYED], replayed);
    cli_format_count(total_rejected, all_rejected);
    cli_format_count(total_failed, all_failed);
    const char *see = x->rejects_path && (total_rejected || total_failed) ? x->rejects_path : NULL;
    printf("spoor import: %s: %s\n", x->path,
           x->interrupted ? "interrupted" : x->io_error ? "stopped (a write failed)" : "done");
    printf("  read     %s line%s in %s (%s lines/s)\n", records, LOAD(x->records) == 1 ? "" : "s", took, rate);
    printf("  sent     %s event%s\n", sent, st->v[CLI_STAT_DELIVERED] == 1 ? "" : "s");
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
               (unsigned long long)st->v[CLI_STAT_QUEUED], x->spool_dir);
    fflush(stdout);
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
    cli_buf_init(&x.journal_buf);
    pthread_mutex_init(&x.lock, NULL);
    pthread_cond_init(&x.cond, NULL);
    const char *spool = NULL;
    int help = 0, rc = parse(&x, s, argc, argv, &spool, &help);
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
        if (!(server = cli_metrics_start(x.metrics_bind, x.metrics_port, metrics, &x, err, sizeof err))) {
            cli_say("spoor import: %s", err);
            rc = CLI_EXIT_CONFIG;
            goto done;
        }
        cli_say("spoor import: metrics at http://%s%s%s:%d/metrics", strchr(x.metrics_bind, ':') ? "[" : "",
                x.metrics_bind, strchr(x.metrics_bind, ':') ? "]" : "", cli_metrics_port(server));
    }
    cli_signals_install();
    x.started = cli_now();
    cli_progress_start(x.progress, x.progress_interval, snapshot, &x);
    if (!x.interrupted) rc = cli_import_replay(&x);
    if (!rc && !x.interrupted) rc = cli_import_run(&x);
    if (!rc && !x.interrupted) cli_import_finish(&x);
    spoor_close(x.client, -1); /* after an interruption: close_timeout, then the spool keeps the rest */
    cli_progress_stop();
    cli_stats_t st;
    cli_stats_read(x.client, &st);
    if (x.spool_dir && !rc && !x.interrupted && !x.io_error && !st.v[CLI_STAT_QUEUED]) {
        x.state.complete = 1;
        x.state.pending = 0;
        char e2[600];
        if (cli_resume_save(x.spool_dir, &x.state, x.sync_state, e2, sizeof e2)) cli_say("spoor import: %s", e2);
    }
    summary(&x, &st, resumed_line);
    cli_signals_restore();
    uint64_t total_rejected, total_failed;
    totals(&x, &st, &total_rejected, &total_failed);
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
    cli_buf_free(&x.journal_buf);
    free(x.spool_dir);
    pthread_cond_destroy(&x.cond);
    pthread_mutex_destroy(&x.lock);
    return rc;
}
