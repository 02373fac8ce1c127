/* sign.c: HMAC-SHA256 signing with OpenSSL (wire format v1). */
#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

#include "sign.h"

void spoor__sign_v1(const char *secret, int64_t timestamp, const char *body, size_t len, char out[68]) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t mac_len = 0;
    char prefix[32];
    int plen = snprintf(prefix, sizeof prefix, "%lld.", (long long)timestamp);
    /* EVP_MAC is OpenSSL 3's HMAC interface (HMAC_CTX is deprecated there). */
    EVP_MAC *hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = hmac ? EVP_MAC_CTX_new(hmac) : NULL;
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0),
                           OSSL_PARAM_construct_end()};
    if (!ctx || !EVP_MAC_init(ctx, (const unsigned char *)secret, strlen(secret), params) ||
        !EVP_MAC_update(ctx, (const unsigned char *)prefix, (size_t)plen) ||
        !EVP_MAC_update(ctx, (const unsigned char *)body, len) ||
        !EVP_MAC_final(ctx, mac, &mac_len, sizeof mac))
        mac_len = 0;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(hmac);
    if (mac_len != 32) memset(mac, 0, sizeof mac); /* never matches a real signature */
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "v1=", 3);
    for (unsigned i = 0; i < 32; i++) {
        out[3 + 2 * i] = hex[mac[i] >> 4];
        out[4 + 2 * i] = hex[mac[i] & 15];
    }
    out[67] = '\0';
}

int spoor__verify_v1(const char *secret, int64_t timestamp, const char *body, size_t len, const char *signature) {
    char expect[68];
    if (!signature || strlen(signature) != 67) return 0;
    spoor__sign_v1(secret, timestamp, body, len, expect);
    return CRYPTO_memcmp(expect, signature, 67) == 0;
}
