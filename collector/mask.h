/* mask.h: what /micro/requests shows of a request header. A credential is
 * never shown: it is replaced by a fingerprint, the first 8 hex digits of its
 * SHA-256, after its scheme when it has one ("Bearer ***sha256:1a2b3c4d",
 * "v1=***sha256:…"), so a test can still tell which key or token was sent and
 * how, and a reader of the log learns nothing usable. Every value is made
 * UTF-8 (U+FFFD for bad bytes). */
#ifndef COLLECTOR_MASK_H
#define COLLECTOR_MASK_H

/* The value to show for the header `name` (lowercase), malloc'd; NULL when out
 * of memory. */
char *mask_header(const char *name, const char *value);

#endif
