/* fuzz_wire.c: what the collector does with a request body: the bounded JSON
 * parse, then the wire-format rules for each event of the batch. */
#include <stdint.h>
#include <stdio.h>

#include "json.h"
#include "validate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512];
    cJSON *body = spoor__json_parse((const char *)data, size, 1 << 20, SPOOR_JSON_MAX_DEPTH, "body", err, sizeof err);
    if (!body) return 0;
    const cJSON *ev;
    cJSON_ArrayForEach(ev, cJSON_GetObjectItemCaseSensitive(body, "batch")) spoor__validate_event(ev, NULL, err, sizeof err);
    cJSON_Delete(body);
    return 0;
}
