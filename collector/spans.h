/* spans.h: where each event of a batch sits in the request body.
 *
 * The collector stores every event's text exactly as the client sent it, so a
 * developer sees the SDK's real bytes (number formatting, key order, escapes)
 * and not cJSON's re-serialisation. cJSON does not keep source offsets, so this
 * scanner walks the already-validated body once to find them. */
#ifndef COLLECTOR_SPANS_H
#define COLLECTOR_SPANS_H

#include <stddef.h>

typedef struct {
    size_t start, len;
} span_t;

/* Finds the elements of the top-level "batch" array of body (which must already
 * have parsed as JSON). Returns how many were found (up to max written to out),
 * or -1 when the body has no such array the scanner can see (e.g. an escaped
 * key); the caller then falls back to re-serialising. */
long batch_spans(const char *body, size_t len, span_t *out, size_t max);

/* The one value of a body (a single message) without the white space around it. */
span_t body_span(const char *body, size_t len);

#endif
