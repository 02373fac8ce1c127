/* validate.h: the rules one wire-format event must meet (docs/protocol.md).
 * Used by the client before it queues an event and by the collector for every
 * event it receives, so both sides apply the same rules. */
#ifndef SPOOR_VALIDATE_H
#define SPOOR_VALIDATE_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* The event types of wire format v1, NULL-terminated. */
extern const char *const spoor__event_types[];

/* "must be one of track, identify, ...": the rule an unknown type breaks, made
 * from spoor__event_types into out. Returns out. */
const char *spoor__event_type_rule(char *out, size_t size);

/* The longest identity or name string an event may carry (userId, anonymousId,
 * profileId, sessionId, accountId, pageId, groupId, productId, eventName), and
 * the longest given eventId, in bytes. */
#define SPOOR_ID_MAX_BYTES 1024
#define SPOOR_EVENT_ID_MAX_BYTES 256

/* Check one event (a wire-format object: eventId, type, eventName, identity,
 * timestamp, ...). schemas may be NULL, or an object {collection: {field: type}}
 * with types string, number, boolean, timestamp, object, array; it applies to
 * events of type "record". Returns 0 when valid, else -1 with "field: rule" in err. */
int spoor__validate_event(const cJSON *event, const cJSON *schemas, char *err, size_t errsize);

/* Check a schema set as given in the collection_schemas setting. 0 or -1 with err. */
int spoor__validate_schemas(const cJSON *schemas, char *err, size_t errsize);

/* The individual rules, for callers that report them under their own field names. */
int spoor__check_consents(const cJSON *consents, const char *field, char *err, size_t errsize);
int spoor__check_catalog_product(const cJSON *product, const char *field, char *err, size_t errsize);
/* Check the fields of a recordEvent against the collection's schema, if any;
 * prefix goes before the field name in the message ("properties." or ""). */
int spoor__check_schema(const cJSON *fields, const cJSON *schemas, const char *collection,
                        const char *prefix, char *err, size_t errsize);

/* The text of an argument, before any rule reads it: every string and key is
 * well-formed UTF-8 (what goes on the wire must be), and no object gives a key
 * twice (cJSON keeps both, and which one a reader takes is anyone's guess).
 * path names v in the message ("properties", "batch[2]", "" for the argument
 * itself, whose keys then need no prefix); top names the argument when path is
 * "" ("track"). 0, or -1 with "field: rule" in err. */
int spoor__check_text(const cJSON *v, const char *path, const char *top, char *err, size_t errsize);

#endif
