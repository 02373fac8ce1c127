/* spoor/common.h: export macro and the opaque handle types. */
#ifndef SPOOR_COMMON_H
#define SPOOR_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(SPOOR_BUILDING)
#    define SPOOR_API __declspec(dllexport)
#  else
#    define SPOOR_API
#  endif
#elif defined(__GNUC__)
#  define SPOOR_API __attribute__((visibility("default")))
#else
#  define SPOOR_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** A configuration under construction. Create with spoor_config_new(),
 *  free with spoor_config_destroy(). Not thread-safe: build it in one thread. */
typedef struct spoor_config_s spoor_config_t;

/** A client: one queue, one worker thread, one connection pool.
 *  Create with spoor_client_new(), free with spoor_client_destroy().
 *  Every spoor_client_* operation is thread-safe. */
typedef struct spoor_client_s spoor_client_t;

#ifdef __cplusplus
}
#endif
#endif
