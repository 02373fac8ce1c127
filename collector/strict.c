/* strict.c: the checks of strict.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strict.h"
#include "wire.h"

size_t strict_control_at(const char *text, size_t len) {
    const unsigned char *p = (const unsigned char *)text, *end = p + len;
    int in_string = 0;
    for (; p < end; p++) {
        if (*p < 0x20) {
            if (in_string || (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')) break;
        } else if (*p == '"') {
            in_string = !in_string;
        } else if (*p == '\\' && in_string && p + 1 < end) {
            p++; /* the escaped character: \" does not end the string */
            if (*p < 0x20) break;
        }
    }
    return (size_t)(p - (const unsigned char *)text);
}

/* Where the walk is: the path of the current node ("properties.items[2]"). */
typedef struct {
    char path[256];
    size_t len;
    const char *root;
    const cJSON *skip;
    int utf8;
    char *err;
    size_t errsize;
} walk_t;

static const char *here(const walk_t *w) { return w->len ? w->path : w->root; }

static int valid_utf8(const char *s) {
    size_t n = strlen(s);
    return spoor__utf8_invalid_at(s, n) == n;
}

/* "path: key "k" rule", with the key repaired so the message is UTF-8 itself. */
static int key_fail(walk_t *w, const char *key, const char *rule) {
    textbuf_t k;
    textbuf_init(&k);
    buf_append_utf8(&k, key, strlen(key));
    snprintf(w->err, w->errsize, "%s: key \"%s\" %s", here(w), k.data ? k.data : "", rule);
    textbuf_free(&k);
    return -1;
}

static int by_string(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first key of obj that repeats, or NULL. Sorted, so a body of many keys
 * costs n log n, not n squared. */
static const char *repeated_key(const cJSON *obj, int *oom) {
    size_t n = 0;
    for (const cJSON *c = obj->child; c; c = c->next) n++;
    if (n < 2) return NULL;
    const char *few[16], **keys = n <= 16 ? few : malloc(n * sizeof *keys);
    if (!keys) {
        *oom = 1;
        return NULL;
    }
    size_t i = 0;
    for (const cJSON *c = obj->child; c; c = c->next) keys[i++] = c->string ? c->string : "";
    qsort(keys, n, sizeof *keys, by_string);
    const char *found = NULL;
    for (i = 1; i < n && !found; i++)
        if (!strcmp(keys[i - 1], keys[i])) found = keys[i];
    if (keys != few) free(keys);
    return found;
}

static int walk(walk_t *w, const cJSON *v);

/* Walks child c of the node at w's path, named by key or by index. */
static int walk_child(walk_t *w, const cJSON *c, const char *key, int index) {
    size_t len = w->len;
    int n = key ? snprintf(w->path + len, sizeof w->path - len, "%s%s", len ? "." : "", key)
                : snprintf(w->path + len, sizeof w->path - len, "[%d]", index);
    w->len = n < 0 || len + (size_t)n >= sizeof w->path ? sizeof w->path - 1 : len + (size_t)n;
    int rc = walk(w, c);
    w->len = len;
    w->path[len] = '\0';
    return rc;
}

static int walk(walk_t *w, const cJSON *v) {
    if (cJSON_IsString(v)) {
        if (w->utf8 && v->valuestring && !valid_utf8(v->valuestring)) {
            snprintf(w->err, w->errsize, "%s: is not valid UTF-8", here(w));
            return -1;
        }
        return 0;
    }
    if (v == w->skip || !(cJSON_IsObject(v) || cJSON_IsArray(v))) return 0;
    int object = cJSON_IsObject(v);
    if (object) {
        for (const cJSON *c = v->child; c && w->utf8; c = c->next)
            if (c->string && !valid_utf8(c->string)) return key_fail(w, c->string, "is not valid UTF-8");
        int oom = 0;
        const char *dup = repeated_key(v, &oom);
        if (oom) return snprintf(w->err, w->errsize, "%s: out of memory", here(w)), -1;
        if (dup) return key_fail(w, dup, "appears twice in the same object");
    }
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++)
        if (walk_child(w, c, object ? c->string : NULL, i)) return -1;
    return 0;
}

int strict_check(const cJSON *v, const char *root, const cJSON *skip, int utf8, char *err, size_t errsize) {
    walk_t w = {.root = root, .skip = skip, .utf8 = utf8, .err = err, .errsize = errsize};
    return walk(&w, v);
}

/* s repaired into a new cJSON allocation, or NULL. */
static char *repaired(const char *s) {
    textbuf_t b;
    textbuf_init(&b);
    buf_append_utf8(&b, s, strlen(s));
    char *out = b.data ? cJSON_malloc(b.len + 1) : NULL;
    if (out) memcpy(out, b.data, b.len + 1);
    textbuf_free(&b);
    return out;
}

int strict_repair_utf8(cJSON *v) {
    if (cJSON_IsString(v) && v->valuestring && !valid_utf8(v->valuestring)) {
        char *fixed = repaired(v->valuestring);
        if (!fixed) return -1;
        cJSON_free(v->valuestring);
        v->valuestring = fixed;
    }
    for (cJSON *c = v->child; c; c = c->next) {
        if (c->string && !(c->type & cJSON_StringIsConst) && !valid_utf8(c->string)) {
            char *k = repaired(c->string);
            if (!k) return -1;
            cJSON_free(c->string);
            c->string = k;
        }
        if (strict_repair_utf8(c)) return -1;
    }
    return 0;
}
