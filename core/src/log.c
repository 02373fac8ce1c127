/* log.c: the client's log lines, to the log callback or stderr.
 * Messages are built by spoor itself and never include a credential; host URLs
 * go through spoor__url_redact() (url.h) first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

void spoor__log(const spoor_client_t *c, spoor_log_level_t level, const char *fmt, ...) {
    if (!c || (int64_t)level > c->conf.log_level) return;
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (c->conf.log_cb) {
        c->conf.log_cb(level, msg, c->conf.log_opaque);
        return;
    }
    static const char *names[] = {[SPOOR_LOG_ERROR] = "error", [SPOOR_LOG_WARN] = "warn",
                                  [SPOOR_LOG_INFO] = "info", [SPOOR_LOG_DEBUG] = "debug"};
    fprintf(stderr, "[spoor] %s: %s\n", names[level] ? names[level] : "log", msg);
}

/* The next character of [p, end) as it is shown in an excerpt (up to 4 bytes in
 * piece); returns how many input bytes it took. */
static size_t excerpt_piece(const unsigned char *p, const unsigned char *end, char piece[4], size_t *plen) {
    static const char hex[] = "0123456789abcdef";
    size_t n = spoor__utf8_seq(p, end);
    if (n > 1 || (n == 1 && *p >= 0x20 && *p != 0x7f)) {
        memcpy(piece, p, n);
        *plen = n;
        return n;
    }
    piece[0] = '\\';
    if (*p == '\n' || *p == '\r' || *p == '\t') {
        piece[1] = *p == '\n' ? 'n' : *p == '\r' ? 'r' : 't';
        *plen = 2;
    } else { /* another control character, or a byte that is not UTF-8 */
        piece[1] = 'x', piece[2] = hex[*p >> 4], piece[3] = hex[*p & 15];
        *plen = 4;
    }
    return 1;
}

/* s[0..len) as one line of valid UTF-8 in out (size bytes with the NUL), for a
 * reason or a log line that quotes what a server said: control characters and
 * bytes that are not UTF-8 become \n, \r, \t or \xNN; trailing white space goes;
 * what does not fit is cut at a character and ends in "...". */
void spoor__excerpt(char *out, size_t size, const char *s, size_t len) {
    if (!s) s = "", len = 0;
    const unsigned char *start = (const unsigned char *)s, *end = start + len, *p;
    char piece[4];
    size_t plen, total = 0, o = 0;
    if (size < 4) {
        if (size) *out = '\0';
        return;
    }
    while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n')) end--;
    for (p = start; p < end && total < size; total += plen) p += excerpt_piece(p, end, piece, &plen);
    size_t room = total < size ? size - 1 : size - 4; /* all of it, or a cut and "..." */
    for (p = start; p < end; o += plen) {
        size_t used = excerpt_piece(p, end, piece, &plen);
        if (o + plen > room) break;
        memcpy(out + o, piece, plen);
        p += used;
    }
    if (p < end) memcpy(out + o, "...", 3), o += 3;
    out[o] = '\0';
}
