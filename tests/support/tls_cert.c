/* tls_cert.c: see tls_cert.h. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tls_cert.h"

static char *pem_text(BIO *bio) {
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    char *out = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (out) memcpy(out, data, (size_t)len), out[len] = '\0';
    return out;
}

int tls_self_signed(char **cert_pem, char **key_pem) {
    *cert_pem = *key_pem = NULL;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_mem());
    int ok = key && x && cb && kb;
    if (ok) {
        ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
        X509_set_version(x, 2); /* v3: it carries an extension */
        X509_gmtime_adj(X509_getm_notBefore(x), -60);
        X509_gmtime_adj(X509_getm_notAfter(x), 86400);
        X509_set_pubkey(x, key);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"127.0.0.1", -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509V3_CTX ctx;
        X509V3_set_ctx_nodb(&ctx);
        X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
        X509_EXTENSION *san = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
        ok = san && X509_add_ext(x, san, -1) && X509_sign(x, key, EVP_sha256()) && PEM_write_bio_X509(cb, x) &&
             PEM_write_bio_PrivateKey(kb, key, NULL, NULL, 0, NULL, NULL);
        X509_EXTENSION_free(san);
    }
    if (ok) *cert_pem = pem_text(cb), *key_pem = pem_text(kb);
    ok = ok && *cert_pem && *key_pem;
    if (!ok) free(*cert_pem), free(*key_pem), *cert_pem = *key_pem = NULL;
    BIO_free(cb);
    BIO_free(kb);
    X509_free(x);
    EVP_PKEY_free(key);
    return ok ? 0 : -1;
}
