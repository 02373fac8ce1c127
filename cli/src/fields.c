/* fields.c: named, typed values to one JSON message object (fields.h). */
#include "fields.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct {
    char *key;     /* this segment */
    char *path;    /* the whole name, for messages */
    int leaf;      /* 1: a value; 0: an object */
    cli_field_type_t type;
    size_t slot;
    long first, next; /* children and siblings, indices into nodes; -1 for none */
} node_t;

struct cli_fields {
    node_t *nodes; /* nodes[0] is the top-level object */
    size_t n, cap;
};

static long add_node(cli_fields_t *f, const char *key, size_t key_len, const char *path, size_t path_len) {
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 16;
        node_t *nodes = realloc(f->nodes, cap * sizeof *nodes);
        if (!nodes) return -1;
        f->nodes = nodes;
        f->cap = cap;
    }
    node_t *n = &f->nodes[f->n];
    memset(n, 0, sizeof *n);
    n->key = strndup(key, key_len);
    n->path = strndup(path, path_len);
    n->first = n->next = -1;
    if (!n->key || !n->path) {
        free(n->key);
        free(n->path);
        return -1;
    }
    return (long)f->n++;
}

cli_fields_t *cli_fields_new(void) {
    cli_fields_t *f = calloc(1, sizeof *f);
    if (f && add_node(f, "", 0, "", 0) < 0) {
        free(f);
        return NULL;
    }
    return f;
}

void cli_fields_free(cli_fields_t *f) {
    if (!f) return;
    for (size_t i = 0; i < f->n; i++) free(f->nodes[i].key), free(f->nodes[i].path);
    free(f->nodes);
    free(f);
}

/* The child of parent named key[0..len), or -1. */
static long child(const cli_fields_t *f, long parent, const char *key, size_t len) {
    for (long c = f->nodes[parent].first; c >= 0; c = f->nodes[c].next)
        if (strlen(f->nodes[c].key) == len && !memcmp(f->nodes[c].key, key, len)) return c;
    return -1;
}

static long append_child(cli_fields_t *f, long parent, const char *key, size_t len, const char *path, size_t path_len) {
    long c = add_node(f, key, len, path, path_len);
    if (c < 0) return -1;
    long *link = &f->nodes[parent].first; /* keep the given order */
    while (*link >= 0) link = &f->nodes[*link].next;
    *link = c;
    return c;
}

int cli_fields_add(cli_fields_t *f, const char *path, cli_field_type_t type, size_t slot, char *err, size_t size) {
    long at = 0;
    const char *seg = path;
    size_t depth = 1;
    for (const char *p = path; *p; p++) depth += *p == '.';
    if (depth > CLI_FIELDS_MAX_DEPTH) { /* the core takes no deeper JSON */
        snprintf(err, size, "%.60s...: nested %zu levels deep, more than %d", path, depth, CLI_FIELDS_MAX_DEPTH);
        return -1;
    }
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t len = dot ? (size_t)(dot - seg) : strlen(seg);
        size_t path_len = (size_t)(seg - path) + len;
        if (!len) {
            snprintf(err, size, "%s: a name must not be empty or have an empty part between dots", *path ? path : "\"\"");
            return -1;
        }
        long c = child(f, at, seg, len);
        if (c >= 0 && f->nodes[c].leaf) {
            if (dot) snprintf(err, size, "%s: given as a value and as an object (%s)", f->nodes[c].path, path);
            else snprintf(err, size, "%s: given twice", path);
            return -1;
        }
        if (c >= 0 && !dot) {
            snprintf(err, size, "%s: given as a value and as an object", path);
            return -1;
        }
        if (c < 0 && (c = append_child(f, at, seg, len, path, path_len)) < 0) {
            snprintf(err, size, "out of memory");
            return -1;
        }
        if (!dot) {
            f->nodes[c].leaf = 1;
            f->nodes[c].type = type;
            f->nodes[c].slot = slot;
            return 0;
        }
        at = c;
        seg = dot + 1;
    }
}

int cli_fields_parse_column(const char *name, char **path, cli_field_type_t *type, char *err, size_t size) {
    static const struct {
        const char *name;
        cli_field_type_t type;
    } types[] = {{"string", CLI_FIELD_STRING}, {"number", CLI_FIELD_NUMBER}, {"boolean", CLI_FIELD_BOOLEAN},
                 {"json", CLI_FIELD_JSON}};
    const char *colon = strrchr(name, ':');
    *type = CLI_FIELD_STRING;
    size_t len = strlen(name);
    if (colon) {
        size_t i;
        for (i = 0; i < sizeof types / sizeof *types; i++)
            if (!strcmp(colon + 1, types[i].name)) break;
        if (i == sizeof types / sizeof *types) {
            snprintf(err, size, "%s: unknown type \"%s\" after ':' (string, number, boolean or json)", name, colon + 1);
            return -1;
        }
        *type = types[i].type;
        len = (size_t)(colon - name);
    }
    if (!(*path = strndup(name, len))) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    return 0;
}

int cli_fields_has_type(const cli_fields_t *f) {
    long c = child(f, 0, "type", 4);
    return c >= 0 && f->nodes[c].leaf;
}

/* Whether the subtree at node holds a value that is not empty. */
static int has_value(const cli_fields_t *f, long node, const size_t *lens) {
    const node_t *n = &f->nodes[node];
    if (n->leaf) return lens[n->slot] > 0;
    for (long c = n->first; c >= 0; c = f->nodes[c].next)
        if (has_value(f, c, lens)) return 1;
    return 0;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t n) {
    size_t i = 0;
    if (i < n && s[i] == '-') i++;
    if (i < n && s[i] == '0') i++;
    else if (i < n && s[i] >= '1' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
    else return 0;
    if (i < n && s[i] == '.') {
        size_t d = ++i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        if (++i < n && (s[i] == '+' || s[i] == '-')) i++;
        size_t d = i;
        while (i < n && s[i] >= '0' && s[i] <= '9') i++;
        if (i == d) return 0;
    }
    return i == n;
}

static void trim(const char **s, size_t *n) {
    while (*n && (**s == ' ' || **s == '\t')) (*s)++, (*n)--;
    while (*n && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t')) (*n)--;
}

static int write_value(const node_t *n, const char *v, size_t len, textbuf_t *out, char *err, size_t size) {
    switch (n->type) {
    case CLI_FIELD_STRING:
        return cli_buf_add_json_string(out, v, len, 1);
    case CLI_FIELD_NUMBER:
        trim(&v, &len);
        if (!is_json_number(v, len)) {
            snprintf(err, size, "%s: \"%.*s\" is not a number", n->path, len > 40 ? 40 : (int)len, v);
            return -1;
        }
        return textbuf_add(out, v, len);
    case CLI_FIELD_BOOLEAN:
        trim(&v, &len);
        if ((len == 4 && !strncasecmp(v, "true", 4)) || (len == 1 && *v == '1')) return textbuf_adds(out, "true");
        if ((len == 5 && !strncasecmp(v, "false", 5)) || (len == 1 && *v == '0')) return textbuf_adds(out, "false");
        snprintf(err, size, "%s: \"%.*s\" is not a boolean (true, false, 1 or 0)", n->path, len > 40 ? 40 : (int)len, v);
        return -1;
    case CLI_FIELD_JSON: {
        for (size_t i = 0; i < len; i++) /* cJSON would skip them as white space; JSON has none */
            if ((unsigned char)v[i] < 0x20 && v[i] != '\t' && v[i] != '\n' && v[i] != '\r') {
                snprintf(err, size, "%s: is not valid JSON (a control character at byte %zu)", n->path, i + 1);
                return -1;
            }
        const char *end = NULL;
        cJSON *j = cJSON_ParseWithLengthOpts(v, len, &end, 0);
        cJSON_Delete(j);
        while (j && end < v + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
        if (!j || end != v + len) {
            snprintf(err, size, "%s: is not valid JSON (%.*s)", n->path, len > 40 ? 40 : (int)len, v);
            return -1;
        }
        return textbuf_add(out, v, len);
    }
    }
    return -1;
}

static int write_object(const cli_fields_t *f, long node, const char *type, const char *const *values,
                        const size_t *lens, textbuf_t *out, char *err, size_t size) {
    int first = 1;
    textbuf_add(out, "{", 1);
    if (type) {
        textbuf_adds(out, "\"type\":");
        cli_buf_add_json_string(out, type, strlen(type), 1);
        first = 0;
    }
    for (long c = f->nodes[node].first; c >= 0; c = f->nodes[c].next) {
        const node_t *n = &f->nodes[c];
        if (!has_value(f, c, lens)) continue;
        if (!first) textbuf_add(out, ",", 1);
        first = 0;
        cli_buf_add_json_string(out, n->key, strlen(n->key), 1);
        textbuf_add(out, ":", 1);
        int rc = n->leaf ? write_value(n, values[n->slot], lens[n->slot], out, err, size)
                         : write_object(f, c, NULL, values, lens, out, err, size);
        if (rc) return rc;
    }
    textbuf_add(out, "}", 1);
    if (out->failed) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    return 0;
}

int cli_fields_write(const cli_fields_t *f, const char *type, const char *const *values, const size_t *lens,
                     textbuf_t *out, char *err, size_t size) {
    long t = child(f, 0, "type", 4);
    if (t >= 0 && f->nodes[t].leaf && lens[f->nodes[t].slot]) type = NULL; /* the row names its own type */
    return write_object(f, 0, type, values, lens, out, err, size);
}
