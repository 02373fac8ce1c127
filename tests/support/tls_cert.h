/* tls_cert.h: a self-signed certificate for 127.0.0.1, made in memory (OpenSSL),
 * for the mock server's https: deterministic and offline. */
#ifndef SPOOR_TLS_CERT_H
#define SPOOR_TLS_CERT_H

/* A new EC P-256 key and a certificate for it, signed by itself, for CN and
 * subjectAltName IP 127.0.0.1, valid for a day: both as PEM text (free them).
 * 0, or -1 when OpenSSL failed. */
int tls_self_signed(char **cert_pem, char **key_pem);

#endif
