#include <spoor.h>
int spoor_headers_compile_as_c99(void);
int spoor_headers_compile_as_c99(void) { return SPOOR_VERSION_NUM >= SPOOR_VERSION_AT_LEAST(0, 1, 0); }
