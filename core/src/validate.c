/* validate.c: the wire-format v1 rules for one event (SPEC.md "Validation"). */
#include <stdio.h>
#include <string.h>

#include "timefmt.h"
#include "validate.h"

const char *const spoor__event_types[] = {"track", "identify", "group", "page", "record",
                                          "profile", "consent", "product", NULL};

static const char *const field_types[] = {"string", "number", "boolean", "timestamp", "object", "array", NULL};

#define FAIL(...) do { snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

static int is_nonempty_string(const cJSON *v) {
    return cJSON_IsString(v) && v->valuestring && v->valuestring[0];
}

/* An optional string field: absent, or a non-empty string of at most 1024 bytes. */
static int check_optional_string(const cJSON *obj, const char *key, char *err, size_t errsize) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) return 0;
    if (!is_nonempty_string(v)) FAIL("%s: must be a non-empty string", key);
    if (strlen(v->valuestring) > 1024) FAIL("%s: must be at most 1024 bytes", key);
    return 0;
}

static int check_optional_object(const cJSON *obj, const char *key, char *err, size_t errsize) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (v && !cJSON_IsObject(v)) FAIL("%s: must be an object", key);
    return 0;
}

static int present(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return v && !cJSON_IsNull(v);
}

/* The identity fields are always type-checked; at least one is required unless
 * the payload is product ingestion (product_payload). */
static int check_identity_fields(const cJSON *event, int product_payload, char *err, size_t errsize) {
    static const char *const ids[] = {"userId", "anonymousId", "profileId"};
    int have = 0;
    for (int i = 0; i < 3; i++) {
        if (check_optional_string(event, ids[i], err, errsize)) return -1;
        if (cJSON_GetObjectItemCaseSensitive(event, ids[i])) have = 1;
    }
    if (!have && !product_payload)
        FAIL("userId: one of userId, anonymousId or profileId is required (unless productId is present)");
    return 0;
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
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(event, "type");
    int known = 0;
    for (int i = 0; cJSON_IsString(type) && spoor__event_types[i]; i++)
        if (!strcmp(type->valuestring, spoor__event_types[i])) known = 1;
    if (!known) FAIL("type: must be one of track, identify, group, page, record, profile, consent, product");
    const char *t = type->valuestring;

    const cJSON *id = cJSON_GetObjectItemCaseSensitive(event, "eventId");
    if (!is_nonempty_string(id)) FAIL("eventId: must be a non-empty string");
    if (strlen(id->valuestring) > 256) FAIL("eventId: must be at most 256 bytes");
    const cJSON *ts = cJSON_GetObjectItemCaseSensitive(event, "timestamp");
    int64_t ms;
    if (!cJSON_IsString(ts) || spoor__iso8601_parse(ts->valuestring, &ms))
        FAIL("timestamp: must be an ISO-8601 timestamp");

    static const char *const strings[] = {"eventName", "sessionId", "accountId", "pageId", "groupId", "productId"};
    for (int i = 0; i < 6; i++)
        if (check_optional_string(event, strings[i], err, errsize)) return -1;
    static const char *const objects[] = {"properties", "traits", "data", "context"};
    for (int i = 0; i < 4; i++)
        if (check_optional_object(event, objects[i], err, errsize)) return -1;

    /* Product ingestion needs no identity: a product event, or a recordEvent whose
     * fields carry a productId (seed 001's product rule). */
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(event, "properties");
    int product_payload = !strcmp(t, "product") || present(event, "productId") ||
                          (!strcmp(t, "record") && present(props, "productId"));
    if (check_identity_fields(event, product_payload, err, errsize)) return -1;

    const cJSON *name = cJSON_GetObjectItemCaseSensitive(event, "eventName");
    if ((!strcmp(t, "track") || !strcmp(t, "record")) && !name) FAIL("eventName: is required for %s events", t);
    if (!strcmp(t, "group") && !cJSON_GetObjectItemCaseSensitive(event, "groupId"))
        FAIL("groupId: is required for group events");
    if (!strcmp(t, "product") && !cJSON_GetObjectItemCaseSensitive(event, "productId"))
        FAIL("productId: is required for product events");
    const cJSON *consents = cJSON_GetObjectItemCaseSensitive(event, "consents");
    if (!strcmp(t, "consent") || consents)
        if (spoor__check_consents(consents, "consents", err, errsize)) return -1;
    if (!strcmp(t, "record"))
        return spoor__check_schema(cJSON_GetObjectItemCaseSensitive(event, "properties"), schemas,
                                   name->valuestring, "properties.", err, errsize);
    return 0;
}
