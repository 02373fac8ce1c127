/* fastpath_pair.h: the one-pass build (core/src/fastpath.c) against the general
 * path, through the public calls. Two clients with the same seeded ids and fixed
 * clock: one at log level info (fast path on), one at debug (fast path off, its
 * lines dropped). Each call goes to both; they must return the same code and error
 * text and queue the same bytes. Used by test_fastpath.c and fuzz_fastpath.c. */
#ifndef SPOOR_FASTPATH_PAIR_H
#define SPOOR_FASTPATH_PAIR_H

#include <stddef.h>

#include <spoor.h>

typedef struct {
    spoor_client_t *fast, *general;
} fastpath_pair_t;

typedef enum { FP_TRACK, FP_IDENTIFY, FP_GROUP, FP_PAGE, FP_RECORD, FP_PROFILE, FP_SCREEN } fastpath_op_t;

/* 0, or -1 when a client cannot be made. max_event_bytes: "" for the default;
 * protocol: "spoor" or "segment" (the wire format both clients write). */
int fastpath_pair_open(fastpath_pair_t *p, const char *max_event_bytes, const char *protocol);
void fastpath_pair_close(fastpath_pair_t *p);

/* One call on both clients: track(json), identify(a, json), group(a, b, json),
 * page(a, b, json), record_event(a, json), profile(json), screen(a, b, json); a, b, json may be NULL. Returns 0 when both agree, else -1
 * with what differs in why. *rc: what the call returned. */
int fastpath_pair_call(fastpath_pair_t *p, fastpath_op_t op, const char *a, const char *b, const char *json,
                       spoor_err_t *rc, char *why, size_t size);

#endif
