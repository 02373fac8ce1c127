/* spoor/version.h: the library's version, at compile time and at run time. */
#ifndef SPOOR_VERSION_H
#define SPOOR_VERSION_H

#include "common.h"

/* The one place the version is written: CMake, the Python and Node builds read these three
 * lines, and a test (packaging/check_version.cmake) holds every file that repeats it to them. */
#define SPOOR_VERSION_MAJOR 0
#define SPOOR_VERSION_MINOR 1
#define SPOOR_VERSION_PATCH 0
#define SPOOR_VERSION_STR_(x) #x
#define SPOOR_VERSION_STR(x) SPOOR_VERSION_STR_(x)
#define SPOOR_VERSION_STRING \
    SPOOR_VERSION_STR(SPOOR_VERSION_MAJOR) "." SPOOR_VERSION_STR(SPOOR_VERSION_MINOR) "." SPOOR_VERSION_STR(SPOOR_VERSION_PATCH)
/** 0xMMmmpp, for `#if SPOOR_VERSION_NUM >= SPOOR_VERSION_AT_LEAST(0,1,0)`. */
#define SPOOR_VERSION_NUM ((SPOOR_VERSION_MAJOR << 16) | (SPOOR_VERSION_MINOR << 8) | SPOOR_VERSION_PATCH)
#define SPOOR_VERSION_AT_LEAST(x, y, z) (((x) << 16) | ((y) << 8) | (z))

#ifdef __cplusplus
extern "C" {
#endif

/** The version of the library actually loaded, e.g. "0.1.0". Static storage. */
SPOOR_API const char *spoor_version(void);

#ifdef __cplusplus
}
#endif
#endif
