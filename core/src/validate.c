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
static int check_optional_string(const cJSON *v, const char *key, char *err, size_t errsize) {
    if (!v) return 0;
    if (!is_nonempty_string(v)) FAIL("%s: must be a non-empty string", key);
    if (strlen(v->valuestring) > 1024) FAIL("%s: must be at most 1024 bytes", key);
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
    if (!known) FAIL("type: must be one of track, identify, group, page, record, profile, consent, product");
    const char *t = type->valuestring;

    const cJSON *id = f[F_EVENT_ID];
    if (!is_nonempty_string(id)) FAIL("eventId: must be a non-empty string");
    if (strlen(id->valuestring) > 256) FAIL("eventId: must be at most 256 bytes");
    const cJSON *ts = f[F_TIMESTAMP];
    int64_t ms;
    if (!cJSON_IsString(ts) || spoor__iso8601_parse(ts->valuestring, &ms))
        FAIL("timestamp: must be an ISO-8601 timestamp");

    for (int i = F_EVENT_NAME; i <= F_PRODUCT_ID; i++)
        if (check_optional_string(f[i], field_names[i], err, errsize)) return -1;
    for (int i = F_PROPERTIES; i <= F_CONTEXT; i++)
        if (f[i] && !cJSON_IsObject(f[i])) FAIL("%s: must be an object", field_names[i]);

    /* Product ingestion needs no identity: a product event, or a recordEvent whose
     * fields carry a productId (seed 001's product rule). */
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
