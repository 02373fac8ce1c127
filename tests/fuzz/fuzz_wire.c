/* fuzz_wire.c: what the collector does with a request body: the bounded JSON
 * parse, then the wire-format rules for each event of the batch. Also a
 * differential check of spoor__json_write against cJSON_PrintUnformatted: byte
 * for byte the same on any tree without numbers (numbers differ on purpose). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "validate.h"

static int has_numbers(const cJSON *v) {
    for (; v; v = v->next)
        if (cJSON_IsNumber(v) || has_numbers(v->child)) return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512];
    cJSON *body = spoor__json_parse((const char *)data, size, 1 << 20, SPOOR_JSON_MAX_DEPTH, "body", err, sizeof err);
    if (!body) return 0;
    if (!has_numbers(body)) {
        size_t len;
        char *ours = spoor__json_write(body, &len), *theirs = cJSON_PrintUnformatted(body);
        if (ours && theirs && (strlen(theirs) != len || memcmp(ours, theirs, len))) abort();
        free(ours);
        free(theirs);
    }
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(body, "batch")) spoor__validate_event(ev, NULL, err, sizeof err);
    cJSON_Delete(body);
    return 0;
}
