/* operations.c: the public operations (track, identify, ..., batch, ingest_feed).
 * Each turns its arguments into message objects, builds every event first (all
 * or nothing; event.c, or the one-pass build of fastpath.c), then queues them
 * (enqueue.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "feed.h"
#include "internal.h"
#include "json.h"
#include "validate.h"

/* The most a batch or a feed may hold, as JSON text. */
#define BULK_MAX_BYTES (256u * 1024 * 1024)

/* Parse one JSON argument; NULL text gives an empty object when optional. */
static spoor_err_t parse_arg(const char *text, const char *field, int want_array, int optional,
                             size_t max_bytes, cJSON **out) {
    char err[512];
    *out = NULL;
    if (!text) {
        if (!optional) return spoor__error(SPOOR_ERR_INVALID, "%s: is required", field);
        *out = cJSON_CreateObject();
        return *out ? SPOOR_OK : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    size_t len = strlen(text);
    if (len > max_bytes)
        return spoor__error(SPOOR_ERR_TOO_LARGE, "%s: %zu bytes of JSON is over the limit of %zu", field, len, max_bytes);
    cJSON *v = spoor__json_parse(text, len, 0, SPOOR_JSON_MAX_DEPTH, field, err, sizeof err);
    if (!v) return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    if (want_array ? !cJSON_IsArray(v) : !cJSON_IsObject(v)) {
        cJSON_Delete(v);
        return spoor__error(SPOOR_ERR_INVALID, "%s: must be a JSON %s", field, want_array ? "array" : "object");
    }
    *out = v;
    return SPOOR_OK;
}

static size_t event_arg_limit(const spoor_client_t *c) { return (size_t)c->conf.max_event_bytes * 4 + 4096; }

/* The name in the debug line "Event queued: purchase" (read before the build
 * takes the message apart). */
static void queued_label(const char *type, const cJSON *msg, char *label, size_t size) {
    const char *key = !strcmp(type, "track") ? "event" : !strcmp(type, "record") ? "collection"
                                                          : !strcmp(type, "page") ? "name" : NULL;
    const cJSON *name = key ? cJSON_GetObjectItemCaseSensitive(msg, key) : NULL;
    snprintf(label, size, "%s", cJSON_IsString(name) ? name->valuestring : type);
}

/* Queue one built event (rc: how the build went). */
static spoor_err_t enqueue_built(spoor_client_t *c, spoor_err_t rc, spoor_item_t *item) {
    if (rc == SPOOR_OK) rc = spoor__enqueue_items(c, item, 1);
    if (rc == SPOOR_OK) spoor__clear_error();
    return rc;
}

/* The text of a message before it is built: UTF-8, each key once (validate.h).
 * path names msg in the message: "" for a call's own, "batch[3]" in a batch. */
static spoor_err_t check_text(const char *op, const char *type, const cJSON *msg, const char *path) {
    char err[512];
    int bad;
    if (!*path && !strcmp(type, "record")) /* record_event(collection, event): its fields are named "event" */
        bad = spoor__check_text(cJSON_GetObjectItemCaseSensitive(msg, "collection"), "collection", op, err, sizeof err) ||
              spoor__check_text(cJSON_GetObjectItemCaseSensitive(msg, "properties"), "event", op, err, sizeof err);
    else
        bad = spoor__check_text(msg, path, op, err, sizeof err);
    return bad ? spoor__error(SPOOR_ERR_INVALID, "%s", err) : SPOOR_OK;
}

/* Build and queue one message; takes msg. */
static spoor_err_t enqueue_one(spoor_client_t *c, const char *op, const char *type, cJSON *msg) {
    spoor_err_t rc = check_text(op, type, msg, "");
    if (rc) {
        cJSON_Delete(msg);
        return rc;
    }
    char label[128] = "";
    int debug = c->conf.log_level >= SPOOR_LOG_DEBUG;
    if (debug) queued_label(type, msg, label, sizeof label);
    spoor_item_t item;
    rc = spoor__build_event(c, op, type, msg, "", &item);
    cJSON_Delete(msg);
    if ((rc = enqueue_built(c, rc, &item)) == SPOOR_OK && debug)
        spoor__log(c, SPOOR_LOG_DEBUG, "Event queued: %s", label);
    return rc;
}

/* The one-pass build (fastpath.h) is tried first, except at debug level, whose
 * "Event queued" line the general path writes. */
static int fast_path_on(const spoor_client_t *c) { return c->conf.log_level < SPOOR_LOG_DEBUG; }

static cJSON *message(void) { return cJSON_CreateObject(); }

static void add_string(cJSON *msg, const char *key, const char *value) {
    if (value) cJSON_AddStringToObject(msg, key, value);
}

typedef int (*fast_build_fn)(spoor_client_t *c, const char *json, size_t len, spoor_item_t *out);

/* The operations whose one argument is the whole message object; fast, when
 * there is one, is tried first (fastpath.h). */
static spoor_err_t object_op(spoor_client_t *c, const char *op, const char *type, const char *json,
                             fast_build_fn fast) {
    spoor_err_t rc = spoor__check_open(c, op);
    cJSON *msg;
    if (rc) return rc;
    size_t len = json ? strlen(json) : 0;
    if (fast && json && fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int built = fast(c, json, len, &item);
        if (built != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)built, &item);
    }
    if ((rc = parse_arg(json, op, 0, 0, event_arg_limit(c), &msg))) return rc;
    return enqueue_one(c, op, type, msg);
}

spoor_err_t spoor_record_event(spoor_client_t *c, const char *collection, const char *event_json) {
    spoor_err_t rc = spoor__check_open(c, "record_event");
    cJSON *fields;
    if (rc) return rc;
    if (!collection || !*collection) return spoor__error(SPOOR_ERR_INVALID, "collection: must be a non-empty string");
    size_t len = event_json ? strlen(event_json) : 0;
    if (event_json && fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int fast = spoor__fast_record(c, collection, event_json, len, &item);
        if (fast != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)fast, &item);
    }
    if ((rc = parse_arg(event_json, "event", 0, 0, event_arg_limit(c), &fields))) return rc;
    cJSON *msg = message();
    add_string(msg, "collection", collection);
    cJSON_AddItemToObject(msg, "properties", fields);
    return enqueue_one(c, "record_event", "record", msg);
}

spoor_err_t spoor_profile(spoor_client_t *c, const char *attributes_json) {
    return object_op(c, "profile", "profile", attributes_json, spoor__fast_profile);
}

spoor_err_t spoor_track_consents(spoor_client_t *c, const char *consents_json, const char *subject_json) {
    spoor_err_t rc = spoor__check_open(c, "track_consents");
    cJSON *consents, *msg;
    if (rc || (rc = parse_arg(consents_json, "consents", 1, 0, event_arg_limit(c), &consents))) return rc;
    if ((rc = parse_arg(subject_json, "subject", 0, 1, event_arg_limit(c), &msg))) {
        cJSON_Delete(consents);
        return rc;
    }
    cJSON_Delete(cJSON_DetachItemFromObjectCaseSensitive(msg, "consents"));
    cJSON_AddItemToObject(msg, "consents", consents);
    return enqueue_one(c, "track_consents", "consent", msg);
}

spoor_err_t spoor_track(spoor_client_t *c, const char *options_json) {
    return object_op(c, "track", "track", options_json, spoor__fast_track);
}

static spoor_err_t with_traits(spoor_client_t *c, const char *op, const char *type, const char *user_id,
                               const char *group_id, const char *name, const char *json, const char *json_key) {
    spoor_err_t rc = spoor__check_open(c, op);
    cJSON *obj;
    if (rc) return rc;
    if (!user_id || !*user_id) return spoor__error(SPOOR_ERR_INVALID, "userId: must be a non-empty string");
    if (!strcmp(type, "group") && (!group_id || !*group_id))
        return spoor__error(SPOOR_ERR_INVALID, "groupId: must be a non-empty string");
    size_t len = json ? strlen(json) : 0;
    if (fast_path_on(c) && len <= event_arg_limit(c)) {
        spoor_item_t item;
        int fast = spoor__fast_traits(c, type, user_id, group_id, name, json, len, &item);
        if (fast != SPOOR__FAST_DECLINED) return enqueue_built(c, (spoor_err_t)fast, &item);
    }
    if ((rc = parse_arg(json, json_key, 0, 1, event_arg_limit(c), &obj))) return rc;
    cJSON *msg = message();
    add_string(msg, "userId", user_id);
    add_string(msg, "groupId", group_id);
    add_string(msg, "name", name);
    cJSON_AddItemToObject(msg, json_key, obj);
    return enqueue_one(c, op, type, msg);
}

spoor_err_t spoor_identify(spoor_client_t *c, const char *user_id, const char *traits_json) {
    return with_traits(c, "identify", "identify", user_id, NULL, NULL, traits_json, "traits");
}

spoor_err_t spoor_group(spoor_client_t *c, const char *user_id, const char *group_id, const char *traits_json) {
    return with_traits(c, "group", "group", user_id, group_id, NULL, traits_json, "traits");
}

spoor_err_t spoor_page(spoor_client_t *c, const char *user_id, const char *name, const char *properties_json) {
    return with_traits(c, "page", "page", user_id, NULL, name, properties_json, "properties");
}

spoor_err_t spoor_product(spoor_client_t *c, const char *product_json) {
    return object_op(c, "product", "product", product_json, NULL);
}

/* Build every message of list (each a {"type": ...} object unless type is given)
 * and queue them all, or none. Takes list. */
static spoor_err_t enqueue_all(spoor_client_t *c, const char *op, const char *fixed_type, cJSON *list,
                               const char *what, size_t *out_count) {
    size_t n = (size_t)cJSON_GetArraySize(list), built = 0;
    spoor_item_t *items = calloc(n ? n : 1, sizeof *items);
    spoor_err_t rc = items ? SPOOR_OK : spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    cJSON *msg;
    cJSON_ArrayForEach(msg, list) {
        if (rc) break;
        char prefix[64];
        snprintf(prefix, sizeof prefix, "%s[%zu].", what, built);
        if (!fixed_type) { /* a feed's text was checked whole when it was read (feed.c) */
            prefix[strlen(prefix) - 1] = '\0';
            rc = check_text(op, "", msg, prefix);
            strcat(prefix, ".");
            if (rc) break;
        }
        char type[16] = "";
        if (fixed_type) {
            snprintf(type, sizeof type, "%s", fixed_type);
        } else {
            cJSON *t = cJSON_IsObject(msg) ? cJSON_DetachItemFromObjectCaseSensitive(msg, "type") : NULL;
            if (!cJSON_IsString(t) || strlen(t->valuestring) >= sizeof type) {
                char rule[160];
                rc = spoor__error(SPOOR_ERR_INVALID, "%stype: %s", prefix, spoor__event_type_rule(rule, sizeof rule));
            } else
                snprintf(type, sizeof type, "%s", t->valuestring);
            cJSON_Delete(t);
            if (rc) break;
        }
        rc = spoor__build_event(c, op, type, msg, prefix, &items[built]);
        if (rc == SPOOR_OK) built++;
    }
    cJSON_Delete(list);
    if (rc == SPOOR_OK) rc = spoor__enqueue_items(c, items, built);
    else
        for (size_t i = 0; i < built; i++) free(items[i].json);
    free(items);
    if (rc == SPOOR_OK) {
        if (out_count) *out_count = built;
        spoor__log(c, SPOOR_LOG_DEBUG, "%zu events queued (%s)", built, op);
        spoor__clear_error();
    }
    return rc;
}

spoor_err_t spoor_enqueue(spoor_client_t *c, const char *message_json) {
    spoor_err_t rc = spoor__check_open(c, "enqueue");
    cJSON *msg;
    if (rc || (rc = parse_arg(message_json, "message", 0, 0, event_arg_limit(c), &msg))) return rc;
    cJSON *list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, msg);
    return enqueue_all(c, "enqueue", NULL, list, "message", NULL);
}

spoor_err_t spoor_batch(spoor_client_t *c, const char *messages_json) {
    spoor_err_t rc = spoor__check_open(c, "batch");
    cJSON *list;
    if (rc || (rc = parse_arg(messages_json, "batch", 1, 0, BULK_MAX_BYTES, &list))) return rc;
    return enqueue_all(c, "batch", NULL, list, "batch", NULL);
}

spoor_err_t spoor_ingest_feed(spoor_client_t *c, const char *text_or_path, size_t *out_count) {
    spoor_err_t rc = spoor__check_open(c, "ingest_feed");
    if (rc) return rc;
    if (out_count) *out_count = 0;
    if (!text_or_path || !*text_or_path) return spoor__error(SPOOR_ERR_INVALID, "feed: must be a feed's text or a file path");
    const char *p = text_or_path;
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
    char err[512] = "";
    char *file = NULL;
    size_t len = strlen(text_or_path);
    if (*p != '{' && *p != '<' && *p != '[') {
        if (!(file = spoor__read_file(text_or_path, BULK_MAX_BYTES, &len, err, sizeof err)))
            return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    }
    cJSON *products = spoor__feed_parse(file ? file : text_or_path, len, err, sizeof err);
    free(file);
    if (!products) return spoor__error(SPOOR_ERR_INVALID, "%s", err);
    return enqueue_all(c, "ingest_feed", "product", products, "products", out_count);
}
