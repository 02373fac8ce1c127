/* spool.h: the durable on-disk queue behind spool_dir.
 *
 * A spool directory holds
 *   lock             flock()ed by the one client that has the spool open (holds its pid)
 *   cursor           text: the sequence number of the first unsettled event; every
 *                    event with a lower number was delivered, failed or dropped
 *   seg-<16 hex>.log segments named by the sequence number of their first record
 *
 * A segment is a run of records, each
 *   u32 magic "SPR1" | u32 payload length | u64 seq | u32 CRC-32 of (seq bytes + payload)
 *   | payload = the eventId (1 to 256 bytes), a NUL byte, then the event's JSON
 * with the integers little-endian. Records are only ever appended; a client that
 * opens a spool starts a new segment, so a torn tail is never written after.
 * Whole segments are deleted once every record in them is settled.
 *
 * Locking: spoor__spool_append runs under the client's lock (it is part of
 * accepting an event); spoor__spool_settle and spoor__spool_sync run on the
 * worker without it. The spool's own mutex guards the segment list and fd. */
#ifndef SPOOR_SPOOL_H
#define SPOOR_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "spoor.h"
#include "queue.h"

#define SPOOR_SPOOL_MAGIC 0x31525053u /* "SPR1" read as little-endian */
#define SPOOR_SPOOL_HEADER 20
#define SPOOR_SPOOL_ID_MAX 256
#define SPOOR_SPOOL_MAX_RECORD (64u * 1024 * 1024)

typedef enum { SPOOR_SYNC_NONE = 0, SPOOR_SYNC_BATCH = 1, SPOOR_SYNC_EVENT = 2 } spoor_sync_t;

typedef struct spoor_spool_s spoor_spool_t;

/* One record found by spoor__spool_scan. payload points into the scanned buffer. */
typedef struct {
    uint64_t seq;
    const char *event_id; /* NUL-terminated (the NUL is in the record) */
    size_t event_id_len;
    const char *json;     /* not NUL-terminated */
    size_t json_len;
} spoor_spool_record_t;

/* Walk the records of one segment's bytes. Calls on_record for every record whose
 * header and CRC are good and whose payload holds a NUL within its first 257
 * bytes and after at least one byte of eventId, in order; a bad region (wrong magic, impossible length,
 * CRC mismatch, torn tail) is skipped by searching forward for the next good
 * record, and each bad region adds one to the return value. Pure: no I/O, any
 * input is safe (this is the fuzz target's entry point). on_record returns
 * nonzero to stop the scan. */
size_t spoor__spool_scan(const unsigned char *buf, size_t len,
                         int (*on_record)(const spoor_spool_record_t *rec, void *opaque), void *opaque);

/* Encode one record for an event at out, which has room for
 * SPOOR_SPOOL_HEADER + strlen(event_id) + 1 + json_len bytes. Returns the bytes written. */
size_t spoor__spool_encode(uint64_t seq, const char *event_id, const char *json, size_t json_len, unsigned char *out);

/* What spoor__spool_open found. */
typedef struct {
    uint64_t replayed;     /* unsettled events loaded into the queue */
    uint64_t corrupt;      /* bad regions skipped, and records that are not JSON events */
    uint64_t cursor_reset; /* a cursor past every record, not believed (0: none) */
    const char *dir;       /* the spool's directory (the spool's own copy) */
    char bad[8][400];      /* a line on each of the first records that were not events */
    size_t n_bad;
} spoor_spool_found_t;

/* Open (creating it when missing) the spool in dir and lock it. Every unsettled
 * record is pushed onto q (in sequence order, enqueued_ms = now_ms) and
 * *next_seq is set past everything the spool has seen. A spool held by another
 * process fails with SPOOR_ERR_CONFIG_INVALID naming the directory and the pid.
 * The error text is set with spoor__error. */
spoor_err_t spoor__spool_open(const char *dir, spoor_sync_t sync, int64_t now_ms, spoor_queue_t *q,
                              uint64_t *next_seq, spoor_spool_found_t *found, spoor_spool_t **out);

/* Append items (their seq already set) as records, all or none; fsyncs when the
 * policy is SPOOR_SYNC_EVENT. Called under the client's lock. */
spoor_err_t spoor__spool_append(spoor_spool_t *s, const spoor_item_t *items, size_t n);

/* Make what was appended so far durable (fdatasync) when the policy is
 * SPOOR_SYNC_BATCH; a no-op otherwise. Worker thread, client lock not held. */
void spoor__spool_sync(spoor_spool_t *s);

/* Every event below cursor is settled: record it and delete segments that hold
 * only settled records. Worker thread, client lock not held. */
void spoor__spool_settle(spoor_spool_t *s, uint64_t cursor);

/* The cursor as last written (or found at open). Worker thread: the only writer. */
uint64_t spoor__spool_cursor(const spoor_spool_t *s);

/* Close the spool and release its lock; when everything is settled
 * (cursor == next_seq) the segments are deleted too. NULL is a no-op. */
void spoor__spool_close(spoor_spool_t *s);

/* In a forked child: drop the parent's spool without touching its files or its
 * lock (closing our copies of the descriptors only). NULL is a no-op. */
void spoor__spool_forget(spoor_spool_t *s);

/* The directory, for log lines. */
const char *spoor__spool_dir(const spoor_spool_t *s);

#endif
