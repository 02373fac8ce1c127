/* spool.c: the durable on-disk queue (format and locking in spool.h).
 *
 * The memory queue stays the one place batches are cut from: the spool only
 * mirrors it. Appends go to disk before a call returns; what the worker settles
 * moves the cursor; a client that opens a spool pushes the unsettled records
 * back onto its queue. Delivery is at least once: a crash between a delivery and
 * the cursor's move resends that batch, and the eventId makes it harmless. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "internal.h"
#include "json.h"
#include "spool.h"
#include "validate.h"

#define SEGMENT_BYTES (4u * 1024 * 1024) /* start a new segment past this size */

struct spoor_spool_s {
    char *dir;
    spoor_sync_t sync;
    int dir_fd;            /* every file is opened through it, never through a path */
    int lock_fd, seg_fd;
    pthread_mutex_t mu;    /* guards segs, seg_fd, seg_bytes */
    uint64_t *segs;        /* first seq of every segment, ascending; the last is the active one */
    size_t n_segs, cap_segs;
    size_t seg_bytes;      /* size of the active segment */
    uint64_t cursor;       /* as last written */
    uint64_t next_seq;     /* one past the last record appended */
    unsigned char *buf;    /* encoding scratch (used under the client's lock) */
    size_t buf_cap;
};

/* ---- the record format ---- */

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v) {
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* CRC-32 of the seq bytes and the payload, which sit apart in a record's layout. */
static uint32_t record_crc(const unsigned char *seq_bytes, const unsigned char *payload, size_t len) {
    uLong crc = crc32(0L, seq_bytes, 8);
    return (uint32_t)crc32(crc, payload, (uInt)len);
}

size_t spoor__spool_encode(uint64_t seq, const char *event_id, const char *json, size_t json_len, unsigned char *out) {
    size_t id_len = strlen(event_id), plen = id_len + 1 + json_len;
    put32(out, SPOOR_SPOOL_MAGIC);
    put32(out + 4, (uint32_t)plen);
    put64(out + 8, seq);
    memcpy(out + SPOOR_SPOOL_HEADER, event_id, id_len + 1);
    memcpy(out + SPOOR_SPOOL_HEADER + id_len + 1, json, json_len);
    put32(out + 16, record_crc(out + 8, out + SPOOR_SPOOL_HEADER, plen));
    return SPOOR_SPOOL_HEADER + plen;
}

/* The length of the good record at p (0: none there); *id_len gets its eventId's. */
static size_t good_record(const unsigned char *p, size_t room, size_t *id_len) {
    if (room < SPOOR_SPOOL_HEADER || get32(p) != SPOOR_SPOOL_MAGIC) return 0;
    uint32_t plen = get32(p + 4);
    if (plen < 2 || plen > SPOOR_SPOOL_MAX_RECORD || plen > room - SPOOR_SPOOL_HEADER) return 0;
    const unsigned char *nul = memchr(p + SPOOR_SPOOL_HEADER, 0, plen < SPOOR_SPOOL_ID_MAX + 1 ? plen : SPOOR_SPOOL_ID_MAX + 1);
    if (!nul || nul == p + SPOOR_SPOOL_HEADER) return 0;
    if (record_crc(p + 8, p + SPOOR_SPOOL_HEADER, plen) != get32(p + 16)) return 0;
    *id_len = (size_t)(nul - (p + SPOOR_SPOOL_HEADER));
    return SPOOR_SPOOL_HEADER + plen;
}

size_t spoor__spool_scan(const unsigned char *buf, size_t len,
                         int (*on_record)(const spoor_spool_record_t *rec, void *opaque), void *opaque) {
    size_t pos = 0, bad = 0;
    int in_bad = 0;
    while (pos < len) {
        size_t id_len = 0, n = good_record(buf + pos, len - pos, &id_len);
        if (!n) {
            /* Resynchronise on the next magic that starts a good record. */
            if (!in_bad) bad++, in_bad = 1;
            const unsigned char *next = memchr(buf + pos + 1, SPOOR_SPOOL_MAGIC & 0xff, len - pos - 1);
            pos = next ? (size_t)(next - buf) : len;
            continue;
        }
        in_bad = 0;
        const unsigned char *payload = buf + pos + SPOOR_SPOOL_HEADER;
        spoor_spool_record_t rec = {get64(buf + pos + 8), (const char *)payload, id_len,
                                    (const char *)payload + id_len + 1, n - SPOOR_SPOOL_HEADER - id_len - 1};
        if (on_record && on_record(&rec, opaque)) break;
        pos += n;
    }
    return bad;
}

/* ---- files ----
 *
 * The directory is the user's own (checked at open) and every file in it is
 * opened relative to it with O_NOFOLLOW and O_NONBLOCK, then required to be a
 * regular file with one link: a link planted as the lock or a segment cannot
 * redirect a write, nor a FIFO hang the open. */

static void segment_name(uint64_t first, char name[32]) { snprintf(name, 32, "seg-%016" PRIx64 ".log", first); }

static int mkdir_p(const char *dir) {
    char *copy = strdup(dir);
    if (!copy) return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = 0;
        if (mkdir(copy, 0700) && errno != EEXIST) return free(copy), -1;
        *p = '/';
    }
    int rc = mkdir(copy, 0700) && errno != EEXIST ? -1 : 0;
    free(copy);
    return rc;
}

/* The errno open_in gives for what is not a regular file of one link (a value
 * no system uses). */
#define NOT_REGULAR (1 << 20)

/* name in the spool, opened (flags: O_RDONLY, O_RDWR | O_CREAT, ...; never
 * O_TRUNC, which would act before the checks): the descriptor, or -1 with
 * errno, NOT_REGULAR for a link, a FIFO, a directory or a file linked elsewhere too. */
static int open_in(const spoor_spool_t *s, const char *name, int flags) {
    int fd = openat(s->dir_fd, name, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        if (errno == ELOOP || errno == EISDIR || errno == ENXIO) errno = NOT_REGULAR;
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(fd);
        errno = NOT_REGULAR;
        return -1;
    }
    return fd;
}

/* The error for name that open_in or a read refused (errno e). */
static spoor_err_t file_error(const spoor_spool_t *s, const char *name, int e) {
    if (e == NOT_REGULAR)
        return spoor__error(SPOOR_ERR_CONFIG_INVALID,
                            "spool_dir: %s/%s is not a regular file (a link, a FIFO or a directory); refusing it", s->dir, name);
    return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot read %s/%s: %s; nothing in the spool was changed",
                        s->dir, name, strerror(e));
}

static int write_all(int fd, const unsigned char *p, size_t len) {
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n, len -= (size_t)n;
    }
    return 0;
}

/* The whole of name into a malloc'd buffer (one byte more, for a NUL); NULL with
 * errno when it cannot be opened or read (ENOENT: it is not there). */
static unsigned char *read_whole(const spoor_spool_t *s, const char *name, size_t *len) {
    int fd = open_in(s, name, O_RDONLY), e = 0;
    struct stat st;
    unsigned char *buf = NULL;
    *len = 0;
    if (fd < 0) return NULL;
    if (fstat(fd, &st) || !(buf = malloc((size_t)st.st_size + 1))) {
        e = errno ? errno : ENOMEM;
    } else {
        size_t got = 0;
        while (got < (size_t)st.st_size) {
            ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) {
                e = errno;
                break;
            }
            if (n == 0) break; /* shorter than it was: what is there */
            got += (size_t)n;
        }
        *len = got;
    }
    close(fd);
    if (e) {
        free(buf);
        errno = e;
        return NULL;
    }
    return buf;
}

static int add_segment(spoor_spool_t *s, uint64_t first) {
    if (s->n_segs == s->cap_segs) {
        size_t cap = s->cap_segs ? s->cap_segs * 2 : 16;
        uint64_t *segs = realloc(s->segs, cap * sizeof *segs);
        if (!segs) return -1;
        s->segs = segs, s->cap_segs = cap;
    }
    s->segs[s->n_segs++] = first;
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Open a new active segment whose first record will be s->next_seq (s->mu held or
 * not yet shared). A file of that name can only hold a torn record (its good
 * records would be at or past next_seq), so it is truncated. */
static int open_segment(spoor_spool_t *s) {
    char name[32];
    segment_name(s->next_seq, name);
    int fd = open_in(s, name, O_WRONLY | O_CREAT | O_APPEND);
    if (fd >= 0 && ftruncate(fd, 0)) close(fd), fd = -1;
    if (fd < 0) return -1;
    if (s->n_segs && s->segs[s->n_segs - 1] == s->next_seq) s->n_segs--; /* reopened by name */
    if (add_segment(s, s->next_seq)) return close(fd), -1;
    if (s->sync != SPOOR_SYNC_NONE) fsync(s->dir_fd); /* make the new name durable */
    if (s->seg_fd >= 0) close(s->seg_fd);
    s->seg_fd = fd;
    s->seg_bytes = 0;
    return 0;
}

/* The directory: a directory of this user's that no one else can write to (else
 * another user could plant files, or read events). */
static spoor_err_t open_dir(spoor_spool_t *s) {
    struct stat st;
    s->dir_fd = open(s->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (s->dir_fd < 0 || fstat(s->dir_fd, &st))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot open %s: %s", s->dir, strerror(errno));
    if (st.st_uid != geteuid())
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: %s belongs to uid %u, not to this process's user (uid %u)",
                            s->dir, (unsigned)st.st_uid, (unsigned)geteuid());
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: %s is writable by group or others (mode %04o); make it 0700",
                            s->dir, (unsigned)(st.st_mode & 07777));
    return SPOOR_OK;
}

static spoor_err_t take_lock(spoor_spool_t *s) {
    s->lock_fd = open_in(s, "lock", O_RDWR | O_CREAT);
    if (s->lock_fd < 0) {
        if (errno == NOT_REGULAR) return file_error(s, "lock", errno);
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot open %s/lock: %s", s->dir, strerror(errno));
    }
    if (flock(s->lock_fd, LOCK_EX | LOCK_NB)) {
        int e = errno;
        char holder[32] = "";
        ssize_t n = pread(s->lock_fd, holder, sizeof holder - 1, 0);
        holder[n > 0 ? n : 0] = 0;
        holder[strcspn(holder, "\n")] = 0;
        if (e == EWOULDBLOCK)
            return spoor__error(SPOOR_ERR_CONFIG_INVALID,
                                "spool_dir: %s is in use by another client (pid %s); one spool serves one client at a time",
                                s->dir, *holder ? holder : "unknown");
        return spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot lock %s/lock: %s", s->dir, strerror(e));
    }
    char pid[32];
    int len = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
    if (ftruncate(s->lock_fd, 0) == 0) (void)!pwrite(s->lock_fd, pid, (size_t)len, 0);
    return SPOOR_OK;
}

/* Past this a cursor is not believed (it would wrap the sequence numbers). */
#define CURSOR_MAX (UINT64_C(1) << 62)

/* The cursor file: its number, 0 when it is missing or is not a number. */
static spoor_err_t read_cursor(const spoor_spool_t *s, uint64_t *cursor) {
    size_t len;
    unsigned char *text = read_whole(s, "cursor", &len);
    *cursor = 0;
    if (!text) return errno == ENOENT ? SPOOR_OK : file_error(s, "cursor", errno);
    text[len] = 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull((char *)text, &end, 10);
    if (text[0] >= '0' && text[0] <= '9' && !errno && (*end == '\n' || !*end) && n <= CURSOR_MAX) *cursor = n;
    free(text);
    return SPOOR_OK;
}

/* ---- open: find the segments and load what is unsettled ---- */

typedef struct {
    spoor_queue_t *q;
    uint64_t cursor, max_seq, last_pushed;
    int64_t now_ms;
    int nomem;
    const char *segment;       /* the segment being read, for reports */
    spoor_spool_found_t *found;
} loader_t;

/* A record's text is an event spoor wrote: a JSON object, UTF-8, each key once.
 * One that is not (its CRC good all the same) would fail its whole batch. */
static int is_event(const spoor_spool_record_t *rec) {
    char err[256];
    cJSON *v = spoor__json_parse(rec->json, rec->json_len, 0, SPOOR_JSON_MAX_DEPTH, "record", err, sizeof err);
    int ok = cJSON_IsObject(v) && !spoor__check_text(v, "", "record", err, sizeof err);
    cJSON_Delete(v);
    return ok;
}

static int load_record(const spoor_spool_record_t *rec, void *opaque) {
    loader_t *ld = opaque;
    if (rec->seq > ld->max_seq) ld->max_seq = rec->seq;
    /* Settled, or out of order (cannot happen in a spool this code wrote): skip. */
    if (rec->seq < ld->cursor || (ld->last_pushed && rec->seq <= ld->last_pushed)) return 0;
    if (!is_event(rec)) { /* skipped, counted and reported */
        spoor_spool_found_t *f = ld->found;
        if (f->n_bad < sizeof f->bad / sizeof *f->bad)
            snprintf(f->bad[f->n_bad++], sizeof f->bad[0], "spool: record %" PRIu64 " (eventId %.64s) in %s/%s is not a JSON event; skipped",
                     rec->seq, rec->event_id, ld->found->dir, ld->segment);
        f->corrupt++;
        return 0;
    }
    spoor_item_t item = {.len = rec->json_len, .seq = rec->seq, .enqueued_ms = ld->now_ms};
    if (!(item.json = malloc(rec->json_len + 1 + rec->event_id_len + 1))) return ld->nomem = 1;
    memcpy(item.json, rec->json, rec->json_len);
    item.json[rec->json_len] = 0;
    memcpy(item.json + rec->json_len + 1, rec->event_id, rec->event_id_len + 1);
    if (spoor__queue_push(ld->q, &item)) return free(item.json), ld->nomem = 1;
    ld->last_pushed = rec->seq;
    return 0;
}

static int list_segments(spoor_spool_t *s) {
    int fd = dup(s->dir_fd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (!d) {
        if (fd >= 0) close(fd);
        return -1;
    }
    rewinddir(d);
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        uint64_t first;
        char tail[8];
        if (strlen(e->d_name) == 24 && sscanf(e->d_name, "seg-%16" SCNx64 "%4s", &first, tail) == 2 && !strcmp(tail, ".log"))
            rc = add_segment(s, first);
    }
    closedir(d);
    if (s->n_segs) qsort(s->segs, s->n_segs, sizeof *s->segs, cmp_u64);
    return rc;
}

/* Read the segments from the first one holding a record at or past ld->cursor. */
static spoor_err_t read_segments(spoor_spool_t *s, loader_t *ld) {
    for (size_t i = 0; i < s->n_segs && !ld->nomem; i++) {
        if (i + 1 < s->n_segs && s->segs[i + 1] <= ld->cursor) continue; /* all settled: not even read */
        char name[32];
        segment_name(s->segs[i], name);
        size_t len;
        unsigned char *bytes = read_whole(s, name, &len);
        if (!bytes) return file_error(s, name, errno); /* never counted as damage and written over */
        ld->segment = name;
        ld->found->corrupt += spoor__spool_scan(bytes, len, load_record, ld);
        free(bytes);
    }
    return ld->nomem ? spoor__error(SPOOR_ERR_NOMEM, "spool_dir: out of memory loading %s", s->dir) : SPOOR_OK;
}

static spoor_err_t load(spoor_spool_t *s, int64_t now_ms, spoor_queue_t *q, spoor_spool_found_t *found) {
    if (list_segments(s))
        return spoor__error(SPOOR_ERR_SYSTEM, "spool_dir: cannot list %s: %s", s->dir, strerror(errno));
    loader_t ld = {.q = q, .now_ms = now_ms, .found = found};
    spoor_err_t rc = read_cursor(s, &ld.cursor);
    if (!rc) rc = read_segments(s, &ld);
    /* The cursor never passes the records a client wrote (it points at most one
     * past the last, or at the newest segment's name). One that does was not
     * written by spoor: it is not believed, and every record present is sent
     * again (at least once: the eventIds make a resend harmless). */
    uint64_t limit = ld.max_seq + 1;
    if (s->n_segs && s->segs[s->n_segs - 1] > limit) limit = s->segs[s->n_segs - 1];
    if (!rc && s->n_segs && ld.cursor > limit) {
        found->cursor_reset = ld.cursor;
        spoor__queue_clear(q);
        found->corrupt = 0, found->n_bad = 0;
        ld = (loader_t){.q = q, .now_ms = now_ms, .found = found};
        rc = read_segments(s, &ld);
    }
    if (rc) return rc;
    found->replayed = q->count;
    s->next_seq = ld.max_seq + 1 > ld.cursor ? ld.max_seq + 1 : ld.cursor;
    /* Never below a segment's name (an empty one, say, with the cursor file lost):
     * the segment list must stay in order. */
    if (s->n_segs && s->segs[s->n_segs - 1] > s->next_seq) s->next_seq = s->segs[s->n_segs - 1];
    if (s->next_seq < 1) s->next_seq = 1;
    /* Nothing unsettled: everything so far is (a missing cursor file is 0). */
    s->cursor = q->count ? ld.cursor : s->next_seq;
    return SPOOR_OK;
}

spoor_err_t spoor__spool_open(const char *dir, spoor_sync_t sync, int64_t now_ms, spoor_queue_t *q,
                              uint64_t *next_seq, spoor_spool_found_t *found, spoor_spool_t **out) {
    *out = NULL;
    memset(found, 0, sizeof *found);
    spoor_spool_t *s = calloc(1, sizeof *s);
    if (!s || !(s->dir = strdup(dir))) {
        free(s);
        return spoor__error(SPOOR_ERR_NOMEM, "spool_dir: out of memory");
    }
    s->sync = sync;
    s->dir_fd = s->lock_fd = s->seg_fd = -1;
    pthread_mutex_init(&s->mu, NULL);
    found->dir = s->dir;
    spoor_err_t rc = SPOOR_OK;
    if (mkdir_p(dir))
        rc = spoor__error(SPOOR_ERR_CONFIG_INVALID, "spool_dir: cannot create %s: %s", dir, strerror(errno));
    if (!rc) rc = open_dir(s);
    if (!rc) rc = take_lock(s);
    if (!rc) rc = load(s, now_ms, q, found);
    if (!rc && open_segment(s))
        rc = spoor__error(SPOOR_ERR_SYSTEM, "spool_dir: cannot create a segment in %s: %s", dir, strerror(errno));
    if (rc) {
        spoor__queue_clear(q);
        spoor__spool_forget(s); /* closing the lock descriptor releases the lock */
        return rc;
    }
    *next_seq = s->next_seq;
    *out = s;
    return SPOOR_OK;
}

/* ---- append, sync, settle ---- */

spoor_err_t spoor__spool_append(spoor_spool_t *s, const spoor_item_t *items, size_t n) {
    size_t need = 0;
    for (size_t i = 0; i < n; i++) need += SPOOR_SPOOL_HEADER + strlen(SPOOR_ITEM_ID(&items[i])) + 1 + items[i].len;
    if (need > s->buf_cap) {
        unsigned char *buf = realloc(s->buf, need);
        if (!buf) return spoor__error(SPOOR_ERR_NOMEM, "spool: out of memory");
        s->buf = buf, s->buf_cap = need;
    }
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += spoor__spool_encode(items[i].seq, SPOOR_ITEM_ID(&items[i]), items[i].json, items[i].len, s->buf + len);
    spoor_err_t rc = SPOOR_OK;
    pthread_mutex_lock(&s->mu);
    if (write_all(s->seg_fd, s->buf, len) || (s->sync == SPOOR_SYNC_EVENT && fdatasync(s->seg_fd))) {
        rc = spoor__error(SPOOR_ERR_SYSTEM, "spool: cannot write to %s: %s; the event was not accepted", s->dir,
                          strerror(errno));
        if (ftruncate(s->seg_fd, (off_t)s->seg_bytes)) { /* a torn record stays; the reader skips it */ }
    } else {
        s->seg_bytes += len;
        if (n) s->next_seq = items[n - 1].seq + 1;
        if (s->seg_bytes >= SEGMENT_BYTES) {
            if (s->sync != SPOOR_SYNC_NONE) fdatasync(s->seg_fd);
            open_segment(s); /* on failure the old segment simply grows */
        }
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void spoor__spool_sync(spoor_spool_t *s) {
    if (!s || s->sync != SPOOR_SYNC_BATCH) return;
    pthread_mutex_lock(&s->mu);
    int fd = dup(s->seg_fd); /* sync outside the lock: appends go on meanwhile */
    pthread_mutex_unlock(&s->mu);
    if (fd >= 0) fdatasync(fd), close(fd);
}

static void write_cursor(spoor_spool_t *s, uint64_t cursor) {
    /* A new file each time (whatever had the name is removed, not followed), then
     * renamed over the cursor (which replaces a link, never writes through it). */
    unlinkat(s->dir_fd, "cursor.tmp", 0);
    int fd = openat(s->dir_fd, "cursor.tmp", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) {
        char text[32];
        int len = snprintf(text, sizeof text, "%" PRIu64 "\n", cursor);
        int ok = write_all(fd, (unsigned char *)text, (size_t)len) == 0;
        close(fd);
        /* No fsync: a cursor that goes back after a power cut only resends. */
        if (ok) renameat(s->dir_fd, "cursor.tmp", s->dir_fd, "cursor");
    }
}

/* Delete the segments before the active one whose records are all below cursor;
 * with everything settled, the active one too (closing). */
static void delete_settled(spoor_spool_t *s, uint64_t cursor, int all) {
    pthread_mutex_lock(&s->mu);
    size_t dead = 0;
    while (dead + 1 < s->n_segs && s->segs[dead + 1] <= cursor) dead++;
    if (all && cursor >= s->next_seq) dead = s->n_segs;
    uint64_t *gone = dead ? malloc(dead * sizeof *gone) : NULL;
    if (gone) {
        memcpy(gone, s->segs, dead * sizeof *gone);
        memmove(s->segs, s->segs + dead, (s->n_segs - dead) * sizeof *s->segs);
        s->n_segs -= dead;
    } else {
        dead = 0;
    }
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < dead; i++) {
        char name[32];
        segment_name(gone[i], name);
        unlinkat(s->dir_fd, name, 0);
    }
    free(gone);
}

void spoor__spool_settle(spoor_spool_t *s, uint64_t cursor) {
    if (cursor <= s->cursor) return;
    write_cursor(s, cursor);
    s->cursor = cursor;
    delete_settled(s, cursor, 0);
}

void spoor__spool_close(spoor_spool_t *s) {
    if (!s) return;
    delete_settled(s, s->cursor, 1);
    pthread_mutex_destroy(&s->mu);
    spoor__spool_forget(s);
}

void spoor__spool_forget(spoor_spool_t *s) {
    if (!s) return;
    if (s->seg_fd >= 0) close(s->seg_fd);
    if (s->lock_fd >= 0) close(s->lock_fd);
    if (s->dir_fd >= 0) close(s->dir_fd);
    /* s->mu is not destroyed: in a forked child another thread may have held it. */
    free(s->segs);
    free(s->buf);
    free(s->dir);
    free(s);
}

const char *spoor__spool_dir(const spoor_spool_t *s) { return s ? s->dir : ""; }

uint64_t spoor__spool_cursor(const spoor_spool_t *s) { return s->cursor; }
