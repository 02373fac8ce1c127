/* json.c: bounded parsing of outside JSON (see json.h for why). */
#include <stdio.h>
#include <string.h>

#include "json.h"

int spoor__json_depth(const char *text, size_t len, int limit) {
    int depth = 0, max = 0, in_string = 0;
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (in_string) {
            if (ch == '\\') i++;
            else if (ch == '"') in_string = 0;
        } else if (ch == '"') {
            in_string = 1;
        } else if (ch == '{' || ch == '[') {
            if (++depth > max) max = depth;
            if (max > limit) return -1;
        } else if (ch == '}' || ch == ']') {
            depth--;
        }
    }
    return max;
}

cJSON *spoor__json_parse(const char *text, size_t len, size_t max_bytes, int max_depth,
                         const char *what, char *err, size_t errsize) {
    if (!text) {
        snprintf(err, errsize, "%s: must be JSON text, got NULL", what);
        return NULL;
    }
    if (max_bytes && len > max_bytes) {
        snprintf(err, errsize, "%s: %zu bytes is over the limit of %zu", what, len, max_bytes);
        return NULL;
    }
    if (spoor__json_depth(text, len, max_depth) < 0) {
        snprintf(err, errsize, "%s: nested deeper than %d levels", what, max_depth);
        return NULL;
    }
    /* cJSON would cut a string at an escaped NUL: refuse it instead of losing data. */
    for (const char *p = text; (p = memchr(p, '\\', (size_t)(text + len - p))) && p + 6 <= text + len; p += 2) {
        if (p[1] == 'u' && p[2] == '0' && p[3] == '0' && p[4] == '0' && p[5] == '0') {
            snprintf(err, errsize, "%s: strings must not contain NUL (\\u0000)", what);
            return NULL;
        }
    }
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!v) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        snprintf(err, errsize, "%s: not valid JSON (at byte %zu; lone UTF-16 surrogates are refused too)", what, at);
        return NULL;
    }
    /* Only white space may follow the value. */
    for (const char *p = end; p && p < text + len && *p; p++) {
        if (!strchr(" \t\r\n", *p)) {
            cJSON_Delete(v);
            snprintf(err, errsize, "%s: not valid JSON (trailing data at byte %zu)", what,
                     (size_t)(p - text));
            return NULL;
        }
    }
    return v;
}
