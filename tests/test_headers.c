#include <spoor.h>
#include <spoor/sys/testing.h>
int spoor_headers_compile_as_c99(void);
int spoor_headers_compile_as_c99(void) {
    spoor_stats_t st = SPOOR_STATS_INIT;
    return SPOOR_VERSION_NUM >= SPOOR_VERSION_AT_LEAST(0, 1, 0) && st.size == sizeof st;
}
