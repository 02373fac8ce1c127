/* cli.c: the spoor command: its subcommands, --help and --version. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "progress.h"
#include "settings.h"

/* The event commands and the message type each sends. */
static const struct {
    const char *name, *type;
} events[] = {
    {"track", "track"},     {"identify", "identify"}, {"group", "group"},     {"page", "page"},
    {"record", "record"},   {"profile", "profile"},   {"consent", "consent"}, {"consents", "consent"},
    {"product", "product"},
};

void cli_log(spoor_log_level_t level, const char *message, void *opaque) {
    (void)opaque;
    const char *name = level <= SPOOR_LOG_ERROR ? "error" : level == SPOOR_LOG_WARN ? "warning"
                     : level == SPOOR_LOG_INFO  ? "info"  : "debug";
    cli_say("spoor: %s: %s", name, message);
}

static void usage(FILE *out) {
    fprintf(out,
            "usage: spoor COMMAND [ARGS] [settings]\n"
            "\n"
            "Send events to a spoor server (or any server of the same wire format) from a shell,\n"
            "cron or a backfill, with the core every spoor binding uses.\n"
            "\n"
            "commands:\n"
            "  track, identify, group, page, record, profile, consent, product NAME=VALUE...\n"
            "                   send one event and wait until it is delivered\n"
            "  import FILE      send every line of a JSON lines or CSV file, with progress,\n"
            "                   a rejects file and, with --spool DIR, resume after an interruption\n"
            "  config           show the settings in effect and where each comes from\n"
            "  help [COMMAND|settings]   this text, a command's, or every setting\n"
            "\n"
            "Settings are options and environment variables: --host URL or SPOOR_HOST,\n"
            "--api-key-file FILE or SPOOR_API_KEY(_FILE), ... (spoor help settings).\n"
            "\n"
            "  SPOOR_HOST=https://collector.example SPOOR_API_KEY_FILE=~/.spoor-key \\\n"
            "    spoor track event=signup userId=user_123 properties.plan=pro\n"
            "  spoor import events.jsonl --spool /var/lib/spoor/import --rejects rejected.jsonl\n"
            "\n"
            "spoor --version prints the version. docs/cli.md has the rest.\n");
}

/* spoor config: every setting's value (secrets as ***) and its source. */
static int show_config(cli_settings_t *s, int argc, char **argv) {
    for (int i = 0; i < argc; i++) {
        int r = cli_settings_option(s, argc, argv, &i);
        if (r == 0) {
            if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
                printf("usage: spoor config [settings]\n\nShows each setting's value (secrets as ***), its "
                       "environment variable and where the value comes from.\n");
                return CLI_EXIT_OK;
            }
            cli_settings_unknown(argv[i]);
        }
        if (r <= 0) return CLI_EXIT_USAGE;
    }
    spoor_config_t *conf = cli_settings_config(s);
    if (!conf) return CLI_EXIT_CONFIG;
    const spoor_property_t *p;
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        char value[1024], var[128];
        if (spoor_config_get(conf, p->name, value, sizeof value) != SPOOR_OK) snprintf(value, sizeof value, "(too long to show)");
        cli_settings_env_name(p->name, "", var, sizeof var);
        printf("%-20s %-28s %-12s %s\n", p->name, var, cli_settings_source(s, p->name), value);
    }
    spoor_config_destroy(conf);
    return CLI_EXIT_OK;
}

static int help(const char *topic) {
    if (!topic) {
        usage(stdout);
        return CLI_EXIT_OK;
    }
    if (!strcmp(topic, "settings")) {
        cli_settings_help();
        return CLI_EXIT_OK;
    }
    if (!strcmp(topic, "import")) {
        cli_import_help();
        return CLI_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof events / sizeof *events; i++)
        if (!strcmp(topic, events[i].name)) {
            cli_event_help(events[i].name, events[i].type);
            return CLI_EXIT_OK;
        }
    cli_say("spoor help: no command %s (spoor help)", topic);
    return CLI_EXIT_USAGE;
}

int spoor_cli_main(int argc, char **argv) {
    cli_settings_t *s = cli_settings_new();
    if (!s) {
        cli_say("spoor: out of memory");
        return CLI_EXIT_SOFTWARE;
    }
    int i = 1, rc = -1;
    const char *cmd = NULL;
    for (; i < argc && rc < 0 && !cmd; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) rc = help(NULL);
        else if (!strcmp(a, "--version") || !strcmp(a, "-V")) printf("spoor %s\n", spoor_version()), rc = CLI_EXIT_OK;
        else if (a[0] != '-') cmd = a;
        else {
            int r = cli_settings_option(s, argc, argv, &i);
            if (r == 0) cli_settings_unknown(a);
            if (r <= 0) rc = CLI_EXIT_USAGE;
        }
    }
    if (rc < 0 && !cmd) {
        usage(stderr);
        rc = CLI_EXIT_USAGE;
    }
    if (rc < 0 && !strcmp(cmd, "import")) rc = cli_import_command(s, argc - i, argv + i);
    else if (rc < 0 && !strcmp(cmd, "config")) rc = show_config(s, argc - i, argv + i);
    else if (rc < 0 && !strcmp(cmd, "help")) rc = help(i < argc ? argv[i] : NULL);
    else if (rc < 0 && !strcmp(cmd, "version")) printf("spoor %s\n", spoor_version()), rc = CLI_EXIT_OK;
    for (size_t k = 0; rc < 0 && k < sizeof events / sizeof *events; k++)
        if (!strcmp(cmd, events[k].name)) rc = cli_event_command(s, events[k].name, events[k].type, argc - i, argv + i);
    if (rc < 0) {
        cli_say("spoor: no command %s (spoor help lists them)", cmd);
        rc = CLI_EXIT_USAGE;
    }
    cli_settings_free(s);
    fflush(stdout);
    return rc;
}
