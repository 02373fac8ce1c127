/* test_conformance.c: the conformance vectors (tests/conformance/vectors) through the
 * public C API (spoor_* functions), against the mock server of tests/support, which
 * records each request's headers and gunzipped body. One cmocka test per vector; the
 * request bodies, headers, signatures and every error (name and message) must match
 * byte for byte. Usage: test_conformance [vectors-dir] */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "mock_server.h"
#include "test_util.h"

#define BINDING "c"

/* ---- small growing string ---- */
typedef struct {
    char *s;
    size_t len, cap;
} buf_t;

static void put(buf_t *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        b->cap = (b->len + n + 1) * 2;
        b->s = realloc(b->s, b->cap);
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}
static void puts_(buf_t *b, const char *s) { put(b, s, strlen(s)); }

/* ---- JSON text of a vector's value, numbers exact (cJSON's own printer rounds them) ---- */
static void print_string(buf_t *b, const char *s) {
    puts_(b, "\"");
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        char esc[8];
        switch (*p) {
        case '"': puts_(b, "\\\""); break;
        case '\\': puts_(b, "\\\\"); break;
        case '\b': puts_(b, "\\b"); break;
        case '\f': puts_(b, "\\f"); break;
        case '\n': puts_(b, "\\n"); break;
        case '\r': puts_(b, "\\r"); break;
        case '\t': puts_(b, "\\t"); break;
        default:
            if (*p < 32) {
                snprintf(esc, sizeof esc, "\\u%04x", *p);
                puts_(b, esc);
            } else {
                put(b, (const char *)p, 1);
            }
        }
    }
    puts_(b, "\"");
}

static void print_number(buf_t *b, double v) {
    char text[40];
    if (v >= -9007199254740992.0 && v <= 9007199254740992.0 && v == (double)(long long)v) {
        snprintf(text, sizeof text, "%lld", (long long)v);
    } else {
        for (int prec = 15; prec <= 17; prec++) {
            snprintf(text, sizeof text, "%.*g", prec, v);
            if (strtod(text, NULL) == v) break;
        }
    }
    puts_(b, text);
}

static void print_value(buf_t *b, const cJSON *v) {
    if (cJSON_IsNull(v)) puts_(b, "null");
    else if (cJSON_IsTrue(v)) puts_(b, "true");
    else if (cJSON_IsFalse(v)) puts_(b, "false");
    else if (cJSON_IsNumber(v)) print_number(b, v->valuedouble);
    else if (cJSON_IsString(v)) print_string(b, v->valuestring);
    else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int obj = cJSON_IsObject(v), first = 1;
        puts_(b, obj ? "{" : "[");
        for (const cJSON *c = v->child; c; c = c->next) {
            if (!first) puts_(b, ",");
            first = 0;
            if (obj) {
                print_string(b, c->string);
                puts_(b, ":");
            }
            print_value(b, c);
        }
        puts_(b, obj ? "}" : "]");
    }
}

/* JSON text of call[key], or NULL when absent or null. Freed by the caller. */
static char *arg_json(const cJSON *call, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(call, key);
    if (!v || cJSON_IsNull(v)) return NULL;
    buf_t b = {0};
    print_value(&b, v);
    return b.s;
}

static const char *arg_str(const cJSON *call, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(call, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* s with every {binding} replaced by "c". */
static char *sub(const char *s) {
    buf_t b = {0};
    puts_(&b, "");
    for (const char *p = s; *p;) {
        const char *hit = strstr(p, "{binding}");
        if (!hit) {
            puts_(&b, p);
            break;
        }
        put(&b, p, (size_t)(hit - p));
        puts_(&b, BINDING);
        p = hit + strlen("{binding}");
    }
    return b.s;
}

/* ---- one vector ---- */
static char *problem(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0) s = NULL;
    va_end(ap);
    return s;
}

static spoor_err_t do_call(spoor_client_t *c, mock_server_t *m, const cJSON *call, const char *op, size_t *count,
                           char **value) {
    char *a = NULL, *b = NULL;
    spoor_err_t rc = SPOOR_OK;
    if (!strcmp(op, "record_event")) {
        a = arg_json(call, "event");
        rc = spoor_record_event(c, arg_str(call, "collection"), a);
    } else if (!strcmp(op, "profile")) {
        a = arg_json(call, "attributes");
        rc = spoor_profile(c, a);
    } else if (!strcmp(op, "track_consents")) {
        a = arg_json(call, "consents");
        b = arg_json(call, "subject");
        rc = spoor_track_consents(c, a, b);
    } else if (!strcmp(op, "track")) {
        a = arg_json(call, "options");
        rc = spoor_track(c, a);
    } else if (!strcmp(op, "identify")) {
        a = arg_json(call, "traits");
        rc = spoor_identify(c, arg_str(call, "user_id"), a);
    } else if (!strcmp(op, "group")) {
        a = arg_json(call, "traits");
        rc = spoor_group(c, arg_str(call, "user_id"), arg_str(call, "group_id"), a);
    } else if (!strcmp(op, "page")) {
        a = arg_json(call, "properties");
        rc = spoor_page(c, arg_str(call, "user_id"), arg_str(call, "name"), a);
    } else if (!strcmp(op, "screen")) {
        a = arg_json(call, "properties");
        rc = spoor_screen(c, arg_str(call, "user_id"), arg_str(call, "name"), a);
    } else if (!strcmp(op, "alias")) {
        rc = spoor_alias(c, arg_str(call, "previous_id"), arg_str(call, "user_id"));
    } else if (!strcmp(op, "product")) {
        a = arg_json(call, "product");
        rc = spoor_product(c, a);
    } else if (!strcmp(op, "ingest_feed")) {
        rc = spoor_ingest_feed(c, arg_str(call, "feed"), count);
    } else if (!strcmp(op, "batch")) {
        a = arg_json(call, "messages");
        rc = spoor_batch(c, a);
    } else if (!strcmp(op, "flush")) {
        rc = spoor_flush(c, -1);
    } else if (!strcmp(op, "close")) {
        rc = spoor_close(c, -1);
    } else if (!strcmp(op, "anonymous_id")) {
        *value = strdup(spoor_anonymous_id(c));
    } else if (!strcmp(op, "fetch_sources") || !strcmp(op, "fetch_collections")) {
        char *json = NULL;
        rc = op[6] == 's' ? spoor_fetch_sources(c, arg_str(call, "org"), arg_str(call, "project"), &json)
                          : spoor_fetch_collections(c, arg_str(call, "source"), &json);
        if (json) *value = strdup(json);
        spoor_free(json);
    } else if (!strcmp(op, "wait_requests")) {
        int n = cJSON_GetObjectItemCaseSensitive(call, "count")->valueint;
        if (mock_wait(m, (size_t)n, 10000)) *value = strdup("timeout");
    }
    free(a);
    free(b);
    return rc;
}

static char *config_text(const cJSON *v) {
    char text[64];
    if (cJSON_IsString(v)) return strdup(v->valuestring);
    if (cJSON_IsBool(v)) return strdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        snprintf(text, sizeof text, "%lld", (long long)v->valuedouble);
        return strdup(text);
    }
    buf_t b = {0};
    print_value(&b, v);
    return b.s;
}

/* Run one vector; NULL when it passes, else what went wrong (malloc'd). */
static char *check(const cJSON *vec) {
    mock_server_t *m = mock_start();
    if (!m) return problem("cannot start the mock server");
    char *why = NULL;
    const cJSON *answer; /* what the server answers the registry's requests */
    cJSON_ArrayForEach(answer, cJSON_GetObjectItemCaseSensitive(vec, "server")) {
        char *body = arg_json(answer, "body");
        mock_reply_t reply = {.status = cJSON_GetObjectItemCaseSensitive(answer, "status")->valueint, .retry_after = -1,
                              .body = body};
        mock_route(m, cJSON_GetObjectItemCaseSensitive(answer, "path")->valuestring, &reply);
        free(body);
    }
    spoor_config_t *conf = spoor_config_new();
    spoor_config_set(conf, "host", mock_url(m));
    spoor_config_set(conf, "log_level", "error");
    const cJSON *kv;
    cJSON_ArrayForEach(kv, cJSON_GetObjectItemCaseSensitive(vec, "config")) {
        char *text = config_text(kv);
        spoor_err_t rc = spoor_config_set(conf, kv->string, text);
        free(text);
        if (rc) {
            why = problem("config %s: %s", kv->string, spoor_last_error());
            spoor_config_destroy(conf);
            mock_stop(m);
            return why;
        }
    }
    spoor_client_t *c = NULL;
    if (spoor_client_new(&c, conf)) why = problem("client_new: %s", spoor_last_error());
    spoor_config_destroy(conf);
    if (why) {
        mock_stop(m);
        return why;
    }

    int i = 0;
    const cJSON *call;
    cJSON_ArrayForEach(call, cJSON_GetObjectItemCaseSensitive(vec, "calls")) {
        const char *op = cJSON_GetObjectItemCaseSensitive(call, "op")->valuestring;
        const cJSON *want = cJSON_GetObjectItemCaseSensitive(call, "expect_error");
        size_t count = 0;
        char *value = NULL;
        spoor_err_t rc = do_call(c, m, call, op, &count, &value);
        const char *msg = spoor_last_error();
        if (want) {
            const char *code = cJSON_GetObjectItemCaseSensitive(want, "code")->valuestring;
            const cJSON *by = cJSON_GetObjectItemCaseSensitive(want, "message_by_binding");
            const cJSON *wm = by ? cJSON_GetObjectItemCaseSensitive(by, BINDING) : NULL;
            const char *message = wm ? wm->valuestring : cJSON_GetObjectItemCaseSensitive(want, "message")->valuestring;
            if (rc == SPOOR_OK) why = problem("call %d (%s): succeeded, want %s: %s", i, op, code, message);
            else if (strcmp(spoor_err2name(rc), code) || strcmp(msg, message))
                why = problem("call %d (%s): got %s: %s\n  want %s: %s", i, op, spoor_err2name(rc), msg, code, message);
        } else if (rc != SPOOR_OK) {
            why = problem("call %d (%s): failed with %s: %s", i, op, spoor_err2name(rc), msg);
        } else {
            const cJSON *ev = cJSON_GetObjectItemCaseSensitive(call, "expect_value");
            const cJSON *ec = cJSON_GetObjectItemCaseSensitive(call, "expect_count");
            if (value && !strcmp(op, "wait_requests"))
                why = problem("call %d: waited 10 s for %d requests, got %zu", i,
                              cJSON_GetObjectItemCaseSensitive(call, "count")->valueint, mock_count(m));
            else if (cJSON_IsString(ev) && (!value || strcmp(value, ev->valuestring)))
                why = problem("call %d (%s): got %s, want %s", i, op, value ? value : "(null)", ev->valuestring);
            else if (ev && !cJSON_IsString(ev)) { /* an answer: the same JSON value, however it is spelled */
                cJSON *got = value ? cJSON_Parse(value) : NULL;
                if (!cJSON_Compare(got, ev, 1)) why = problem("call %d (%s): got %s", i, op, value ? value : "(null)");
                cJSON_Delete(got);
            }
            else if (ec && (double)count != ec->valuedouble)
                why = problem("call %d (%s): count %zu, want %g", i, op, count, ec->valuedouble);
        }
        free(value);
        if (why) break;
        i++;
    }
    const char *anon = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(vec, "expect"), "anonymous_id")->valuestring;
    if (!why && strcmp(spoor_anonymous_id(c), anon))
        why = problem("anonymous id %s, want %s", spoor_anonymous_id(c), anon);
    spoor_close(c, -1);
    spoor_client_destroy(c);

    const cJSON *reqs = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(vec, "expect"), "requests");
    size_t want_n = (size_t)cJSON_GetArraySize(reqs);
    if (!why && mock_count(m) != want_n) why = problem("requests: got %zu, want %zu", mock_count(m), want_n);
    size_t r = 0;
    const cJSON *w;
    cJSON_ArrayForEach(w, reqs) {
        if (why) break;
        mock_request_t got = mock_request(m, r);
        const char *method = arg_str(w, "method"), *path = arg_str(w, "path"); /* the registry's vectors say them */
        if (method && strcmp(got.method, method)) why = problem("request %zu: method %s, want %s", r, got.method, method);
        if (!why && path && strcmp(got.raw_path, path)) why = problem("request %zu: path %s, want %s", r, got.raw_path, path);
        if (why) break;
        char *body = sub(cJSON_GetObjectItemCaseSensitive(w, "body")->valuestring);
        if (got.len != strlen(body) || memcmp(got.body, body, got.len))
            why = problem("request %zu body:\n  got  %.*s\n  want %s", r, (int)got.len, got.body, body);
        free(body);
        const cJSON *h;
        cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(w, "headers")) {
            if (why) break;
            char value[4096];
            char *expect = sub(h->valuestring);
            if (mock_header(m, r, h->string, value, sizeof value)) why = problem("request %zu: no header %s", r, h->string);
            else if (strcmp(value, expect)) why = problem("request %zu header %s: got %s, want %s", r, h->string, value, expect);
            free(expect);
        }
        cJSON_ArrayForEach(h, cJSON_GetObjectItemCaseSensitive(w, "absent_headers")) {
            char value[4096];
            if (!why && !mock_header(m, r, h->valuestring, value, sizeof value))
                why = problem("request %zu has header %s: %s", r, h->valuestring, value);
        }
        const cJSON *sig = cJSON_GetObjectItemCaseSensitive(w, "signature");
        if (!why && cJSON_IsObject(sig)) {
            char value[4096] = "";
            const char *expect = cJSON_GetObjectItemCaseSensitive(sig, BINDING)->valuestring;
            if (mock_header(m, r, "x-spoor-signature", value, sizeof value) || strcmp(value, expect))
                why = problem("request %zu signature: got %s, want %s", r, value, expect);
        }
        r++;
    }
    mock_stop(m);
    return why;
}

static void run_vector(void **state) {
    const char *path = *state;
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    buf_t b = {0};
    char chunk[65536];
    size_t n;
    puts_(&b, "");
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) put(&b, chunk, n);
    fclose(f);
    cJSON *vec = cJSON_ParseWithLength(b.s, b.len);
    free(b.s);
    if (!vec) fail_msg("%s: not valid JSON", path);
    const cJSON *skipped = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(vec, "skip"), BINDING);
    if (skipped) {
        print_message("skipped: %s\n", skipped->valuestring);
        cJSON_Delete(vec);
        skip();
    }
    const cJSON *kf = cJSON_GetObjectItemCaseSensitive(vec, "known_failure");
    const char *kf_binding = kf ? cJSON_GetObjectItemCaseSensitive(kf, "binding")->valuestring : "";
    int known = !strcmp(kf_binding, BINDING) || !strcmp(kf_binding, "core");
    char *why = check(vec);
    if (known) {
        const char *reason = cJSON_GetObjectItemCaseSensitive(kf, "why")->valuestring;
        if (!why) {
            cJSON_Delete(vec);
            fail_msg("known failure now passes: remove known_failure from the vector");
        }
        print_message("known failure (%s): %s\n", reason, why);
        free(why);
        cJSON_Delete(vec);
        skip();
    }
    cJSON_Delete(vec);
    if (why) {
        char copy[8192];
        snprintf(copy, sizeof copy, "%s", why);
        free(why);
        fail_msg("%s", copy);
    }
}

/* ---- every vector file, sorted ---- */
static char **paths;
static size_t n_paths, cap_paths;

static void walk(const char *dir) {
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *p = problem("%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
            walk(p);
            free(p);
        } else if (strlen(p) > 5 && !strcmp(p + strlen(p) - 5, ".json")) {
            if (n_paths == cap_paths) paths = realloc(paths, (cap_paths = cap_paths * 2 + 64) * sizeof *paths);
            paths[n_paths++] = p;
        } else {
            free(p);
        }
    }
    closedir(d);
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(int argc, char **argv) {
    const char *dir = argc > 1 ? argv[1] : CONFORMANCE_VECTORS;
    walk(dir);
    if (!n_paths) {
        fprintf(stderr, "no vectors under %s\n", dir);
        return 1;
    }
    qsort(paths, n_paths, sizeof *paths, by_name);
    struct CMUnitTest *tests = calloc(n_paths, sizeof *tests);
    size_t skip_dir = strlen(dir) + 1;
    for (size_t i = 0; i < n_paths; i++) {
        tests[i].name = paths[i] + skip_dir; /* "area/name.json" */
        tests[i].test_func = run_vector;
        tests[i].initial_state = paths[i];
    }
    int failed = _cmocka_run_group_tests("conformance", tests, n_paths, NULL, NULL);
    for (size_t i = 0; i < n_paths; i++) free(paths[i]);
    free(paths);
    free(tests);
    return failed;
}
