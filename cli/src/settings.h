/* settings.h: the client's settings from the command line and the environment.
 *
 * Every key of the core's property table (spoor_config_properties(), the table
 * docs/configuration.md is made from) is an option and an environment variable,
 * with no list of them here: api_key is --api-key VALUE (or --api-key=VALUE) and
 * SPOOR_API_KEY; a boolean is also a flag (--gzip, --no-gzip). Any value can come
 * from a file instead, which is how secrets stay out of `ps` and shell history:
 * --api-key-file FILE and SPOOR_API_KEY_FILE. An option wins over the
 * environment, which wins over the default. Values are never printed: errors
 * name the setting and where its value came from. */
#ifndef SPOOR_CLI_SETTINGS_H
#define SPOOR_CLI_SETTINGS_H

#include <stddef.h>

#include <spoor.h>

typedef struct cli_settings cli_settings_t;

cli_settings_t *cli_settings_new(void);
void cli_settings_free(cli_settings_t *s);

/* When argv[*i] is a setting's option, take it (and its value: *i moves to the
 * last argument used) and return 1; 0 when it is not one; -1 when it is one but
 * wrong (a missing value; printed). */
int cli_settings_option(cli_settings_t *s, int argc, char **argv, int *i);

/* The configuration: binding "cli", then for each key its option, else its
 * environment variable, else the default. NULL on an error (printed). */
spoor_config_t *cli_settings_config(const cli_settings_t *s);

/* Where key's value comes from: "command line", "environment" or "default". */
const char *cli_settings_source(const cli_settings_t *s, const char *key);

/* The environment variable of a key: SPOOR_ and the key in capitals, then suffix
 * ("" or "_FILE"). */
void cli_settings_env_name(const char *key, const char *suffix, char *out, size_t size);

/* Print a configuration error of the core ("host: is required ...") for
 * `spoor COMMAND`, saying how to set the key it names and where its value came from. */
void cli_settings_explain(const cli_settings_t *s, const char *prog, const char *command, const char *error);

/* Print "unknown option" for opt, with the core's guess at the setting meant. */
void cli_settings_unknown(const char *opt);

/* Every setting, its option, variable and description (for `spoor help settings`). */
void cli_settings_help(void);

#endif
