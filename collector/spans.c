/* spans.c: locating the raw text of each batch element (see spans.h). The input
 * is known to be valid JSON, so the scanner only tells tokens apart; it never
 * has to report syntax errors. */
#include <string.h>

#include "spans.h"

typedef struct {
    const char *s;
    size_t len, i;
} scan_t;

static void ws(scan_t *c) {
    while (c->i < c->len && strchr(" \t\r\n", c->s[c->i]) && c->s[c->i]) c->i++;
}

static void skip_string(scan_t *c) {
    for (c->i++; c->i < c->len && c->s[c->i] != '"'; c->i++)
        if (c->s[c->i] == '\\') c->i++;
    c->i++;
}

/* Skips one value of any kind; nesting is counted, not recursed into, so deep
 * input cannot exhaust the stack here either. */
static void skip_value(scan_t *c) {
    int depth = 0;
    do {
        if (c->i >= c->len) return;
        char ch = c->s[c->i];
        if (ch == '"') {
            skip_string(c);
            continue;
        }
        if (ch == '{' || ch == '[') depth++;
        else if (ch == '}' || ch == ']') depth--;
        else if (depth == 0) { /* a scalar at top level: up to a delimiter */
            while (c->i < c->len && !strchr(",}] \t\r\n", c->s[c->i])) c->i++;
            return;
        }
        c->i++;
    } while (depth > 0);
}

long batch_spans(const char *body, size_t len, span_t *out, size_t max) {
    scan_t c = {body, len, 0};
    ws(&c);
    if (c.i >= len || body[c.i] != '{') return -1;
    c.i++;
    for (;;) {
        ws(&c);
        if (c.i >= len || body[c.i] != '"') return -1;
        size_t key = c.i;
        skip_string(&c);
        int is_batch = c.i - key == 7 && !memcmp(body + key, "\"batch\"", 7);
        ws(&c);
        c.i++; /* ':' */
        ws(&c);
        if (is_batch) break;
        skip_value(&c);
        ws(&c);
        if (c.i >= len || body[c.i] != ',') return -1;
        c.i++;
    }
    if (c.i >= len || body[c.i] != '[') return -1;
    c.i++;
    long n = 0;
    ws(&c);
    if (c.i < len && body[c.i] == ']') return 0;
    while (c.i < len) {
        ws(&c);
        size_t start = c.i;
        skip_value(&c);
        if ((size_t)n < max) out[n] = (span_t){start, c.i - start};
        n++;
        ws(&c);
        if (c.i >= len || body[c.i] != ',') break;
        c.i++;
    }
    return n;
}

span_t body_span(const char *body, size_t len) {
    scan_t c = {body, len, 0};
    ws(&c);
    size_t end = len;
    while (end > c.i && body[end - 1] && strchr(" \t\r\n", body[end - 1])) end--;
    return (span_t){c.i, end - c.i};
}
