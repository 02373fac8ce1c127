/* validate.c: the wire-format v1 rules for one event (docs/protocol.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"
#include "utf8.h"
#include "validate.h"

const char *const spoor__event_types[] = {"track", "identify", "group", "page", "record",
                                          "profile", "consent", "product", NULL};

const char *spoor__event_type_rule(char *out, size_t size) {
    size_t used = (size_t)snprintf(out, size, "must be one of");
    for (int i = 0; spoor__event_types[i] && used < size; i++)
        used += (size_t)snprintf(out + used, size - used, "%s %s", i ? "," : "", spoor__event_types[i]);
    return out;
}

static const char *const field_types[] = {"string", "number", "boolean", "timestamp", "object", "array", NULL};

#define FAIL(...) do { snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

static int is_nonempty_string(const cJSON *v) {
    return cJSON_IsString(v) && v->valuestring && v->valuestring[0];
}

/* An optional string field: absent, or a non-empty string of at most SPOOR_ID_MAX_BYTES. */
static int check_optional_string(const cJSON *v, const char *key, char *err, size_t errsize) {
    if (!v) return 0;
    if (!is_nonempty_string(v)) FAIL("%s: must be a non-empty string", key);
    if (strlen(v->valuestring) > SPOOR_ID_MAX_BYTES) FAIL("%s: must be at most %d bytes", key, SPOOR_ID_MAX_BYTES);
    return 0;
}

static int present(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v && !cJSON_IsNull(v);
}

/* The top-level fields the rules look at, found in one pass over the event (the
 * first of a repeated key, as cJSON_GetObjectItemCaseSensitive would). */
enum { F_TYPE, F_EVENT_ID, F_TIMESTAMP, F_EVENT_NAME, F_SESSION_ID, F_ACCOUNT_ID, F_PAGE_ID, F_GROUP_ID,
       F_PRODUCT_ID, F_USER_ID, F_ANONYMOUS_ID, F_PROFILE_ID, F_PROPERTIES, F_TRAITS, F_DATA, F_CONTEXT,
       F_CONSENTS, N_FIELDS };
static const char *const field_names[N_FIELDS] = {
    "type", "eventId", "timestamp", "eventName", "sessionId", "accountId", "pageId", "groupId",
    "productId", "userId", "anonymousId", "profileId", "properties", "traits", "data", "context", "consents"};

static void gather(const cJSON *event, const cJSON *f[N_FIELDS]) {
    memset(f, 0, N_FIELDS * sizeof *f);
    for (const cJSON *v = event->child; v; v = v->next) {
        if (!v->string) continue;
        for (int i = 0; i < N_FIELDS; i++) {
            if (!f[i] && v->string[0] == field_names[i][0] && !strcmp(v->string, field_names[i])) {
                f[i] = v;
                break;
            }
        }
    }
}

int spoor__check_consents(const cJSON *consents, const char *field, char *err, size_t errsize) {
    if (!cJSON_IsArray(consents) || cJSON_GetArraySize(consents) == 0)
        FAIL("%s: must be a non-empty array of {regulation, purpose, consented}", field);
    int i = 0;
    const cJSON *c;
    cJSON_ArrayForEach(c, consents) {
        if (!cJSON_IsObject(c)) FAIL("%s[%d]: must be an object", field, i);
        const cJSON *reg = cJSON_GetObjectItemCaseSensitive(c, "regulation");
        if (!cJSON_IsString(reg) || (strcmp(reg->valuestring, "GDPR") && strcmp(reg->valuestring, "CCPA")))
            FAIL("%s[%d].regulation: must be GDPR or CCPA", field, i);
        if (!is_nonempty_string(cJSON_GetObjectItemCaseSensitive(c, "purpose")))
            FAIL("%s[%d].purpose: must be a non-empty string", field, i);
        if (!cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(c, "consented")))
            FAIL("%s[%d].consented: must be a boolean", field, i);
        i++;
    }
    return 0;
}

int spoor__check_catalog_product(const cJSON *product, const char *field, char *err, size_t errsize) {
    static const char *const required[] = {"id", "title", "description", "url", "image_link"};
    if (!cJSON_IsObject(product)) FAIL("%s: must be an object", field);
    for (int i = 0; i < 5; i++)
        if (!is_nonempty_string(cJSON_GetObjectItemCaseSensitive(product, required[i])))
            FAIL("%s.%s: is required (a non-empty string) in a catalog product", field, required[i]);
    return 0;
}

static int type_matches(const cJSON *v, const char *type) {
    int64_t ms;
    if (!strcmp(type, "string")) return cJSON_IsString(v);
    if (!strcmp(type, "number")) return cJSON_IsNumber(v);
    if (!strcmp(type, "boolean")) return cJSON_IsBool(v);
    if (!strcmp(type, "timestamp")) return cJSON_IsString(v) && spoor__iso8601_parse(v->valuestring, &ms) == 0;
    if (!strcmp(type, "object")) return cJSON_IsObject(v);
    if (!strcmp(type, "array")) return cJSON_IsArray(v);
    return 0;
}

int spoor__validate_schemas(const cJSON *schemas, char *err, size_t errsize) {
    if (!cJSON_IsObject(schemas)) FAIL("collection_schemas: must be an object {collection: {field: type}}");
    const cJSON *coll, *f;
    cJSON_ArrayForEach(coll, schemas) {
        if (!cJSON_IsObject(coll)) FAIL("collection_schemas.%s: must be an object {field: type}", coll->string);
        cJSON_ArrayForEach(f, coll) {
            int known = 0;
            for (int i = 0; field_types[i]; i++)
                if (cJSON_IsString(f) && !strcmp(f->valuestring, field_types[i])) known = 1;
            if (!known)
                FAIL("collection_schemas.%s.%s: type must be string, number, boolean, timestamp, object or array",
                     coll->string, f->string);
        }
    }
    return 0;
}

int spoor__check_schema(const cJSON *fields, const cJSON *schemas, const char *collection,
                        const char *prefix, char *err, size_t errsize) {
    const cJSON *schema = schemas ? cJSON_GetObjectItemCaseSensitive(schemas, collection) : NULL;
    const cJSON *f;
    if (!schema) return 0;
    cJSON_ArrayForEach(f, schema) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(fields, f->string);
        if (v && !cJSON_IsNull(v) && !type_matches(v, f->valuestring))
            FAIL("%s%s: must be of type %s (collection %s)", prefix, f->string, f->valuestring, collection);
    }
    return 0;
}

int spoor__validate_event(const cJSON *event, const cJSON *schemas, char *err, size_t errsize) {
    if (!cJSON_IsObject(event)) FAIL("event: must be a JSON object");
    const cJSON *f[N_FIELDS];
    gather(event, f);
    const cJSON *type = f[F_TYPE];
    int known = 0;
    for (int i = 0; cJSON_IsString(type) && spoor__event_types[i]; i++)
        if (!strcmp(type->valuestring, spoor__event_types[i])) known = 1;
    if (!known) {
        char rule[160];
        FAIL("type: %s", spoor__event_type_rule(rule, sizeof rule));
    }
    const char *t = type->valuestring;

    const cJSON *id = f[F_EVENT_ID];
    if (!is_nonempty_string(id)) FAIL("eventId: must be a non-empty string");
    if (strlen(id->valuestring) > SPOOR_EVENT_ID_MAX_BYTES)
        FAIL("eventId: must be at most %d bytes", SPOOR_EVENT_ID_MAX_BYTES);
    const cJSON *ts = f[F_TIMESTAMP];
    int64_t ms;
    if (!cJSON_IsString(ts) || spoor__iso8601_parse(ts->valuestring, &ms))
        FAIL("timestamp: must be an ISO-8601 timestamp");

    for (int i = F_EVENT_NAME; i <= F_PRODUCT_ID; i++)
        if (check_optional_string(f[i], field_names[i], err, errsize)) return -1;
    for (int i = F_PROPERTIES; i <= F_CONTEXT; i++)
        if (f[i] && !cJSON_IsObject(f[i])) FAIL("%s: must be an object", field_names[i]);

    /* Product ingestion needs no identity: a product event, or a recordEvent whose
     * fields carry a productId (docs/protocol.md). */
    int product_payload = !strcmp(t, "product") || (f[F_PRODUCT_ID] && !cJSON_IsNull(f[F_PRODUCT_ID])) ||
                          (!strcmp(t, "record") && present(f[F_PROPERTIES], "productId"));
    /* The identity fields are always type-checked; one is required unless the
     * payload is product ingestion. */
    for (int i = F_USER_ID; i <= F_PROFILE_ID; i++)
        if (check_optional_string(f[i], field_names[i], err, errsize)) return -1;
    if (!f[F_USER_ID] && !f[F_ANONYMOUS_ID] && !f[F_PROFILE_ID] && !product_payload)
        FAIL("userId: one of userId, anonymousId or profileId is required (unless productId is present)");

    const cJSON *name = f[F_EVENT_NAME];
    if ((!strcmp(t, "track") || !strcmp(t, "record")) && !name) FAIL("eventName: is required for %s events", t);
    if (!strcmp(t, "group") && !f[F_GROUP_ID]) FAIL("groupId: is required for group events");
    if (!strcmp(t, "product") && !f[F_PRODUCT_ID]) FAIL("productId: is required for product events");
    const cJSON *consents = f[F_CONSENTS];
    if (!strcmp(t, "consent") || consents)
        if (spoor__check_consents(consents, "consents", err, errsize)) return -1;
    if (!strcmp(t, "record"))
        return spoor__check_schema(f[F_PROPERTIES], schemas, name->valuestring, "properties.", err, errsize);
    return 0;
}

/* ---- the text of an argument: UTF-8, and each key once ---- */

static int valid_utf8(const char *s) { size_t n = strlen(s); return spoor__utf8_invalid_at(s, n) == n; }

/* path + ".key" or "[i]" into out (cut to fit). */
static void path_join(char *out, size_t size, const char *path, const char *key, int index) {
    if (key) snprintf(out, size, "%s%s%s", path, *path ? "." : "", key);
    else snprintf(out, size, "%s[%d]", path, index);
}

static int cmp_keys(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The key of obj that appears twice (the first in sorted order), or NULL. */
static const char *repeated_key(const cJSON *obj) {
    size_t n = 0;
    for (const cJSON *c = obj->child; c; c = c->next) n++;
    if (n < 2) return NULL;
    if (n <= 16) { /* the common small object: compare pairs */
        for (const cJSON *a = obj->child; a; a = a->next)
            for (const cJSON *b = a->next; b; b = b->next)
                if (!strcmp(a->string, b->string)) return a->string;
        return NULL;
    }
    const char **keys = malloc(n * sizeof *keys), *found = NULL;
    if (!keys) return NULL;
    n = 0;
    for (const cJSON *c = obj->child; c; c = c->next) keys[n++] = c->string;
    qsort(keys, n, sizeof *keys, cmp_keys);
    for (size_t i = 1; i < n && !found; i++)
        if (!strcmp(keys[i - 1], keys[i])) found = keys[i];
    free(keys);
    return found;
}

static int check_text_at(const cJSON *v, const char *path, const char *top, char *err, size_t errsize) {
    if (cJSON_IsString(v) && !valid_utf8(v->valuestring)) FAIL("%s: is not valid UTF-8", *path ? path : top);
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) return 0;
    if (cJSON_IsObject(v)) {
        for (const cJSON *c = v->child; c; c = c->next)
            if (!valid_utf8(c->string)) FAIL("%s: a key is not valid UTF-8", *path ? path : top);
        const char *twice = repeated_key(v);
        if (twice) {
            char at[256];
            path_join(at, sizeof at, path, twice, 0);
            FAIL("%s: appears twice (a key may be given once)", at);
        }
    }
    int i = 0;
    for (const cJSON *c = v->child; c; c = c->next, i++) {
        char at[256];
        path_join(at, sizeof at, path, cJSON_IsObject(v) ? c->string : NULL, i);
        if (check_text_at(c, at, top, err, errsize)) return -1;
    }
    return 0;
}

int spoor__check_text(const cJSON *v, const char *path, const char *top, char *err, size_t errsize) {
    return check_text_at(v, path, top, err, errsize);
}
