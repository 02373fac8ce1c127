/* eventid.h: the eventIds an import gives lines that carry none, derived from
 * what is imported and the line's number, so the same line always gets the
 * same id: a resend is recognised by the server (it deduplicates by eventId),
 * and the import can tell from an id alone which line it came from.
 *
 * An id is a UUID (version 8, RFC 9562's layout for ids made by an application):
 * its first 74 free bits come from the SHA-256 of the file's content and the
 * import's options (the id space), its last 48 bits are the line number. */
#ifndef SPOOR_CLI_EVENTID_H
#define SPOOR_CLI_EVENTID_H

#include <stdint.h>

typedef struct {
    unsigned char ns[10]; /* the first 10 bytes of every id, version and variant bits set */
} cli_idspace_t;

/* The SHA-256 of everything fd holds (read from its start) as 64 hex digits.
 * 0, or -1 on a read error (errno). */
int cli_file_sha256(int fd, char hex[65]);

/* The id space of an import of the file with this digest, format and type
 * (type may be NULL or ""): other options give other ids, so importing one
 * file twice as different events does not make the second look like resends. */
void cli_idspace_init(cli_idspace_t *space, const char *file_sha256, const char *format, const char *type);

/* An id space of 32 random bytes, for input that cannot be read twice (a pipe,
 * a command line). 0, or -1 when no random bytes could be read. */
int cli_idspace_random(cli_idspace_t *space);

/* The id of line (1 to 2^48 - 1), 36 characters and a NUL. */
void cli_event_id(const cli_idspace_t *space, uint64_t line, char out[37]);

/* The line an id of this space names: 1 and *line, or 0 when id is not one. */
int cli_event_id_line(const cli_idspace_t *space, const char *id, uint64_t *line);

#endif
