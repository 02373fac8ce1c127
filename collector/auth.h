/* auth.h: who may post a batch (the api keys and basic pair the collector was
 * started with, and the request signature when it has a secret) and who may
 * use /micro (the admin key when there is one, else whoever may post). */
#ifndef COLLECTOR_AUTH_H
#define COLLECTOR_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_MAX_KEYS 64
#define AUTH_MAX_SKEW_S 300 /* a signed request more than 5 minutes off is refused */

/* Every string is owned (malloc'd) and wiped by auth_free. */
typedef struct {
    char *api_keys[AUTH_MAX_KEYS];
    size_t n_keys;
    char *basic_header; /* "Basic <base64(user:pass)>", or NULL */
    char *secret;       /* NULL: requests are not signed */
    char *admin_key;    /* NULL: /micro takes the credentials /v1/batch takes */
} auth_conf_t;

/* Sets basic_header from "user:pass". 0, or -1 when the pair has no colon. */
int auth_set_basic(auth_conf_t *a, const char *user_pass);
/* Wipes and frees every credential. */
void auth_free(auth_conf_t *a);
/* 1 when any credential guards /micro (an admin key, an api key, a basic pair). */
int auth_guards_micro(const auth_conf_t *a);

/* Checks the X-API-Key / Authorization headers (either may be NULL): an api
 * key as X-API-Key, Bearer, or Segment's Basic base64(KEY + ":"); or the basic
 * pair. Returns 0 when allowed (always, when no key nor pair is configured),
 * 401 when no credentials were sent, 403 when they are wrong; msg says which.
 * *key_index (may be NULL): the index in api_keys of the key that matched, or
 * -1 (the basic pair, or no credentials needed). */
int auth_check_key(const auth_conf_t *a, const char *x_api_key, const char *authorization,
                   int *key_index, char *msg, size_t msgsize);

/* The index in api_keys of key, or -1; timing-safe, every key is compared. */
int auth_key_index(const auth_conf_t *a, const char *key);

/* Checks the credentials of a /micro request: the admin key (X-API-Key or
 * Authorization: Bearer) when one is set, else as auth_check_key. */
int auth_check_admin(const auth_conf_t *a, const char *x_api_key, const char *authorization,
                     char *msg, size_t msgsize);

/* Checks X-Spoor-Timestamp / X-Spoor-Signature over the uncompressed body at
 * time now (unix seconds). 0 when valid or no secret is set, else 401 and msg. */
int auth_check_signature(const auth_conf_t *a, const char *timestamp, const char *signature,
                         const char *body, size_t len, int64_t now, char *msg, size_t msgsize);

#endif
