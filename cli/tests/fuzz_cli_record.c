/* fuzz_cli_record.c: an import's records to messages (cli/src/csv.c, fields.c,
 * jsonscan.c, message.c), the parsing `spoor import` does of a file it is given.
 *
 * The first byte picks the format (bit 0: CSV), the CSV delimiter (bits 1-2: , ; tab |)
 * and whether --type is given (bit 3: "track"). For CSV the first record of the
 * rest is the header (a header refused ends the input). Every record is then
 * copied into a buffer of its exact size (so ASan sees a read past it) and made
 * into a message. Beyond never crashing, leaking or reading out of bounds:
 *   - a message has no NUL inside (the core takes a C string);
 *   - the eventId it reports is the one the message carries: derived ones name
 *     their line;
 *   - a JSON line that is one object comes out as one object with the same
 *     members, plus "type" (when --type is given and it had none) and "eventId"
 *     (when it had none, or null); a CSV row that fits its header comes out as
 *     one object with its eventId. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csv.h"
#include "eventid.h"
#include "message.h"

static cJSON *parse_whole(const char *text, size_t len) {
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    while (j && end < text + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
    if (j && end != text + len) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* The same value, member by member in order (cJSON_Compare looks members up by
 * name, so it finds two objects unequal when one repeats a key). */
static int same(const cJSON *a, const cJSON *b) {
    char *x = cJSON_PrintUnformatted(a), *y = cJSON_PrintUnformatted(b);
    int equal = x && y && !strcmp(x, y);
    cJSON_free(x);
    cJSON_free(y);
    return equal;
}

/* The message must be the record's object with type and eventId added, as
 * message.h says: an eventId is added when it has none (and, for a record
 * message, no properties.eventId either); a null one is replaced in place. */
static void same_members(const cJSON *in, const cJSON *out, const char *type, const char *id, int own) {
    const cJSON *m, *t = cJSON_GetObjectItemCaseSensitive(in, "type");
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(in, "properties");
    const cJSON *inner = cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, "eventId") : NULL;
    int record_inner = cJSON_IsString(t) && !strcmp(t->valuestring, "record") && inner && !cJSON_IsNull(inner);
    int add_type = type && !t;
    int add_id = !cJSON_GetObjectItemCaseSensitive(in, "eventId") && !record_inner;
    /* The added members come first; then the record's own, in order (a key given
     * twice included: member by member, not by name). */
    const cJSON *o = out->child;
    for (int k = 0; k < add_type + add_id; k++, o = o->next) {
        if (!o || !cJSON_IsString(o)) abort();
        if (strcmp(o->string, add_type && k == 0 ? "type" : "eventId")) abort();
        if (!strcmp(o->string, "eventId") && strcmp(o->valuestring, id)) abort();
    }
    const cJSON *first_id = cJSON_GetObjectItemCaseSensitive(in, "eventId");
    for (m = in->child; m; m = m->next, o = o->next) {
        if (!o || strcmp(m->string, o->string)) abort();
        if (m == first_id && cJSON_IsNull(m) && !record_inner && !own && id[0]) {
            if (!cJSON_IsString(o) || strcmp(o->valuestring, id)) abort(); /* null replaced in place */
        } else if (!same(m, o)) {
            abort();
        }
    }
    if (o) abort();
}

static void check(cli_messages_t *msgs, const cli_idspace_t *space, int csv, const char *type, const char *rec,
                  size_t len, uint64_t line) {
    char *copy = malloc(len ? len : 1), err[600];
    memcpy(copy, rec, len);
    cli_message_t msg;
    int rc = cli_messages_build(msgs, copy, len, line, &msg, err, sizeof err);
    if (rc == 0) {
        if (strlen(msg.text) != msg.len) abort();
        uint64_t named;
        if (msg.id[0] && !msg.own_id && (!cli_event_id_line(space, msg.id, &named) || named != line)) abort();
        cJSON *in = csv ? NULL : parse_whole(copy, len), *out = parse_whole(msg.text, msg.len);
        if (csv || cJSON_IsObject(in)) {
            if (!cJSON_IsObject(out)) abort();
            const cJSON *id = cJSON_GetObjectItemCaseSensitive(out, "eventId");
            const cJSON *props = cJSON_GetObjectItemCaseSensitive(out, "properties");
            const cJSON *inner = cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, "eventId") : NULL;
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(out, "type");
            if (cJSON_IsString(t) && !strcmp(t->valuestring, "record") && inner && !cJSON_IsNull(inner)) id = inner;
            if (msg.id[0] && (!cJSON_IsString(id) || strcmp(id->valuestring, msg.id))) abort();
            if (in) same_members(in, out, type, msg.id, msg.own_id);
        }
        cJSON_Delete(in);
        cJSON_Delete(out);
    }
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!size) return 0;
    static const char delims[] = {',', ';', '\t', '|'};
    int csv = data[0] & 1;
    char delim = delims[(data[0] >> 1) & 3];
    const char *type = data[0] & 8 ? "track" : NULL;
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    cli_idspace_t space;
    cli_idspace_init(&space, "fuzz", csv ? "csv" : "jsonl", type);
    cli_messages_t *msgs = cli_messages_new(csv, delim, type, &space);
    uint64_t line = 1;
    int header = csv;
    while (p < end) {
        size_t breaks = 0, len;
        if (csv) {
            len = cli_csv_record_len(p, (size_t)(end - p), 1, &breaks);
        } else {
            const char *nl = memchr(p, '\n', (size_t)(end - p));
            len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        }
        size_t text = len;
        if (text && p[text - 1] == '\n') text--;
        if (text && p[text - 1] == '\r') text--;
        if (header) {
            char err[600], *copy = malloc(text ? text : 1);
            memcpy(copy, p, text);
            int bad = cli_messages_header(msgs, copy, text, err, sizeof err);
            free(copy);
            if (bad) break;
            header = 0;
        } else {
            check(msgs, &space, csv, type, p, text, line);
        }
        line += 1 + breaks;
        p += len;
    }
    cli_messages_free(msgs);
    return 0;
}
