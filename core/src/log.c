/* log.c: the client's log lines, to the log callback or stderr.
 * Messages are built by spoor itself and never include a credential; host URLs
 * go through spoor__url_redact() (url.h) first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

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
