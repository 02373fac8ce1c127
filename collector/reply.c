/* reply.c: building the JSON answers of the routes. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"

void reply_init(reply_t *r) {
    memset(r, 0, sizeof *r);
    textbuf_init(&r->body);
    r->retry_after = -1;
}

void reply_error(reply_t *r, int status, const char *fmt, ...) {
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->status = status;
    textbuf_reset(&r->body);
    textbuf_adds(&r->body, "{\"error\":");
    buf_json_string(&r->body, msg);
    textbuf_adds(&r->body, "}");
}

void reply_take(reply_t *r, int status, char *text) {
    if (!text) {
        reply_error(r, 500, "out of memory");
        return;
    }
    r->status = status;
    textbuf_reset(&r->body);
    textbuf_adds(&r->body, text);
    free(text);
}
