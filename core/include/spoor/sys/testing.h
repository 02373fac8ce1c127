/* spoor/sys/testing.h: hooks that make a client deterministic, for tests.
 *
 * Not part of the stable API: these may change or go in any release, and
 * spoor.h does not include this header (include it yourself, after spoor.h).
 * The same goes for the two settings that do this through spoor_config_set(),
 * test_fixed_time and test_id_seed, which docs/configuration.md lists apart
 * ("for tests, unstable") and spoor_config_property() marks unstable; the
 * conformance runners of every binding use them. */
#ifndef SPOOR_SYS_TESTING_H
#define SPOOR_SYS_TESTING_H

#include "../common.h"
#include "../config.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Wall-clock time in milliseconds since the Unix epoch. Used for timestamps,
 *  sentAt and the signature timestamp; never for scheduling. */
typedef int64_t (*spoor_clock_cb)(void *opaque);

/** Write a 36-character id (plus NUL) into out. Used for eventIds and the
 *  anonymous id. Called from caller threads. */
typedef void (*spoor_id_cb)(char out[37], void *opaque);

/** Typed setters, as spoor_config_set_log_cb(). opaque is handed back untouched. */
SPOOR_API void spoor_config_set_clock_cb(spoor_config_t *conf, spoor_clock_cb cb, void *opaque);
SPOOR_API void spoor_config_set_id_cb(spoor_config_t *conf, spoor_id_cb cb, void *opaque);

#ifdef __cplusplus
}
#endif
#endif
