/* send.c: the event commands, one event each: `spoor track event=signup
 * userId=u1 properties.plan=pro`. Each word is NAME=VALUE (a string) or
 * NAME:=JSON (any JSON value); dots in NAME nest (fields.h). The message goes to
 * spoor_enqueue() with the command's type, so the core checks it as it checks
 * every binding's; the command then waits for delivery and says how it went in
 * its exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "eventid.h"
#include "fields.h"
#include "message.h"
#include "progress.h"
#include "stats.h"

static const struct {
    const char *type, *example;
} examples[] = {
    {"track", "spoor track event=purchase userId=user_123 properties.revenue:=99.99 properties.currency=USD"},
    {"identify", "spoor identify userId=user_123 traits.email=ann@example.com traits.plan=pro"},
    {"group", "spoor group userId=user_123 groupId=acme traits.name=\"Acme Inc\""},
    {"page", "spoor page userId=user_123 name=Pricing properties.path=/pricing"},
    {"record", "spoor record collection=purchase properties.profileId=user_123 properties.totalprice:=35"},
    {"profile", "spoor profile profileId=user_123 email=ann@example.com plan=pro"},
    {"consent", "spoor consent profileId=user_123 consents:='[{\"regulation\":\"GDPR\",\"purpose\":\"marketing\",\"consented\":true}]'"},
    {"product", "spoor product productId=sku-1 data.title=Boots data.price:=59.9"},
};

void cli_event_help(const char *name, const char *type) {
    const char *example = "";
    for (size_t i = 0; i < sizeof examples / sizeof *examples; i++)
        if (!strcmp(examples[i].type, type)) example = examples[i].example;
    printf("usage: spoor %s NAME=VALUE... [settings]\n"
           "\n"
           "Sends one %s event and waits until it is delivered. Each word sets one field\n"
           "of the message, named as in the API (docs/cli.md lists them per type):\n"
           "  NAME=VALUE    a string\n"
           "  NAME:=JSON    any JSON value: a number, true, an object, an array\n"
           "  a.b=VALUE     dots nest: {\"a\": {\"b\": \"VALUE\"}}\n"
           "\n"
           "  %s\n"
           "\n"
           "Settings: --host URL, --api-key-file FILE, ... or SPOOR_HOST, SPOOR_API_KEY, ...\n"
           "(spoor help settings lists them all).\n"
           "Exit codes: 0 delivered; 65 the event is invalid (the message says why); 69 it\n"
           "could not be delivered; 75 it is kept in the spool (spool_dir) for a later run;\n"
           "64 usage; 78 a setting is missing or wrong.\n",
           name, type, example);
}

/* What became of the command's event (a spool may hold others from before). */
typedef struct {
    char id[CLI_ID_MAX + 1];
    int reported;
    spoor_err_t err;
    char reason[512];
} outcome_t;

static void on_delivery(const spoor_delivery_report_t *r, void *opaque) {
    outcome_t *o = opaque;
    for (size_t i = 0; i < r->count; i++)
        if (!strcmp(r->event_ids[i], o->id)) {
            o->reported = 1;
            o->err = r->err;
            snprintf(o->reason, sizeof o->reason, "%s", r->reason);
        }
}

/* A line number for the one event, from the random id space (its last 48 bits
 * are the line's: random too, rather than always 1). */
static uint64_t random_line(const cli_idspace_t *space) {
    uint64_t line = 0;
    for (int i = 0; i < 6; i++) line = line << 8 | space->ns[i];
    return line ? line : 1;
}

/* Build the message from the words. 0, or an exit code. */
static int build(cli_settings_t *s, const char *name, const char *type, int argc, char **argv, textbuf_t *msg) {
    char err[600];
    cli_fields_t *f = cli_fields_new();
    const char **values = calloc((size_t)argc + 1, sizeof *values);
    size_t *lens = calloc((size_t)argc + 1, sizeof *lens);
    int rc = f && values && lens ? 0 : CLI_EXIT_SOFTWARE, only_words = 0;
    for (int i = 0; !rc && i < argc; i++) {
        const char *a = argv[i];
        if (!only_words && !strcmp(a, "--")) {
            only_words = 1;
            continue;
        }
        if (!only_words && a[0] == '-') {
            int r = cli_settings_option(s, argc, argv, &i);
            if (r == 0) cli_settings_unknown(a);
            if (r <= 0) rc = CLI_EXIT_USAGE;
            continue;
        }
        const char *eq = strchr(a, '=');
        if (!eq || eq == a) {
            cli_say("spoor %s: \"%s\" is not NAME=VALUE or NAME:=JSON (spoor %s --help)", name, a, name);
            rc = CLI_EXIT_USAGE;
            break;
        }
        int json = eq[-1] == ':';
        char *path = strndup(a, (size_t)(eq - a - json));
        if (path && !strcmp(path, "type")) {
            cli_say("spoor %s: type: the command gives it (%s)", name, type);
            rc = CLI_EXIT_USAGE;
        } else if (!path || cli_fields_add(f, path, json ? CLI_FIELD_JSON : CLI_FIELD_STRING, (size_t)i, err, sizeof err)) {
            cli_say("spoor %s: %s", name, path ? err : "out of memory");
            rc = CLI_EXIT_USAGE;
        }
        free(path);
        values[i] = eq + 1;
        lens[i] = strlen(eq + 1);
    }
    for (int i = 0; i < argc; i++) /* unused slots: empty */
        if (!values[i]) values[i] = "";
    if (!rc && cli_fields_write(f, type, values, lens, msg, err, sizeof err)) {
        cli_say("spoor %s: %s", name, err);
        rc = CLI_EXIT_INVALID;
    }
    cli_fields_free(f);
    free(values);
    free(lens);
    return rc;
}

int cli_event_command(cli_settings_t *s, const char *name, const char *type, int argc, char **argv) {
    for (int i = 0; i < argc && strcmp(argv[i], "--"); i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            cli_event_help(name, type);
            return CLI_EXIT_OK;
        }
    textbuf_t msg;
    textbuf_init(&msg);
    outcome_t outcome;
    memset(&outcome, 0, sizeof outcome);
    cli_messages_t *messages = NULL;
    cli_message_t event;
    cli_idspace_t space;
    spoor_client_t *client = NULL;
    spoor_config_t *conf = NULL;
    char value[64];
    int rc = build(s, name, type, argc, argv, &msg);
    if (rc) goto done;
    if (!(conf = cli_settings_config(s))) {
        rc = CLI_EXIT_CONFIG;
        goto done;
    }
    spoor_config_set_delivery_cb(conf, on_delivery, &outcome);
    spoor_config_set_log_cb(conf, cli_log, NULL);
    if (spoor_client_new(&client, conf) != SPOOR_OK) {
        cli_settings_explain(s, "spoor", name, spoor_last_error());
        rc = CLI_EXIT_CONFIG;
        goto done;
    }
    /* The eventId it carries: its own, or a fresh one from a random id space. */
    char err[600];
    if (cli_idspace_random(&space) || !(messages = cli_messages_new(0, ',', NULL, &space)) ||
        cli_messages_build(messages, msg.data, msg.len, random_line(&space), &event, err, sizeof err)) {
        cli_say("spoor %s: out of memory, or no random numbers", name);
        rc = CLI_EXIT_SOFTWARE;
        goto done;
    }
    snprintf(outcome.id, sizeof outcome.id, "%s", event.id);
    spoor_err_t e = spoor_enqueue(client, event.text);
    if (e != SPOOR_OK) {
        cli_say("spoor %s: %s", name, spoor_last_error());
        rc = e == SPOOR_ERR_INVALID || e == SPOOR_ERR_TOO_LARGE ? CLI_EXIT_INVALID : CLI_EXIT_SOFTWARE;
        goto done;
    }
    /* Without a spool, wait until it is delivered or has failed for good
     * (delivery_timeout bounds that); with one, up to close_timeout: the spool
     * keeps what is not delivered by then for the next run. */
    spoor_config_get(conf, "spool_dir", value, sizeof value);
    int spooled = value[0] != '\0';
    spoor_config_get(conf, "close_timeout", value, sizeof value);
    spoor_flush(client, spooled ? atoi(value) : -1);
    spoor_close(client, -1);
    spoor_stats_t st;
    cli_stats_read(client, &st);
    if (outcome.reported && outcome.err == SPOOR_OK) {
        rc = CLI_EXIT_OK;
    } else if (!outcome.reported && st.queued) {
        cli_say("spoor %s: not delivered yet, kept in the spool for the next run", name);
        rc = CLI_EXIT_TEMPFAIL;
    } else {
        cli_say("spoor %s: not delivered: %s", name, outcome.reason[0] ? outcome.reason : "unknown reason");
        rc = CLI_EXIT_UNAVAILABLE;
    }
done:
    spoor_client_destroy(client);
    cli_messages_free(messages);
    spoor_config_destroy(conf);
    textbuf_free(&msg);
    return rc;
}
