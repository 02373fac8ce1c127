/* queue.h: a FIFO of serialised events, oldest first. Not locked: the client's
 * mutex guards it. A ring buffer, so drop-oldest and take-batch are O(1) per event. */
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

typedef struct spoor_queue_s {
    spoor_item_t *ring;
    size_t cap, head, count;
    size_t bytes;        /* sum of len */
} spoor_queue_t;

/* The event's eventId, stored after its JSON text. */
#define SPOOR_ITEM_ID(item) ((item)->json + (item)->len + 1)

int spoor__queue_push(spoor_queue_t *q, spoor_item_t *item); /* 0 or -1 (ENOMEM) */
int spoor__queue_pop(spoor_queue_t *q, spoor_item_t *out);   /* 0 or -1 when empty */
/* Put items back at the front, in their order (events kept for a retry). */
int spoor__queue_unshift(spoor_queue_t *q, const spoor_item_t *items, size_t n); /* 0 or -1 (ENOMEM) */
const spoor_item_t *spoor__queue_front(const spoor_queue_t *q);
/* Take up to max_events events whose JSON lengths (plus one comma each) fit in
 * max_bytes (at least one event). Returns a malloc'd array and its size in *n. */
spoor_item_t *spoor__queue_take(spoor_queue_t *q, size_t max_events, size_t max_bytes, size_t *n);
void spoor__queue_clear(spoor_queue_t *q);        /* frees the events and the ring */
void spoor__items_free(spoor_item_t *items, size_t n);

#endif
