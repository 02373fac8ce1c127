/* import_options.c: `spoor import`'s options and its --help. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "cli.h"
#include "commands.h"
#include "import.h"

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
           "                          (Ctrl-C, kill -9, a crash) to resume; no line is queued twice\n"
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
int cli_import_parse(cli_import_t *x, cli_settings_t *s, int argc, char **argv, const char **spool, int *help) {
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
