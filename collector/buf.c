/* buf.c: growable byte buffer (see buf.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "wire.h"

void buf_init(buf_t *b) { memset(b, 0, sizeof *b); }

void buf_free(buf_t *b) {
    free(b->data);
    buf_init(b);
}

void buf_reset(buf_t *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static int reserve(buf_t *b, size_t extra) {
    if (b->oom) return -1;
    if (b->len + extra + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + extra + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int buf_append(buf_t *b, const void *data, size_t len) {
    if (reserve(b, len)) return -1;
    if (len) memcpy(b->data + b->len, data, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int buf_puts(buf_t *b, const char *s) { return buf_append(b, s, strlen(s)); }

int buf_printf(buf_t *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n)) return -1;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}

int buf_append_utf8(buf_t *b, const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        size_t n = spoor__utf8_invalid_at((const char *)p, (size_t)(end - p));
        buf_append(b, p, n);
        p += n;
        if (p < end) {
            buf_append(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
            p++;
        }
    }
    return b->oom ? -1 : 0;
}

int buf_json_string(buf_t *b, const char *s) {
    return s ? buf_json_stringn(b, s, strlen(s)) : buf_puts(b, "null");
}

int buf_json_stringn(buf_t *b, const char *s, size_t len) {
    buf_puts(b, "\"");
    const unsigned char *end = (const unsigned char *)s + len;
    for (const unsigned char *p = (const unsigned char *)s; p < end; p++) {
        switch (*p) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                buf_printf(b, "\\u%04x", *p);
            } else if (*p < 0x80) {
                buf_append(b, p, 1);
            } else {
                size_t n = spoor__utf8_seq(p, end);
                if (n) buf_append(b, p, n), p += n - 1;
                else buf_puts(b, "\\ufffd");
            }
        }
    }
    return buf_puts(b, "\"");
}

char *buf_steal(buf_t *b, size_t *len) {
    if (!b->data && !b->oom) buf_append(b, "", 0);
    char *p = b->oom ? NULL : b->data;
    if (len) *len = b->oom ? 0 : b->len;
    if (b->oom) free(b->data);
    buf_init(b);
    return p;
}
