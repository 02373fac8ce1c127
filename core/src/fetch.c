/* fetch.c: the Get APIs (spoor_fetch_sources, spoor_fetch_collections). Each is one
 * GET of the server's schema registry through the client's transport (its auth
 * headers, TLS settings, proxy and timeouts), on the caller's thread, with its
 * answer checked to be a JSON object. They never touch the event queue.
 * schemas_from (schemas.c) reads the registry through spoor__fetch_json too. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fetch.h"
#include "json.h"
#include "transport.h"
#include "url.h"
#include "utf8.h"
#include "validate.h"

/* What a 404 from each endpoint most likely means. */
#define SOURCES_NOT_FOUND " (check the org and project names, and that the server serves a schema registry)"
#define COLLECTIONS_NOT_FOUND " (check the source id, and that the server serves a schema registry)"

spoor_err_t spoor__fetch_json(spoor_client_t *c, spoor_transport_t *t, const int *cancel, const char *op,
                              const char *path, const char *not_found, cJSON **doc, char **text) {
    if (doc) *doc = NULL;
    if (text) *text = NULL;
    char *url = spoor__url_endpoint(c->conf.host, path), *log_url = url ? spoor__url_redact(url, 0) : NULL;
    if (!log_url) {
        free(url);
        return spoor__error(SPOOR_ERR_NOMEM, "%s: out of memory", op);
    }
    spoor__log(c, SPOOR_LOG_DEBUG, "%s: GET %s", op, log_url);
    spoor_response_t resp = {.retry_after_ms = -1};
    spoor__transport_get(t, c, url, cancel, &resp);
    free(url);

    spoor_err_t rc = SPOOR_OK;
    char reason[768], err[256], body[256];
    cJSON *answer = NULL;
    if (resp.refused) {
        rc = spoor__error(SPOOR_ERR_INVALID, "%s: %s", op, resp.error);
    } else if (resp.aborted) {
        rc = spoor__error(SPOOR_ERR_ABORTED, "%s: the client was closed before the answer came", op);
    } else if (resp.network_error || resp.http_status < 200 || resp.http_status > 299) {
        spoor__failure_reason(c, log_url, not_found, &resp, reason, sizeof reason);
        rc = spoor__error(resp.network_error ? SPOOR_ERR_TRANSPORT : SPOOR_ERR_HTTP, "%s: %s", op, reason);
    } else if (resp.truncated) {
        rc = spoor__error(SPOOR_ERR_HTTP, "%s: the answer from %s is longer than the %d MiB a client reads", op, log_url,
                          SPOOR_RESPONSE_MAX / (1024 * 1024));
    } else {
        answer = spoor__json_parse(resp.body ? resp.body : "", resp.body_len, 0, SPOOR_JSON_MAX_DEPTH, "answer", err,
                                   sizeof err);
        int bad = !answer || (!cJSON_IsObject(answer) && snprintf(err, sizeof err, "answer: must be a JSON object")) ||
                  spoor__check_text(answer, "", "answer", err, sizeof err);
        if (bad) {
            spoor__excerpt(body, 200, resp.body, resp.body_len);
            rc = spoor__error(SPOOR_ERR_HTTP, "%s: the answer from %s is not what a schema registry answers (%s): %s",
                              op, log_url, err, body);
        }
    }
    if (!rc && doc) *doc = answer, answer = NULL;
    if (!rc && text) *text = resp.body, resp.body = NULL; /* the text as it came: it parsed, and is UTF-8 */
    cJSON_Delete(answer);
    spoor__response_clear(&resp);
    free(log_url);
    return rc;
}

/* A name that becomes one segment of the path: a non-empty string of UTF-8. */
static spoor_err_t name_arg(const char *field, const char *value) {
    if (!value || !*value) return spoor__error(SPOOR_ERR_INVALID, "%s: must be a non-empty string", field);
    size_t len = strlen(value);
    if (spoor__utf8_invalid_at(value, len) != len) return spoor__error(SPOOR_ERR_INVALID, "%s: is not valid UTF-8", field);
    return SPOOR_OK;
}

/* One Get API call on an open client: GET the path made of the literal parts and
 * the names between them (each encoded as one segment), on a transport of its own. */
static spoor_err_t fetch_text(spoor_client_t *c, const char *op, const char *const *parts, const char *const *names,
                              size_t n_names, const char *not_found, char **json_out) {
    spoor_err_t rc = SPOOR_OK;
    char *segments[4] = {0}, path[2048];
    size_t used = (size_t)snprintf(path, sizeof path, "%s", parts[0]);
    for (size_t i = 0; i < n_names && !rc; i++) {
        if (!(segments[i] = spoor__url_segment(names[i]))) rc = spoor__error(SPOOR_ERR_NOMEM, "%s: out of memory", op);
        else if (used < sizeof path) used += (size_t)snprintf(path + used, sizeof path - used, "%s%s", segments[i], parts[i + 1]);
    }
    for (size_t i = 0; i < n_names; i++) free(segments[i]);
    if (!rc && used >= sizeof path) rc = spoor__error(SPOOR_ERR_INVALID, "%s: the names make a path longer than %zu bytes", op, sizeof path - 1);
    if (rc) return rc;
    /* A handle of its own: the worker's is the worker's, and calls may come from any thread. */
    spoor_transport_t *t = spoor__transport_new();
    if (!t) return spoor__error(SPOOR_ERR_NOMEM, "%s: cannot create a curl handle", op);
    rc = spoor__fetch_json(c, t, &c->aborting, op, path, not_found, NULL, json_out);
    spoor__transport_free(t);
    if (!rc) spoor__clear_error();
    return rc;
}

spoor_err_t spoor_fetch_sources(spoor_client_t *c, const char *org, const char *project, char **json_out) {
    if (!json_out) return spoor__error(SPOOR_ERR_INVALID, "fetch_sources: json_out must not be NULL");
    *json_out = NULL;
    spoor_err_t rc = spoor__check_open(c, "fetch_sources");
    if (rc || (rc = name_arg("org", org)) || (rc = name_arg("project", project))) return rc;
    static const char *const parts[] = {"/v1/orgs/", "/projects/", "/sources"};
    const char *names[] = {org, project};
    return fetch_text(c, "fetch_sources", parts, names, 2, SOURCES_NOT_FOUND, json_out);
}

spoor_err_t spoor_fetch_collections(spoor_client_t *c, const char *source, char **json_out) {
    if (!json_out) return spoor__error(SPOOR_ERR_INVALID, "fetch_collections: json_out must not be NULL");
    *json_out = NULL;
    spoor_err_t rc = spoor__check_open(c, "fetch_collections");
    if (rc || (rc = name_arg("source", source))) return rc;
    static const char *const parts[] = {"/v1/sources/", "/collections"};
    const char *names[] = {source};
    return fetch_text(c, "fetch_collections", parts, names, 1, COLLECTIONS_NOT_FOUND, json_out);
}

void spoor_free(void *p) { free(p); }
