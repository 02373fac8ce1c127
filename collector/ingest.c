/* ingest.c: one batch through the checks in the order that makes each answer
 * meaningful: credentials (401/403) before reading anything, size (413), gzip,
 * the signature over the decompressed bytes (401), JSON shape (400), then every
 * event validated with the core's rules, deduplicated and stored in one go. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "gunzip.h"
#include "ingest.h"
#include "spans.h"
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

static int batch_build(app_t *app, const cJSON *list, const char *body, size_t len, batch_t *b) {
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
    const cJSON *item;
    cJSON_ArrayForEach(item, list) {
        store_event_t *e = &b->events[i];
        if (exact) {
            e->json = body + spans[i].start;
            e->json_len = spans[i].len;
        } else {
            e->json = b->printed[i] = cJSON_PrintUnformatted(item);
            e->json_len = e->json ? strlen(e->json) : 0;
        }
        e->event_id = str_field(item, "eventId");
        e->type = str_field(item, "type");
        e->event_name = str_field(item, "eventName");
        e->user_id = str_field(item, "userId");
        e->anonymous_id = str_field(item, "anonymousId");
        e->profile_id = str_field(item, "profileId");
        e->timestamp = str_field(item, "timestamp");
        e->received_at = b->received_at;
        char err[512] = "";
        int invalid = spoor__validate_event(item, app->schemas, err, sizeof err) != 0;
        if (invalid && !*err) snprintf(err, sizeof err, "event: invalid");
        if (!invalid && (!e->event_id || !*e->event_id)) /* the dedup key every client sets */
            snprintf(err, sizeof err, "eventId: required, a non-empty string");
        if (*err) {
            b->errors[i] = strdup(err);
            e->error = b->errors[i] ? b->errors[i] : "invalid event";
        }
        if (!e->json) {
            free(spans);
            return -1;
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

static void store_batch(app_t *app, const cJSON *list, const char *body, size_t len, reply_t *r) {
    batch_t b = {0};
    if (batch_build(app, list, body, len, &b)) {
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
    int status = auth_check_key(&app->auth, rq->x_api_key, rq->authorization, msg, sizeof msg);
    if (!status) status = decode_body(app, rq, &plain, &body, &len, msg, sizeof msg);
    if (!status)
        status = auth_check_signature(&app->auth, rq->timestamp, rq->signature, body, len,
                                      (int64_t)time(NULL), msg, sizeof msg);
    if (!status) {
        root = spoor__json_parse(body, len, app->max_body, SPOOR_JSON_MAX_DEPTH, "body", msg, sizeof msg);
        if (!root) status = 400;
    }
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, "batch");
    if (status)
        reply_error(r, status, "%s", msg);
    else if (!cJSON_IsObject(root) || !cJSON_IsArray(list))
        reply_error(r, 400, "batch: must be an array of events in a JSON object");
    else
        store_batch(app, list, body, len, r);
    cJSON_Delete(root);
    buf_free(&plain);
}
