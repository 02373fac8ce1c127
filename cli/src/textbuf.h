/* textbuf.h: a growable byte buffer, always NUL-terminated once anything was
 * added, for building text without guessing its size up front. The spoor command
 * and the collector both build on it (cli/sources.txt, collector/CMakeLists.txt);
 * each adds its own writers on top (cli/src/buf.h, collector/buf.h). */
#ifndef SPOOR_TEXTBUF_H
#define SPOOR_TEXTBUF_H

#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
    int failed; /* an allocation failed: every later add is a no-op */
} textbuf_t;

void textbuf_init(textbuf_t *b);
void textbuf_free(textbuf_t *b);
/* Empty again, keeping the memory. */
void textbuf_reset(textbuf_t *b);
/* Room for n more bytes and the NUL: 0, or -1 once out of memory (and stays failed). */
int textbuf_reserve(textbuf_t *b, size_t n);
/* Each returns 0, or -1 once out of memory (and stays failed). */
int textbuf_add(textbuf_t *b, const void *p, size_t n);
int textbuf_adds(textbuf_t *b, const char *s);
int textbuf_printf(textbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
