/* url.c: the host and proxy URLs, read with libcurl's own URL parser (curl_url),
 * so that what spoor checks, redacts and sends is what curl will connect to. A
 * password holding a '/' or an '@' fools a hand-written search for "user:pw@";
 * the parser either reads it as curl will or refuses it. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "url.h"

/* url parsed (flags: curl_url_set's), or NULL with curl's reason in why. */
static CURLU *parse(const char *url, unsigned flags, char *why, size_t size) {
    CURLU *u = curl_url();
    if (!u) {
        if (why) snprintf(why, size, "out of memory");
        return NULL;
    }
    CURLUcode rc = curl_url_set(u, CURLUPART_URL, url, flags);
    if (rc == CURLUE_OK) {
        char *host = NULL;
        if (curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host) {
            curl_free(host);
            return u;
        }
        curl_free(host);
        rc = CURLUE_NO_HOST;
    }
    if (why) snprintf(why, size, "%s", curl_url_strerror(rc));
    curl_url_cleanup(u);
    return NULL;
}

static char *part(CURLU *u, CURLUPart which) {
    char *s = NULL;
    if (curl_url_get(u, which, &s, 0) != CURLUE_OK) return NULL;
    return s;
}

int spoor__url_check(const char *url, char *why, size_t size) {
    CURLU *u = parse(url, 0, why, size);
    curl_url_cleanup(u);
    return u ? 0 : -1;
}

char *spoor__url_redact(const char *url, int proxy) {
    CURLU *u = parse(url, proxy ? CURLU_GUESS_SCHEME | CURLU_NON_SUPPORT_SCHEME : 0, NULL, 0);
    if (!u) return strdup("***"); /* nothing shown of what cannot be read */
    char *user = part(u, CURLUPART_USER), *password = part(u, CURLUPART_PASSWORD), *options = part(u, CURLUPART_OPTIONS),
         *query = part(u, CURLUPART_QUERY);
    int secret_userinfo = user || password || options;
    char *out = NULL;
    if (!secret_userinfo && !query) {
        out = strdup(url); /* nothing to hide: as it was given */
    } else {
        char *scheme = part(u, CURLUPART_SCHEME), *host = part(u, CURLUPART_HOST), *port = part(u, CURLUPART_PORT),
             *path = part(u, CURLUPART_PATH);
        size_t n = 64 + strlen(scheme ? scheme : "") + strlen(host ? host : "") + strlen(port ? port : "") +
                   strlen(path ? path : "");
        if ((out = malloc(n)))
            snprintf(out, n, "%s://%s%s%s%s%s%s", scheme ? scheme : "", secret_userinfo ? "***@" : "", host ? host : "",
                     port ? ":" : "", port ? port : "", path ? path : "", query ? "?***" : "");
        curl_free(scheme), curl_free(host), curl_free(port), curl_free(path);
    }
    curl_free(user), curl_free(password), curl_free(options), curl_free(query);
    curl_url_cleanup(u);
    return out;
}

char *spoor__url_endpoint(const char *host, const char *path_tail) {
    CURLU *u = parse(host, 0, NULL, 0);
    if (!u) return NULL;
    char *path = part(u, CURLUPART_PATH), *query = part(u, CURLUPART_QUERY), *base = NULL, *out = NULL;
    size_t len = path ? strlen(path) : 0;
    while (len && path[len - 1] == '/') len--;
    if (path) path[len] = '\0';
    /* The tail is appended as it is, not set through curl_url, which rewrites the
     * case of percent-escapes (%2F becomes %2f in libcurl 7.88). */
    if (curl_url_set(u, CURLUPART_PATH, len ? path : "/", 0) == CURLUE_OK && curl_url_set(u, CURLUPART_QUERY, NULL, 0) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0) == CURLUE_OK)
        base = part(u, CURLUPART_URL);
    if (base) {
        size_t blen = strlen(base);
        while (blen && base[blen - 1] == '/') blen--;
        size_t size = blen + strlen(path_tail) + (query ? strlen(query) + 1 : 0) + 1;
        if ((out = malloc(size))) snprintf(out, size, "%.*s%s%s%s", (int)blen, base, path_tail, query ? "?" : "", query ? query : "");
    }
    curl_free(base), curl_free(path), curl_free(query);
    curl_url_cleanup(u);
    return out;
}

char *spoor__url_batch(const char *host) { return spoor__url_endpoint(host, "/v1/batch"); }

char *spoor__url_segment(const char *s) {
    char *escaped = curl_easy_escape(NULL, s, 0), *out = escaped ? strdup(escaped) : NULL;
    curl_free(escaped);
    return out;
}

int spoor__url_plain_remote(const char *url, char *host_out, size_t size) {
    CURLU *u = parse(url, 0, NULL, 0);
    if (!u) return 0;
    char *scheme = part(u, CURLUPART_SCHEME), *host = part(u, CURLUPART_HOST);
    int plain = scheme && !strcasecmp(scheme, "http"), remote = 0;
    if (plain && host) {
        unsigned char v4[4], v6[16];
        static const unsigned char loop6[16] = {[15] = 1};
        char bare[64] = "";
        size_t n = strlen(host);
        if (host[0] == '[' && n < sizeof bare + 1) memcpy(bare, host + 1, n - 2); /* [::1] */
        int local = !strcasecmp(host, "localhost") || (inet_pton(AF_INET, host, v4) == 1 && v4[0] == 127) ||
                    (*bare && inet_pton(AF_INET6, bare, v6) == 1 && !memcmp(v6, loop6, 16));
        remote = !local;
        snprintf(host_out, size, "%s", host);
    }
    curl_free(scheme), curl_free(host);
    curl_url_cleanup(u);
    return remote;
}

int spoor__url_has_userinfo(const char *url) {
    CURLU *u = parse(url, 0, NULL, 0);
    if (!u) return 0;
    char *user = part(u, CURLUPART_USER), *password = part(u, CURLUPART_PASSWORD);
    int has = user || password;
    curl_free(user), curl_free(password);
    curl_url_cleanup(u);
    return has;
}
