/* utf8.h: is a byte string well-formed UTF-8?
 *
 * Everything spoor puts on the wire must be (RFC 8259 §8.1): one invalid byte in
 * an event makes a strict server refuse the whole batch, good events included.
 * Well-formed means Unicode's Table 3-7: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence. The client's
 * validation (both build paths) and the collector use these same two functions. */
#ifndef SPOOR_UTF8_H
#define SPOOR_UTF8_H

#include <stddef.h>

/* The length (1 to 4) of the well-formed sequence at p, or 0 when the bytes at p
 * (up to end) do not start one. Inline: the one-pass build calls it per
 * non-ASCII byte. */
static inline size_t spoor__utf8_seq(const unsigned char *p, const unsigned char *end) {
    unsigned char c = p[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) lo = 0xA0;       /* overlong */
        else if (c == 0xED) hi = 0x9F;  /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) lo = 0x90;       /* overlong */
        else if (c == 0xF4) hi = 0x8F;  /* above U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0/C1 (overlong) or F5..FF */
    }
    if ((size_t)(end - p) < n) return 0;
    if (p[1] < lo || p[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if (p[i] < 0x80 || p[i] > 0xBF) return 0;
    return n;
}

/* The offset of the first byte of s[0..len) that is not part of a well-formed
 * sequence, or len when all of it is well-formed. */
static inline size_t spoor__utf8_invalid_at(const char *s, size_t len) {
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    while (p < end) {
        if (*p < 0x80) { p++; continue; }
        size_t n = spoor__utf8_seq(p, end);
        if (!n) break;
        p += n;
    }
    return (size_t)(p - (const unsigned char *)s);
}

/* The characters of well-formed UTF-8 text s (bytes that start one): Segment
 * counts a messageId's length in characters. */
static inline size_t spoor__utf8_chars(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xC0) != 0x80;
    return n;
}

#endif
