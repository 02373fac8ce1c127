/* segment.h: the rules of Segment's HTTP Tracking API for one message, and its
 * limits, as Segment's documentation states them: what a server that takes
 * Segment's format (the collector) refuses, and what a client that sends it
 * must meet. Kept with the wire rules so both sides share one implementation. */
#ifndef SPOOR_SEGMENT_H
#define SPOOR_SEGMENT_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Segment's limits: 32 KB per message, 500 KB per request (its batch
 * endpoint), a messageId of at most 100 characters. */
#define SPOOR_SEGMENT_MAX_MESSAGE_BYTES (32 * 1024)
#define SPOOR_SEGMENT_MAX_REQUEST_BYTES (500 * 1024)
#define SPOOR_SEGMENT_MAX_MESSAGE_ID 100

/* The message types of Segment's spec, NULL-terminated. */
extern const char *const spoor__segment_types[];

/* Checks one message. type: the type the path gives (Segment's /v1/track and
 * the like), or NULL when the message names its own (a batch). Returns 0 when
 * valid, else -1 with "field: rule" in err. */
int spoor__segment_validate(const cJSON *msg, const char *type, char *err, size_t errsize);

#endif
