/* resume.c: the import's state file (resume.h). A few "key value" lines, so a
 * person can read where an import stopped. */
#include "resume.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>


#define MAGIC "spoor-import-state 1"

static int open_dir(const char *dir, char *err, size_t size) {
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) snprintf(err, size, "%s: %s", dir, strerror(errno));
    return fd;
}

/* Open dir/name with flags (O_NOFOLLOW added: a planted link is not followed).
 * The fd; -1 with err set; or -1 with errno ENOENT and err untouched when
 * reading a file (or the directory) that is not there. */
static int open_in(const char *dir, const char *name, int flags, char *err, size_t size) {
    int dfd = open_dir(dir, err, size);
    if (dfd < 0) return -1;
    int fd = openat(dfd, name, flags | O_NOFOLLOW | O_CLOEXEC, 0600);
    int saved = errno;
    close(dfd);
    if (fd < 0 && (saved != ENOENT || (flags & O_CREAT))) snprintf(err, size, "%s/%s: %s", dir, name, strerror(saved));
    errno = saved;
    return fd;
}

static void copy_field(char *dst, size_t cap, const char *v) {
    size_t i = 0;
    for (; v[i] && i < cap - 1; i++) dst[i] = v[i];
    dst[i] = '\0';
}

int cli_resume_load(const char *dir, cli_resume_t *st, char *err, size_t size) {
    memset(st, 0, sizeof *st);
    int fd = open_in(dir, CLI_RESUME_FILE, O_RDONLY | O_NONBLOCK, err, size);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    struct stat sb;
    char text[4096];
    ssize_t n = fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) ? read(fd, text, sizeof text - 1) : -1;
    close(fd);
    if (n < 0) {
        snprintf(err, size, "%s/%s: not a regular file, or cannot be read", dir, CLI_RESUME_FILE);
        return -1;
    }
    text[n] = '\0';
    int seen = 0;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(l, ' ');
        const char *v = sp ? sp + 1 : "";
        if (sp) *sp = '\0';
        if (!strcmp(l, "spoor-import-state") && !strcmp(v, "1")) seen |= 1;
        else if (!strcmp(l, "sha256") && strlen(v) == 64) copy_field(st->sha256, sizeof st->sha256, v), seen |= 2;
        else if (!strcmp(l, "size")) st->size = strtoull(v, NULL, 10);
        else if (!strcmp(l, "format")) copy_field(st->format, sizeof st->format, v);
        else if (!strcmp(l, "type")) copy_field(st->type, sizeof st->type, v);
        else if (!strcmp(l, "path")) copy_field(st->path, sizeof st->path, v);
        else if (!strcmp(l, "line")) st->line = strtoull(v, NULL, 10), seen |= 4;
        else if (!strcmp(l, "offset")) st->offset = strtoull(v, NULL, 10), seen |= 8;
        else if (!strcmp(l, "pending")) st->pending = strtoull(v, NULL, 10);
        else if (!strcmp(l, "rejected")) st->rejected = strtoull(v, NULL, 10);
        else if (!strcmp(l, "failed")) st->failed = strtoull(v, NULL, 10);
        else if (!strcmp(l, "complete")) st->complete = !strcmp(v, "1");
    }
    if (seen != 15 || !st->line) {
        snprintf(err, size, "%s/%s: is not a complete import state (written by another program, or damaged)", dir,
                 CLI_RESUME_FILE);
        return -1;
    }
    st->present = 1;
    return 0;
}

int cli_resume_save(const char *dir, const cli_resume_t *st, int sync, char *err, size_t size) {
    char path[sizeof st->path];
    size_t i = 0;
    for (; st->path[i] && i < sizeof path - 1; i++) /* one line, whatever the name holds */
        path[i] = (unsigned char)st->path[i] < 0x20 ? '?' : st->path[i];
    path[i] = '\0';
    char text[2048];
    int n = snprintf(text, sizeof text,
                     MAGIC "\nsha256 %s\nsize %" PRIu64 "\nformat %s\ntype %s\npath %s\nline %" PRIu64
                           "\noffset %" PRIu64 "\npending %" PRIu64 "\nrejected %" PRIu64 "\nfailed %" PRIu64
                           "\ncomplete %d\n",
                     st->sha256, st->size, st->format, st->type, path, st->line, st->offset, st->pending, st->rejected,
                     st->failed, st->complete);
    int dfd = open_dir(dir, err, size);
    if (dfd < 0) return -1;
    unlinkat(dfd, CLI_RESUME_FILE ".tmp", 0);
    errno = 0;
    int fd = openat(dfd, CLI_RESUME_FILE ".tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    int saved = 0;
    if (fd < 0 || write(fd, text, (size_t)n) != n || (sync && fsync(fd))) saved = errno ? errno : EIO;
    if (fd >= 0) close(fd);
    if (!saved && renameat(dfd, CLI_RESUME_FILE ".tmp", dfd, CLI_RESUME_FILE)) saved = errno;
    if (!saved && sync && fsync(dfd)) saved = errno;
    close(dfd);
    if (saved) {
        snprintf(err, size, "%s/%s: cannot write: %s", dir, CLI_RESUME_FILE, strerror(saved));
        return -1;
    }
    return 0;
}

int cli_journal_open(const char *dir, char *err, size_t size) {
    return open_in(dir, CLI_JOURNAL_FILE, O_WRONLY | O_CREAT | O_APPEND, err, size);
}

int cli_journal_read(const char *dir, uint64_t **lines, size_t *n, char *err, size_t size) {
    *lines = NULL;
    *n = 0;
    int fd = open_in(dir, CLI_JOURNAL_FILE, O_RDONLY | O_NONBLOCK, err, size);
    if (fd < 0) return errno == ENOENT ? 0 : -1;
    FILE *f = fdopen(fd, "r");
    unsigned long long v;
    size_t cap = 0;
    int rc = 0;
    while (f && fscanf(f, "%llu\n", &v) == 1) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 256;
            uint64_t *more = realloc(*lines, cap * sizeof *more);
            if (!more) {
                snprintf(err, size, "out of memory");
                rc = -1;
                break;
            }
            *lines = more;
        }
        (*lines)[(*n)++] = v;
    }
    if (f) fclose(f);
    else close(fd);
    return rc;
}
