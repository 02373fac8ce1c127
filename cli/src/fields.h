/* fields.h: a message built from named values, the one mapping shared by the
 * event commands (`spoor track event=signup userId=u1 properties.plan=pro`) and
 * the CSV import (a header `event,userId,properties.plan`).
 *
 * A name is a path: dots separate the keys of nested objects. Each value has a
 * type: a string (the default), a number, a boolean or any JSON text. An empty
 * value leaves its key out, and an object all of whose values are empty is left
 * out too. The result is the text of one message object for spoor_enqueue(). */
#ifndef SPOOR_CLI_FIELDS_H
#define SPOOR_CLI_FIELDS_H

#include <stddef.h>

#include "buf.h"

/* The deepest a name may nest (the core refuses JSON nested deeper than 64). */
#define CLI_FIELDS_MAX_DEPTH 32

typedef enum { CLI_FIELD_STRING, CLI_FIELD_NUMBER, CLI_FIELD_BOOLEAN, CLI_FIELD_JSON } cli_field_type_t;

typedef struct cli_fields cli_fields_t;

cli_fields_t *cli_fields_new(void);
void cli_fields_free(cli_fields_t *f);

/* Add the field at path (dot-separated) of the given type, whose value will be
 * values[slot] in cli_fields_write. Fails (-1, err) on an empty key, a path given
 * twice, or a path that is both a value and an object (`properties` and
 * `properties.plan`). */
int cli_fields_add(cli_fields_t *f, const char *path, cli_field_type_t type, size_t slot, char *err, size_t size);

/* A CSV column name: "path" or "path:TYPE" with TYPE one of string, number,
 * boolean, json. Splits it into *path (malloc'ed) and *type. */
int cli_fields_parse_column(const char *name, char **path, cli_field_type_t *type, char *err, size_t size);

/* Whether the top level has a field named "type" (a CSV column of types). */
int cli_fields_has_type(const cli_fields_t *f);

/* Write the message object into out (appended). type, when not NULL, is written
 * as "type" unless a "type" field has a value. values[slot] / lens[slot] are the
 * texts. Fails (-1, err naming the field) on a value that is not of its type. */
int cli_fields_write(const cli_fields_t *f, const char *type, const char *const *values, const size_t *lens,
                     textbuf_t *out, char *err, size_t size);

#endif
