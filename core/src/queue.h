/* queue.h: a FIFO of serialised events, oldest first. Not locked: the client's
 * mutex guards it. A list of fixed blocks, so push, drop-oldest and take-batch are
 * O(1) per event and a push never moves what is queued: a growing ring copied
 * itself (and the kernel zeroed the pages of its new, larger copy) under the
 * client's lock, which held every other producer thread back. */
#ifndef SPOOR_QUEUE_H
#define SPOOR_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct spoor_item_s {
    char *json;          /* the event, serialised (owned), then a NUL, its eventId and a NUL */
    size_t len;          /* of the JSON text */
    uint64_t seq;        /* acceptance order */
    int64_t enqueued_ms; /* monotonic */
} spoor_item_t;

/* Events per block: 10 KB, small enough to come from malloc's heap (reused as the
 * worker frees what it sent), large enough that a block is a rare malloc. */
#define SPOOR_QUEUE_BLOCK 256

typedef struct spoor_queue_block_s {
    struct spoor_queue_block_s *next; /* the next newer block */
    spoor_item_t items[SPOOR_QUEUE_BLOCK];
} spoor_queue_block_t;

typedef struct spoor_queue_s {
    spoor_queue_block_t *first, *last; /* oldest and newest block, NULL when none */
    size_t head;                       /* the oldest event's index in first */
    size_t tail;                       /* past the newest event's index in last */
    size_t count;
    size_t bytes;                      /* sum of len */
    spoor_queue_block_t *spare;        /* one emptied block kept for the next push */
} spoor_queue_t;

/* The events of a queue, oldest first, without taking them:
 *   spoor_queue_iter_t it = spoor__queue_iter(q);
 *   for (const spoor_item_t *item; (item = spoor__queue_next(&it));) ... */
typedef struct {
    const spoor_queue_block_t *block;
    size_t at, left;
} spoor_queue_iter_t;

/* The event's eventId, stored after its JSON text. */
#define SPOOR_ITEM_ID(item) ((item)->json + (item)->len + 1)

int spoor__queue_push(spoor_queue_t *q, spoor_item_t *item); /* 0 or -1 (ENOMEM) */
int spoor__queue_pop(spoor_queue_t *q, spoor_item_t *out);   /* 0 or -1 when empty */
/* Put items back at the front, in their order (events kept for a retry). */
int spoor__queue_unshift(spoor_queue_t *q, const spoor_item_t *items, size_t n); /* 0 or -1 (ENOMEM) */
const spoor_item_t *spoor__queue_front(const spoor_queue_t *q);
spoor_queue_iter_t spoor__queue_iter(const spoor_queue_t *q);
const spoor_item_t *spoor__queue_next(spoor_queue_iter_t *it); /* NULL past the newest */
/* Take up to max_events events whose JSON lengths (plus one comma each) fit in
 * max_bytes (at least one event). Returns a malloc'd array and its size in *n. */
spoor_item_t *spoor__queue_take(spoor_queue_t *q, size_t max_events, size_t max_bytes, size_t *n);
void spoor__queue_clear(spoor_queue_t *q);        /* frees the events and the blocks */
void spoor__items_free(spoor_item_t *items, size_t n);

#endif
