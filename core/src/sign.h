/* sign.h: HMAC-SHA256 request signing, wire format v1:
 *   X-Spoor-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
 * over the exact body bytes before compression. */
#ifndef SPOOR_SIGN_H
#define SPOOR_SIGN_H

#include <stddef.h>
#include <stdint.h>

/* Writes "v1=" + 64 lowercase hex digits + NUL into out (68 bytes). */
void spoor__sign_v1(const char *secret, int64_t timestamp, const char *body, size_t len, char out[68]);

/* Timing-safe check of a received X-Spoor-Signature value. 1 when it matches. */
int spoor__verify_v1(const char *secret, int64_t timestamp, const char *body, size_t len, const char *signature);

#endif
