/* segment.c: one message of Segment's HTTP Tracking API against Segment's
 * documented rules (see segment.h). Segment accepts keys it does not know, so
 * only the fields its spec names are checked; null counts as absent, as
 * Segment's own libraries send it for arguments not given. */
#include <stdio.h>
#include <string.h>

#include "../src/timefmt.h"
#include "segment.h"

const char *const spoor__segment_types[] = {"track", "identify", "group", "page", "screen", "alias", NULL};

#define FAIL(...) do { snprintf(err, errsize, __VA_ARGS__); return -1; } while (0)

static const cJSON *field(const cJSON *msg, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, key);
    return cJSON_IsNull(v) ? NULL : v;
}

static int is_nonempty_string(const cJSON *v) {
    return cJSON_IsString(v) && v->valuestring && v->valuestring[0];
}

/* Characters, not bytes: Segment counts a messageId's length in characters. */
static size_t utf8_chars(const char *s) {
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) n += (*p & 0xC0) != 0x80;
    return n;
}

int spoor__segment_validate(const cJSON *msg, const char *type, char *err, size_t errsize) {
    if (!cJSON_IsObject(msg)) FAIL("message: must be a JSON object");
    const cJSON *t = field(msg, "type");
    if (type) {
        if (t && (!cJSON_IsString(t) || strcmp(t->valuestring, type)))
            FAIL("type: must be %s on this path, or absent", type);
    } else {
        for (int i = 0; cJSON_IsString(t) && spoor__segment_types[i]; i++)
            if (!strcmp(t->valuestring, spoor__segment_types[i])) type = spoor__segment_types[i];
        if (!type) FAIL("type: must be one of track, identify, group, page, screen, alias");
    }

    const cJSON *id = field(msg, "messageId");
    if (id && (!is_nonempty_string(id) || utf8_chars(id->valuestring) > SPOOR_SEGMENT_MAX_MESSAGE_ID))
        FAIL("messageId: must be a non-empty string of at most %d characters", SPOOR_SEGMENT_MAX_MESSAGE_ID);
    static const char *const times[] = {"timestamp", "originalTimestamp", "sentAt", "receivedAt"};
    for (size_t i = 0; i < sizeof times / sizeof *times; i++) {
        const cJSON *v = field(msg, times[i]);
        int64_t ms;
        if (v && (!cJSON_IsString(v) || spoor__iso8601_parse(v->valuestring, &ms)))
            FAIL("%s: must be an ISO-8601 timestamp", times[i]);
    }
    static const char *const ids[] = {"userId", "anonymousId", "previousId", "groupId", "event"};
    for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
        const cJSON *v = field(msg, ids[i]);
        if (v && !is_nonempty_string(v)) FAIL("%s: must be a non-empty string", ids[i]);
    }
    static const char *const texts[] = {"name", "category"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        const cJSON *v = field(msg, texts[i]);
        if (v && !cJSON_IsString(v)) FAIL("%s: must be a string", texts[i]);
    }
    static const char *const objects[] = {"context", "integrations", "properties", "traits"};
    for (size_t i = 0; i < sizeof objects / sizeof *objects; i++) {
        const cJSON *v = field(msg, objects[i]);
        if (v && !cJSON_IsObject(v)) FAIL("%s: must be an object", objects[i]);
    }

    if (!strcmp(type, "alias")) {
        if (!field(msg, "previousId")) FAIL("previousId: is required for alias");
        if (!field(msg, "userId")) FAIL("userId: is required for alias");
        return 0;
    }
    if (!field(msg, "userId") && !field(msg, "anonymousId"))
        FAIL("userId: one of userId or anonymousId is required");
    if (!strcmp(type, "track") && !field(msg, "event")) FAIL("event: is required for track");
    if (!strcmp(type, "group") && !field(msg, "groupId")) FAIL("groupId: is required for group");
    return 0;
}
