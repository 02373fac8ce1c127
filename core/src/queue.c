/* queue.c: the block list of serialised events. */
#include <stdlib.h>
#include <string.h>

#include "queue.h"

int spoor__queue_push(spoor_queue_t *q, spoor_item_t *item) {
    if (!q->last || q->tail == SPOOR_QUEUE_BLOCK) {
        spoor_queue_block_t *b = q->spare;
        if (b) q->spare = NULL;
        else if (!(b = malloc(sizeof *b))) return -1;
        b->next = NULL;
        if (q->last) q->last->next = b;
        else q->first = b, q->head = 0;
        q->last = b;
        q->tail = 0;
    }
    q->last->items[q->tail++] = *item;
    q->count++;
    q->bytes += item->len;
    return 0;
}

/* A block every event of which was taken: kept as the spare, or freed. */
static void release(spoor_queue_t *q, spoor_queue_block_t *b) {
    if (q->spare) free(b);
    else q->spare = b;
}

int spoor__queue_pop(spoor_queue_t *q, spoor_item_t *out) {
    if (!q->count) return -1;
    *out = q->first->items[q->head++];
    q->count--;
    q->bytes -= out->len;
    if (q->head == q->tail && q->first == q->last) { /* empty: its one block is refilled from the start */
        q->head = q->tail = 0;
    } else if (q->head == SPOOR_QUEUE_BLOCK) {
        spoor_queue_block_t *b = q->first;
        q->first = b->next;
        q->head = 0;
        release(q, b);
    }
    return 0;
}

spoor_queue_iter_t spoor__queue_iter(const spoor_queue_t *q) {
    spoor_queue_iter_t it = {q->first, q->head, q->count};
    return it;
}

const spoor_item_t *spoor__queue_next(spoor_queue_iter_t *it) {
    if (!it->left) return NULL;
    if (it->at == SPOOR_QUEUE_BLOCK) it->block = it->block->next, it->at = 0;
    it->left--;
    return &it->block->items[it->at++];
}

int spoor__queue_unshift(spoor_queue_t *q, const spoor_item_t *items, size_t n) {
    spoor_queue_t merged = {0};
    spoor_queue_iter_t it = spoor__queue_iter(q);
    const spoor_item_t *item;
    for (size_t i = 0; i < n; i++)
        if (spoor__queue_push(&merged, (spoor_item_t *)&items[i])) goto nomem;
    while ((item = spoor__queue_next(&it)))
        if (spoor__queue_push(&merged, (spoor_item_t *)item)) goto nomem;
    /* The old blocks go, not their events: merged holds them now. */
    for (spoor_queue_block_t *b = q->first, *next; b; b = next) next = b->next, free(b);
    free(q->spare);
    *q = merged;
    return 0;
nomem:
    for (spoor_queue_block_t *b = merged.first, *next; b; b = next) next = b->next, free(b);
    free(merged.spare);
    return -1;
}

const spoor_item_t *spoor__queue_front(const spoor_queue_t *q) {
    return q->count ? &q->first->items[q->head] : NULL;
}

spoor_item_t *spoor__queue_take(spoor_queue_t *q, size_t max_events, size_t max_bytes, size_t *n) {
    size_t take = 0, bytes = 0;
    spoor_queue_iter_t it = spoor__queue_iter(q);
    for (const spoor_item_t *item; take < max_events && (item = spoor__queue_next(&it));) {
        size_t len = item->len + 1;
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
    for (spoor_queue_block_t *b = q->first, *next; b; b = next) next = b->next, free(b);
    free(q->spare);
    memset(q, 0, sizeof *q);
}
