/* rejects.c: the rejects file (rejects.h). */
#include "rejects.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "idmap.h"

struct cli_rejects {
    int fd;
    char *path;
    cli_idmap_t *known; /* line numbers (as text) already in the file */
    textbuf_t line;
};

static void load_known(cli_rejects_t *r) {
    FILE *f = fopen(r->path, "r");
    if (!f) return;
    char *l = NULL;
    size_t cap = 0;
    while (getline(&l, &cap, f) > 0) {
        unsigned long long n;
        if (sscanf(l, "{\"line\":%llu,", &n) == 1) {
            char key[24];
            snprintf(key, sizeof key, "%llu", n);
            cli_idmap_put(r->known, key, n);
        }
    }
    free(l);
    fclose(f);
}

cli_rejects_t *cli_rejects_open(const char *path, int known, char *err, size_t size) {
    cli_rejects_t *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path)) || !(r->known = cli_idmap_new())) {
        snprintf(err, size, "out of memory");
        cli_rejects_close(r);
        return NULL;
    }
    r->fd = -1;
    textbuf_init(&r->line);
    if (known) load_known(r);
    if ((r->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) < 0) {
        snprintf(err, size, "--rejects: %s: %s", path, strerror(errno));
        cli_rejects_close(r);
        return NULL;
    }
    return r;
}

void cli_rejects_close(cli_rejects_t *r) {
    if (!r) return;
    if (r->fd >= 0) close(r->fd);
    cli_idmap_free(r->known);
    textbuf_free(&r->line);
    free(r->path);
    free(r);
}

int cli_rejects_add(cli_rejects_t *r, uint64_t line, const char *error, const char *input, size_t input_len,
                    const char *event, size_t event_len, char *err, size_t size) {
    char key[24];
    snprintf(key, sizeof key, "%llu", (unsigned long long)line);
    uint64_t ignored;
    if (line && cli_idmap_get(r->known, key, &ignored)) return 0;
    textbuf_t *b = &r->line;
    textbuf_reset(b);
    if (line) textbuf_printf(b, "{\"line\":%s,\"error\":", key);
    else textbuf_adds(b, "{\"line\":null,\"error\":");
    cli_buf_add_json_string(b, error, strlen(error), 0);
    if (event) {
        textbuf_adds(b, ",\"event\":");
        textbuf_add(b, event, event_len);
    } else {
        textbuf_adds(b, ",\"input\":");
        cli_buf_add_json_string(b, input, input_len, 0);
    }
    textbuf_adds(b, "}\n");
    /* One write per entry: a kill leaves whole lines only. */
    if (b->failed || write(r->fd, b->data, b->len) != (ssize_t)b->len) {
        snprintf(err, size, "--rejects: %s: %s", r->path, b->failed ? "out of memory" : strerror(errno));
        return -1;
    }
    if (line) cli_idmap_put(r->known, key, line);
    return 0;
}
