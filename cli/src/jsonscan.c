/* jsonscan.c: finding a top-level member's value in JSON text (jsonscan.h). */
#include "jsonscan.h"

#include <string.h>

static size_t skip_ws(const char *p, size_t n, size_t i) {
    while (i < n && (unsigned char)p[i] <= 0x20) i++; /* as cJSON skips it (the text passed cJSON) */
    return i;
}

/* p[i] is the opening quote: the index after the closing one. */
static size_t skip_string(const char *p, size_t n, size_t i) {
    for (i++; i < n && p[i] != '"'; i++)
        if (p[i] == '\\') i++;
    return i < n ? i + 1 : n;
}

static size_t skip_value(const char *p, size_t n, size_t i) {
    if (i < n && p[i] == '"') return skip_string(p, n, i);
    if (i < n && (p[i] == '{' || p[i] == '[')) {
        size_t depth = 0;
        while (i < n) {
            if (p[i] == '"') {
                i = skip_string(p, n, i);
                continue;
            }
            if (p[i] == '{' || p[i] == '[') depth++;
            else if ((p[i] == '}' || p[i] == ']') && --depth == 0) return i + 1;
            i++;
        }
        return n;
    }
    while (i < n && p[i] != ',' && p[i] != '}' && p[i] != ']' && (unsigned char)p[i] > 0x20) i++;
    return i;
}

int cli_json_member_span(const char *p, size_t n, const char *key, size_t *start, size_t *len) {
    size_t klen = strlen(key), i = skip_ws(p, n, 0);
    if (i >= n || p[i] != '{') return 0;
    for (i++;;) {
        i = skip_ws(p, n, i);
        if (i >= n || p[i] != '"') return 0;
        size_t k = i + 1, kend = skip_string(p, n, i);
        int match = kend - 1 - k == klen && !memcmp(p + k, key, klen);
        i = skip_ws(p, n, kend);
        if (i >= n || p[i] != ':') return 0;
        i = skip_ws(p, n, i + 1);
        size_t v = i;
        i = skip_value(p, n, i);
        if (match) {
            *start = v;
            *len = i - v;
            return 1;
        }
        i = skip_ws(p, n, i);
        if (i >= n || p[i] != ',') return 0;
        i++;
    }
}
