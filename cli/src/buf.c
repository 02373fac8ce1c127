/* buf.c: JSON string writing into a textbuf (see buf.h). */
#include "buf.h"

#include <string.h>

#include "utf8.h" /* the core's UTF-8 check (header only) */

int cli_buf_add_json_string(textbuf_t *b, const char *s, size_t n, int keep_invalid) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    if (textbuf_reserve(b, n + 2)) return -1;
    b->data[b->len++] = '"';
    while (p < end) {
        const unsigned char *run = p; /* bytes that need no escape, copied at once */
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p > run && textbuf_add(b, run, (size_t)(p - run))) return -1;
        if (p == end) break;
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t k = spoor__utf8_seq(p, end);
            if (k) textbuf_add(b, p, k), p += k;
            else if (keep_invalid) textbuf_add(b, p++, 1);
            else textbuf_adds(b, "\xef\xbf\xbd"), p++;
            continue;
        }
        char esc[7] = {'\\', 0, 0, 0, 0, 0, 0};
        switch (c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        default: memcpy(esc + 1, "u00", 3), esc[4] = hex[c >> 4], esc[5] = hex[c & 15];
        }
        textbuf_adds(b, esc);
        p++;
    }
    return textbuf_add(b, "\"", 1);
}
