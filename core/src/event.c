/* event.c: turning one call's arguments (a message object) into one wire-format
 * event (docs/protocol.md), then validating and serialising it.
 *
 * A wire format is a table of per-type builders and a writer: each builder takes
 * its type's parts out of the message (checking each), the writer puts the parts
 * in the format's order, so every binding sends the same bytes. A new type is a
 * row in the table; a format is a table and a writer: wire v1 and Segment's
 * (the protocol setting picks one). A null argument counts as absent (Python's
 * None, JS undefined). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "json.h"
#include "schemas.h"
#include "segment.h"
#include "timefmt.h"
#include "utf8.h"
#include "validate.h"

/* Envelope keys: lifted to the top of recordEvent and profile events. */
static const char *const envelope[] = {"eventId", "userId", "anonymousId", "profileId", "sessionId",
                                       "accountId", "pageId", "timestamp", NULL};

/* The argument keys each message type takes besides the envelope. */
static const char *const track_keys[] = {"event", "properties", NULL};
static const char *const identify_keys[] = {"traits", NULL};
static const char *const group_keys[] = {"groupId", "traits", NULL};
static const char *const page_keys[] = {"name", "properties", NULL}; /* page and screen */
static const char *const alias_keys[] = {"previousId", NULL};
static const char *const consent_keys[] = {"consents", NULL};
static const char *const product_keys[] = {"productId", "data", NULL};

static int in_list(const char *const *list, const char *s) {
    for (; *list; list++)
        if (!strcmp(*list, s)) return 1;
    return 0;
}

typedef struct {
    spoor_client_t *c;
    const cJSON *schemas; /* the collection schemas held for this build (schemas.h) */
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

/* The finished event as text with its id after it (SPOOR_ITEM_ID), within max_event_bytes. */
static spoor_err_t write_item(build_t *b, const cJSON *ev, const char *id, spoor_item_t *out) {
    spoor_client_t *c = b->c;
    /* Not cJSON_Print: it prints doubles with %1.15g and a loose round-trip check,
     * which changes values (0.30000000000000004 -> 0.3); see spoor__json_write. */
    size_t len;
    char *json = spoor__json_write_tail(ev, id, &len);
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

/* A v1 event: checked against the rules, given its context, written. */
static spoor_err_t serialise(build_t *b, cJSON *ev, spoor_item_t *out) {
    spoor_client_t *c = b->c;
    if (spoor__validate_event(ev, b->schemas, b->err, sizeof b->err))
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
    return write_item(b, ev, cJSON_GetObjectItemCaseSensitive(ev, "eventId")->valuestring, out);
}

/* What a message gives its event; each part NULL when it does not apply. */
typedef struct {
    cJSON *env; /* the envelope keys, by name: eventId, identity, timestamp */
    cJSON *name, *props, *traits, *consents, *group_id, *previous_id, *product_id, *data;
    cJSON *context, *integrations, *category; /* Segment's format only (segment_extras) */
    const char *id_key;                        /* how the caller named the id: eventId or messageId */
} parts_t;

static void parts_free(parts_t *p) {
    cJSON *all[] = {p->env, p->name, p->props, p->traits, p->consents, p->group_id, p->previous_id, p->product_id,
                    p->data, p->context, p->integrations, p->category};
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

static spoor_err_t take_page(build_t *b, const char *type, cJSON *msg, parts_t *p) { /* and screen */
    return take_named(b, type, msg, p, page_keys, "name", 0);
}

/* alias: the id the user was known by (previousId); the userId is the envelope's. */
static spoor_err_t take_alias(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    spoor_err_t rc = no_unknown_keys(b, msg, alias_keys, type);
    if (rc) return rc;
    p->previous_id = take(msg, "previousId");
    if ((rc = expect_string(b, p->previous_id, "previousId", 1))) return rc;
    lift_envelope(msg, p->env);
    return SPOOR_OK;
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
    if (spoor__check_schema(p->props, b->schemas, p->name->valuestring, schema_prefix, b->err, sizeof b->err))
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
    {"track", take_track},   {"identify", take_identify}, {"group", take_group},     {"page", take_page},
    {"screen", take_page},   {"alias", take_alias},       {"record", take_record},   {"profile", take_profile},
    {"consent", take_consent}, {"product", take_product},
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
    put(ev, "previousId", p->previous_id), p->previous_id = NULL;
    put(ev, "productId", p->product_id), p->product_id = NULL;
    put(ev, "data", p->data), p->data = NULL;
    spoor_err_t rc = serialise(b, ev, out);
    cJSON_Delete(ev);
    return rc;
}

static const wire_format_t v1 = {v1_types, sizeof v1_types / sizeof *v1_types, v1_write};

/* ---- Segment's format (protocol=segment; docs/protocol.md, "Segment's format") ---- */

/* Segment's arguments that wire v1 has no place for, taken out of a message before
 * its type's builder sees it (profile's attributes are traits, so it has none). */
static spoor_err_t segment_extras(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    if (!strcmp(type, "profile")) return SPOOR_OK;
    cJSON *message_id = take(msg, "messageId");
    if (message_id) { /* Segment's name for the id: one of the two, then it is the eventId */
        if (cJSON_GetObjectItemCaseSensitive(msg, "eventId") && !cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(msg, "eventId"))) {
            cJSON_Delete(message_id);
            return fail(b, "%s%s: %s", "messageId", "names the same id as eventId: give one of them");
        }
        cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(msg, "eventId"));
        cJSON_AddItemToObject(msg, "eventId", message_id);
        p->id_key = "messageId";
    }
    p->context = take(msg, "context");
    p->integrations = take(msg, "integrations");
    p->category = take(msg, "category");
    spoor_err_t rc;
    if ((rc = expect_object(b, p->context, "context")) || (rc = expect_object(b, p->integrations, "integrations")))
        return rc;
    if (p->context && cJSON_GetObjectItemCaseSensitive(p->context, "library"))
        return fail(b, "%s%s: %s", "context.library", "is the client's own (name and version of spoor)");
    if (p->category && strcmp(type, "page") && strcmp(type, "screen")) {
        char rule[160];
        snprintf(rule, sizeof rule, "is not an argument of %s", type);
        return fail(b, "%s%s: %s", "category", rule);
    }
    if (p->category && !cJSON_IsString(p->category)) return fail(b, "%s%s: %s", "category", "must be a string");
    return SPOOR_OK;
}

/* A catalog product is not something a user did, and every Segment message needs
 * a userId or anonymousId: Segment's spec has no message for one. */
static spoor_err_t take_product_refused(build_t *b, const char *type, cJSON *msg, parts_t *p) {
    (void)type, (void)msg, (void)p;
    return fail(b, "%s%s: %s", b->prefix[0] ? "type" : "product", SPOOR__SEGMENT_NO_PRODUCTS);
}

/* Every type the rules accept: Segment's six, and spoor's own mapped onto them. */
static const type_builder_t segment_types[] = {
    {"track", take_track},   {"identify", take_identify}, {"group", take_group},     {"page", take_page},
    {"screen", take_page},   {"alias", take_alias},       {"record", take_record},   {"profile", take_profile},
    {"consent", take_consent}, {"product", take_product_refused},
};

/* What Segment's track of consents is called (its Consent Management's event). */
#define SEGMENT_CONSENT_EVENT "Segment Consent Preference Updated"

/* context.consent.categoryPreferences: each purpose and whether it was consented
 * to. A purpose given twice with different answers has no one value there. */
static spoor_err_t category_preferences(build_t *b, const cJSON *consents, cJSON **out) {
    cJSON *prefs = *out = cJSON_CreateObject();
    if (!prefs) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    int i = 0;
    for (const cJSON *c = consents->child; c; c = c->next, i++) {
        const char *purpose = cJSON_GetObjectItemCaseSensitive(c, "purpose")->valuestring;
        const cJSON *given = cJSON_GetObjectItemCaseSensitive(c, "consented");
        const cJSON *seen = cJSON_GetObjectItemCaseSensitive(prefs, purpose);
        if (seen && cJSON_IsTrue(seen) != cJSON_IsTrue(given)) {
            char field[48];
            snprintf(field, sizeof field, "consents[%d].purpose", i);
            return fail(b, "%s%s: %s", field, "is given again with the other answer (Segment's categoryPreferences "
                                              "holds one answer per purpose)");
        }
        if (!seen) cJSON_AddItemToObject(prefs, purpose, cJSON_CreateBool(cJSON_IsTrue(given)));
    }
    return SPOOR_OK;
}

/* Move v into obj as key, refusing a key obj already holds (named in field). */
static spoor_err_t put_new(build_t *b, cJSON *obj, const char *field, const char *key, cJSON *v) {
    if (!v) return SPOOR_OK;
    if (cJSON_GetObjectItemCaseSensitive(obj, key)) {
        char at[96], rule[96];
        snprintf(at, sizeof at, "%s.%s", field, key);
        snprintf(rule, sizeof rule, "appears twice (once as the %s argument)", key);
        cJSON_Delete(v);
        return fail(b, "%s%s: %s", at, rule);
    }
    cJSON_AddItemToObject(obj, key, v);
    return SPOOR_OK;
}

/* The message in Segment's shape (type, messageId, timestamp, identity, the type's
 * fields, properties or traits, context, integrations), checked by Segment's rules
 * (segment.c) and written; takes the id, the timestamp and the parts. spoor's own
 * types and keys are mapped: record is a track of the collection, profile an
 * identify, consent a track of Segment's consent event; a profileId is the userId
 * when none is given, an accountId is context.groupId, and sessionId, pageId (and a
 * profileId beside a userId) go with the properties or traits. */
static spoor_err_t segment_write(build_t *b, const char *type, cJSON *id, cJSON *ts, parts_t *p, spoor_item_t *out) {
    spoor_err_t rc = SPOOR_OK;
    cJSON *msg = cJSON_CreateObject();
    if (!msg) {
        cJSON_Delete(id), cJSON_Delete(ts);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    const char *id_key = p->id_key ? p->id_key : "eventId";
    if (spoor__utf8_chars(id->valuestring) > SPOOR_SEGMENT_MAX_MESSAGE_ID) {
        char rule[96];
        snprintf(rule, sizeof rule, "must be at most %d characters in Segment's format (its messageId)",
                 SPOOR_SEGMENT_MAX_MESSAGE_ID);
        rc = fail(b, "%s%s: %s", id_key, rule);
    }
    /* spoor's own identity keys keep their rule before they move (userId and anonymousId
     * are Segment's own, checked with the rest by its rules). */
    static const char *const moved[] = {"profileId", "sessionId", "accountId", "pageId"};
    for (size_t i = 0; i < sizeof moved / sizeof *moved && !rc; i++)
        if (cJSON_GetObjectItemCaseSensitive(p->env, moved[i]))
            rc = expect_string(b, cJSON_GetObjectItemCaseSensitive(p->env, moved[i]), moved[i], 1);
    const char *seg_type = !strcmp(type, "record") || !strcmp(type, "consent") ? "track"
                           : !strcmp(type, "profile")                         ? "identify"
                                                                              : type;
    int traits = !strcmp(seg_type, "identify") || !strcmp(seg_type, "group"), alias = !strcmp(type, "alias");
    put(msg, "type", cJSON_CreateString(seg_type));
    put(msg, "messageId", id);
    put(msg, "timestamp", ts);
    cJSON *user = take(p->env, "userId"), *profile = take(p->env, "profileId");
    if (!user) user = profile, profile = NULL;
    put(msg, "userId", user);
    put(msg, "anonymousId", take(p->env, "anonymousId"));
    if (!strcmp(type, "consent")) put(msg, "event", cJSON_CreateString(SEGMENT_CONSENT_EVENT));
    else put(msg, !strcmp(seg_type, "track") ? "event" : "name", p->name), p->name = NULL;
    put(msg, "category", p->category), p->category = NULL;
    put(msg, "groupId", p->group_id), p->group_id = NULL;
    put(msg, "previousId", p->previous_id), p->previous_id = NULL;

    /* properties or traits (alias has neither): always there, as Segment's libraries send them */
    const char *data_key = traits ? "traits" : "properties";
    cJSON *data = traits ? p->traits : p->props;
    if (traits) p->traits = NULL;
    else p->props = NULL;
    if (!alias && !data && !(data = cJSON_CreateObject()) && !rc) rc = spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    if (data && p->consents && !rc) {
        cJSON *given = cJSON_Duplicate(p->consents, 1);
        rc = given ? put_new(b, data, data_key, "consents", given) : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    static const char *const kept[] = {"profileId", "sessionId", "pageId"};
    for (size_t i = 0; i < sizeof kept / sizeof *kept && !rc; i++) {
        cJSON *v = i == 0 ? profile : take(p->env, kept[i]);
        if (i == 0) profile = NULL;
        if (v && alias) {
            cJSON_Delete(v);
            rc = fail(b, "%s%s: %s", kept[i], "has no place in Segment's alias (it carries userId and previousId only)");
        } else {
            rc = put_new(b, data, data_key, kept[i], v);
        }
    }
    cJSON_Delete(profile);
    put(msg, data_key, data);

    cJSON *ctx = p->context ? p->context : cJSON_CreateObject(), *lib = cJSON_CreateObject();
    p->context = NULL;
    if (!ctx || !lib) {
        cJSON_Delete(ctx), cJSON_Delete(lib), cJSON_Delete(msg);
        return rc ? rc : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    put(msg, "context", ctx);
    if (!rc) rc = put_new(b, ctx, "context", "groupId", take(p->env, "accountId"));
    if (!rc && p->consents) {
        cJSON *consent = cJSON_CreateObject(), *prefs = NULL;
        rc = consent ? category_preferences(b, p->consents, &prefs) : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
        if (consent) put(consent, "categoryPreferences", prefs);
        else cJSON_Delete(prefs);
        if (!rc) rc = put_new(b, ctx, "context", "consent", consent);
        else cJSON_Delete(consent);
    }
    put(ctx, "library", lib);
    put(lib, "name", cJSON_CreateStringReference("spoor"));
    put(lib, "version", cJSON_CreateStringReference(SPOOR_VERSION_STRING));
    put(msg, "integrations", p->integrations), p->integrations = NULL;
    if (!rc && spoor__segment_validate(msg, NULL, b->err, sizeof b->err))
        rc = spoor__error(SPOOR_ERR_INVALID, "%s%s", b->prefix, b->err);
    if (!rc) rc = write_item(b, msg, cJSON_GetObjectItemCaseSensitive(msg, "messageId")->valuestring, out);
    cJSON_Delete(msg);
    return rc;
}

static const wire_format_t segment = {segment_types, sizeof segment_types / sizeof *segment_types, segment_write};

/* The client's wire format (the protocol setting). */
static const wire_format_t *format_of(const spoor_client_t *c) {
    return SPOOR__SEGMENT(c) ? &segment : &v1;
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
    spoor_schema_set_t *held;
    b.schemas = spoor__schemas_hold(c, &held);
    spoor_err_t rc = format == &segment ? segment_extras(&b, type, msg, &p) : SPOOR_OK;
    if (!rc) rc = take_parts(&b, type, msg, &p);

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
    spoor__schemas_release(held);
    return rc;
}
