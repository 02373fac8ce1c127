/* fuzz_fastpath.c: the one-pass build (core/src/fastpath.c) against the general
 * path, on fuzz_event's inputs: the first byte picks the operation (% 11, as in
 * fuzz_event.c; track 0, record_event 1, profile 2, identify 4, group 5, page 6 with
 * its fixed names, or screen) and the wire format (spoor's or Segment's), as
 * fuzz_event.c does; the rest is the argument. Both paths must return the same code and error text and queue
 * the same bytes (tests/support/fastpath_pair.h); it aborts with both when not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath_pair.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static fastpath_pair_t pairs[2];
    static int ready;
    if (!ready) {
        if (fastpath_pair_open(&pairs[0], "", "spoor") || fastpath_pair_open(&pairs[1], "", "segment")) abort();
        ready = 1;
    }
    if (size < 1) return 0;
    fastpath_pair_t pair = pairs[(data[0] / 11) % 2];
    int screen = (data[0] / 22) % 2;
    char *arg = malloc(size), why[8192];
    memcpy(arg, data + 1, size - 1);
    arg[size - 1] = '\0';
    spoor_err_t rc;
    int differ = 0;
    switch (data[0] % 11) {
    case 0: differ = fastpath_pair_call(&pair, FP_TRACK, NULL, NULL, arg, &rc, why, sizeof why); break;
    case 1: differ = fastpath_pair_call(&pair, FP_RECORD, "purchase", NULL, arg, &rc, why, sizeof why); break;
    case 2: differ = fastpath_pair_call(&pair, FP_PROFILE, NULL, NULL, arg, &rc, why, sizeof why); break;
    case 4: differ = fastpath_pair_call(&pair, FP_IDENTIFY, "u", NULL, arg, &rc, why, sizeof why); break;
    case 5: differ = fastpath_pair_call(&pair, FP_GROUP, "u", "g", arg, &rc, why, sizeof why); break;
    case 6: differ = fastpath_pair_call(&pair, screen ? FP_SCREEN : FP_PAGE, "u", "n", arg, &rc, why, sizeof why); break;
    default: break; /* the other operations have no fast path */
    }
    free(arg);
    if (differ) {
        fprintf(stderr, "the paths differ:\n%s\n", why);
        abort();
    }
    return 0;
}
