/* buf.h: a growable byte buffer, always NUL-terminated, for building responses
 * and request bodies without guessing sizes up front. */
#ifndef COLLECTOR_BUF_H
#define COLLECTOR_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* NULL until the first append; NUL-terminated after it */
    size_t len, cap;
    int oom;    /* set once an allocation failed; later appends are ignored */
} buf_t;

void buf_init(buf_t *b);
void buf_free(buf_t *b);
void buf_reset(buf_t *b);
int buf_append(buf_t *b, const void *data, size_t len);
int buf_puts(buf_t *b, const char *s);
int buf_printf(buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s[0..len) with each byte that is not part of a well-formed UTF-8
 * sequence replaced by U+FFFD, so what the collector stores, answers and shows
 * is UTF-8 whatever it was sent. */
int buf_append_utf8(buf_t *b, const char *s, size_t len);
/* Appends s as a JSON string literal (quotes and escapes included, invalid
 * UTF-8 as \ufffd); NULL as null. */
int buf_json_string(buf_t *b, const char *s);
/* The same for s[0..len), which need not be NUL-terminated. */
int buf_json_stringn(buf_t *b, const char *s, size_t len);
/* Hands the data over to the caller (to free()) and leaves b empty. Never NULL
 * unless out of memory. */
char *buf_steal(buf_t *b, size_t *len);

#endif
