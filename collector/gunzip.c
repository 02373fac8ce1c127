/* gunzip.c: bounded gzip inflation with zlib (see gunzip.h). */
#include <zlib.h>

#include "gunzip.h"

int gunzip_limited(const char *in, size_t len, size_t max, textbuf_t *out) {
    z_stream z = {0};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) return GUNZIP_CORRUPT; /* 16: gzip header */
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    int rc = GUNZIP_OK;
    unsigned char chunk[16384];
    for (;;) {
        z.next_out = chunk;
        z.avail_out = sizeof chunk;
        int zr = inflate(&z, Z_NO_FLUSH);
        size_t got = sizeof chunk - z.avail_out;
        if (out->len + got > max) {
            rc = GUNZIP_TOO_LARGE;
            break;
        }
        if (textbuf_add(out, chunk, got)) {
            rc = GUNZIP_CORRUPT;
            break;
        }
        if (zr == Z_STREAM_END) {
            if (!z.avail_in) break;
            inflateReset(&z); /* concatenated gzip members are one body */
            continue;
        }
        if (zr != Z_OK || (got == 0 && z.avail_in == 0)) {
            rc = GUNZIP_CORRUPT; /* bad data, or the stream ended early */
            break;
        }
    }
    inflateEnd(&z);
    return rc;
}
