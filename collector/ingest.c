/* ingest.c: one batch through the checks in the order that makes each answer
 * meaningful: credentials (401/403) before reading anything, size (413), gzip,
 * the signature over the decompressed bytes (401), JSON shape (400: strict
 * JSON, see strict.h), then every event validated with the rules of its format
 * (wire v1: the core's, and the schema registry's; Segment's: segment.h),
 * deduplicated and stored in one go.
 *
 * A body is Segment's on Segment's single-message paths, and on /v1/batch when
 * its messages carry messageId and none carries eventId (docs/design.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "gunzip.h"
#include "ingest.h"
#include "metrics.h"
#include "spans.h"
#include "strict.h"
#include "wire.h"

int ingest_is_gzip(const char *ce) {
    return ce && (!strcasecmp(ce, "gzip") || !strcasecmp(ce, "x-gzip"));
}

static const char *str_field(const cJSON *event, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(event, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

typedef enum { FORMAT_SPOOR, FORMAT_SEGMENT } format_t;
static const char *const format_name[] = {"spoor", "segment"};

/* The messages of a request as received: the elements of "batch", or the one
 * body of a single-message path; where each one's text lies when the span
 * scanner could place them (exact). */
typedef struct {
    cJSON **items;
    span_t *spans;
    size_t n;
    int exact, utf8_ok;
    format_t format;
    const char *type;        /* Segment's single-message path: its type */
    const registry_source_t *source; /* the source of the request's api key, or NULL */
} messages_t;

/* One batch's events for the store, with the strings they own: rejection
 * messages, cJSON's text of an event when its original text cannot be stored
 * as it is, and the ids the collector gives Segment messages without one. */
typedef struct {
    store_event_t *events;
    char **errors, **printed, **ids;
    size_t n;
    format_t format;
    char received_at[SPOOR_ISO_LEN]; /* one arrival time for the whole batch */
} batch_t;

static void batch_free(batch_t *b) {
    for (size_t i = 0; i < b->n && b->errors && b->printed && b->ids; i++) {
        free(b->errors[i]);
        free(b->printed[i]);
        free(b->ids[i]);
    }
    free(b->events);
    free(b->errors);
    free(b->printed);
    free(b->ids);
}

/* The event's text for the store: its span of the body, or cJSON's text when
 * the span scanner could not place it; when the body is not all UTF-8, both the
 * tree and that text with U+FFFD where the bad bytes were. 0 or -1 (memory). */
static int event_text(cJSON *item, const char *text, size_t len, int utf8_ok, batch_t *b, size_t i) {
    store_event_t *e = &b->events[i];
    if (!utf8_ok && strict_repair_utf8(item)) return -1;
    if (!text) {
        e->json = b->printed[i] = cJSON_PrintUnformatted(item);
        e->json_len = e->json ? strlen(e->json) : 0;
    } else if (!utf8_ok && spoor__utf8_invalid_at(text, len) < len) {
        textbuf_t fixed;
        textbuf_init(&fixed);
        buf_append_utf8(&fixed, text, len);
        e->json = b->printed[i] = buf_steal(&fixed, &e->json_len);
    } else {
        e->json = text;
        e->json_len = len;
    }
    return e->json ? 0 : -1;
}

/* A v1 event: the core's rules, then the schema registry's. */
static void validate_spoor(app_t *app, const messages_t *m, cJSON *item, store_event_t *e, char *err,
                           size_t errsize) {
    e->event_id = str_field(item, "eventId");
    e->type = str_field(item, "type");
    e->event_name = str_field(item, "eventName");
    e->profile_id = str_field(item, "profileId");
    if (*err) return;
    if (spoor__validate_event(item, NULL, err, errsize) || registry_check(&app->registry, m->source, item, err, errsize))
        return;
    if (!e->event_id || !*e->event_id) /* the dedup key every client sets */
        snprintf(err, errsize, "eventId: required, a non-empty string");
}

/* Segment gives a message without messageId one of its own; so does the
 * collector, for its store only (the stored text stays as received). */
static char *new_message_id(void) {
    unsigned char raw[16];
    char *id = malloc(sizeof "collector-" + 2 * sizeof raw);
    if (!id || RAND_bytes(raw, sizeof raw) != 1) return free(id), NULL;
    int n = sprintf(id, "collector-");
    for (size_t i = 0; i < sizeof raw; i++) n += sprintf(id + n, "%02x", raw[i]);
    return id;
}

/* A Segment message: Segment's rules. A valid one without messageId gets an id. */
static int validate_segment(const messages_t *m, cJSON *item, batch_t *b, size_t i, char *err, size_t errsize) {
    store_event_t *e = &b->events[i];
    e->event_id = str_field(item, "messageId");
    e->type = m->type ? m->type : str_field(item, "type");
    e->event_name = str_field(item, "event") ? str_field(item, "event") : str_field(item, "name");
    if (*err || spoor__segment_validate(item, m->type, err, errsize)) return 0;
    if (!e->event_id && !(e->event_id = b->ids[i] = new_message_id())) return -1;
    return 0;
}

static int batch_build(app_t *app, const messages_t *m, const char *body, batch_t *b) {
    size_t n = m->n;
    b->n = n;
    b->format = m->format;
    b->events = calloc(n ? n : 1, sizeof *b->events);
    b->errors = calloc(n ? n : 1, sizeof *b->errors);
    b->printed = calloc(n ? n : 1, sizeof *b->printed);
    b->ids = calloc(n ? n : 1, sizeof *b->ids);
    if (!b->events || !b->errors || !b->printed || !b->ids) return -1;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    spoor__iso8601_format((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, b->received_at);

    for (size_t i = 0; i < n; i++) {
        cJSON *item = m->items[i];
        store_event_t *e = &b->events[i];
        char err[512] = "";
        /* What cJSON lets through, checked on the tree as received. */
        strict_check(item, m->format == FORMAT_SEGMENT ? "message" : "event", NULL, !m->utf8_ok, err, sizeof err);
        const char *text = m->exact ? body + m->spans[i].start : NULL;
        if (event_text(item, text, m->exact ? m->spans[i].len : 0, m->utf8_ok, b, i)) return -1;
        e->format = format_name[m->format];
        e->user_id = str_field(item, "userId");
        e->anonymous_id = str_field(item, "anonymousId");
        e->timestamp = str_field(item, "timestamp");
        e->received_at = b->received_at;
        if (m->format == FORMAT_SPOOR) validate_spoor(app, m, item, e, err, sizeof err);
        else if (validate_segment(m, item, b, i, err, sizeof err)) return -1;
        if (*err) {
            b->errors[i] = strdup(err);
            e->error = b->errors[i] ? b->errors[i] : "invalid event";
        }
    }
    return 0;
}

/* Wire v1's answer, or Segment's 200 {"success": true} with the same counts
 * beside it (Segment's libraries read only the status). */
static void answer(reply_t *r, const batch_t *b) {
    long accepted = 0, dups = 0, rejected = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (b->events[i].error) rejected++;
        else if (b->events[i].duplicate) dups++;
        else accepted++;
    }
    r->status = 200;
    r->events = (long)b->n;
    r->duplicates = dups;
    r->rejected = rejected;
    int segment = b->format == FORMAT_SEGMENT;
    textbuf_printf(&r->body, "{%s\"accepted\":%ld,\"duplicates\":%ld,\"rejected\":[", segment ? "\"success\":true," : "",
               accepted, dups);
    int first = 1;
    for (size_t i = 0; i < b->n; i++) {
        const store_event_t *e = &b->events[i];
        if (!e->error) continue;
        textbuf_printf(&r->body, "%s{\"%s\":", first ? "" : ",", segment ? "messageId" : "eventId");
        first = 0;
        buf_json_string(&r->body, e->event_id);
        textbuf_adds(&r->body, ",\"error\":");
        buf_json_string(&r->body, e->error);
        textbuf_adds(&r->body, "}");
    }
    textbuf_adds(&r->body, "]}");
}

static void store_batch(app_t *app, const messages_t *m, const char *body, reply_t *r) {
    batch_t b = {0};
    if (batch_build(app, m, body, &b)) {
        batch_free(&b);
        reply_error(r, 500, "out of memory");
        return;
    }
    char err[512];
    pthread_mutex_lock(&app->store_lock);
    int rc = app->store->ops->put(app->store, b.events, b.n, err, sizeof err);
    if (!rc)
        for (size_t i = 0; i < b.n; i++) app->duplicates += b.events[i].duplicate;
    pthread_mutex_unlock(&app->store_lock);
    if (rc) { /* 503: nothing was stored, the client should retry */
        reply_error(r, 503, "store: %s", err);
    } else {
        answer(r, &b);
        metrics_events(b.format == FORMAT_SEGMENT ? METRICS_SEGMENT : METRICS_SPOOR,
                       (long)b.n - r->duplicates - r->rejected, r->rejected, r->duplicates);
    }
    r->events = (long)b.n;
    batch_free(&b);
}

/* The body as JSON text: decompressed when gzip. 0, or an HTTP status and msg. */
static int decode_body(app_t *app, const batch_request_t *rq, textbuf_t *plain, const char **body,
                       size_t *len, char *msg, size_t msgsize) {
    *body = rq->body ? rq->body : "";
    *len = rq->len;
    if (rq->over_limit)
        return snprintf(msg, msgsize, "body: over the limit of %zu bytes", app->max_body), 413;
    if (ingest_is_gzip(rq->content_encoding)) {
        int rc = gunzip_limited(*body, *len, app->max_body, plain);
        if (rc == GUNZIP_TOO_LARGE)
            return snprintf(msg, msgsize, "body: over the limit of %zu bytes once decompressed", app->max_body), 413;
        if (rc != GUNZIP_OK) return snprintf(msg, msgsize, "body: not valid gzip"), 400;
        *body = plain->data ? plain->data : "";
        *len = plain->len;
    } else if (rq->content_encoding && strcasecmp(rq->content_encoding, "identity")) {
        return snprintf(msg, msgsize, "Content-Encoding: only gzip is supported"), 415;
    }
    return 0;
}

/* The body as a tree: JSON by RFC 8259 (no raw control characters, no repeated
 * key), an object (with a "batch" array, unless single), and UTF-8 but for the
 * messages' own strings (a message with a bad byte is rejected alone, naming
 * its field). 0, or 400 and msg. */
static int parse_body(app_t *app, const char *body, size_t len, int single, cJSON **root, int *utf8_ok,
                      char *msg, size_t msgsize) {
    size_t at = strict_control_at(body, len);
    if (at < len)
        return snprintf(msg, msgsize, "body: control character 0x%02x at byte %zu (JSON allows them only "
                        "escaped, in strings)", (unsigned char)body[at], at), 400;
    size_t bad = spoor__utf8_invalid_at(body, len);
    *utf8_ok = bad == len;
    *root = spoor__json_parse(body, len, app->max_body, SPOOR_JSON_MAX_BODY_DEPTH, "body", msg, msgsize);
    if (!*root) {
        if (!*utf8_ok) snprintf(msg, msgsize, "body: is not valid UTF-8 (at byte %zu)", bad);
        return 400;
    }
    if (single) /* the body is the message: checked as one */
        return cJSON_IsObject(*root) ? 0 : (snprintf(msg, msgsize, "body: must be a JSON object (one message)"), 400);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(*root, "batch");
    if (!cJSON_IsObject(*root) || !cJSON_IsArray(list))
        return snprintf(msg, msgsize, "batch: must be an array of events in a JSON object"), 400;
    return strict_check(*root, "body", list, !*utf8_ok, msg, msgsize) ? 400 : 0;
}

/* Segment's format when the messages carry messageId and none carries eventId
 * (every Segment library sets messageId; every spoor client sets eventId). */
static format_t batch_format(const cJSON *list) {
    int message_id = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        if (!cJSON_IsObject(item)) continue;
        if (cJSON_GetObjectItemCaseSensitive(item, "eventId")) return FORMAT_SPOOR;
        message_id |= cJSON_GetObjectItemCaseSensitive(item, "messageId") != NULL;
    }
    return message_id ? FORMAT_SEGMENT : FORMAT_SPOOR;
}

/* What Segment refuses whole, with 400: a request over 500 KB, a message over
 * 32 KB, a batch-level sentAt, context or integrations of the wrong type. */
static int segment_limits(const messages_t *m, const cJSON *root, size_t len, char *msg, size_t msgsize) {
    if (len > SPOOR_SEGMENT_MAX_REQUEST_BYTES)
        return snprintf(msg, msgsize, "body: %zu bytes, over Segment's limit of %d bytes per request", len,
                        SPOOR_SEGMENT_MAX_REQUEST_BYTES), 400;
    for (size_t i = 0; i < m->n; i++) {
        size_t size = m->exact ? m->spans[i].len : 0;
        if (!m->exact) {
            char *printed = cJSON_PrintUnformatted(m->items[i]);
            size = printed ? strlen(printed) : 0;
            free(printed);
        }
        if (size > SPOOR_SEGMENT_MAX_MESSAGE_BYTES) {
            if (m->type) snprintf(msg, msgsize, "message: ");
            else snprintf(msg, msgsize, "batch[%zu]: ", i);
            size_t n = strlen(msg);
            snprintf(msg + n, msgsize - n, "%zu bytes, over Segment's limit of %d bytes per message", size,
                     SPOOR_SEGMENT_MAX_MESSAGE_BYTES);
            return 400;
        }
    }
    if (m->type) return 0;
    const cJSON *sent = cJSON_GetObjectItemCaseSensitive(root, "sentAt");
    int64_t ms;
    if (sent && !cJSON_IsNull(sent) && (!cJSON_IsString(sent) || spoor__iso8601_parse(sent->valuestring, &ms)))
        return snprintf(msg, msgsize, "sentAt: must be an ISO-8601 timestamp"), 400;
    static const char *const objects[] = {"context", "integrations"};
    for (size_t i = 0; i < 2; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(root, objects[i]);
        if (v && !cJSON_IsNull(v) && !cJSON_IsObject(v)) return snprintf(msg, msgsize, "%s: must be an object", objects[i]), 400;
    }
    return 0;
}

/* The messages of the parsed body, their format and where their text lies.
 * 0, or a status and msg. */
static int find_messages(const batch_request_t *rq, cJSON *root, const char *body, size_t len,
                         messages_t *m, char *msg, size_t msgsize) {
    cJSON *list = rq->segment_type ? NULL : cJSON_GetObjectItemCaseSensitive(root, "batch");
    m->type = rq->segment_type;
    m->n = list ? (size_t)cJSON_GetArraySize(list) : 1;
    m->format = list ? batch_format(list) : FORMAT_SEGMENT;
    m->items = calloc(m->n ? m->n : 1, sizeof *m->items);
    m->spans = calloc(m->n ? m->n : 1, sizeof *m->spans);
    if (!m->items || !m->spans) return snprintf(msg, msgsize, "out of memory"), 500;
    if (list) {
        size_t i = 0;
        cJSON *item;
        cJSON_ArrayForEach(item, list) m->items[i++] = item;
        m->exact = batch_spans(body, len, m->spans, m->n) == (long)m->n;
    } else {
        m->items[0] = root;
        m->spans[0] = body_span(body, len);
        /* A write key in a single message's body is a credential: the message is
         * stored without it, so re-serialised. */
        cJSON *key = cJSON_DetachItemFromObjectCaseSensitive(root, "writeKey");
        m->exact = !key;
        if (cJSON_IsString(key)) OPENSSL_cleanse(key->valuestring, strlen(key->valuestring));
        cJSON_Delete(key);
    }
    return m->format == FORMAT_SEGMENT ? segment_limits(m, root, len, msg, msgsize) : 0;
}

long ingest_count_events(app_t *app, const batch_request_t *rq) {
    char msg[256];
    const char *body;
    size_t len;
    textbuf_t plain;
    textbuf_init(&plain);
    cJSON *root = decode_body(app, rq, &plain, &body, &len, msg, sizeof msg) ? NULL
                  : spoor__json_parse(body, len, app->max_body, SPOOR_JSON_MAX_BODY_DEPTH, "body", msg, sizeof msg);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "batch");
    long n = rq->segment_type ? cJSON_IsObject(root) : cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    cJSON_Delete(root);
    textbuf_free(&plain);
    return n;
}

/* Segment's third way to authenticate, for a request that sent no credential
 * header: its write key as "writeKey" in the body. The key's index, or -1 when
 * there is none (401), -2 when it is not one of the keys (403). */
static int body_write_key(app_t *app, cJSON *root) {
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(root, "writeKey");
    if (!cJSON_IsString(key)) return -1;
    int index = auth_key_index(&app->auth, key->valuestring);
    return index >= 0 ? index : -2;
}

void ingest_batch(app_t *app, const batch_request_t *rq, reply_t *r) {
    char msg[512], missing[512] = "";
    const char *body = "";
    size_t len = 0;
    textbuf_t plain;
    textbuf_init(&plain);
    cJSON *root = NULL;
    messages_t m = {0};
    m.utf8_ok = 1;
    int key_index = -1;
    int status = auth_check_key(&app->auth, rq->x_api_key, rq->authorization, &key_index, msg, sizeof msg);
    if (status == 401) { /* no credential header: a writeKey in the body may do, else 401 */
        snprintf(missing, sizeof missing, "%s", msg);
        status = 0;
    }
    if (!status) status = decode_body(app, rq, &plain, &body, &len, msg, sizeof msg);
    if (!status && !*missing)
        status = auth_check_signature(&app->auth, rq->timestamp, rq->signature, body, len,
                                      (int64_t)time(NULL), msg, sizeof msg);
    if (!status) status = parse_body(app, body, len, rq->segment_type != NULL, &root, &m.utf8_ok, msg, sizeof msg);
    if (*missing) {
        if (status || (key_index = body_write_key(app, root)) == -1)
            status = 401, snprintf(msg, sizeof msg, "%s", missing);
        else if (key_index < 0)
            status = 403, snprintf(msg, sizeof msg, "writeKey: credentials refused");
        else
            status = auth_check_signature(&app->auth, rq->timestamp, rq->signature, body, len,
                                          (int64_t)time(NULL), msg, sizeof msg);
    }
    if (!status) {
        m.source = registry_source_of_key(&app->registry, key_index);
        status = find_messages(rq, root, body, len, &m, msg, sizeof msg);
    }
    if (status)
        reply_error(r, status, "%s", msg);
    else
        store_batch(app, &m, body, r);
    free(m.items);
    free(m.spans);
    cJSON_Delete(root);
    textbuf_free(&plain);
}
