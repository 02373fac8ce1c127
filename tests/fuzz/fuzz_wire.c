/* fuzz_wire.c: what the collector does with a request body: the bounded JSON
 * parse, then the wire-format rules for each event of the batch, and Segment's
 * rules for each (as a batch's message, and as a /v1/track body). Also a
 * differential check of spoor__json_write against cJSON_PrintUnformatted: byte
 * for byte the same on any tree without numbers (numbers differ on purpose), and
 * of spoor__json_number's fast paths against the %.15g/%.16g/%.17g rule. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "segment.h"
#include "validate.h"

static int has_numbers(const cJSON *v) {
    for (; v; v = v->next)
        if (cJSON_IsNumber(v) || has_numbers(v->child)) return 1;
    return 0;
}

/* spoor__json_number's fast paths against the plain rule: the shortest of %.15g,
 * %.16g and %.17g that reads back as the same double. */
static void check_numbers(const cJSON *v) {
    for (; v; v = v->next) {
        double d = v->valuedouble; /* integers within +-2^53 take the integer path (and the cast is defined) */
        if (cJSON_IsNumber(v) && !(d >= -9007199254740992.0 && d <= 9007199254740992.0 && d == (double)(int64_t)d)) {
            char ours[32], want[32];
            spoor__json_number(v->valuedouble, ours);
            if (d - d != 0) { /* 1e400 reads as infinity: spoor__json_parse must have refused it */
                fprintf(stderr, "an infinite number got through spoor__json_parse\n");
                abort();
            }
            for (int prec = 15; prec <= 17; prec++) {
                snprintf(want, sizeof want, "%.*g", prec, v->valuedouble);
                if (strtod(want, NULL) == v->valuedouble) break;
            }
            if (strcmp(ours, want)) {
                fprintf(stderr, "number %.17g: wrote %s, want %s\n", v->valuedouble, ours, want);
                abort();
            }
        }
        check_numbers(v->child);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512];
    cJSON *body = spoor__json_parse((const char *)data, size, 1 << 20, SPOOR_JSON_MAX_DEPTH, "body", err, sizeof err);
    if (!body) return 0;
    check_numbers(body);
    if (!has_numbers(body)) {
        size_t len;
        char *ours = spoor__json_write(body, &len), *theirs = cJSON_PrintUnformatted(body);
        if (ours && theirs && (strlen(theirs) != len || memcmp(ours, theirs, len))) abort();
        free(ours);
        free(theirs);
    }
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(body, "batch")) {
        spoor__validate_event(ev, NULL, err, sizeof err);
        spoor__segment_validate(ev, NULL, err, sizeof err);
        spoor__segment_validate(ev, "track", err, sizeof err);
    }
    cJSON_Delete(body);
    return 0;
}
