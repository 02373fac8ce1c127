/* fastpath.h: the common calls built in one pass over their JSON text, with no tree.
 *
 * Most arguments arrive as compact JSON from JSON.stringify or Python's encoder,
 * already in the exact form the event writer would give them. For those the event
 * text is the argument's own bytes copied between the envelope's: no parse tree,
 * no allocation but the event's. Anything else (white space, an escape the writer
 * would spell differently, an exponent, an unknown, repeated or null key, a value
 * that breaks a rule) is declined before any side effect, and the general path in
 * event.c, which alone reports errors, decides. So both paths give the same bytes
 * for every argument (tests/test_fastpath.c and fuzz_fastpath check it). */
#ifndef SPOOR_FASTPATH_H
#define SPOOR_FASTPATH_H

#include <stddef.h>

#include "internal.h"

/* Returned when the fast path leaves the call to the general path. */
#define SPOOR__FAST_DECLINED 1

/* track(options_json): SPOOR_OK with *out built, an error the general path would
 * give for the same bytes (only TOO_LARGE, NOMEM), or SPOOR__FAST_DECLINED. */
int spoor__fast_track(spoor_client_t *c, const char *text, size_t len, spoor_item_t *out);

/* recordEvent(collection, fields): the envelope keys lifted out of the fields,
 * as spoor__fast_track. */
int spoor__fast_record(spoor_client_t *c, const char *collection, const char *fields, size_t len, spoor_item_t *out);

/* profile(attributes): the envelope keys lifted out, the rest its traits. */
int spoor__fast_profile(spoor_client_t *c, const char *attributes, size_t len, spoor_item_t *out);

/* identify, group and page: the C strings and one JSON object (traits or
 * properties; NULL: absent), as spoor__fast_track. */
int spoor__fast_traits(spoor_client_t *c, const char *type, const char *user_id, const char *group_id,
                       const char *name, const char *json, size_t len, spoor_item_t *out);

#endif
