/* micro.c: the inspection and control routes (see micro.h and docs/collector.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults.h"
#include "micro.h"
#include "reqlog.h"
#include "wire.h"

/* "" or NULL: no limit (-1); else a non-negative integer. -2 when malformed. */
static long parse_limit(const char *s) {
    if (!s || !*s) return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    return errno || *end || v < 0 || end == s ? -2 : v;
}

static void all(app_t *app, reply_t *r) {
    long good = 0, bad = 0, dups;
    char err[512];
    pthread_mutex_lock(&app->store_lock);
    int rc = app->store->ops->count(app->store, &good, &bad, err, sizeof err);
    dups = app->duplicates;
    pthread_mutex_unlock(&app->store_lock);
    if (rc) {
        reply_error(r, 503, "store: %s", err);
        return;
    }
    r->status = 200;
    textbuf_printf(&r->body, "{\"total\":%ld,\"good\":%ld,\"bad\":%ld,\"duplicates\":%ld}", good + bad + dups,
               good, bad, dups);
}

static void events(app_t *app, int bad, const micro_args_t *a, reply_t *r) {
    store_filter_t f = {a->type, a->event_name, a->user_id, a->format, parse_limit(a->limit)};
    if (f.limit == -2) {
        reply_error(r, 400, "limit: must be a non-negative integer");
        return;
    }
    if (f.format && strcmp(f.format, "spoor") && strcmp(f.format, "segment")) {
        reply_error(r, 400, "format: must be spoor or segment");
        return;
    }
    char err[512];
    pthread_mutex_lock(&app->store_lock);
    int rc = app->store->ops->query(app->store, bad, &f, &r->body, err, sizeof err);
    pthread_mutex_unlock(&app->store_lock);
    if (rc) reply_error(r, 503, "store: %s", err);
    else r->status = 200;
}

static void reset(app_t *app, reply_t *r) {
    char err[512];
    pthread_mutex_lock(&app->store_lock);
    int rc = app->store->ops->reset(app->store, err, sizeof err);
    if (!rc) app->duplicates = 0;
    pthread_mutex_unlock(&app->store_lock);
    reqlog_clear();
    faults_clear();
    if (rc) reply_error(r, 503, "store: %s", err);
    else reply_take(r, 200, strdup("{\"reset\":true}"));
}

static void set_fault(const char *body, size_t len, reply_t *r) {
    char err[512];
    if (!body || !len) { /* an empty POST clears, like {} */
        body = "{}";
        len = 2;
    }
    cJSON *spec = spoor__json_parse(body, len, 65536, SPOOR_JSON_MAX_DEPTH, "fault", err, sizeof err);
    if (!spec || faults_set(spec, err, sizeof err)) reply_error(r, 400, "%s", err);
    else reply_take(r, 200, faults_describe());
    cJSON_Delete(spec);
}

void micro_handle(app_t *app, const char *method, const char *path, const micro_args_t *args,
                  const char *body, size_t len, reply_t *r) {
    int get = !strcmp(method, "GET"), post = !strcmp(method, "POST");
    const char *allowed = "GET";
    if (!strcmp(path, "/micro/all")) {
        if (get) all(app, r);
    } else if (!strcmp(path, "/micro/good") || !strcmp(path, "/micro/bad")) {
        if (get) events(app, !strcmp(path, "/micro/bad"), args, r);
    } else if (!strcmp(path, "/micro/requests")) {
        long limit = parse_limit(args->limit);
        if (get && limit == -2) reply_error(r, 400, "limit: must be a non-negative integer");
        else if (get) reply_take(r, 200, reqlog_json(limit));
    } else if (!strcmp(path, "/micro/reset")) {
        allowed = "POST";
        if (post) reset(app, r);
    } else if (!strcmp(path, "/micro/fault")) {
        allowed = "GET, POST, DELETE";
        if (post) {
            set_fault(body, len, r);
        } else if (!strcmp(method, "DELETE")) {
            faults_clear();
            reply_take(r, 200, strdup("[]"));
        } else if (get) {
            reply_take(r, 200, faults_describe());
        }
    } else {
        reply_error(r, 404, "not found: %s", path);
        return;
    }
    if (!r->status) reply_error(r, 405, "method not allowed; use %s", allowed);
}
