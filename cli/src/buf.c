/* buf.c: the growable text buffer. */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_buf_init(cli_buf_t *b) { memset(b, 0, sizeof *b); }

void cli_buf_free(cli_buf_t *b) {
    free(b->data);
    cli_buf_init(b);
}

void cli_buf_reset(cli_buf_t *b) {
    b->len = 0;
    if (b->data) b->data[0] = '\0';
}

static int reserve(cli_buf_t *b, size_t more) {
    if (b->failed) return -1;
    if (b->len + more + 1 <= b->cap) return 0;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + more + 1) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return -1;
    }
    b->data = p;
    b->cap = cap;
    return 0;
}

int cli_buf_add(cli_buf_t *b, const void *p, size_t n) {
    if (reserve(b, n)) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int cli_buf_adds(cli_buf_t *b, const char *s) { return cli_buf_add(b, s, strlen(s)); }

int cli_buf_printf(cli_buf_t *b, const char *fmt, ...) {
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

size_t cli_utf8_seq(const unsigned char *p, const unsigned char *end) {
    unsigned c = p[0];
    size_t n;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) n = 2, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef) n = 3, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4) n = 4, min = 0x10000;
    else return 0;
    if ((size_t)(end - p) < n) return 0;
    unsigned cp = c & (0x7f >> n);
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xc0) != 0x80) return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
    return n;
}

int cli_buf_add_json_string(cli_buf_t *b, const char *s, size_t n, int keep_invalid) {
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    if (reserve(b, n + 2)) return -1;
    b->data[b->len++] = '"';
    while (p < end) {
        const unsigned char *run = p; /* bytes that need no escape, copied at once */
        while (p < end && *p >= 0x20 && *p < 0x80 && *p != '"' && *p != '\\') p++;
        if (p > run && cli_buf_add(b, run, (size_t)(p - run))) return -1;
        if (p == end) break;
        unsigned char c = *p;
        if (c >= 0x80) {
            size_t k = cli_utf8_seq(p, end);
            if (k) cli_buf_add(b, p, k), p += k;
            else if (keep_invalid) cli_buf_add(b, p++, 1);
            else cli_buf_adds(b, "\xef\xbf\xbd"), p++;
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
        cli_buf_adds(b, esc);
        p++;
    }
    return cli_buf_add(b, "\"", 1);
}
