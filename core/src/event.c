/* event.c: turning one call's arguments (a message object) into one wire-format
 * event (SPEC.md "Wire format"), then validating and serialising it.
 *
 * Keys come out in the order of SPEC.md's event example, so every binding sends
 * the same bytes. A null argument counts as absent (Python's None, JS undefined). */
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
 * (seed 000 sends new Date().getTime()); absent: now. */
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

spoor_err_t spoor__build_event(spoor_client_t *c, const char *op, const char *type, cJSON *msg,
                               const char *prefix, spoor_item_t *out) {
    build_t b = {.c = c, .prefix = prefix ? prefix : ""};
    spoor_err_t rc = SPOOR_OK;
    if (!cJSON_IsObject(msg)) /* a feed's entry is a product, whatever the operation */
        return fail(&b, "%s%s: %s", strcmp(type, "product") ? op : "product", "must be an object");

    /* Gather the parts of the event; each is NULL when it does not apply. */
    cJSON *env = cJSON_CreateObject(), *name = NULL, *props = NULL, *traits = NULL, *consents = NULL,
          *group_id = NULL, *product_id = NULL, *data = NULL, *ts = NULL;
    if (!env) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");

    if (!strcmp(type, "track") || !strcmp(type, "page")) {
        int track = type[0] == 't';
        if ((rc = no_unknown_keys(&b, msg, track ? track_keys : page_keys, type))) goto done;
        name = take(msg, track ? "event" : "name");
        props = take(msg, "properties");
        if ((rc = expect_string(&b, name, track ? "event" : "name", track)) ||
            (rc = expect_object(&b, props, "properties")))
            goto done;
    } else if (!strcmp(type, "identify") || !strcmp(type, "group")) {
        int group = type[0] == 'g';
        if ((rc = no_unknown_keys(&b, msg, group ? group_keys : identify_keys, type))) goto done;
        traits = take(msg, "traits");
        group_id = group ? take(msg, "groupId") : NULL;
        if ((rc = expect_object(&b, traits, "traits")) || (group && (rc = expect_string(&b, group_id, "groupId", 1))))
            goto done;
    } else if (!strcmp(type, "record")) {
        name = take(msg, "collection");
        props = take(msg, "properties");
        if ((rc = expect_string(&b, name, "collection", 1))) goto done;
        if (!props) props = cJSON_CreateObject();
        /* The C call names the fields "event"; a batch message carries them as "properties". */
        const char *fields = b.prefix[0] ? "properties" : "event";
        if ((rc = expect_object(&b, props, fields))) goto done;
        if ((rc = no_unknown_keys(&b, msg, NULL, type))) goto done;
        /* The schema sees the fields as the caller gave them, before lifting. */
        char schema_prefix[16];
        snprintf(schema_prefix, sizeof schema_prefix, "%s.", fields);
        if (spoor__check_schema(props, c->schemas, name->valuestring, schema_prefix, b.err, sizeof b.err)) {
            rc = spoor__error(SPOOR_ERR_INVALID, "%s%s", b.prefix, b.err);
            goto done;
        }
        lift_envelope(msg, env);   /* a batch message's own userId, eventId, ... */
        lift_envelope(props, env); /* then the fields' (seed 000 puts them there) */
    } else if (!strcmp(type, "profile")) {
        traits = cJSON_Duplicate(msg, 1);
        if (!traits) { rc = spoor__error(SPOOR_ERR_NOMEM, "out of memory"); goto done; }
        lift_envelope(traits, env);
        cJSON *t, *next;
        for (t = traits->child; t; t = next) { /* null attributes count as absent */
            next = t->next;
            if (cJSON_IsNull(t)) cJSON_Delete(cJSON_DetachItemViaPointer(traits, t));
        }
        for (int i = 0; envelope[i]; i++) cJSON_Delete(take(msg, envelope[i]));
    } else if (!strcmp(type, "consent")) {
        if ((rc = no_unknown_keys(&b, msg, consent_keys, type))) goto done;
        consents = take(msg, "consents");
        if (spoor__check_consents(consents, "consents", b.err, sizeof b.err)) {
            rc = spoor__error(SPOOR_ERR_INVALID, "%s%s", b.prefix, b.err);
            goto done;
        }
    } else if (!strcmp(type, "product")) {
        if (cJSON_GetObjectItemCaseSensitive(msg, "productId")) {
            if ((rc = no_unknown_keys(&b, msg, product_keys, type))) goto done;
            product_id = take(msg, "productId");
            data = take(msg, "data");
            if ((rc = expect_string(&b, product_id, "productId", 1)) || (rc = expect_object(&b, data, "data")))
                goto done;
        } else {
            if (spoor__check_catalog_product(msg, "product", b.err, sizeof b.err)) {
                rc = spoor__error(SPOOR_ERR_INVALID, "%s%s", b.prefix, b.err);
                goto done;
            }
            lift_envelope(msg, env); /* eventId, timestamp... belong to the event, not the product */
            data = cJSON_Duplicate(msg, 1);
            product_id = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(msg, "id"), 0);
            while (msg->child) cJSON_Delete(cJSON_DetachItemViaPointer(msg, msg->child));
        }
    } else {
        rc = fail(&b, "%s%s: %s", "type", "must be one of track, identify, group, page, record, profile, consent, product");
        goto done;
    }
    if (strcmp(type, "record") && strcmp(type, "profile")) lift_envelope(msg, env);

    /* eventId: kept when given (it is the dedup key), else a fresh UUID v4. */
    cJSON *id = take(env, "eventId");
    if (id && (rc = expect_string(&b, id, "eventId", 1))) { cJSON_Delete(id); goto done; }
    if (!id) {
        char uuid[37];
        spoor__client_new_id(c, uuid);
        id = cJSON_CreateString(uuid);
    }
    cJSON *given_ts = take(env, "timestamp");
    rc = timestamp_value(&b, given_ts, &ts);
    cJSON_Delete(given_ts);
    if (rc != SPOOR_OK) { cJSON_Delete(id); goto done; }

    cJSON *ev = cJSON_CreateObject();
    if (!ev) { cJSON_Delete(id); rc = spoor__error(SPOOR_ERR_NOMEM, "out of memory"); goto done; }
    put(ev, "eventId", id);
    put(ev, "type", cJSON_CreateString(type));
    put(ev, "eventName", name), name = NULL;
    static const char *const ids[] = {"userId", "anonymousId", "profileId", "sessionId", "accountId", "pageId"};
    for (int i = 0; i < 6; i++) put(ev, ids[i], take(env, ids[i]));
    put(ev, "timestamp", ts), ts = NULL;
    put(ev, "properties", props), props = NULL;
    put(ev, "traits", traits), traits = NULL;
    put(ev, "consents", consents), consents = NULL;
    put(ev, "groupId", group_id), group_id = NULL;
    put(ev, "productId", product_id), product_id = NULL;
    put(ev, "data", data), data = NULL;
    rc = serialise(&b, ev, out);
    cJSON_Delete(ev);

done:
    cJSON_Delete(env);
    cJSON_Delete(name);
    cJSON_Delete(props);
    cJSON_Delete(traits);
    cJSON_Delete(consents);
    cJSON_Delete(group_id);
    cJSON_Delete(product_id);
    cJSON_Delete(data);
    cJSON_Delete(ts);
    return rc;
}
