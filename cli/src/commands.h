/* commands.h: the subcommands, for cli.c to dispatch to. */
#ifndef SPOOR_CLI_COMMANDS_H
#define SPOOR_CLI_COMMANDS_H

#include <spoor.h>

#include "settings.h"

/* spoor track|identify|group|page|record|profile|consent|product NAME=VALUE... */
int cli_event_command(cli_settings_t *s, const char *name, const char *type, int argc, char **argv);
void cli_event_help(const char *name, const char *type);

/* spoor import FILE [options] */
int cli_import_command(cli_settings_t *s, int argc, char **argv);
void cli_import_help(void);

/* The log callback of every client the command makes: the core's lines on stderr. */
void cli_log(spoor_log_level_t level, const char *message, void *opaque);

/* SIGINT and SIGTERM: the first sets a flag (the import stops at the next record
 * and closes cleanly), a second ends the process at once. */
void cli_signals_install(void);
void cli_signals_restore(void);
int cli_interrupted(void);

#endif
