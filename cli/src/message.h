/* message.h: one import record (a JSON line, or a CSV row under its header)
 * made into the message spoor_enqueue() takes, with the eventId it will carry.
 *
 * A JSON line is sent as it is, with two additions when it lacks them: "type"
 * (from --type) and "eventId" (derived from the line, eventid.h). A line that
 * brings its own eventId keeps it (for a record message, properties.eventId wins,
 * as in the core). A CSV row is first written as JSON by its header's mapping
 * (fields.h), then treated the same way. */
#ifndef SPOOR_CLI_MESSAGE_H
#define SPOOR_CLI_MESSAGE_H

#include <stddef.h>
#include <stdint.h>

#include "eventid.h"

#define CLI_ID_MAX 256 /* the core's longest eventId */

typedef struct cli_messages cli_messages_t;

/* csv: records are CSV rows split at delim; type: the default type (may be NULL). */
cli_messages_t *cli_messages_new(int csv, char delim, const char *type, const cli_idspace_t *space);
void cli_messages_free(cli_messages_t *m);

/* CSV: take the header row (the first record). -1 on a bad column name (err). */
int cli_messages_header(cli_messages_t *m, const char *text, size_t len, char *err, size_t size);

typedef struct {
    const char *text;         /* the message; valid until the next build */
    size_t len;
    char id[CLI_ID_MAX + 1];  /* the eventId it will carry; "" when unknown (the core will refuse it) */
    int own_id;               /* 1: the record brought it; 0: derived from the line */
} cli_message_t;

/* The message of the record on line. 0, or -1 when the record cannot be made
 * into one (a CSV row that does not fit its header; err says why). A JSON line
 * that is not a JSON object is passed on as it is, for the core to word the error. */
int cli_messages_build(cli_messages_t *m, const char *text, size_t len, uint64_t line, cli_message_t *out, char *err,
                       size_t size);

#endif
