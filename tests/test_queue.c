/* test_queue.c: the event queue on its own (core/src/queue.c), against a plain array
 * of what it should hold: pushes, pops, take, unshift and the walk, across its blocks'
 * boundaries and through empty and refilled, in a long random sequence. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "test_util.h"

/* What the queue should hold: seqs from lo to hi - 1 in a ring of the model's own. */
typedef struct {
    uint64_t *seq;
    size_t lo, hi, cap; /* model[i] for lo <= i < hi */
} model_t;

static spoor_item_t item_of(uint64_t seq) {
    char *json = malloc(32);
    assert_non_null(json);
    int len = snprintf(json, 32, "{\"n\":%llu}", (unsigned long long)seq);
    spoor_item_t it = {json, (size_t)len, seq, 0};
    return it;
}

static size_t len_of(uint64_t seq) { return (size_t)snprintf(NULL, 0, "{\"n\":%llu}", (unsigned long long)seq); }

/* The queue holds exactly the model's events, in order, with their count and bytes. */
static void check(const spoor_queue_t *q, const model_t *m) {
    assert_int_equal(q->count, m->hi - m->lo);
    size_t bytes = 0, i = m->lo;
    spoor_queue_iter_t it = spoor__queue_iter(q);
    for (const spoor_item_t *item; (item = spoor__queue_next(&it)); i++) {
        assert_true(i < m->hi);
        assert_int_equal(item->seq, m->seq[i]);
        assert_int_equal(item->len, len_of(item->seq));
        bytes += item->len;
    }
    assert_int_equal(i, m->hi);
    assert_int_equal(q->bytes, bytes);
    const spoor_item_t *front = spoor__queue_front(q);
    if (m->hi > m->lo) assert_int_equal(front->seq, m->seq[m->lo]);
    else assert_null(front);
}

static void model_push_back(model_t *m, uint64_t seq) {
    assert_true(m->hi < m->cap);
    m->seq[m->hi++] = seq;
}

static void random_sequence(void **state) {
    (void)state;
    spoor_queue_t q = {0};
    model_t m = {calloc(2000000, sizeof(uint64_t)), 1000000, 1000000, 2000000};
    assert_non_null(m.seq);
    uint64_t next = 1, unshifted = (uint64_t)1 << 40; /* kept events come back with their own seqs */
    srand(19);
    for (int step = 0; step < 20000; step++) {
        int op = rand() % 10;
        if (op < 5) { /* push a run: often more than a block */
            int k = rand() % (op == 0 ? 700 : 20);
            for (int j = 0; j < k; j++) {
                spoor_item_t it = item_of(next);
                assert_int_equal(spoor__queue_push(&q, &it), 0);
                model_push_back(&m, next++);
            }
        } else if (op < 7) { /* pop a run, sometimes all */
            size_t k = op == 5 ? (size_t)(rand() % 300) : q.count;
            for (size_t j = 0; j < k; j++) {
                spoor_item_t it;
                int rc = spoor__queue_pop(&q, &it);
                if (m.lo == m.hi) {
                    assert_int_equal(rc, -1);
                    break;
                }
                assert_int_equal(rc, 0);
                assert_int_equal(it.seq, m.seq[m.lo++]);
                free(it.json);
            }
        } else if (op < 9) { /* take a batch by count and bytes */
            size_t max_events = 1 + (size_t)(rand() % 600), max_bytes = 1 + (size_t)(rand() % 6000), n;
            size_t want = 0, bytes = 0;
            while (m.lo + want < m.hi && want < max_events) {
                size_t len = len_of(m.seq[m.lo + want]) + 1;
                if (want > 0 && bytes + len > max_bytes) break;
                bytes += len, want++;
            }
            spoor_item_t *items = spoor__queue_take(&q, max_events, max_bytes, &n);
            assert_int_equal(n, want);
            for (size_t j = 0; j < n; j++) assert_int_equal(items[j].seq, m.seq[m.lo + j]);
            m.lo += n;
            spoor__items_free(items, n);
        } else { /* put some back at the front, as a batch kept for a retry */
            size_t k = (size_t)(rand() % 400);
            spoor_item_t *items = malloc((k ? k : 1) * sizeof *items);
            assert_non_null(items);
            for (size_t j = 0; j < k; j++) items[j] = item_of(unshifted + j);
            assert_int_equal(spoor__queue_unshift(&q, items, k), 0);
            assert_true(m.lo >= k);
            m.lo -= k;
            for (size_t j = 0; j < k; j++) m.seq[m.lo + j] = unshifted + j;
            unshifted += k;
            free(items);
        }
        check(&q, &m);
    }
    spoor__queue_clear(&q);
    assert_int_equal(q.count, 0);
    assert_null(spoor__queue_front(&q));
    free(m.seq);
}

/* A queue that fills and drains around a block boundary keeps a spare block rather
 * than freeing and allocating one per turn; emptied, it refills from the start. */
static void fill_and_drain(void **state) {
    (void)state;
    spoor_queue_t q = {0};
    for (int round = 0; round < 5; round++) {
        for (uint64_t s = 0; s < SPOOR_QUEUE_BLOCK + 3; s++) {
            spoor_item_t it = item_of(s);
            assert_int_equal(spoor__queue_push(&q, &it), 0);
        }
        assert_int_equal(q.count, SPOOR_QUEUE_BLOCK + 3);
        for (uint64_t s = 0; s < SPOOR_QUEUE_BLOCK + 3; s++) {
            spoor_item_t it;
            assert_int_equal(spoor__queue_pop(&q, &it), 0);
            assert_int_equal(it.seq, s);
            free(it.json);
        }
        assert_int_equal(q.count, 0);
        assert_int_equal(q.bytes, 0);
        assert_true(q.first == q.last && q.head == 0 && q.tail == 0);
        assert_non_null(q.spare);
    }
    spoor_item_t it;
    assert_int_equal(spoor__queue_pop(&q, &it), -1);
    spoor__queue_clear(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(random_sequence),
        cmocka_unit_test(fill_and_drain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
