/* textbuf.c: the growable byte buffer (see textbuf.h). */
#include "textbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void textbuf_init(textbuf_t *b) { memset(b, 0, sizeof *b); }

void textbuf_free(textbuf_t *b) {
    free(b->data);
    textbuf_init(b);
}

void textbuf_reset(textbuf_t *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

int textbuf_reserve(textbuf_t *b, size_t n) {
    if (b->failed) return -1;
    if (b->len + n + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int textbuf_add(textbuf_t *b, const void *p, size_t n) {
    if (textbuf_reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int textbuf_adds(textbuf_t *b, const char *s) { return textbuf_add(b, s, strlen(s)); }

int textbuf_printf(textbuf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || textbuf_reserve(b, (size_t)n)) return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}
