/* input.c: the import's record reader (input.h). */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"

#define READ_SIZE (1u << 20)

struct cli_input {
    int fd, own_fd, csv, regular, eof;
    uint64_t size;
    char *buf;
    size_t cap, start, end;  /* buf[start, end) is read and not yet consumed */
    uint64_t base;           /* file offset of buf[0] */
    uint64_t line;           /* line number of buf[start] */
    int skipping;            /* inside a record too long to keep: drop bytes to its end */
};

cli_input_t *cli_input_open(const char *path, int csv, char *err, size_t size) {
    cli_input_t *in = calloc(1, sizeof *in);
    if (!in) {
        snprintf(err, size, "out of memory");
        return NULL;
    }
    in->csv = csv;
    in->line = 1;
    if (!strcmp(path, "-")) {
        in->fd = STDIN_FILENO;
    } else if ((in->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
        snprintf(err, size, "%s: %s", path, strerror(errno));
        free(in);
        return NULL;
    } else {
        in->own_fd = 1;
    }
    struct stat st;
    if (fstat(in->fd, &st) == 0 && S_ISREG(st.st_mode)) in->regular = 1, in->size = (uint64_t)st.st_size;
    if (fstat(in->fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        snprintf(err, size, "%s: is a directory", path);
        cli_input_close(in);
        return NULL;
    }
    return in;
}

void cli_input_close(cli_input_t *in) {
    if (!in) return;
    if (in->own_fd) close(in->fd);
    free(in->buf);
    free(in);
}

int cli_input_regular(const cli_input_t *in) { return in->regular; }
int cli_input_fd(const cli_input_t *in) { return in->fd; }
uint64_t cli_input_size(const cli_input_t *in) { return in->size; }
uint64_t cli_input_offset(const cli_input_t *in) { return in->base + in->start; }
uint64_t cli_input_line(const cli_input_t *in) { return in->line; }

int cli_input_seek(cli_input_t *in, uint64_t offset, uint64_t line, char *err, size_t size) {
    if (!in->regular || lseek(in->fd, (off_t)offset, SEEK_SET) < 0) {
        snprintf(err, size, "cannot seek to byte %llu: %s", (unsigned long long)offset,
                 in->regular ? strerror(errno) : "not a regular file");
        return -1;
    }
    in->base = offset;
    in->start = in->end = 0;
    in->eof = 0;
    in->line = line;
    in->skipping = 0;
    return 0;
}

/* Read more bytes after buf[end), keeping buf[start, end). 0, or -1 (err). */
static int fill(cli_input_t *in, char *err, size_t size) {
    if (in->start > 0 && in->start == in->end) { /* nothing kept: start over */
        in->base += in->start;
        in->start = in->end = 0;
    }
    if (in->cap - in->end < READ_SIZE) {
        if (in->start > 0) { /* move what is kept to the front */
            memmove(in->buf, in->buf + in->start, in->end - in->start);
            in->base += in->start;
            in->end -= in->start;
            in->start = 0;
        }
        if (in->cap - in->end < READ_SIZE) {
            size_t cap = in->cap ? in->cap * 2 : 2 * READ_SIZE;
            char *b = realloc(in->buf, cap);
            if (!b) {
                snprintf(err, size, "out of memory");
                return -1;
            }
            in->buf = b;
            in->cap = cap;
        }
    }
    ssize_t n;
    do n = read(in->fd, in->buf + in->end, READ_SIZE);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        snprintf(err, size, "read: %s", strerror(errno));
        return -1;
    }
    if (n == 0) in->eof = 1;
    in->end += (size_t)n;
    return 0;
}

/* The length of the record at buf[start] (line break included) and the line
 * breaks inside it, or 0 when more input is needed. */
static size_t record_len(const cli_input_t *in, size_t *breaks) {
    const char *p = in->buf + in->start;
    size_t avail = in->end - in->start;
    *breaks = 0;
    if (in->csv) return cli_csv_record_len(p, avail, in->eof, breaks);
    const char *nl = memchr(p, '\n', avail);
    return nl ? (size_t)(nl - p) + 1 : in->eof ? avail : 0;
}

static int blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return 0;
    return 1;
}

int cli_input_next(cli_input_t *in, cli_record_t *rec, char *err, size_t size) {
    for (;;) {
        size_t breaks = 0, len = in->end > in->start ? record_len(in, &breaks) : 0;
        if (!len && in->skipping && in->end - in->start >= CLI_INPUT_MAX_RECORD) {
            in->start = in->end; /* still inside the record too long to keep */
            continue;
        }
        if (!len && in->end - in->start >= CLI_INPUT_MAX_RECORD) {
            /* Too long to keep: report its start, then drop bytes up to its end. */
            memset(rec, 0, sizeof *rec);
            rec->text = in->buf + in->start;
            rec->len = 256;
            rec->line = in->line;
            rec->offset = cli_input_offset(in);
            rec->too_long = 1;
            in->skipping = 1;
            in->start = in->end;
            return 1;
        }
        if (!len) {
            if (in->eof) return 0;
            if (fill(in, err, size)) return -1;
            continue;
        }
        const char *p = in->buf + in->start;
        uint64_t offset = cli_input_offset(in), line = in->line;
        in->start += len;
        in->line += 1 + breaks - (p[len - 1] != '\n'); /* the last line may have no line break */
        if (in->skipping) { /* the rest of a record too long to keep */
            in->skipping = 0;
            continue;
        }
        if (offset == 0 && len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) p += 3, len -= 3; /* a byte order mark */
        if (blank(p, len)) continue;
        if (p[len - 1] == '\n') len--;
        if (len && p[len - 1] == '\r') len--;
        rec->text = p;
        rec->len = len;
        rec->line = line;
        rec->offset = offset;
        rec->too_long = 0;
        return 1;
    }
}
