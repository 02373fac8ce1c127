/* ids.c: event ids (UUID v4) and the client's wall clock, with their test hooks. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <openssl/rand.h>

#include "internal.h"

/* By hand: snprintf with 16 conversions cost more than the rest of an id. */
static void format_uuid4(unsigned char b[16], char out[37]) {
    static const char hex[] = "0123456789abcdef";
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *o = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10) *o++ = '-';
        *o++ = hex[b[i] >> 4];
        *o++ = hex[b[i] & 15];
    }
    *o = '\0';
}

/* Random bytes in blocks: one RAND_bytes call per 256 ids instead of one per id
 * (it was a tenth of an enqueue). The block is per thread, and is thrown away in
 * a forked child, so a parent and its child never hand out the same bytes. */
#define RANDOM_BLOCK 4096
static _Thread_local unsigned char random_block[RANDOM_BLOCK];
static _Thread_local size_t random_used = RANDOM_BLOCK;
static _Thread_local unsigned long random_generation;

void spoor__uuid4(char out[37]) {
    unsigned char b[16];
    if (random_used + 16 > RANDOM_BLOCK || random_generation != spoor__fork_generation) {
        if (RAND_bytes(random_block, RANDOM_BLOCK) != 1) { /* no entropy source: still unique per call */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            for (int i = 0; i < 16; i++) b[i] = (unsigned char)((ts.tv_nsec >> (i % 8)) ^ (i * 131));
            format_uuid4(b, out);
            return;
        }
        random_used = 0;
        random_generation = spoor__fork_generation;
    }
    memcpy(b, random_block + random_used, 16);
    random_used += 16;
    format_uuid4(b, out);
}

static uint64_t splitmix64(uint64_t x) {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* The n-th id of a seeded sequence: the same in every binding and every run. */
void spoor__seeded_id(uint64_t seed, uint64_t n, char out[37]) {
    uint64_t a = splitmix64(seed * 0x100000001b3ULL + 2 * n);
    uint64_t b = splitmix64(seed * 0x100000001b3ULL + 2 * n + 1);
    unsigned char bytes[16];
    for (int i = 0; i < 8; i++) {
        bytes[i] = (unsigned char)(a >> (56 - 8 * i));
        bytes[8 + i] = (unsigned char)(b >> (56 - 8 * i));
    }
    format_uuid4(bytes, out);
}

void spoor__client_new_id(spoor_client_t *c, char out[37]) {
    if (c->conf.id_cb) {
        c->conf.id_cb(out, c->conf.id_opaque);
        out[36] = '\0';
    } else if (c->conf.test_id_seed >= 0) {
        uint64_t n = __atomic_fetch_add(&c->id_counter, 1, __ATOMIC_RELAXED);
        spoor__seeded_id((uint64_t)c->conf.test_id_seed, n, out);
    } else {
        spoor__uuid4(out);
    }
}

int64_t spoor__client_now_ms(const spoor_client_t *c) {
    if (c->conf.clock_cb) return c->conf.clock_cb(c->conf.clock_opaque);
    if (c->fixed_time_ms >= 0) return c->fixed_time_ms;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t spoor__monotonic_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
