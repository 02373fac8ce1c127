/* gunzip.h: inflating a gzip request body without letting it grow past a limit
 * (a small gzip bomb would otherwise expand to gigabytes). */
#ifndef COLLECTOR_GUNZIP_H
#define COLLECTOR_GUNZIP_H

#include <stddef.h>

#include "buf.h"

#define GUNZIP_OK 0
#define GUNZIP_CORRUPT -1
#define GUNZIP_TOO_LARGE -2

/* Inflates in[0..len) into out, failing once out would pass max bytes. */
int gunzip_limited(const char *in, size_t len, size_t max, textbuf_t *out);

#endif
