/* event.c: turning one call's arguments (a message object) into one wire-format
 * event (docs/protocol.md), then validating and serialising it.
 *
 * A wire format is a table of per-type builders and a writer: each builder takes
 * its type's parts out of the message (checking each), the writer puts the parts
 * in the format's order, so every binding sends the same bytes. A new type is a
 * row in the table; a new format (Segment's) is another table and writer. A null
 * argument counts as absent (Python's None, JS undefined). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json.h"
#include "timefmt.h"
#include "validate.h"

/* Envelope keys: lifted to the top of recordEvent and profile events. */
static const char *const envelope[] = {"eventId", "userId", "anonymousId", "profileId", "sessionId",
                                       "accountId", "pageId", "timestamp", NULL};

/* The argument keys each message type takes besides the envelope. */
static const char *const track_keys[] = {"event", "properties", NULL};
static const char *const identify_keys[] = {"traits", NULL};
static const char *const group_keys[] = {"groupId", "traits", NULL};
static const char *const page_keys[] = {"name", "properties", NULL};
static const char *const consent_keys[] = {"consents", NULL};
static const char *const product_keys[] = {"productId", "data", NULL};

static int in_list(const char *const *list, const char *s) {
    for (; *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

typedef struct {
    spoor_client_t *c;
    const char *prefix; /* "batch[3]." or "" */
    char err[512];
} build_t;

static spoor_err_t fail(build_t *b, const char *fmt, const char *field, const char *rule) {
    return spoor__error(SPOOR_ERR_INVALID, fmt, b->prefix, field, rule);
}

/* Detach key from msg (NULL when absent or null). */
static cJSON *take(cJSON *msg, const char *key) {
    cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(msg, key);
    if (cJSON_IsNull(v)) {
        cJSON_Delete(v);
        return NULL;
    }
    return v;
}

/* Keys are string literals: the CS forms keep a pointer instead of a copy. */
static void put(cJSON *ev, const char *key, cJSON *v) {
    if (v) cJSON_AddItemToObjectCS(ev, key, v);
}

/* timestamp: ISO-8601 text, normalised to UTC milliseconds; or epoch milliseconds
 * (what JavaScript's Date.now() gives); absent: now. */
static spoor_err_t timestamp_value(build_t *b, cJSON *ts, cJSON **out) {
    int64_t ms;
    char iso[SPOOR_ISO_LEN];
    if (!ts) {
        ms = spoor__client_now_ms(b->c);
    } else if (cJSON_IsString(ts)) {
        if (spoor__iso8601_parse(ts->valuestring, &ms))
            return fail(b, "%s%s: %s", "timestamp", "must be an ISO-8601 timestamp (e.g. 2026-11-23T10:00:00Z)");
    } else if (cJSON_IsNumber(ts) && ts->valuedouble >= 0 && ts->valuedouble < (double)SPOOR_MAX_EPOCH_MS &&
               ts->valuedouble == (double)(int64_t)ts->valuedouble) {
        ms = (int64_t)ts->valuedouble;
    } else {
        return fail(b, "%s%s: %s", "timestamp", "must be an ISO-8601 string or epoch milliseconds");
    }
    spoor__iso8601_format(ms, iso);
    *out = cJSON_CreateString(iso);
    return *out ? SPOOR_OK : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
}

/* Move the envelope keys of src into env (an object holding them by name). */
static void lift_envelope(cJSON *src, cJSON *env) {
    for (int i = 0; envelope[i]; i++) {
        cJSON *v = take(src, envelope[i]);
        if (v) {
            cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(env, envelope[i]));
            cJSON_AddItemToObjectCS(env, envelope[i], v);
        }
    }
}

static spoor_err_t expect_object(build_t *b, const cJSON *v, const char *field) {
    if (v && !cJSON_IsObject(v)) return fail(b, "%s%s: %s", field, "must be an object");
    return SPOOR_OK;
}

static spoor_err_t expect_string(build_t *b, const cJSON *v, const char *field, int required) {
    if (!v && !required) return SPOOR_OK;
    if (!cJSON_IsString(v) || !v->valuestring[0]) return fail(b, "%s%s: %s", field, "must be a non-empty string");
    return SPOOR_OK;
}

/* Refuse argument keys the type does not take: a typo must not vanish silently. */
static spoor_err_t no_unknown_keys(build_t *b, const cJSON *msg, const char *const *keys, const char *type) {
    const cJSON *v;
    cJSON_ArrayForEach(v, msg) {
        if (cJSON_IsNull(v) || in_list(envelope, v->string) || (keys && in_list(keys, v->string))) continue;
        char rule[160];
        snprintf(rule, sizeof rule, "is not an argument of %s", type);
        return fail(b, "%s%s: %s", v->string, rule);
    }
    return SPOOR_OK;
}

static spoor_err_t serialise(build_t *b, cJSON *ev, spoor_item_t *out) {
    spoor_client_t *c = b->c;
    if (spoor__validate_event(ev, c->schemas, b->err, sizeof b->err))
        return spoor__error(SPOOR_ERR_INVALID, "%s%s", b->prefix, b->err);
    /* References, not copies: every string here outlives the event tree. */
    cJSON *ctx = cJSON_CreateObject(), *lib = cJSON_CreateObject();
    cJSON *name = cJSON_CreateStringReference("spoor"), *version = cJSON_CreateStringReference(SPOOR_VERSION_STRING),
          *binding = cJSON_CreateStringReference(c->conf.binding ? c->conf.binding : "c");
    if (!ctx || !lib || !name || !version || !binding) {
        cJSON *parts[] = {ctx, lib, name, version, binding};
        for (size_t i = 0; i < 5; i++) cJSON_Delete(parts[i]);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    put(ev, "context", ctx);
    put(ctx, "library", lib);
    put(lib, "name", name);
    put(lib, "version", version);
    put(lib, "binding", binding);
    /* Not cJSON_Print: it prints doubles with %1.15g and a loose round-trip check,
     * which changes values (0.30000000000000004 -> 0.3); see spoor__json_write. */
    size_t len;
    char *json = spoor__json_write_tail(ev, cJSON_GetObjectItemCaseSensitive(ev, "eventId")->valuestring, &len);
    if (!json) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    if ((int64_t)len > c->conf.max_event_bytes) {
        free(json);
        return spoor__error(SPOOR_ERR_TOO_LARGE, "%sevent: serialises to %zu bytes, over max_event_bytes (%lld)",
                            b->prefix, len, (long long)c->conf.max_event_bytes);
    }
    memset(out, 0, sizeof *out);
    out->json = json;
    out->len = len;
    return SPOOR_OK;
}

/* What a message gives its event; each part NULL when it does not apply. */
typedef struct {
    cJSON *env; /* the envelope keys, by name: eventId, identity, timestamp */
    cJSON *name, *props, *traits, *consents, *group_id, *product_id, *data;
} parts_t;

static void parts_free(parts_t *p) {
    cJSON *all[] = {p->env, p->name, p->props, p->traits, p->consents, p->group_id, p->product_id, p->data};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) cJSON_Delete(all[i]);
}

/* ---- the builders: one message type's parts, checked, out of the message ---- */

/* track and page: a name and properties. */
static spoor_err_t take_named(build_t *b, const char *type, cJSON *msg, parts_t *p, const char *const *keys,
                              const char *name_key, int name_required) {
    spoor_err_t rc = no_unknown_keys(b, msg, keys, type);
    if (rc) return rc;
    p->name = take(msg, name_key);
    p->props = take(msg, "properties");
    if ((rc = expect_string(b, p->name, name_key, name_required)) || (rc = expect_object(b, p->props, "properties")))
        return rc;
    lift_envelope(msg, p->env);
    return SPOOR_OK;
}

static spoor_err_t take_track(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    return take_named(b, type, msg, p, track_keys, "event", 1);
}

static spoor_err_t take_page(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    return take_named(b, type, msg, p, page_keys, "name", 0);
}

/* identify and group: traits, and group's groupId. */
static spoor_err_t take_traits(build_t *b, const char *type, cJSON *msg, parts_t *p, int group) {
    spoor_err_t rc = no_unknown_keys(b, msg, group ? group_keys : identify_keys, type);
    if (rc) return rc;
    p->traits = take(msg, "traits");
    p->group_id = group ? take(msg, "groupId") : NULL;
    if ((rc = expect_object(b, p->traits, "traits")) || (group && (rc = expect_string(b, p->group_id, "groupId", 1))))
        return rc;
    lift_envelope(msg, p->env);
    return SPOOR_OK;
}

static spoor_err_t take_identify(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    return take_traits(b, type, msg, p, 0);
}

static spoor_err_t take_group(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    return take_traits(b, type, msg, p, 1);
}

/* recordEvent: a collection and its fields, checked against the collection's schema;
 * envelope keys are lifted from the message and from the fields. */
static spoor_err_t take_record(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    spoor_err_t rc;
    p->name = take(msg, "collection");
    p->props = take(msg, "properties");
    if ((rc = expect_string(b, p->name, "collection", 1))) return rc;
    if (!p->props) p->props = cJSON_CreateObject();
    /* The C call names the fields "event"; a batch message carries them as "properties". */
    const char *fields = b->prefix[0] ? "properties" : "event";
    if ((rc = expect_object(b, p->props, fields))) return rc;
    if ((rc = no_unknown_keys(b, msg, NULL, type))) return rc;
    /* The schema sees the fields as the caller gave them, before lifting. */
    char schema_prefix[16];
    snprintf(schema_prefix, sizeof schema_prefix, "%s.", fields);
    if (spoor__check_schema(p->props, b->c->schemas, p->name->valuestring, schema_prefix, b->err, sizeof b->err))
        return spoor__error(SPOOR_ERR_INVALID, "%s%s", b->prefix, b->err);
    lift_envelope(msg, p->env);      /* a batch message's own userId, eventId, ... */
    lift_envelope(p->props, p->env); /* then the fields' (recordEvent callers put them there) */
    return SPOOR_OK;
}

/* profile: the attributes are the traits, less the envelope keys and nulls. */
static spoor_err_t take_profile(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    (void)b, (void)type;
    if (!(p->traits = cJSON_Duplicate(msg, 1))) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    lift_envelope(p->traits, p->env);
    cJSON *t, *next;
    for (t = p->traits->child; t; t = next) { /* null attributes count as absent */
        next = t->next;
        if (cJSON_IsNull(t)) cJSON_Delete(cJSON_DetachItemViaPointer(p->traits, t));
    }
    for (int i = 0; envelope[i]; i++) cJSON_Delete(take(msg, envelope[i]));
    return SPOOR_OK;
}

static spoor_err_t take_consent(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    spoor_err_t rc = no_unknown_keys(b, msg, consent_keys, type);
    if (rc) return rc;
    p->consents = take(msg, "consents");
    if (spoor__check_consents(p->consents, "consents", b->err, sizeof b->err))
        return spoor__error(SPOOR_ERR_INVALID, "%s%s", b->prefix, b->err);
    lift_envelope(msg, p->env);
    return SPOOR_OK;
}

/* product: {productId, data}, or a catalog product whose id is the productId. */
static spoor_err_t take_product(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    spoor_err_t rc;
    if (cJSON_GetObjectItemCaseSensitive(msg, "productId")) {
        if ((rc = no_unknown_keys(b, msg, product_keys, type))) return rc;
        p->product_id = take(msg, "productId");
        p->data = take(msg, "data");
        if ((rc = expect_string(b, p->product_id, "productId", 1)) || (rc = expect_object(b, p->data, "data"))) return rc;
        lift_envelope(msg, p->env);
        return SPOOR_OK;
    }
    if (spoor__check_catalog_product(msg, "product", b->err, sizeof b->err))
        return spoor__error(SPOOR_ERR_INVALID, "%s%s", b->prefix, b->err);
    lift_envelope(msg, p->env); /* eventId, timestamp... belong to the event, not the product */
    p->data = cJSON_Duplicate(msg, 1);
    p->product_id = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "id"), 0);
    while (msg->child) cJSON_Delete(cJSON_DetachItemViaPointer(msg, msg->child));
    return SPOOR_OK;
}

typedef spoor_err_t (*take_fn)(build_t *b, const char *type, cJSON *msg, parts_t *p);
typedef struct {
    const char *type;
    take_fn take;
} type_builder_t;

/* A wire format: its builder per type, and how it writes an event from the parts
 * (takes the id, the timestamp and the parts). */
typedef struct {
    const type_builder_t *types;
    size_t n_types;
    spoor_err_t (*write)(build_t *b, const char *type, cJSON *id, cJSON *ts, parts_t *p, spoor_item_t *out);
} wire_format_t;

/* ---- wire format v1 (docs/protocol.md) ---- */

/* Every type of spoor__event_types, with its builder. */
static const type_builder_t v1_types[] = {
    {"track", take_track},     {"identify", take_identify}, {"group", take_group},     {"page", take_page},
    {"record", take_record},   {"profile", take_profile},   {"consent", take_consent}, {"product", take_product},
};

/* The event in v1's key order, serialised; takes the parts. */
static spoor_err_t v1_write(build_t *b, const char *type, cJSON *id, cJSON *ts, parts_t *p, spoor_item_t *out) {
    cJSON *ev = cJSON_CreateObject();
    if (!ev) {
        cJSON_Delete(id), cJSON_Delete(ts);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    put(ev, "eventId", id);
    put(ev, "type", cJSON_CreateString(type));
    put(ev, "eventName", p->name), p->name = NULL;
    static const char *const ids[] = {"userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId"};
    for (int i = 0; i < 6; i++) put(ev, ids[i], take(p->env, ids[i]));
    put(ev, "timestamp", ts);
    put(ev, "properties", p->props), p->props = NULL;
    put(ev, "traits", p->traits), p->traits = NULL;
    put(ev, "consents", p->consents), p->consents = NULL;
    put(ev, "groupId", p->group_id), p->group_id = NULL;
    put(ev, "productId", p->product_id), p->product_id = NULL;
    put(ev, "data", p->data), p->data = NULL;
    spoor_err_t rc = serialise(b, ev, out);
    cJSON_Delete(ev);
    return rc;
}

static const wire_format_t v1 = {v1_types, sizeof v1_types / sizeof *v1_types, v1_write};

/* The client's wire format: v1, the one there is (a protocol setting would choose here). */
static const wire_format_t *format_of(const spoor_client_t *c) {
    (void)c;
    return &v1;
}

static take_fn builder_of(const wire_format_t *f, const char *type) {
    for (size_t i = 0; i < f->n_types; i++)
        if (!strcmp(f->types[i].type, type)) return f->types[i].take;
    return NULL;
}

spoor_err_t spoor__build_event(spoor_client_t *c, const char *op, const char *type, cJSON *msg,
                               const char *prefix, spoor_item_t *out) {
    build_t b = {.c = c, .prefix = prefix ? prefix : ""};
    if (!cJSON_IsObject(msg)) /* a feed's entry is a product, whatever the operation */
        return fail(&b, "%s%s: %s", strcmp(type, "product") ? op : "product", "must be an object");
    const wire_format_t *format = format_of(c);
    take_fn take_parts = builder_of(format, type);
    if (!take_parts) {
        char rule[160];
        return fail(&b, "%s%s: %s", "type", spoor__event_type_rule(rule, sizeof rule));
    }
    parts_t p = {.env = cJSON_CreateObject()};
    if (!p.env) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    spoor_err_t rc = take_parts(&b, type, msg, &p);

    /* eventId: kept when given (it is the dedup key), else a fresh UUID v4. */
    cJSON *id = rc ? NULL : take(p.env, "eventId"), *ts = NULL;
    if (!rc && id) rc = expect_string(&b, id, "eventId", 1);
    if (!rc && !id) {
        char uuid[37];
        spoor__client_new_id(c, uuid);
        id = cJSON_CreateString(uuid);
    }
    if (!rc) {
        cJSON *given_ts = take(p.env, "timestamp");
        rc = timestamp_value(&b, given_ts, &ts);
        cJSON_Delete(given_ts);
    }
    if (!rc) rc = format->write(&b, type, id, ts, &p, out);
    else cJSON_Delete(id);
    parts_free(&p);
    return rc;
}
