/* registry.c: the schema registry (see registry.h). The types and the checks
 * are the core's (spoor__validate_schemas, spoor__check_schema), so a schema
 * the collector serves means exactly what it means in collection_schemas. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/crypto.h>

#include "creds.h"
#include "registry.h"
#include "wire.h"

#define REGISTRY_FILE_MAX (16u << 20)

#define FAIL(...) do { snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

/* The whole file into text. 0 or -1 with err; *shared: others may read it. */
static int read_all(const char *path, textbuf_t *text, int *shared, char *err, size_t errsize) {
    FILE *f = fopen(path, "rb");
    if (!f) FAIL("--schemas: cannot open %s", path);
    struct stat st;
    *shared = !fstat(fileno(f), &st) && (st.st_mode & (S_IRGRP | S_IROTH));
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text->len <= REGISTRY_FILE_MAX) textbuf_add(text, chunk, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) FAIL("--schemas: cannot read %s", path);
    if (text->len > REGISTRY_FILE_MAX) FAIL("--schemas: %s is over %u bytes", path, REGISTRY_FILE_MAX);
    if (text->failed) FAIL("--schemas: out of memory");
    return 0;
}

/* A name that is one segment of a URL path. */
static int check_name(const cJSON *v, const char *what, size_t i, char *err, size_t errsize) {
    if (!cJSON_IsString(v) || !v->valuestring[0] || strchr(v->valuestring, '/'))
        FAIL("--schemas: sources[%zu].%s: must be a non-empty string without \"/\"", i, what);
    return 0;
}

/* The source's api keys: into auth (an equal key already there is shared; a
 * key may belong to one source only), then wiped from the tree. */
static int take_keys(registry_t *r, size_t i, cJSON *keys, auth_conf_t *auth, char *err, size_t errsize) {
    registry_source_t *s = &r->sources[i];
    if (!cJSON_IsArray(keys)) FAIL("--schemas: sources[%zu].apiKeys: must be an array of strings", i);
    int k = 0;
    const cJSON *key;
    cJSON_ArrayForEach(key, keys) {
        char source[96];
        snprintf(source, sizeof source, "--schemas: sources[%zu].apiKeys[%d]", i, k++);
        if (!cJSON_IsString(key)) FAIL("%s: must be a string", source);
        int index = -1;
        for (size_t j = 0; j < auth->n_keys; j++)
            if (!strcmp(auth->api_keys[j], key->valuestring)) index = (int)j;
        for (size_t j = 0; j < i && index >= 0; j++)
            for (size_t m = 0; m < r->sources[j].n_keys; m++)
                if (r->sources[j].keys[m] == index) FAIL("%s: already a key of source %s", source, r->sources[j].id);
        if (index < 0) {
            if (creds_add(auth, CRED_API_KEY, key->valuestring, source, err, errsize)) return -1;
            index = (int)auth->n_keys - 1;
        }
        if (s->n_keys < AUTH_MAX_KEYS) s->keys[s->n_keys++] = index;
        OPENSSL_cleanse(key->valuestring, strlen(key->valuestring));
    }
    return 0;
}

static int load_source(registry_t *r, size_t i, cJSON *src, auth_conf_t *auth, char *err, size_t errsize) {
    static const char *const known[] = {"id", "name", "org", "project", "apiKeys", "collections"};
    if (!cJSON_IsObject(src)) FAIL("--schemas: sources[%zu]: must be an object", i);
    for (const cJSON *k = src->child; k; k = k->next) {
        int ok = 0;
        for (size_t j = 0; j < sizeof known / sizeof *known; j++) ok |= !strcmp(k->string, known[j]);
        if (!ok) FAIL("--schemas: sources[%zu].%s: unknown key (id, name, org, project, apiKeys, collections)", i, k->string);
    }
    registry_source_t *s = &r->sources[i];
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(src, "id");
    const cJSON *org = cJSON_GetObjectItemCaseSensitive(src, "org");
    const cJSON *project = cJSON_GetObjectItemCaseSensitive(src, "project");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(src, "name");
    const cJSON *colls = cJSON_GetObjectItemCaseSensitive(src, "collections");
    if (check_name(id, "id", i, err, errsize) || check_name(org, "org", i, err, errsize) ||
        check_name(project, "project", i, err, errsize))
        return -1;
    for (size_t j = 0; j < i; j++)
        if (!strcmp(r->sources[j].id, id->valuestring)) FAIL("--schemas: sources[%zu].id: %s is given twice", i, id->valuestring);
    if (name && !cJSON_IsString(name)) FAIL("--schemas: sources[%zu].name: must be a string", i);
    s->id = id->valuestring;
    s->org = org->valuestring;
    s->project = project->valuestring;
    s->name = name ? name->valuestring : s->id;
    if (!colls && !(colls = cJSON_AddObjectToObject(src, "collections"))) FAIL("--schemas: out of memory");
    char rule[400];
    if (spoor__validate_schemas(colls, rule, sizeof rule))
        FAIL("--schemas: sources[%zu].collections (source %s): %s", i, s->id, rule);
    s->collections = colls;
    cJSON *keys = cJSON_DetachItemFromObjectCaseSensitive(src, "apiKeys");
    int rc = keys ? take_keys(r, i, keys, auth, err, errsize) : 0;
    cJSON_Delete(keys); /* never served */
    return rc;
}

int registry_load(registry_t *r, const char *path, auth_conf_t *auth, char *err, size_t errsize) {
    memset(r, 0, sizeof *r);
    textbuf_t text;
    textbuf_init(&text);
    int shared = 0;
    if (read_all(path, &text, &shared, err, errsize)) {
        textbuf_free(&text);
        return -1;
    }
    r->root = spoor__json_parse(text.data ? text.data : "", text.len, 0, SPOOR_JSON_MAX_DEPTH, "--schemas", err, errsize);
    if (text.data) OPENSSL_cleanse(text.data, text.len); /* it may hold api keys */
    textbuf_free(&text);
    if (!r->root) return -1;
    cJSON *list = cJSON_GetObjectItemCaseSensitive(r->root, "sources");
    if (!cJSON_IsArray(list)) {
        /* The flat form, collection_schemas itself: one unnamed source. */
        char rule[400];
        if (spoor__validate_schemas(r->root, rule, sizeof rule)) FAIL("--schemas: %s", rule);
        if (!(r->sources = calloc(1, sizeof *r->sources))) FAIL("--schemas: out of memory");
        r->sources[0].collections = r->root;
        r->n = 1;
        return 0;
    }
    if (cJSON_GetArraySize(r->root) != 1) FAIL("--schemas: the registry form holds \"sources\" and nothing else");
    size_t n = (size_t)cJSON_GetArraySize(list), i = 0;
    if (!(r->sources = calloc(n ? n : 1, sizeof *r->sources))) FAIL("--schemas: out of memory");
    cJSON *src;
    int keys = 0;
    cJSON_ArrayForEach(src, list) {
        keys |= cJSON_GetObjectItemCaseSensitive(src, "apiKeys") != NULL;
        if (load_source(r, i++, src, auth, err, errsize)) return -1;
        r->n = i;
    }
    if (keys && shared)
        fprintf(stderr, "spoor-collector: warning: --schemas: %s holds api keys and can be read by other users "
                "(chmod 600 it)\n", path);
    return 0;
}

void registry_free(registry_t *r) {
    cJSON_Delete(r->root);
    free(r->sources);
    memset(r, 0, sizeof *r);
}

const registry_source_t *registry_source_of_key(const registry_t *r, int key_index) {
    for (size_t i = 0; r && key_index >= 0 && i < r->n; i++)
        for (size_t k = 0; k < r->sources[i].n_keys; k++)
            if (r->sources[i].keys[k] == key_index) return &r->sources[i];
    return NULL;
}

/* The core's message names the collection; a source, when there is one, is
 * added inside its parentheses. */
static int check_in(const registry_source_t *s, const cJSON *props, const char *collection, char *err,
                    size_t errsize) {
    if (!spoor__check_schema(props, s->collections, collection, "properties.", err, errsize)) return 0;
    size_t len = strlen(err);
    if (s->id && len && err[len - 1] == ')') {
        err[len - 1] = '\0';
        char core[512];
        snprintf(core, sizeof core, "%s", err);
        snprintf(err, errsize, "%s of source %s)", core, s->id);
    }
    return -1;
}

int registry_check(const registry_t *r, const registry_source_t *src, const cJSON *event, char *err,
                   size_t errsize) {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(event, "type");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(event, "eventName");
    if (!r || !cJSON_IsString(type) || strcmp(type->valuestring, "record") || !cJSON_IsString(name)) return 0;
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(event, "properties");
    if (src) return check_in(src, props, name->valuestring, err, errsize);
    for (size_t i = 0; i < r->n; i++)
        if (check_in(&r->sources[i], props, name->valuestring, err, errsize)) return -1;
    return 0;
}

/* {"id", "name", "collections"} of one source, appended to list. */
static int add_source(cJSON *list, const registry_source_t *s) {
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(list, o)) return cJSON_Delete(o), -1;
    return cJSON_AddStringToObject(o, "id", s->id) && cJSON_AddStringToObject(o, "name", s->name) &&
                   cJSON_AddItemToObject(o, "collections", cJSON_Duplicate(s->collections, 1))
               ? 0
               : -1;
}

/* The path's segments: "/v1/sources/S/collections" -> v1, sources, S, collections. */
static size_t split(char *path, char **seg, size_t max) {
    size_t n = 0;
    char *save = NULL;
    for (char *p = strtok_r(path, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
        if (n == max) return max + 1;
        seg[n++] = p;
    }
    return n;
}

int registry_answer(const registry_t *r, const char *path, textbuf_t *out, char *msg, size_t msgsize) {
    char copy[1024], *seg[8];
    snprintf(copy, sizeof copy, "%s", path);
    size_t n = strlen(path) < sizeof copy ? split(copy, seg, 8) : 0;
    int sources = n == 6 && !strcmp(seg[1], "orgs") && !strcmp(seg[3], "projects") && !strcmp(seg[5], "sources");
    int collections = n == 4 && !strcmp(seg[1], "sources") && !strcmp(seg[3], "collections");
    if (!sources && !collections) return snprintf(msg, msgsize, "not found: %s", path), 404;
    if (!r || !r->n || !r->sources[0].id)
        return snprintf(msg, msgsize, "no schema registry: start the collector with --schemas FILE "
                        "holding {\"sources\": [...]}"), 404;
    cJSON *answer = cJSON_CreateObject();
    int found = 0, oom = !answer;
    if (sources) {
        cJSON_AddStringToObject(answer, "org", seg[2]);
        cJSON_AddStringToObject(answer, "project", seg[4]);
        cJSON *list = cJSON_AddArrayToObject(answer, "sources");
        oom |= !list;
        for (size_t i = 0; i < r->n && !oom; i++) {
            const registry_source_t *s = &r->sources[i];
            if (strcmp(s->org, seg[2]) || strcmp(s->project, seg[4])) continue;
            found = 1;
            oom |= add_source(list, s) != 0;
        }
        if (!found) snprintf(msg, msgsize, "org %s, project %s: no such project", seg[2], seg[4]);
    } else {
        for (size_t i = 0; i < r->n && !found; i++) {
            const registry_source_t *s = &r->sources[i];
            if (strcmp(s->id, seg[2])) continue;
            found = 1;
            oom |= !cJSON_AddStringToObject(answer, "source", s->id) ||
                   !cJSON_AddItemToObject(answer, "collections", cJSON_Duplicate(s->collections, 1));
        }
        if (!found) snprintf(msg, msgsize, "source %s: no such source", seg[2]);
    }
    char *text = found && !oom ? cJSON_PrintUnformatted(answer) : NULL;
    cJSON_Delete(answer);
    if (found && !text) return snprintf(msg, msgsize, "out of memory"), 500;
    if (!found) return 404;
    textbuf_adds(out, text);
    free(text);
    return 200;
}
