/* auth.c: credential and signature checks. Every comparison of a secret is
 * timing-safe: both sides are hashed first, so neither the content nor the
 * length of a configured key leaks through response times. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "auth.h"
#include "wire.h"

static int secret_equal(const char *a, const char *b) {
    unsigned char ha[32], hb[32];
    unsigned int la = 0, lb = 0;
    if (!EVP_Digest(a, strlen(a), ha, &la, EVP_sha256(), NULL) ||
        !EVP_Digest(b, strlen(b), hb, &lb, EVP_sha256(), NULL) || la != 32 || lb != 32)
        return 0;
    return CRYPTO_memcmp(ha, hb, 32) == 0;
}

static void wipe(char *s) {
    if (!s) return;
    OPENSSL_cleanse(s, strlen(s));
    free(s);
}

int auth_set_basic(auth_conf_t *a, const char *user_pass) {
    if (!strchr(user_pass, ':')) return -1;
    size_t n = strlen(user_pass);
    char *h = malloc(6 + 4 * ((n + 2) / 3) + 1);
    if (!h) return -1;
    memcpy(h, "Basic ", 6);
    EVP_EncodeBlock((unsigned char *)h + 6, (const unsigned char *)user_pass, (int)n);
    wipe(a->basic_header);
    a->basic_header = h;
    return 0;
}

void auth_free(auth_conf_t *a) {
    for (size_t i = 0; i < a->n_keys; i++) wipe(a->api_keys[i]);
    wipe(a->basic_header);
    wipe(a->secret);
    wipe(a->admin_key);
    memset(a, 0, sizeof *a);
}

int auth_guards_micro(const auth_conf_t *a) { return a->admin_key || a->n_keys || a->basic_header; }

/* "Bearer KEY" -> KEY, when the scheme matches (case-insensitively, per RFC 7235). */
static const char *after_scheme(const char *header, const char *scheme) {
    size_t n = strlen(scheme);
    if (strncasecmp(header, scheme, n) || header[n] != ' ') return NULL;
    header += n;
    while (*header == ' ') header++;
    return header;
}

int auth_key_index(const auth_conf_t *a, const char *key) {
    int found = -1;
    /* No early exit: every configured key is compared. */
    for (size_t i = 0; i < a->n_keys; i++)
        if (secret_equal(a->api_keys[i], key)) found = (int)i;
    return found;
}

/* Segment's way: "Basic base64(KEY:)", a write key as the user and no
 * password. The key's index, or -1. */
static int basic_write_key(const auth_conf_t *a, const char *b64) {
    size_t n = strlen(b64);
    if (!a->n_keys || !n || n % 4 || n > 4096) return -1;
    unsigned char *plain = malloc(n / 4 * 3 + 1);
    if (!plain) return -1;
    int len = EVP_DecodeBlock(plain, (const unsigned char *)b64, (int)n);
    /* EVP_DecodeBlock counts the padding's zero bytes in. */
    for (size_t pad = n; len > 0 && pad > 0 && b64[pad - 1] == '='; pad--) len--;
    int index = -1;
    if (len > 1 && plain[len - 1] == ':') {
        plain[len - 1] = '\0';
        if (strlen((char *)plain) == (size_t)len - 1 && !strchr((char *)plain, ':'))
            index = auth_key_index(a, (char *)plain);
    }
    if (len > 0) OPENSSL_cleanse(plain, (size_t)len);
    free(plain);
    return index;
}

int auth_check_key(const auth_conf_t *a, const char *x_api_key, const char *authorization,
                   int *key_index, char *msg, size_t msgsize) {
    int index = -1;
    if (key_index) *key_index = -1;
    if (!a->n_keys && !a->basic_header) return 0;
    if (!x_api_key && !authorization) {
        snprintf(msg, msgsize, "credentials required: X-API-Key, Authorization: Bearer or Basic");
        return 401;
    }
    if (x_api_key) index = auth_key_index(a, x_api_key);
    if (index < 0 && authorization) {
        const char *bearer = after_scheme(authorization, "Bearer");
        const char *basic = after_scheme(authorization, "Basic");
        if (bearer) index = auth_key_index(a, bearer);
        if (basic && index < 0) index = basic_write_key(a, basic);
        if (basic && index < 0 && a->basic_header) {
            char canon[1024]; /* the scheme's case and spacing do not matter */
            snprintf(canon, sizeof canon, "Basic %s", basic);
            if (secret_equal(a->basic_header, canon)) return 0;
        }
    }
    if (index >= 0) {
        if (key_index) *key_index = index;
        return 0;
    }
    snprintf(msg, msgsize, "credentials refused");
    return 403;
}

int auth_check_admin(const auth_conf_t *a, const char *x_api_key, const char *authorization,
                     char *msg, size_t msgsize) {
    if (!a->admin_key) return auth_check_key(a, x_api_key, authorization, NULL, msg, msgsize);
    if (!x_api_key && !authorization) {
        snprintf(msg, msgsize, "credentials required: the admin key, as X-API-Key or Authorization: Bearer");
        return 401;
    }
    const char *bearer = authorization ? after_scheme(authorization, "Bearer") : NULL;
    /* Both compared, no early exit. */
    int ok = (x_api_key && secret_equal(a->admin_key, x_api_key)) | (bearer && secret_equal(a->admin_key, bearer));
    if (ok) return 0;
    snprintf(msg, msgsize, "credentials refused");
    return 403;
}

int auth_check_signature(const auth_conf_t *a, const char *timestamp, const char *signature,
                         const char *body, size_t len, int64_t now, char *msg, size_t msgsize) {
    if (!a->secret) return 0;
    if (!timestamp || !signature) {
        snprintf(msg, msgsize, "X-Spoor-Timestamp and X-Spoor-Signature: required");
        return 401;
    }
    char *end = NULL;
    errno = 0;
    long long ts = strtoll(timestamp, &end, 10);
    if (errno || end == timestamp || *end) {
        snprintf(msg, msgsize, "X-Spoor-Timestamp: must be unix seconds");
        return 401;
    }
    if (ts < now - AUTH_MAX_SKEW_S || ts > now + AUTH_MAX_SKEW_S) {
        snprintf(msg, msgsize, "X-Spoor-Timestamp: more than %d s away from the collector's clock (stale or replayed)",
                 AUTH_MAX_SKEW_S);
        return 401;
    }
    if (!spoor__verify_v1(a->secret, ts, body, len, signature)) {
        snprintf(msg, msgsize, "X-Spoor-Signature: does not match the body");
        return 401;
    }
    return 0;
}
