/* stats.c: a client's counters, copied out as a struct or as JSON. Both are made
 * from SPOOR_STATS_COUNTERS (spoor/client.h), the one list of the counters. */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* Where the counters start: everything from here to the end of the struct is a
 * counter, so a caller's struct of `size` bytes holds (size - FIRST) / 8 of them. */
#define FIRST offsetof(spoor_stats_t, accepted)
/* More than any header will have (500 counters): a larger size is not one a
 * compiler wrote, but an uninitialised struct, which must not be written past. */
#define MOST 4096

static int plausible_size(size_t size) {
    return size >= FIRST + sizeof(uint64_t) && size <= MOST && (size - FIRST) % sizeof(uint64_t) == 0;
}

spoor_err_t spoor_client_stats(spoor_client_t *c, spoor_stats_t *out) {
    if (!c || !out) return spoor__error(SPOOR_ERR_INVALID, "stats: client and out must not be NULL");
    if (!plausible_size(out->size))
        return spoor__error(SPOOR_ERR_INVALID, "stats: out->size is %zu; declare it with SPOOR_STATS_INIT", out->size);
    spoor__check_pid(c);
    spoor_stats_t now;
    pthread_mutex_lock(&c->lock);
    now = c->stats;
    now.queued = c->queue.count + c->inflight_count + c->dropped.count;
    pthread_mutex_unlock(&c->lock);
    /* As many counters as the caller's struct holds; a newer caller's extra ones read 0. */
    size_t theirs = out->size - FIRST, ours = sizeof now - FIRST;
    memcpy((char *)out + FIRST, (const char *)&now + FIRST, theirs < ours ? theirs : ours);
    if (theirs > ours) memset((char *)out + FIRST + ours, 0, theirs - ours);
    return SPOOR_OK;
}

spoor_err_t spoor_client_stats_json(spoor_client_t *c, char *buf, size_t size) {
    spoor_stats_t s = SPOOR_STATS_INIT;
    spoor_err_t rc = spoor_client_stats(c, &s);
    if (rc) return rc;
    size_t used = 0;
    int n = 0;
    const char *sep = "{";
#define WRITE_COUNTER(name, meaning)                                                                        \
    if (n >= 0 && used < size) {                                                                            \
        n = snprintf(buf + used, size - used, "%s\"" #name "\":%llu", sep, (unsigned long long)s.name); \
        used += n > 0 ? (size_t)n : 0, sep = ",";                                                           \
    }
    SPOOR_STATS_COUNTERS(WRITE_COUNTER)
#undef WRITE_COUNTER
    if (n < 0 || used + 2 > size) return spoor__error(SPOOR_ERR_INVALID, "stats_json: buffer of %zu bytes is too small", size);
    memcpy(buf + used, "}", 2);
    return SPOOR_OK;
}
