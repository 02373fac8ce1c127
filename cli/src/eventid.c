/* eventid.c: the import's derived eventIds (eventid.h). */
#include "eventid.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void to_hex(const unsigned char *b, size_t n, char *out) {
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) out[2 * i] = hex[b[i] >> 4], out[2 * i + 1] = hex[b[i] & 15];
    out[2 * n] = '\0';
}

int cli_file_sha256(int fd, char hex[65]) {
    enum { CHUNK = 1 << 20 };
    unsigned char *buf = malloc(CHUNK), md[32];
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int rc = -1;
    if (!buf || !ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
        errno = ENOMEM;
        goto done;
    }
    for (off_t at = 0;;) {
        ssize_t n = pread(fd, buf, CHUNK, at);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) goto done;
        if (n == 0) break;
        EVP_DigestUpdate(ctx, buf, (size_t)n);
        at += n;
    }
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx, md, &len);
    to_hex(md, 32, hex);
    rc = 0;
done:
    EVP_MD_CTX_free(ctx);
    free(buf);
    return rc;
}

void cli_idspace_init(cli_idspace_t *space, const char *file_sha256, const char *format, const char *type) {
    char text[256];
    unsigned char md[32];
    unsigned int len = 0;
    int n = snprintf(text, sizeof text, "spoor import\n%s\n%s\n%s\n", file_sha256, format, type ? type : "");
    EVP_Digest(text, (size_t)n, md, &len, EVP_sha256(), NULL);
    memcpy(space->ns, md, sizeof space->ns);
    space->ns[6] = (unsigned char)((space->ns[6] & 0x0f) | 0x80); /* version 8 */
    space->ns[8] = (unsigned char)((space->ns[8] & 0x3f) | 0x80); /* variant 10 */
}

int cli_idspace_random(cli_idspace_t *space) {
    unsigned char b[32];
    char hex[65];
    if (RAND_bytes(b, sizeof b) != 1) return -1;
    to_hex(b, sizeof b, hex);
    cli_idspace_init(space, hex, "random", "");
    return 0;
}

void cli_event_id(const cli_idspace_t *space, uint64_t line, char out[37]) {
    unsigned char b[16];
    char hex[33];
    memcpy(b, space->ns, 10);
    for (int i = 0; i < 6; i++) b[10 + i] = (unsigned char)(line >> (8 * (5 - i)));
    to_hex(b, 16, hex);
    snprintf(out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", hex, hex + 8, hex + 12, hex + 16, hex + 20);
}

static int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

int cli_event_id_line(const cli_idspace_t *space, const char *id, uint64_t *line) {
    unsigned char b[16];
    size_t k = 0;
    for (size_t i = 0; i < 36; i++) {
        if (!id[i]) return 0;
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (id[i] != '-') return 0;
            continue;
        }
        int hi = hex_value(id[i]), lo = hex_value(id[++i]);
        if (hi < 0 || lo < 0) return 0;
        b[k++] = (unsigned char)(hi << 4 | lo);
    }
    if (id[36] || memcmp(b, space->ns, 10)) return 0;
    uint64_t v = 0;
    for (int i = 10; i < 16; i++) v = v << 8 | b[i];
    *line = v;
    return 1;
}
