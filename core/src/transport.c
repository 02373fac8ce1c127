/* transport.c: the requests a client sends: the batch URL and the fixed headers,
 * made once per client, then each libcurl request: a batch's POST with gzip, auth
 * headers, HMAC signature and Retry-After, or a GET of the Get APIs and
 * schemas_from with the same auth, TLS, proxy and timeouts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <zlib.h>

#include "sign.h"
#include "transport.h"
#include "url.h"

/* ---- the request's fixed parts, made when the client is ---- */

spoor_err_t spoor__request_setup(spoor_client_t *c) {
    const spoor_config_t *k = &c->conf;
    c->url = spoor__url_batch(k->host);
    c->log_host = spoor__url_redact(k->host, 0);
    if (!c->url || !c->log_host) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    if (!(c->log_url = spoor__url_redact(c->url, 0))) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");

    c->headers = NULL;
    if (k->headers_json) {
        cJSON *h = cJSON_Parse(k->headers_json), *v;
        cJSON_ArrayForEach(v, h) { /* the whole value: its length was checked when it was set */
            size_t len = strlen(v->string) + strlen(v->valuestring) + 3;
            char *line = malloc(len);
            struct curl_slist *next = line ? (snprintf(line, len, "%s: %s", v->string, v->valuestring),
                                              curl_slist_append(c->headers, line)) : NULL;
            spoor__wipe_free(line);
            if (!next) {
                cJSON_Delete(h);
                return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
            }
            c->headers = next;
        }
        cJSON_Delete(h);
    }
    return SPOOR_OK;
}

void spoor__request_free(spoor_client_t *c) {
    spoor__wipe_slist(c->headers);
    free(c->url);
    free(c->log_host);
    free(c->log_url);
}

void spoor__request_warn(const spoor_client_t *c) {
    const spoor_config_t *k = &c->conf;
    if (!k->tls_verify)
        spoor__log(c, SPOOR_LOG_WARN, "%s is false: the server's certificate is not checked, so anyone on the way "
                                      "can pose as the server and read what is sent", spoor__key_name(k, "tls_verify"));
    char host[256], what[128] = "";
    if (!spoor__url_plain_remote(k->host, host, sizeof host)) return;
    const char *names[] = {k->api_key ? "api_key" : NULL, k->access_token || k->token_cb ? "access_token" : NULL,
                           k->username ? "username" : NULL, spoor__url_has_userinfo(k->host) ? "the host's user:password" : NULL,
                           k->secret ? "secret" : NULL};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (names[i])
            snprintf(what + strlen(what), sizeof what - strlen(what), "%s%s", *what ? ", " : "", spoor__key_name(k, names[i]));
    if (*what)
        spoor__log(c, SPOOR_LOG_WARN, "host: requests with %s go over plain http:// to %s, which is not this machine: "
                                      "anyone on the way can read (or replay) them; use https://", what, host);
}

/* ---- sending ---- */

/* One easy handle, driven through a multi handle (which keeps the connection
 * alive between requests) so that close() can wake a transfer that waits on the
 * network at once (curl_multi_wakeup) instead of at curl's next progress call,
 * up to a second later. */
struct spoor_transport_s {
    CURL *curl;
    CURLM *multi;
};

spoor_transport_t *spoor__transport_new(void) {
    spoor_transport_t *t = calloc(1, sizeof *t);
    if (t && (!(t->curl = curl_easy_init()) || !(t->multi = curl_multi_init()))) {
        spoor__transport_free(t);
        return NULL;
    }
    return t;
}

void spoor__transport_free(spoor_transport_t *t) {
    if (!t) return;
    if (t->multi) curl_multi_cleanup(t->multi);
    if (t->curl) curl_easy_cleanup(t->curl);
    free(t);
}

void spoor__transport_wake(spoor_transport_t *t) {
    if (t) curl_multi_wakeup(t->multi);
}

void spoor__response_clear(spoor_response_t *resp) {
    free(resp->body);
    memset(resp, 0, sizeof *resp);
    resp->retry_after_ms = -1;
    resp->body_max = SPOOR_RESPONSE_MAX;
}

static size_t on_body(char *data, size_t size, size_t n, void *ud) {
    spoor_response_t *r = ud;
    size_t len = size * n;
    if (r->body_len + len > r->body_max) { /* keep the start, drop the rest */
        r->truncated = 1;
        return len;
    }
    char *grown = realloc(r->body, r->body_len + len + 1);
    if (!grown) return 0;
    r->body = grown;
    memcpy(r->body + r->body_len, data, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

static size_t on_header(char *line, size_t size, size_t n, void *ud) {
    spoor_response_t *r = ud;
    size_t len = size * n;
    if (len > 12 && !strncasecmp(line, "Retry-After:", 12)) {
        char value[128];
        size_t vlen = len - 12 < sizeof value - 1 ? len - 12 : sizeof value - 1;
        memcpy(value, line + 12, vlen);
        value[vlen] = '\0';
        char *v = value;
        while (*v == ' ' || *v == '\t') v++;
        v[strcspn(v, "\r\n")] = '\0';
        char *end;
        double secs = strtod(v, &end);
        if (end != v && !*end && secs >= 0) {
            /* Clamped before the conversion: 1e300 or inf does not fit an int64
             * (undefined behaviour); a day is past any retry_after_max. */
            r->retry_after_ms = secs < 86400.0 ? (int64_t)(secs * 1000) : INT64_C(86400000);
        } else { /* an HTTP-date */
            time_t when = curl_getdate(v, NULL);
            time_t now = time(NULL);
            if (when != (time_t)-1) r->retry_after_ms = when > now ? (int64_t)(when - now) * 1000 : 0;
        }
    }
    return len;
}

static char *gzip_body(const char *body, size_t len, size_t *out_len) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return NULL;
    size_t cap = deflateBound(&zs, len);
    char *out = malloc(cap);
    if (!out) {
        deflateEnd(&zs);
        return NULL;
    }
    zs.next_in = (Bytef *)body;
    zs.avail_in = (uInt)len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) {
        free(out);
        return NULL;
    }
    return out;
}

static struct curl_slist *add_header(struct curl_slist *list, const char *name, const char *prefix, const char *value) {
    size_t len = strlen(name) + strlen(prefix) + strlen(value) + 3;
    char *line = malloc(len);
    if (!line) return list;
    snprintf(line, len, "%s: %s%s", name, prefix, value);
    struct curl_slist *next = curl_slist_append(list, line);
    spoor__wipe_free(line);
    return next ? next : list;
}

/* The request's headers (body NULL: a GET, which has no body to describe, zip or
 * sign), or NULL with resp->refused set when the token callback gave a token that
 * cannot be a header value: it is never sent. */
static struct curl_slist *request_headers(spoor_client_t *c, const char *body, size_t len, spoor_response_t *resp) {
    struct curl_slist *h = NULL;
    if (body) {
        h = curl_slist_append(h, "Content-Type: application/json");
        h = curl_slist_append(h, "Expect:"); /* no 100-continue round trip */
    } else {
        h = curl_slist_append(h, "Accept: application/json");
    }
    for (struct curl_slist *f = c->headers; f; f = f->next) h = curl_slist_append(h, f->data);
    if (body && c->conf.gzip) h = add_header(h, "Content-Encoding", "", "gzip");
    if (c->conf.api_key && !SPOOR__SEGMENT(c)) h = add_header(h, "X-API-Key", "", c->conf.api_key);
    char token[SPOOR_HEADER_VALUE_MAX + 2], why[128]; /* room to see a token one byte too long */
    int got = c->conf.token_cb ? c->conf.token_cb(token, sizeof token, c->conf.token_opaque) : -1;
    if (c->conf.token_cb && got == 0) {
        int bad = !memchr(token, '\0', sizeof token) ? (snprintf(why, sizeof why, "has no end (no NUL within %zu bytes)", sizeof token), 1)
                  : spoor__header_value_problem(token, why, sizeof why) != 0;
        if (!bad) h = add_header(h, "Authorization", "Bearer ", token);
        OPENSSL_cleanse(token, sizeof token);
        if (bad) {
            spoor__wipe_slist(h);
            resp->refused = 1;
            /* "must not contain control characters (...)": the reason says what the token holds */
            if (!strncmp(why, "must not contain control", 24)) snprintf(why, sizeof why, "contains a control character");
            snprintf(resp->error, sizeof resp->error, "the token callback's token %s; the request was not sent", why);
            return NULL;
        }
    } else if (c->conf.access_token) { /* no callback, or it had no token: the fixed one */
        OPENSSL_cleanse(token, sizeof token);
        h = add_header(h, "Authorization", "Bearer ", c->conf.access_token);
    } else if (c->conf.token_cb) {
        /* No token to send: never sent without one (the server would refuse it for
         * good); it fails like a network error, so a batch is retried. */
        OPENSSL_cleanse(token, sizeof token);
        spoor__wipe_slist(h);
        resp->network_error = resp->no_token = 1;
        snprintf(resp->error, sizeof resp->error, "the token callback gave no token (it returned %d) and no %s is set; "
                 "the request was not sent", got, spoor__key_name(&c->conf, "access_token"));
        return NULL;
    }
    if (body && c->conf.secret) {
        int64_t ts = spoor__client_now_ms(c) / 1000;
        char ts_text[32], sig[68];
        snprintf(ts_text, sizeof ts_text, "%lld", (long long)ts);
        spoor__sign_v1(c->conf.secret, ts, body, len, sig);
        h = add_header(h, "X-Spoor-Timestamp", "", ts_text);
        h = add_header(h, "X-Spoor-Signature", "", sig);
    }
    return h;
}

/* curl_easy_perform through the multi handle: the same transfer, but a close()
 * (*cancel set, then spoor__transport_wake) ends the wait in curl_multi_poll at
 * once. CURLE_ABORTED_BY_CALLBACK when cancelled that way. */
static CURLcode perform(spoor_transport_t *t, const int *cancel) {
    CURLMcode mc = curl_multi_add_handle(t->multi, t->curl);
    if (mc != CURLM_OK) return CURLE_FAILED_INIT;
    CURLcode rc = CURLE_ABORTED_BY_CALLBACK;
    for (;;) {
        int running = 0;
        mc = curl_multi_perform(t->multi, &running);
        if (mc != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            break;
        }
        if (!running) {
            int left;
            CURLMsg *m = curl_multi_info_read(t->multi, &left);
            rc = m && m->msg == CURLMSG_DONE ? m->data.result : CURLE_FAILED_INIT;
            break;
        }
        if (__atomic_load_n(cancel, __ATOMIC_ACQUIRE)) break;
        /* Returns on network activity, curl's own timers, or a wake-up from close(). */
        if (curl_multi_poll(t->multi, NULL, 0, 1000, NULL) != CURLM_OK) {
            rc = CURLE_FAILED_INIT;
            break;
        }
        if (__atomic_load_n(cancel, __ATOMIC_ACQUIRE)) break;
    }
    curl_multi_remove_handle(t->multi, t->curl);
    return rc;
}

/* The transfer's settings but the method and the body: every request alike. */
static void set_common(CURL *h, spoor_client_t *c, const char *url, struct curl_slist *headers, spoor_response_t *resp) {
    char user_agent[96];
    snprintf(user_agent, sizeof user_agent, "spoor-%s/%s", c->conf.binding ? c->conf.binding : "c",
             SPOOR_VERSION_STRING);
    curl_easy_reset(h); /* the multi handle keeps the connections: that is the keep-alive */
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->conf.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->conf.connect_timeout_ms);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
#if LIBCURL_VERSION_NUM >= 0x075700
    /* A transfer that ends while the threaded resolver still waits on DNS (close()'s
     * deadline, connect_timeout) leaves that thread to finish alone instead of joining
     * it: a resolver that never answers would hold close() up to its own timeouts. */
    curl_easy_setopt(h, CURLOPT_QUICK_EXIT, 1L);
#endif
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->conf.tls_verify ? 1L : 0L);
    curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->conf.tls_verify ? 2L : 0L);
    if (c->conf.ca_path) curl_easy_setopt(h, CURLOPT_CAINFO, c->conf.ca_path);
    if (c->conf.proxy) curl_easy_setopt(h, CURLOPT_PROXY, c->conf.proxy);
    /* Segment's write key is the Basic user name with an empty password. */
    const char *user = SPOOR__SEGMENT(c) && c->conf.api_key ? c->conf.api_key : c->conf.username;
    if (user) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, user);
        curl_easy_setopt(h, CURLOPT_PASSWORD, c->conf.password ? c->conf.password : "");
    }
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
}

/* TLS failures that no retry mends: the server's certificate is refused, or the
 * CA bundle (ca_path) or another TLS setting cannot be used. A handshake cut
 * short (CURLE_SSL_CONNECT_ERROR) is not among them: a network fault does that. */
static int tls_setup_error(CURLcode rc) {
    switch (rc) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CRL_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
    case CURLE_SSL_INVALIDCERTSTATUS:
        return 1;
    default:
        return 0;
    }
}

/* Run the transfer set up on t and fill resp with its outcome. */
static void finish(spoor_transport_t *t, const int *cancel, spoor_response_t *resp, size_t sent) {
    char detail[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, detail);
    CURLcode rc = perform(t, cancel);
    curl_easy_setopt(t->curl, CURLOPT_ERRORBUFFER, NULL);
    resp->sent = 1;
    if (rc == CURLE_OK) {
        long status = 0;
        curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
        resp->http_status = (int)status;
        resp->bytes_sent = sent;
    } else {
        resp->network_error = 1;
        resp->aborted = rc == CURLE_ABORTED_BY_CALLBACK; /* perform()'s word for a close */
        resp->tls_setup = tls_setup_error(rc);
        if (resp->tls_setup && *detail) /* curl's detail says which check failed */
            snprintf(resp->error, sizeof resp->error, "%s (%s)", curl_easy_strerror(rc), detail);
        else snprintf(resp->error, sizeof resp->error, "%s", curl_easy_strerror(rc));
    }
}

void spoor__transport_post(spoor_transport_t *t, spoor_client_t *c, const char *body, size_t len, size_t n,
                           spoor_response_t *resp) {
    spoor__response_clear(resp);
    /* A 2xx lists the events it rejected: cut, it would hide some of them. */
    resp->body_max = SPOOR_RESPONSE_MAX + len + n * 1024;
    const char *payload = body;
    size_t payload_len = len;
    char *zipped = NULL;
    if (c->conf.gzip) {
        zipped = gzip_body(body, len, &payload_len);
        if (!zipped) {
            resp->network_error = 1;
            snprintf(resp->error, sizeof resp->error, "gzip failed");
            return;
        }
        payload = zipped;
    }
    struct curl_slist *headers = request_headers(c, body, len, resp);
    if (resp->refused || resp->no_token) {
        free(zipped);
        return;
    }
    set_common(t->curl, c, c->url, headers, resp);
    curl_easy_setopt(t->curl, CURLOPT_POST, 1L);
    curl_easy_setopt(t->curl, CURLOPT_POSTFIELDS, payload);
    curl_easy_setopt(t->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)payload_len);
    finish(t, &c->aborting, resp, payload_len);
    spoor__wipe_slist(headers);
    free(zipped);
}

void spoor__transport_get(spoor_transport_t *t, spoor_client_t *c, const char *url, const int *cancel,
                          spoor_response_t *resp) {
    spoor__response_clear(resp);
    struct curl_slist *headers = request_headers(c, NULL, 0, resp);
    if (resp->refused || resp->no_token) return;
    set_common(t->curl, c, url, headers, resp);
    curl_easy_setopt(t->curl, CURLOPT_HTTPGET, 1L);
    finish(t, cancel, resp, 0);
    spoor__wipe_slist(headers);
}

void spoor__failure_reason(const spoor_client_t *c, const char *log_url, const char *not_found,
                           const spoor_response_t *resp, char *reason, size_t size) {
    char url[256], body[256] = "";
    spoor__excerpt(url, sizeof url, log_url, strlen(log_url));
    if (resp->no_token) {
        snprintf(reason, size, "%s", resp->error);
        return;
    }
    if (resp->tls_setup) {
        const spoor_config_t *k = &c->conf;
        char bundle[64];
        if (k->ca_path) snprintf(bundle, sizeof bundle, "%s", spoor__key_name(k, "ca_path"));
        else snprintf(bundle, sizeof bundle, "the system's CA bundle, or set %s", spoor__key_name(k, "ca_path"));
        snprintf(reason, size, "TLS error reaching %s: %s: not retried, as a retry would meet the same (check the "
                 "server's certificate and %s)", url, resp->error, bundle);
        return;
    }
    if (resp->network_error) {
        snprintf(reason, size, "network error reaching %s: %s", url, resp->error);
        return;
    }
    int status = resp->http_status;
    spoor__excerpt(body, 200, resp->body, resp->body_len);
    const char *hint = "";
    if (status == 401 || status == 403) {
        const spoor_config_t *k = &c->conf;
        hint = k->api_key && (k->access_token || k->token_cb) ? " (check api_key and access_token)"
               : k->api_key                                   ? " (check api_key)"
               : k->access_token || k->token_cb               ? " (check access_token)"
               : k->username                                  ? " (check username and password)"
                                                              : " (no credentials are set: check api_key)";
    } else if (status == 413) {
        hint = " (one event is too large for the server)";
    } else if (status == 404) {
        hint = not_found;
    }
    snprintf(reason, size, "HTTP %d from %s%s%s%s", status, url, *body ? ": " : "", body, hint);
}
