/* ingest.c: one batch through the checks in the order that makes each answer
 * meaningful: credentials (401/403) before reading anything, size (413), gzip,
 * the signature over the decompressed bytes (401), JSON shape (400: strict
 * JSON, see strict.h), then every event validated with the core's rules,
 * deduplicated and stored in one go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gunzip.h"
#include "ingest.h"
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

/* One batch's events for the store, with the strings they own: rejection
 * messages, and cJSON's text of an event when the span scanner could not place
 * the original. */
typedef struct {
    store_event_t *events;
    char **errors, **printed;
    size_t n;
    char received_at[SPOOR_ISO_LEN]; /* one arrival time for the whole batch */
} batch_t;

static void batch_free(batch_t *b) {
    for (size_t i = 0; i < b->n && b->errors && b->printed; i++) {
        free(b->errors[i]);
        free(b->printed[i]);
    }
    free(b->events);
    free(b->errors);
    free(b->printed);
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
        buf_t fixed;
        buf_init(&fixed);
        buf_append_utf8(&fixed, text, len);
        e->json = b->printed[i] = buf_steal(&fixed, &e->json_len);
    } else {
        e->json = text;
        e->json_len = len;
    }
    return e->json ? 0 : -1;
}

static int batch_build(app_t *app, cJSON *list, const char *body, size_t len, int utf8_ok, batch_t *b) {
    size_t n = (size_t)cJSON_GetArraySize(list);
    b->n = n;
    b->events = calloc(n ? n : 1, sizeof *b->events);
    b->errors = calloc(n ? n : 1, sizeof *b->errors);
    b->printed = calloc(n ? n : 1, sizeof *b->printed);
    span_t *spans = malloc((n ? n : 1) * sizeof *spans);
    if (!b->events || !b->errors || !b->printed || !spans) {
        free(spans);
        return -1;
    }
    int exact = batch_spans(body, len, spans, n) == (long)n;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    spoor__iso8601_format((int64_t)now.tv_sec * 1000 + now.tv_nsec / 1000000, b->received_at);

    size_t i = 0;
    cJSON *item;
    cJSON_ArrayForEach(item, list) {
        store_event_t *e = &b->events[i];
        char err[512] = "";
        /* What cJSON lets through, checked on the tree as received. */
        int invalid = strict_check(item, "event", NULL, !utf8_ok, err, sizeof err) != 0;
        if (event_text(item, exact ? body + spans[i].start : NULL, exact ? spans[i].len : 0, utf8_ok, b, i)) {
            free(spans);
            return -1;
        }
        e->event_id = str_field(item, "eventId");
        e->type = str_field(item, "type");
        e->event_name = str_field(item, "eventName");
        e->user_id = str_field(item, "userId");
        e->anonymous_id = str_field(item, "anonymousId");
        e->profile_id = str_field(item, "profileId");
        e->timestamp = str_field(item, "timestamp");
        e->received_at = b->received_at;
        if (!invalid) invalid = spoor__validate_event(item, app->schemas, err, sizeof err) != 0;
        if (invalid && !*err) snprintf(err, sizeof err, "event: invalid");
        if (!invalid && (!e->event_id || !*e->event_id)) /* the dedup key every client sets */
            snprintf(err, sizeof err, "eventId: required, a non-empty string");
        if (*err) {
            b->errors[i] = strdup(err);
            e->error = b->errors[i] ? b->errors[i] : "invalid event";
        }
        i++;
    }
    free(spans);
    return 0;
}

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
    buf_printf(&r->body, "{\"accepted\":%ld,\"duplicates\":%ld,\"rejected\":[", accepted, dups);
    int first = 1;
    for (size_t i = 0; i < b->n; i++) {
        const store_event_t *e = &b->events[i];
        if (!e->error) continue;
        buf_puts(&r->body, first ? "{\"eventId\":" : ",{\"eventId\":");
        first = 0;
        buf_json_string(&r->body, e->event_id);
        buf_puts(&r->body, ",\"error\":");
        buf_json_string(&r->body, e->error);
        buf_puts(&r->body, "}");
    }
    buf_puts(&r->body, "]}");
}

static void store_batch(app_t *app, cJSON *list, const char *body, size_t len, int utf8_ok, reply_t *r) {
    batch_t b = {0};
    if (batch_build(app, list, body, len, utf8_ok, &b)) {
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
    if (rc) /* 503: nothing was stored, the client should retry */
        reply_error(r, 503, "store: %s", err);
    else
        answer(r, &b);
    r->events = (long)b.n;
    batch_free(&b);
}

/* The body as JSON text: decompressed when gzip. 0, or an HTTP status and msg. */
static int decode_body(app_t *app, const batch_request_t *rq, buf_t *plain, const char **body,
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
 * key), a "batch" array in an object, and UTF-8 but for the events' own strings
 * (an event with a bad byte is rejected alone, naming its field). 0, or 400 and msg. */
static int parse_body(app_t *app, const char *body, size_t len, cJSON **root, int *utf8_ok,
                      char *msg, size_t msgsize) {
    size_t at = strict_control_at(body, len);
    if (at < len)
        return snprintf(msg, msgsize, "body: control character 0x%02x at byte %zu (JSON allows them only "
                        "escaped, in strings)", (unsigned char)body[at], at), 400;
    size_t bad = spoor__utf8_invalid_at(body, len);
    *utf8_ok = bad == len;
    *root = spoor__json_parse(body, len, app->max_body, SPOOR_JSON_MAX_DEPTH, "body", msg, msgsize);
    if (!*root) {
        if (!*utf8_ok) snprintf(msg, msgsize, "body: is not valid UTF-8 (at byte %zu)", bad);
        return 400;
    }
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(*root, "batch");
    if (!cJSON_IsObject(*root) || !cJSON_IsArray(list))
        return snprintf(msg, msgsize, "batch: must be an array of events in a JSON object"), 400;
    return strict_check(*root, "body", list, !*utf8_ok, msg, msgsize) ? 400 : 0;
}

long ingest_count_events(app_t *app, const batch_request_t *rq) {
    char msg[256];
    const char *body;
    size_t len;
    buf_t plain;
    buf_init(&plain);
    cJSON *root = decode_body(app, rq, &plain, &body, &len, msg, sizeof msg) ? NULL
                  : spoor__json_parse(body, len, app->max_body, SPOOR_JSON_MAX_DEPTH, "body", msg, sizeof msg);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "batch");
    long n = cJSON_IsArray(list) ? cJSON_GetArraySize(list) : 0;
    cJSON_Delete(root);
    buf_free(&plain);
    return n;
}

void ingest_batch(app_t *app, const batch_request_t *rq, reply_t *r) {
    char msg[512];
    const char *body;
    size_t len;
    buf_t plain;
    buf_init(&plain);
    cJSON *root = NULL;
    int utf8_ok = 1;
    int status = auth_check_key(&app->auth, rq->x_api_key, rq->authorization, msg, sizeof msg);
    if (!status) status = decode_body(app, rq, &plain, &body, &len, msg, sizeof msg);
    if (!status)
        status = auth_check_signature(&app->auth, rq->timestamp, rq->signature, body, len,
                                      (int64_t)time(NULL), msg, sizeof msg);
    if (!status) status = parse_body(app, body, len, &root, &utf8_ok, msg, sizeof msg);
    if (status)
        reply_error(r, status, "%s", msg);
    else
        store_batch(app, cJSON_GetObjectItemCaseSensitive(root, "batch"), body, len, utf8_ok, r);
    cJSON_Delete(root);
    buf_free(&plain);
}
