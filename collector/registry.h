/* registry.h: the collector as a schema registry (--schemas FILE).
 *
 * The file lists sources; a source belongs to an org and a project, may own
 * api keys, and carries its collections, each with its fields' types, in the
 * form of the client's collection_schemas setting. The collector serves them
 * read-only (GET /v1/orgs/{org}/projects/{project}/sources and
 * GET /v1/sources/{source}/collections) and checks every record event against
 * them with the core's own schema rules. The file format and the answers are
 * in docs/collector.md, "Schema registry". */
#ifndef COLLECTOR_REGISTRY_H
#define COLLECTOR_REGISTRY_H

#include <stddef.h>
#include <cjson/cJSON.h>

#include "auth.h"
#include "buf.h"

typedef struct {
    const char *id, *name, *org, *project; /* id NULL: the one source of a flat file */
    const cJSON *collections;              /* {collection: {field: type}} */
    int keys[AUTH_MAX_KEYS];               /* indexes in auth_conf_t.api_keys */
    size_t n_keys;
} registry_source_t;

typedef struct {
    cJSON *root;                           /* the file; the sources point into it */
    registry_source_t *sources;
    size_t n;
} registry_t;

/* Reads and checks path: {"sources": [...]}, or the flat form {collection:
 * {field: type}} (one unnamed source, not served). Each source's api keys are
 * added to auth (a key already there is shared, not added twice) and wiped from
 * the tree. 0, or -1 with the reason in err. */
int registry_load(registry_t *r, const char *path, auth_conf_t *auth, char *err, size_t errsize);
void registry_free(registry_t *r);

/* The source that owns the api key at key_index, or NULL. */
const registry_source_t *registry_source_of_key(const registry_t *r, int key_index);

/* Checks the properties of a record event (already valid by the core's rules)
 * against its collection: in src when given, else in every source that defines
 * it. 0, or -1 with "properties.field: rule (collection C of source S)". */
int registry_check(const registry_t *r, const registry_source_t *src, const cJSON *event, char *err,
                   size_t errsize);

/* Answers GET /v1/orgs/{org}/projects/{project}/sources and
 * GET /v1/sources/{source}/collections (path: already URL-decoded): 200 and the
 * JSON into out, or 404 with the message in out. Returns the status. */
int registry_answer(const registry_t *r, const char *path, textbuf_t *out, char *msg, size_t msgsize);

#endif
