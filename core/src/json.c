/* json.c: bounded parsing of outside JSON (see json.h for why). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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

void spoor__json_number(double v, char *out) {
    if (v != v || v - v != 0) { /* NaN, infinity: cannot come from parsed JSON */
        memcpy(out, "null", 5);
    } else if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && v == (double)(int64_t)v) {
        int64_t i = (int64_t)v; /* integers by hand: most numbers are, and snprintf is slow */
        char digits[24], *p = digits + sizeof digits;
        uint64_t u = i < 0 ? (uint64_t)-i : (uint64_t)i;
        *--p = '\0';
        do *--p = (char)('0' + u % 10); while (u /= 10);
        if (i < 0) *--p = '-';
        memcpy(out, p, (size_t)(digits + sizeof digits - p));
    } else {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(out, 32, "%.*g", prec, v);
            if (strtod(out, NULL) == v) break;
        }
    }
}

typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} writer_t;

static void need(writer_t *w, size_t n) {
    if (w->failed || w->len + n < w->cap) return;
    size_t cap = w->cap * 2 > w->len + n + 1 ? w->cap * 2 : w->len + n + 1;
    char *grown = realloc(w->p, cap);
    if (!grown) {
        w->failed = 1;
        return;
    }
    w->p = grown;
    w->cap = cap;
}

static void put(writer_t *w, const char *s, size_t n) {
    need(w, n);
    if (w->failed) return;
    memcpy(w->p + w->len, s, n);
    w->len += n;
}

/* cJSON's string escaping: \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00XX,
 * everything else (UTF-8 included) as it is. */
static void put_string(writer_t *w, const char *s) {
    static const char hex[] = "0123456789abcdef";
    if (!s) s = "";
    need(w, strlen(s) + 2);
    put(w, "\"", 1);
    const char *run = s;
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c >= 32 && *c != '"' && *c != '\\') continue;
        put(w, run, (size_t)((const char *)c - run));
        char esc[6] = {'\\', 0};
        size_t n = 2;
        switch (*c) {
        case '"': esc[1] = '"'; break;
        case '\\': esc[1] = '\\'; break;
        case '\b': esc[1] = 'b'; break;
        case '\f': esc[1] = 'f'; break;
        case '\n': esc[1] = 'n'; break;
        case '\r': esc[1] = 'r'; break;
        case '\t': esc[1] = 't'; break;
        default: esc[1] = 'u', esc[2] = '0', esc[3] = '0', esc[4] = hex[*c >> 4], esc[5] = hex[*c & 15], n = 6;
        }
        put(w, esc, n);
        run = (const char *)c + 1;
    }
    put(w, run, strlen(run));
    put(w, "\"", 1);
}

static void put_value(writer_t *w, const cJSON *v) {
    char num[32];
    switch (v->type & 0xff) {
    case cJSON_False: put(w, "false", 5); break;
    case cJSON_True: put(w, "true", 4); break;
    case cJSON_NULL: put(w, "null", 4); break;
    case cJSON_Number:
        spoor__json_number(v->valuedouble, num);
        put(w, num, strlen(num));
        break;
    case cJSON_String: put_string(w, v->valuestring); break;
    case cJSON_Raw: if (v->valuestring) put(w, v->valuestring, strlen(v->valuestring)); break;
    case cJSON_Array:
    case cJSON_Object: {
        int object = (v->type & 0xff) == cJSON_Object;
        put(w, object ? "{" : "[", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) put(w, ",", 1);
            if (object) {
                put_string(w, c->string);
                put(w, ":", 1);
            }
            put_value(w, c);
        }
        put(w, object ? "}" : "]", 1);
        break;
    }
    default: put(w, "null", 4); break; /* cJSON_Invalid: never in a built event */
    }
}

char *spoor__json_write(const cJSON *v, size_t *len) { return spoor__json_write_tail(v, NULL, len); }

char *spoor__json_write_tail(const cJSON *v, const char *tail, size_t *len) {
    writer_t w = {.p = malloc(512), .cap = 512};
    if (!w.p) return NULL;
    put_value(&w, v);
    put(&w, "", 1); /* NUL */
    size_t json_len = w.len - 1;
    if (tail) put(&w, tail, strlen(tail) + 1);
    if (w.failed) {
        free(w.p);
        return NULL;
    }
    *len = json_len;
    return w.p;
}
