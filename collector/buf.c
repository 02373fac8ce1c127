/* buf.c: the collector's writers on a textbuf (see buf.h). */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "wire.h"

int buf_append_utf8(textbuf_t *b, const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        size_t n = spoor__utf8_invalid_at((const char *)p, (size_t)(end - p));
        textbuf_add(b, p, n);
        p += n;
        if (p < end) {
            textbuf_add(b, "\xEF\xBF\xBD", 3); /* U+FFFD */
            p++;
        }
    }
    return b->failed ? -1 : 0;
}

int buf_json_string(textbuf_t *b, const char *s) {
    return s ? buf_json_stringn(b, s, strlen(s)) : textbuf_adds(b, "null");
}

int buf_json_stringn(textbuf_t *b, const char *s, size_t len) {
    textbuf_adds(b, "\"");
    const unsigned char *end = (const unsigned char *)s + len;
    for (const unsigned char *p = (const unsigned char *)s; p < end; p++) {
        switch (*p) {
        case '"': textbuf_adds(b, "\\\""); break;
        case '\\': textbuf_adds(b, "\\\\"); break;
        case '\n': textbuf_adds(b, "\\n"); break;
        case '\r': textbuf_adds(b, "\\r"); break;
        case '\t': textbuf_adds(b, "\\t"); break;
        default:
            if (*p < 0x20) {
                textbuf_printf(b, "\\u%04x", *p);
            } else if (*p < 0x80) {
                textbuf_add(b, p, 1);
            } else {
                size_t n = spoor__utf8_seq(p, end);
                if (n) textbuf_add(b, p, n), p += n - 1;
                else textbuf_adds(b, "\\ufffd");
            }
        }
    }
    return textbuf_adds(b, "\"");
}

char *buf_steal(textbuf_t *b, size_t *len) {
    if (!b->data && !b->failed) textbuf_add(b, "", 0);
    char *p = b->failed ? NULL : b->data;
    if (len) *len = b->failed ? 0 : b->len;
    if (b->failed) free(b->data);
    textbuf_init(b);
    return p;
}
