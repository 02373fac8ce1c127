/* rejects.h: the file of what an import could not send (--rejects FILE), one
 * JSON object a line:
 *   {"line":17,"error":"message[0].userId: must be a non-empty string","input":"<the line as read>"}
 *   {"line":42,"error":"rejected by the server: ...","event":{<the event as it was sent>}}
 * The first kind is a line the core refused (it was never queued), the second
 * an event that was queued and then failed to be delivered. "line" is null when
 * it is not known. The file is appended to, so a resumed import adds to it;
 * a line already in it is not written again. */
#ifndef SPOOR_CLI_REJECTS_H
#define SPOOR_CLI_REJECTS_H

#include <stddef.h>
#include <stdint.h>

typedef struct cli_rejects cli_rejects_t;

/* Open (create, append to) path; with known, read the line numbers it already
 * holds so they are not written twice. NULL on error (err). */
cli_rejects_t *cli_rejects_open(const char *path, int known, char *err, size_t size);
void cli_rejects_close(cli_rejects_t *r);

/* Write one entry. line 0: unknown. input or event (JSON text) is the record.
 * 0, or -1 when the file cannot be written (err). */
int cli_rejects_add(cli_rejects_t *r, uint64_t line, const char *error, const char *input, size_t input_len,
                    const char *event, size_t event_len, char *err, size_t size);

#endif
