/* timefmt.h: ISO-8601 timestamps, parsed and normalised to UTC with milliseconds. */
#ifndef SPOOR_TIMEFMT_H
#define SPOOR_TIMEFMT_H

#include <stdint.h>

#define SPOOR_ISO_LEN 25 /* "2026-11-23T10:00:00.000Z" + NUL */
/* Epoch milliseconds a timestamp may be given as: below 10000-01-01T00:00:00Z,
 * where four-digit years end. */
#define SPOOR_MAX_EPOCH_MS 253402300800000LL

/* Parse YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|+HH:MM|+HHMM|+HH]; a time without an
 * offset is taken as UTC. Returns 0 and the epoch milliseconds, or -1. */
int spoor__iso8601_parse(const char *s, int64_t *out_ms);

/* Format epoch milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void spoor__iso8601_format(int64_t ms, char out[SPOOR_ISO_LEN]);

#endif
