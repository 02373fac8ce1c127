/* fuzz_spool.c: the spool reader (core/src/spool.h). Two properties per input.
 *
 * 1. The input as one segment's bytes through spoor__spool_scan. Every record it
 *    reports lies inside the input after its 20-byte header, in order and without
 *    overlap: an eventId of 1 to 256 non-NUL bytes, its NUL, then the JSON. Its
 *    header says what the record says (magic, length, seq), and its CRC-32,
 *    recomputed here with zlib over the 8 little-endian seq bytes and the payload,
 *    is the stored one. The bytes no record covers are the bad regions: the return
 *    value is their number, and no good record starts inside one (the scanner
 *    resynchronises on the next good record and skips none). A callback that
 *    returns nonzero stops the scan at once.
 *
 * 2. A round trip through spoor__spool_encode. The first byte picks 1 to 8
 *    records and a damage mode, the second which records are damaged; the rest is
 *    cut into the records' JSON (any bytes, NULs and empty included; "SPR1" is
 *    broken so that no JSON holds a record of its own), with synthetic eventIds
 *    of 1 to 256 bytes and increasing seqs. Then, by mode: nothing; the last record
 *    cut short; some records damaged (magic, CRC, payload, seq, impossible
 *    length, an eventId without its NUL or empty; the last three with a CRC that
 *    matches, so that only the rule rejects them) and garbage put between some;
 *    both. The scan must return every intact record, in order, byte for byte, and
 *    count one bad region per run of damaged records and garbage: with nothing
 *    damaged every record and 0, with a torn tail all but the last and 1. (Not
 *    checked when the damage puts a magic anywhere but at a record's start.)
 *
 * 3. A hostile spool directory, opened with spoor__spool_open. The first byte
 *    says what stands at the lock, the cursor and the first segment (each: a
 *    regular file, a link to a file outside, a FIFO, a directory, or nothing), the
 *    second how the cursor reads (the input's digits, a huge or negative number,
 *    garbage); the rest is the segment's bytes. The open must return at once (a
 *    FIFO must not block it), never write through a link (the file outside keeps
 *    its text), refuse what is not a regular file, and queue only events that may
 *    go on the wire: JSON objects, UTF-8, no key twice.
 *
 * Buffers end at a PROT_NONE page, so a read past the end faults even inside
 * zlib, which ASan does not instrument. */
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "internal.h"
#include "json.h"
#include "spool.h"
#include "utf8.h"
#include "validate.h"

#define HDR SPOOR_SPOOL_HEADER
#define ID_MAX SPOOR_SPOOL_ID_MAX

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p) { return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32; }

static void put32(unsigned char *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t crc_of(uint64_t seq, const unsigned char *payload, size_t len) {
    unsigned char le[8];
    for (int i = 0; i < 8; i++) le[i] = (unsigned char)(seq >> (8 * i));
    return (uint32_t)crc32(crc32(0L, le, 8), payload, (uInt)len);
}

/* Independently of the scanner: does a good record start at off? */
static int good_at(const unsigned char *buf, size_t len, size_t off) {
    if (len - off < HDR || get32(buf + off) != SPOOR_SPOOL_MAGIC) return 0;
    const unsigned char *payload = buf + off + HDR;
    uint32_t plen = get32(buf + off + 4);
    if (plen > SPOOR_SPOOL_MAX_RECORD || plen > len - off - HDR) return 0;
    const unsigned char *nul = memchr(payload, 0, plen < ID_MAX + 1 ? plen : ID_MAX + 1);
    if (!nul || nul == payload) return 0;
    return crc_of(get64(buf + off + 8), payload, plen) == get32(buf + off + 16);
}

/* A buffer of len bytes that ends where an inaccessible page starts. */
typedef struct {
    unsigned char *map;
    size_t map_len;
} guarded_t;

static unsigned char *guarded_alloc(guarded_t *g, size_t len) {
    size_t page = (size_t)sysconf(_SC_PAGESIZE), body = (len + page - 1) / page * page;
    g->map_len = body + page;
    g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED || mprotect(g->map + body, page, PROT_NONE)) abort();
    return g->map + body - len;
}

static void guarded_free(guarded_t *g) { munmap(g->map, g->map_len); }

typedef struct {
    const unsigned char *buf;
    size_t len;
    size_t n, cap;
    size_t *start, *end; /* each record's header offset and its end */
    size_t stop_at;      /* return nonzero from the stop_at-th call (0: never) */
} seen_t;

static int on_record(const spoor_spool_record_t *r, void *opaque) {
    seen_t *s = opaque;
    uintptr_t b = (uintptr_t)s->buf, id = (uintptr_t)r->event_id, json = (uintptr_t)r->json;
    /* A whole header before the eventId; the eventId, its NUL and the JSON inside the buffer. */
    if (id < b + HDR || id - b > s->len) abort();
    size_t start = id - b - HDR, room = s->len - (id - b);
    if (r->event_id_len < 1 || r->event_id_len > ID_MAX || r->event_id_len >= room) abort();
    if (memchr(r->event_id, 0, r->event_id_len) || r->event_id[r->event_id_len] != '\0') abort();
    if (json != id + r->event_id_len + 1 || r->json_len > room - r->event_id_len - 1) abort();
    size_t plen = r->event_id_len + 1 + r->json_len;
    /* In order, no overlap with the record before. */
    if (s->n && start < s->end[s->n - 1]) abort();
    const unsigned char *rec = s->buf + start;
    if (get32(rec) != SPOOR_SPOOL_MAGIC || get32(rec + 4) != plen || get64(rec + 8) != r->seq) abort();
    if (crc_of(r->seq, (const unsigned char *)r->event_id, plen) != get32(rec + 16)) abort();
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->start = realloc(s->start, s->cap * sizeof *s->start);
        s->end = realloc(s->end, s->cap * sizeof *s->end);
        if (!s->start || !s->end) abort();
    }
    s->start[s->n] = start, s->end[s->n] = start + HDR + plen;
    s->n++;
    return s->stop_at && s->n == s->stop_at;
}

static void seen_free(seen_t *s) {
    free(s->start);
    free(s->end);
}

/* Scan buf, checking property 1; the records are left in *s. Returns the scan's result. */
static size_t scan_checked(const unsigned char *buf, size_t len, seen_t *s) {
    memset(s, 0, sizeof *s);
    s->buf = buf, s->len = len;
    size_t bad = spoor__spool_scan(buf, len, on_record, s);
    /* The gaps between records are the bad regions, and no good record starts in one. */
    size_t gaps = 0, pos = 0;
    for (size_t i = 0; i <= s->n; i++) {
        size_t end = i < s->n ? s->start[i] : len;
        if (end > pos) gaps++;
        for (size_t off = pos; off < end; off++)
            if (good_at(buf, len, off)) abort();
        if (i < s->n) pos = s->end[i];
    }
    if (bad != gaps) abort();
    return bad;
}

static void property_scan(const uint8_t *data, size_t size) {
    guarded_t g;
    unsigned char *buf = guarded_alloc(&g, size);
    memcpy(buf, data, size);
    seen_t all;
    scan_checked(buf, size, &all);
    if (all.n) { /* stopped at the k-th record: k calls, the same records */
        seen_t some = {.buf = buf, .len = size, .stop_at = 1 + data[size - 1] % all.n};
        spoor__spool_scan(buf, size, on_record, &some);
        if (some.n != some.stop_at) abort();
        for (size_t i = 0; i < some.n; i++)
            if (some.start[i] != all.start[i] || some.end[i] != all.end[i]) abort();
        seen_free(&some);
    }
    seen_free(&all);
    guarded_free(&g);
}

/* ---- property 2: the round trip ---- */

enum { INTACT, TORN, DAMAGED, DAMAGED_TORN };

typedef struct {
    uint64_t seq;
    char id[ID_MAX + 1];
    char *json;
    size_t json_len;
    size_t at, len; /* where its record is in the segment, and its length */
    int damaged;
} rt_record_t;

static void damage(unsigned char *r, const rt_record_t *rec, unsigned kind, unsigned x) {
    size_t id_len = strlen(rec->id), plen = id_len + 1 + rec->json_len;
    unsigned char bit = (unsigned char)(1u << (x % 8));
    switch (kind % 9) {
    case 0: r[x % 4] ^= bit; return;                /* magic */
    case 1: r[16 + x % 4] ^= bit; return;           /* CRC */
    case 2: r[HDR + x % plen] ^= bit; return;       /* payload */
    case 3: r[8 + x % 8] ^= bit; return;            /* seq */
    case 4: put32(r + 4, 0xffffffffu); return;      /* longer than any record */
    case 5: put32(r + 4, SPOOR_SPOOL_MAX_RECORD + 1); return;
    case 6: put32(r + 4, x & 1); break;             /* too short for an eventId and its NUL */
    case 7: r[HDR] = 0; break;                      /* an empty eventId */
    default: /* no NUL in the first 257 bytes */
        r[HDR + id_len] = 'x';
        if (memchr(r + HDR, 0, plen < ID_MAX + 1 ? plen : ID_MAX + 1)) { /* the JSON has one: a good record still */
            r[HDR + id_len] = 0;
            r[16] ^= 1;
            return;
        }
        break;
    }
    /* A CRC that matches, so that only the length or NUL rule rejects the record. */
    uint32_t len = get32(r + 4);
    if (len <= plen) put32(r + 16, crc_of(rec->seq, r + HDR, len));
}

static void property_round_trip(const uint8_t *data, size_t size) {
    if (size < 2) return;
    unsigned ctl = data[0], mask = data[1];
    size_t n = 1 + (ctl & 7);
    int mode = (ctl >> 3) & 3;
    unsigned kind0 = ctl >> 5;
    const uint8_t *body = data + 2;
    size_t body_len = size - 2;
    unsigned last_byte = body_len ? body[body_len - 1] : 0;

    rt_record_t recs[8];
    for (size_t i = 0; i < n; i++) {
        rt_record_t *r = &recs[i];
        size_t from = body_len * i / n, to = body_len * (i + 1) / n;
        r->json_len = to - from;
        r->json = malloc(r->json_len ? r->json_len : 1);
        if (!r->json) abort();
        memcpy(r->json, body + from, r->json_len);
        for (size_t k = 0; k + 4 <= r->json_len; k++) /* no record inside the JSON ('X': 3 bits from 'S') */
            if (!memcmp(r->json + k, "SPR1", 4)) r->json[k] = 'X';
        /* eventIds of hex digits and dashes, never part of a magic: a uuid's 36
         * bytes, the shortest, the longest, or another length */
        static const size_t id_lens[] = {36, 1, ID_MAX, 0};
        size_t id_len = id_lens[(kind0 + i) % 4];
        if (!id_len) id_len = 1 + (mask + 37 * i) % ID_MAX;
        char uuid[37];
        snprintf(uuid, sizeof uuid, "%08x-0000-4000-8000-%012zx", ctl * 0x01000193u, i);
        for (size_t k = 0; k < id_len; k++) r->id[k] = uuid[k % 36];
        r->id[id_len] = '\0';
        r->seq = ((uint64_t)mask << 56 | (uint64_t)size << 8) + i;
        r->len = HDR + id_len + 1 + r->json_len;
        r->damaged = (mode == DAMAGED || mode == DAMAGED_TORN) && (mask >> i) & 1;
    }

    /* Garbage before record i (or at the end, i == n), of 1 to 16 bytes without 'S'. */
    size_t glen[9] = {0}, total = 0;
    for (size_t i = 0; i <= n; i++) {
        if ((mode == DAMAGED || (mode == DAMAGED_TORN && i < n)) && (last_byte >> i) & 1)
            glen[i] = 1 + (last_byte + i) % 16;
        total += glen[i] + (i < n ? recs[i].len : 0);
    }

    guarded_t g;
    unsigned char *buf = guarded_alloc(&g, total);
    size_t pos = 0;
    for (size_t i = 0; i <= n; i++) {
        for (size_t k = 0; k < glen[i]; k++) {
            unsigned char c = body_len ? body[(7 * k + i) % body_len] : (unsigned char)k;
            buf[pos++] = c == 'S' ? 's' : c;
        }
        if (i == n) break;
        recs[i].at = pos;
        if (spoor__spool_encode(recs[i].seq, recs[i].id, recs[i].json, recs[i].json_len, buf + pos) != recs[i].len)
            abort();
        pos += recs[i].len;
    }
    if (pos != total) abort();
    for (size_t i = 0; i < n; i++)
        if (recs[i].damaged) damage(buf + recs[i].at, &recs[i], kind0 + i, mask * 31u + i);

    size_t len = total; /* torn: keep 1 .. all but one byte of the last record */
    if (mode == TORN || mode == DAMAGED_TORN) {
        len = recs[n - 1].at + 1 + (body_len ? body[0] : 0) % (recs[n - 1].len - 1);
        recs[n - 1].damaged = 1;
    }

    /* The scanner searches damaged bytes for a magic. One that is not a record's
     * own (the input's bytes across a boundary, a flipped bit making one) may
     * start a record that is good after all: then what it must find is not
     * known here, and the round trip is not checked. */
    if (mode != INTACT) {
        size_t r = 0;
        for (size_t off = 0; off + 4 <= len; off++) {
            while (r < n && recs[r].at < off) r++;
            if (!memcmp(buf + off, "SPR1", 4) && !(r < n && recs[r].at == off)) goto done;
        }
    }

    /* Expected: the intact records, and one region per run of bad units. */
    size_t want_bad = 0, want_n = 0;
    int in_bad = 0;
    for (size_t i = 0; i <= n; i++) {
        if (glen[i]) {
            want_bad += !in_bad;
            in_bad = 1;
        }
        if (i == n) break;
        want_bad += recs[i].damaged && !in_bad;
        in_bad = recs[i].damaged;
        want_n += !recs[i].damaged;
    }

    guarded_t g2;
    unsigned char *seg = guarded_alloc(&g2, len);
    memcpy(seg, buf, len);
    seen_t s;
    size_t bad = scan_checked(seg, len, &s);
    if (s.n != want_n || bad != want_bad) abort();
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        const rt_record_t *r = &recs[i];
        if (r->damaged) continue;
        size_t id_len = strlen(r->id);
        const unsigned char *p = seg + s.start[k] + HDR;
        if (s.start[k] != r->at || s.end[k] != r->at + r->len || get64(seg + r->at + 8) != r->seq) abort();
        if (memcmp(p, r->id, id_len + 1) || memcmp(p + id_len + 1, r->json, r->json_len)) abort();
        k++;
    }
    if (mode == INTACT && (bad != 0 || s.n != n)) abort();
    if (mode == TORN && (bad != 1 || s.n != n - 1)) abort();

    seen_free(&s);
    guarded_free(&g2);
done:
    guarded_free(&g);
    for (size_t i = 0; i < n; i++) free(recs[i].json);
}

/* ---- property 3: a hostile directory ---- */

static char spool_dir[64], outside[64];

static void empty_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char path[160];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (unlink(path)) rmdir(path);
    }
    if (d) closedir(d);
}

/* What stands at name: kind 0 a regular file of text, 1 a link to the file
 * outside, 2 a FIFO, 3 a directory, 4 nothing. */
static void plant(const char *name, unsigned kind, const void *text, size_t len) {
    char path[160];
    snprintf(path, sizeof path, "%s/%s", spool_dir, name);
    switch (kind % 5) {
    case 0: {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (fd < 0 || write(fd, text, len) != (ssize_t)len) abort();
        close(fd);
        break;
    }
    case 1: if (symlink(outside, path)) abort(); break;
    case 2: if (mkfifo(path, 0600)) abort(); break;
    case 3: if (mkdir(path, 0700)) abort(); break;
    default: break;
    }
}

static void property_hostile_dir(const uint8_t *data, size_t size) {
    static const char canary[] = "{\"outside\":\"the spool must never write here\"}\n";
    if (size < 2) return;
    if (!*spool_dir) {
        char tmpl[] = "/tmp/fuzz-spool-XXXXXX";
        if (!mkdtemp(tmpl)) abort();
        snprintf(spool_dir, sizeof spool_dir, "%s/s", tmpl);
        snprintf(outside, sizeof outside, "%s/outside", tmpl);
        if (mkdir(spool_dir, 0700)) abort();
    }
    empty_dir(spool_dir);
    int fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, canary, sizeof canary - 1) != (ssize_t)(sizeof canary - 1)) abort();
    close(fd);

    unsigned layout = data[0], cursor_kind = data[1];
    const uint8_t *segment = data + 2;
    size_t seg_len = size - 2;
    char cursor[64];
    switch (cursor_kind % 5) {
    case 0: snprintf(cursor, sizeof cursor, "%u\n", (unsigned)(cursor_kind >> 3)); break;
    case 1: snprintf(cursor, sizeof cursor, "18446744073709551615\n"); break;
    case 2: snprintf(cursor, sizeof cursor, "-%u\n", (unsigned)cursor_kind); break;
    case 3: snprintf(cursor, sizeof cursor, "%llu", (unsigned long long)1 << (cursor_kind % 64)); break;
    default: snprintf(cursor, sizeof cursor, "x%c\n", (char)cursor_kind); break;
    }
    plant("lock", layout % 5 == 0 ? 4 : layout % 5, "", 0); /* 0: no lock file yet */
    plant("cursor", (layout / 5) % 5, cursor, strlen(cursor));
    plant("seg-0000000000000001.log", (layout / 25) % 5, segment, seg_len);

    spoor_queue_t q = {0};
    uint64_t next_seq = 0;
    spoor_spool_found_t found;
    spoor_spool_t *spool = NULL;
    spoor_err_t rc = spoor__spool_open(spool_dir, SPOOR_SYNC_NONE, 0, &q, &next_seq, &found, &spool);
    if (rc == SPOOR_OK) {
        spoor_queue_iter_t it = spoor__queue_iter(&q);
        for (const spoor_item_t *item; (item = spoor__queue_next(&it));) {
            char err[256];
            cJSON *v = spoor__json_parse(item->json, item->len, 0, SPOOR_JSON_MAX_DEPTH + 2, "record", err, sizeof err);
            if (!cJSON_IsObject(v) || spoor__utf8_invalid_at(item->json, item->len) != item->len ||
                spoor__check_text(v, "", "record", err, sizeof err) || next_seq <= item->seq)
                abort(); /* a record that would fail its batch, or a seq that would repeat */
            cJSON_Delete(v);
        }
        spoor__spool_close(spool);
    }
    spoor__queue_clear(&q);
    char text[sizeof canary + 8] = "";
    fd = open(outside, O_RDONLY);
    ssize_t n = fd >= 0 ? read(fd, text, sizeof text - 1) : -1;
    if (fd >= 0) close(fd);
    if (n != (ssize_t)(sizeof canary - 1) || memcmp(text, canary, sizeof canary - 1)) {
        fprintf(stderr, "the spool wrote through a link (layout %u)\n", layout);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    property_scan(data, size);
    property_round_trip(data, size);
    property_hostile_dir(data, size);
    return 0;
}
