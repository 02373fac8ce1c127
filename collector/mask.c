/* mask.c: credentials out of the request log (see mask.h). */
#include <stdio.h>
#include <string.h>

#include <openssl/evp.h>

#include "buf.h"
#include "mask.h"

/* Headers that carry a credential: these names, and any name with one of the
 * words below in it (x-auth-token, x-amz-security-token, api-secret, ...). */
static const char *const credential_names[] = {"authorization", "proxy-authorization", "cookie", NULL};
static const char *const credential_words[] = {"key", "token", "secret", "pass", "auth", "sign", "session",
                                               "cookie", "credential", NULL};

static int is_credential(const char *name) {
    for (int i = 0; credential_names[i]; i++)
        if (!strcmp(name, credential_names[i])) return 1;
    for (int i = 0; credential_words[i]; i++)
        if (strstr(name, credential_words[i])) return 1;
    return 0;
}

/* How long the scheme in front of the credential is, what is shown of it:
 * "Bearer " in Authorization, "v1=" in X-Spoor-Signature; 0 when none. */
static size_t scheme_len(const char *name, const char *value) {
    char end;
    if (!strcmp(name, "authorization") || !strcmp(name, "proxy-authorization")) end = ' ';
    else if (!strcmp(name, "x-spoor-signature")) end = '=';
    else return 0;
    size_t n = 0;
    while (n < 32 && ((value[n] >= 'a' && value[n] <= 'z') || (value[n] >= 'A' && value[n] <= 'Z') ||
                      (value[n] >= '0' && value[n] <= '9') || value[n] == '-'))
        n++;
    if (!n || value[n] != end) return 0;
    while (value[n] == end) n++;
    return n;
}

char *mask_header(const char *name, const char *value) {
    textbuf_t out;
    textbuf_init(&out);
    if (!is_credential(name)) {
        buf_append_utf8(&out, value, strlen(value));
    } else {
        size_t scheme = scheme_len(name, value);
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned int md_len = 0;
        const char *secret = value + scheme;
        textbuf_add(&out, value, scheme); /* ASCII letters and digits, checked above */
        textbuf_adds(&out, "***sha256:");
        if (EVP_Digest(secret, strlen(secret), md, &md_len, EVP_sha256(), NULL) && md_len >= 4)
            textbuf_printf(&out, "%02x%02x%02x%02x", md[0], md[1], md[2], md[3]);
    }
    return buf_steal(&out, NULL);
}
