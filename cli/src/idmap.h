/* idmap.h: eventId -> line number, for the events an import has in flight
 * whose ids it did not derive (a line that brings its own eventId): a delivery
 * report names events by id, and the import must know their lines. Not
 * thread-safe: the import holds its lock around every call. */
#ifndef SPOOR_CLI_IDMAP_H
#define SPOOR_CLI_IDMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_idmap cli_idmap_t;

cli_idmap_t *cli_idmap_new(void);
void cli_idmap_free(cli_idmap_t *m);
/* Set id's line (an id already there takes the new line). 0, or -1 out of memory. */
int cli_idmap_put(cli_idmap_t *m, const char *id, uint64_t line);
/* 1 and *line when id is there, else 0. */
int cli_idmap_get(const cli_idmap_t *m, const char *id, uint64_t *line);
/* Remove id; 1 when it was there. */
int cli_idmap_del(cli_idmap_t *m, const char *id);
size_t cli_idmap_count(const cli_idmap_t *m);

#endif
