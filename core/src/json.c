/* json.c: bounded parsing of outside JSON (see json.h for why). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

int spoor__json_depth(const char *text, size_t len, int limit, int *nul_escape) {
    /* One pass, table-driven: `outside` marks what matters outside strings, `inside` within them. */
    static const unsigned char outside[256] = {['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1};
    static const unsigned char inside[256] = {['"'] = 1, ['\\'] = 1};
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    int depth = 0, max = 0;
    *nul_escape = 0;
    while (p < end) {
        while (p < end && !outside[*p]) p++;
        if (p == end) break;
        unsigned char ch = *p++;
        if (ch == '{' || ch == '[') {
            if (++depth > max) max = depth;
            if (max > limit) return -1;
        } else if (ch == '}' || ch == ']') {
            depth--;
        } else { /* a string: to its closing quote */
            for (;;) {
                while (p < end && !inside[*p]) p++;
                if (p >= end) return max; /* unterminated: the parser says so */
                if (*p++ == '"') break;
                if (end - p >= 5 && !memcmp(p, "u0000", 5)) *nul_escape = 1;
                p++; /* the escaped character */
            }
        }
    }
    return max;
}

static int is_finite(double d) { return d - d == 0; } /* false for NaN and infinities */

/* Whether a number under v did not fit a double: cJSON reads 1e400 as infinity,
 * which JSON cannot carry (it would go out as null). A plain walk first: the
 * path is only spelled out for the error. */
static int has_non_finite(const cJSON *v) {
    for (const cJSON *c = v->child; c; c = c->next)
        if ((cJSON_IsNumber(c) && !is_finite(c->valuedouble)) || (c->child && has_non_finite(c))) return 1;
    return 0;
}

static void non_finite_path(const cJSON *v, char *path, size_t len, size_t size) {
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        int here = cJSON_IsNumber(c) && !is_finite(c->valuedouble);
        if (!here && !(c->child && has_non_finite(c))) continue;
        int n = c->string ? snprintf(path + len, size - len, "%s%s", len ? "." : "", c->string)
                          : snprintf(path + len, size - len, "[%d]", i);
        size_t end = n < 0 || len + (size_t)n >= size ? size - 1 : len + (size_t)n;
        if (!here) non_finite_path(c, path, end, size);
        return;
    }
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
    int nul_escape;
    if (spoor__json_depth(text, len, max_depth, &nul_escape) < 0) {
        snprintf(err, errsize, "%s: nested deeper than %d levels", what, max_depth);
        return NULL;
    }
    /* cJSON would cut a string at an escaped NUL: refuse it instead of losing data. */
    if (nul_escape) {
        snprintf(err, errsize, "%s: strings must not contain NUL (\\u0000)", what);
        return NULL;
    }
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    if (!v) {
        size_t at = end && end >= text ? (size_t)(end - text) : 0;
        snprintf(err, errsize, "%s: not valid JSON (at byte %zu; lone UTF-16 surrogates are refused too)", what, at);
        return NULL;
    }
    /* Only white space may follow the value: a NUL and anything after it too
     * would be trailing data that no one validated. */
    for (const char *p = end; p && p < text + len; p++) {
        if (!*p || !strchr(" \t\r\n", *p)) {
            cJSON_Delete(v);
            snprintf(err, errsize, "%s: not valid JSON (trailing data at byte %zu)", what,
                     (size_t)(p - text));
            return NULL;
        }
    }
    if ((cJSON_IsNumber(v) && !is_finite(v->valuedouble)) || has_non_finite(v)) {
        char path[256] = "";
        non_finite_path(v, path, 0, sizeof path);
        snprintf(err, errsize, "%s%s%s: number out of range (a double holds up to about 1.8e308)", what,
                 *path ? ": " : "", path);
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* The digits of u, right-aligned ending at end; returns where they start. */
static char *digits_before(char *end, uint64_t u) {
    do *--end = (char)('0' + u % 10); while (u /= 10);
    return end;
}

/* A decimal with at most 15 significant digits and 9 after the point (99.99,
 * 0.5, 1234.5678) is what %.15g would print, without printf: v * 10^k rounds to
 * an integer r with r / 10^k == v exactly. Then the text r·10^-k reads back as
 * v, and it is v rounded to 15 digits, so the slow path would print the same
 * (fuzz_wire checks this). 0 when v is not such a number. */
static int short_decimal(double v, char *out) {
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    double a = v < 0 ? -v : v;
    if (!(a >= 1e-4 && a < 1e14)) return 0;
    for (int k = 1; k <= 9; k++) {
        double scaled = a * pow10[k];
        if (scaled >= 1e15) return 0;
        double r = (double)(uint64_t)(scaled + 0.5);
        if (r / pow10[k] != a) continue;
        char buf[40], *end = buf + sizeof buf, *p = digits_before(end, (uint64_t)r);
        while (end - p <= k) *--p = '0'; /* 0.05: a zero before the point */
        char *o = out;
        if (v < 0) *o++ = '-';
        size_t whole = (size_t)(end - p) - (size_t)k;
        memcpy(o, p, whole), o += whole;
        *o++ = '.';
        memcpy(o, p + whole, (size_t)k), o += k;
        *o = 0;
        return 1;
    }
    return 0;
}

void spoor__json_number(double v, char *out) {
    if (!is_finite(v)) { /* NaN, infinity: spoor__json_parse refuses them */
        memcpy(out, "null", 5);
    } else if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && v == (double)(int64_t)v) {
        int64_t i = (int64_t)v; /* integers by hand: most numbers are, and snprintf is slow */
        char digits[24], *end = digits + sizeof digits;
        *--end = '\0';
        char *p = digits_before(end, i < 0 ? (uint64_t)-i : (uint64_t)i);
        if (i < 0) *--p = '-';
        memcpy(out, p, (size_t)(digits + sizeof digits - p));
    } else if (!short_decimal(v, out)) {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(out, 32, "%.*g", prec, v);
            if (strtod(out, NULL) == v) break;
        }
    }
}

void spoor__jbuf_grow(spoor_jbuf_t *w, size_t n) {
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

/* cJSON's string escaping: \" \\ \b \f \n \r \t, other bytes below 0x20 as \u00XX,
 * everything else (UTF-8 included) as it is. */
const unsigned char spoor__json_escape[256] = {
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'b', 't', 'n', 'u', 'f', 'r', 'u', 'u',
    'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u', 'u',
    ['"'] = '"', ['\\'] = '\\'};

void spoor__jbuf_string(spoor_jbuf_t *w, const char *s) {
    static const char hex[] = "0123456789abcdef";
    if (!s) s = "";
    size_t len = strlen(s);
    spoor__jbuf_grow(w, len * 6 + 2); /* room for the worst case: no bound checks below */
    if (w->failed) return;
    char *o = w->p + w->len;
    *o++ = '"';
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        unsigned char e = spoor__json_escape[*c];
        if (!e) {
            *o++ = (char)*c;
        } else if (e != 'u') {
            *o++ = '\\', *o++ = (char)e;
        } else {
            memcpy(o, "\\u00", 4), o += 4;
            *o++ = hex[*c >> 4], *o++ = hex[*c & 15];
        }
    }
    *o++ = '"';
    w->len = (size_t)(o - w->p);
}

static void put_value(spoor_jbuf_t *w, const cJSON *v) {
    char num[32];
    switch (v->type & 0xff) {
    case cJSON_False: spoor__jbuf_put(w, "false", 5); break;
    case cJSON_True: spoor__jbuf_put(w, "true", 4); break;
    case cJSON_NULL: spoor__jbuf_put(w, "null", 4); break;
    case cJSON_Number:
        spoor__json_number(v->valuedouble, num);
        spoor__jbuf_put(w, num, strlen(num));
        break;
    case cJSON_String: spoor__jbuf_string(w, v->valuestring); break;
    case cJSON_Raw: if (v->valuestring) spoor__jbuf_put(w, v->valuestring, strlen(v->valuestring)); break;
    case cJSON_Array:
    case cJSON_Object: {
        int object = (v->type & 0xff) == cJSON_Object;
        spoor__jbuf_put(w, object ? "{" : "[", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (c != v->child) spoor__jbuf_put(w, ",", 1);
            if (object) {
                spoor__jbuf_string(w, c->string);
                spoor__jbuf_put(w, ":", 1);
            }
            put_value(w, c);
        }
        spoor__jbuf_put(w, object ? "}" : "]", 1);
        break;
    }
    default: spoor__jbuf_put(w, "null", 4); break; /* cJSON_Invalid: never in a built event */
    }
}

char *spoor__json_write(const cJSON *v, size_t *len) { return spoor__json_write_tail(v, NULL, len); }

char *spoor__json_write_tail(const cJSON *v, const char *tail, size_t *len) {
    spoor_jbuf_t w = {.p = malloc(512), .cap = 512};
    if (!w.p) return NULL;
    put_value(&w, v);
    spoor__jbuf_put(&w, "", 1); /* NUL */
    size_t json_len = w.len - 1;
    if (tail) spoor__jbuf_put(&w, tail, strlen(tail) + 1);
    if (w.failed) {
        free(w.p);
        return NULL;
    }
    *len = json_len;
    return w.p;
}
