/* queue.c: the ring buffer of serialised events. */
#include <stdlib.h>
#include <string.h>

#include "queue.h"

int spoor__queue_push(spoor_queue_t *q, spoor_item_t *item) {
    if (q->count == q->cap) {
        size_t cap = q->cap ? q->cap * 2 : 64;
        spoor_item_t *ring = malloc(cap * sizeof *ring);
        if (!ring) return -1;
        for (size_t i = 0; i < q->count; i++) ring[i] = q->ring[(q->head + i) % q->cap];
        free(q->ring);
        q->ring = ring;
        q->cap = cap;
        q->head = 0;
    }
    q->ring[(q->head + q->count) % q->cap] = *item;
    q->count++;
    q->bytes += item->len;
    return 0;
}

int spoor__queue_unshift(spoor_queue_t *q, const spoor_item_t *items, size_t n) {
    spoor_queue_t merged = {0};
    for (size_t i = 0; i < n; i++)
        if (spoor__queue_push(&merged, (spoor_item_t *)&items[i])) return free(merged.ring), -1;
    for (size_t i = 0; i < q->count; i++)
        if (spoor__queue_push(&merged, &q->ring[(q->head + i) % q->cap])) return free(merged.ring), -1;
    free(q->ring);
    *q = merged;
    return 0;
}

int spoor__queue_pop(spoor_queue_t *q, spoor_item_t *out) {
    if (!q->count) return -1;
    *out = q->ring[q->head];
    q->head = (q->head + 1) % q->cap;
    q->count--;
    q->bytes -= out->len;
    return 0;
}

const spoor_item_t *spoor__queue_front(const spoor_queue_t *q) {
    return q->count ? &q->ring[q->head] : NULL;
}

spoor_item_t *spoor__queue_take(spoor_queue_t *q, size_t max_events, size_t max_bytes, size_t *n) {
    size_t take = 0, bytes = 0;
    while (take < q->count && take < max_events) {
        size_t len = q->ring[(q->head + take) % q->cap].len + 1;
        if (take > 0 && bytes + len > max_bytes) break;
        bytes += len;
        take++;
    }
    *n = 0;
    if (!take) return NULL;
    spoor_item_t *items = malloc(take * sizeof *items);
    if (!items) return NULL;
    for (size_t i = 0; i < take; i++) spoor__queue_pop(q, &items[i]);
    *n = take;
    return items;
}

void spoor__items_free(spoor_item_t *items, size_t n) {
    for (size_t i = 0; i < n; i++) free(items[i].json);
    free(items);
}

void spoor__queue_clear(spoor_queue_t *q) {
    spoor_item_t it;
    while (spoor__queue_pop(q, &it) == 0) free(it.json);
    free(q->ring);
    memset(q, 0, sizeof *q);
}
