/* message.c: records to messages (message.h). */
#include "message.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "csv.h"
#include "fields.h"
#include "jsonscan.h"

struct cli_messages {
    int csv;
    char delim;
    const char *type;
    cli_idspace_t space;
    cli_fields_t *columns; /* CSV: the header's mapping */
    size_t n_columns;
    cli_csv_row_t row;
    textbuf_t row_json, out;
};

cli_messages_t *cli_messages_new(int csv, char delim, const char *type, const cli_idspace_t *space) {
    cli_messages_t *m = calloc(1, sizeof *m);
    if (!m) return NULL;
    m->csv = csv;
    m->delim = delim;
    m->type = type && *type ? type : NULL;
    m->space = *space;
    cli_csv_row_init(&m->row);
    textbuf_init(&m->row_json);
    textbuf_init(&m->out);
    return m;
}

void cli_messages_free(cli_messages_t *m) {
    if (!m) return;
    cli_fields_free(m->columns);
    cli_csv_row_free(&m->row);
    textbuf_free(&m->row_json);
    textbuf_free(&m->out);
    free(m);
}

int cli_messages_header(cli_messages_t *m, const char *text, size_t len, char *err, size_t size) {
    char why[400];
    if (cli_csv_split(&m->row, text, len, m->delim, why, sizeof why)) {
        snprintf(err, size, "the header: %s", why);
        return -1;
    }
    cli_fields_free(m->columns);
    if (!(m->columns = cli_fields_new())) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < m->row.n; i++) {
        char *path = NULL;
        cli_field_type_t type;
        if (cli_fields_parse_column(m->row.cells[i], &path, &type, why, sizeof why) ||
            cli_fields_add(m->columns, path, type, i, why, sizeof why)) {
            snprintf(err, size, "the header, column %zu: %s", i + 1, why);
            free(path);
            return -1;
        }
        free(path);
    }
    m->n_columns = m->row.n;
    if (!m->type && !cli_fields_has_type(m->columns)) {
        snprintf(err, size, "the header has no \"type\" column: give the type of every row with --type");
        return -1;
    }
    return 0;
}

/* The eventId a message will carry when it brings one: for a record message,
 * properties.eventId wins over its own (as the core lifts them). NULL when none;
 * *present says whether the top-level key is there (null included). */
static const cJSON *own_id(const cJSON *msg, int *present) {
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(msg, "type");
    const cJSON *top = cJSON_GetObjectItemCaseSensitive(msg, "eventId");
    *present = top != NULL;
    if (cJSON_IsString(type) && !strcmp(type->valuestring, "record")) {
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(msg, "properties");
        const cJSON *inner = cJSON_IsObject(props) ? cJSON_GetObjectItemCaseSensitive(props, "eventId") : NULL;
        if (inner && !cJSON_IsNull(inner)) return inner;
    }
    return top && !cJSON_IsNull(top) ? top : NULL;
}

/* Whether the message's eventId (as the core reads it: the first key that
 * decodes to "eventId") is id. */
static int carries(const char *text, size_t len, const char *id) {
    cJSON *msg = cJSON_ParseWithLength(text, len);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(msg, "eventId");
    int yes = cJSON_IsString(v) && !strcmp(v->valuestring, id);
    cJSON_Delete(msg);
    return yes;
}

static int as_is(cli_messages_t *m, const char *text, size_t len, cli_message_t *out) {
    textbuf_reset(&m->out);
    if (textbuf_add(&m->out, text, len)) return -1;
    out->text = m->out.data;
    out->len = m->out.len;
    return 0;
}

/* Write text into m->out with "type" first (add_type), then "eventId" (add_id),
 * and the value at null_at (null_len bytes: a null eventId) replaced by id. */
static int assemble(cli_messages_t *m, const char *text, size_t len, int add_type, int add_id, size_t null_at,
                    size_t null_len, const char *id, cli_message_t *out) {
    textbuf_reset(&m->out);
    if (!add_type && !add_id && !null_len) return as_is(m, text, len, out); /* nothing to add */
    size_t brace = (size_t)((const char *)memchr(text, '{', len) - text); /* an object starts with one */
    textbuf_add(&m->out, text, brace + 1);
    int members = 0;
    if (add_type) {
        textbuf_adds(&m->out, "\"type\":");
        cli_buf_add_json_string(&m->out, m->type, strlen(m->type), 1);
        members++;
    }
    if (add_id) { /* no eventId: ours goes first */
        textbuf_printf(&m->out, "%s\"eventId\":\"%s\"", members ? "," : "", id);
        members++;
    }
    const char *rest = text + brace + 1;
    size_t rest_len = len - brace - 1, k = 0;
    while (k < rest_len && (unsigned char)rest[k] <= 0x20) k++; /* cJSON's white space: what it parsed past */
    if (members && k < rest_len && rest[k] != '}') textbuf_add(&m->out, ",", 1);
    if (null_len) { /* "eventId": null becomes ours, in place */
        textbuf_add(&m->out, rest, null_at - (brace + 1));
        textbuf_printf(&m->out, "\"%s\"", id);
        textbuf_add(&m->out, text + null_at + null_len, len - null_at - null_len);
    } else {
        textbuf_add(&m->out, rest, rest_len);
    }
    if (m->out.failed) return -1;
    out->text = m->out.data;
    out->len = m->out.len;
    return 0;
}

/* text, with "type" and "eventId" put in when it lacks them, into m->out:
 * always a copy, since spoor_enqueue() takes a NUL-terminated string and a
 * record is a slice of the reader's buffer. */
static int complete(cli_messages_t *m, const char *text, size_t len, uint64_t line, cli_message_t *out) {
    out->id[0] = '\0';
    out->own_id = 0;
    const char *end = text;
    cJSON *msg = cJSON_ParseWithLengthOpts(text, len, &end, 0);
    while (msg && end < text + len && (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')) end++;
    if (!cJSON_IsObject(msg) || end != text + len) { /* the core says what is wrong with it */
        cJSON_Delete(msg);
        return as_is(m, text, len, out);
    }
    int present = 0;
    const cJSON *id = own_id(msg, &present);
    int add_type = m->type && !cJSON_GetObjectItemCaseSensitive(msg, "type");
    size_t null_at = 0, null_len = 0;
    if (id) {
        if (cJSON_IsString(id) && strlen(id->valuestring) <= CLI_ID_MAX) {
            snprintf(out->id, sizeof out->id, "%s", id->valuestring);
            out->own_id = 1;
        }
    } else if (!present || (cli_json_member_span(text, len, "eventId", &null_at, &null_len) && null_len == 4 &&
                            !memcmp(text + null_at, "null", 4))) {
        cli_event_id(&m->space, line, out->id);
    } else { /* a null eventId whose key is spelled with escapes: the core gives it an id */
        null_len = 0;
    }
    cJSON_Delete(msg);
    int add_id = !id && !present;
    if (assemble(m, text, len, add_type, add_id, null_at, null_len, out->id, out)) return -1;
    if (null_len && !carries(out->text, out->len, out->id)) { /* the raw "eventId" found was another key */
        out->id[0] = '\0';
        return assemble(m, text, len, add_type, 0, 0, 0, "", out);
    }
    return 0;
}

int cli_messages_build(cli_messages_t *m, const char *text, size_t len, uint64_t line, cli_message_t *out, char *err,
                       size_t size) {
    if (!m->csv) {
        const char *nul = memchr(text, '\0', len);
        if (nul) { /* the core takes a C string: it would see the line cut there */
            snprintf(err, size, "a NUL byte (at byte %zu) cannot be in a line", (size_t)(nul - text) + 1);
            return -1;
        }
        if (complete(m, text, len, line, out)) {
            snprintf(err, size, "out of memory");
            return -1;
        }
        return 0;
    }
    char why[400];
    if (cli_csv_split(&m->row, text, len, m->delim, why, sizeof why)) {
        snprintf(err, size, "%s", why);
        return -1;
    }
    if (m->row.n != m->n_columns) {
        snprintf(err, size, "has %zu field%s, the header has %zu", m->row.n, m->row.n == 1 ? "" : "s", m->n_columns);
        return -1;
    }
    textbuf_reset(&m->row_json);
    if (cli_fields_write(m->columns, m->type, m->row.cells, m->row.lens, &m->row_json, why, sizeof why)) {
        snprintf(err, size, "%s", why);
        return -1;
    }
    if (complete(m, m->row_json.data, m->row_json.len, line, out)) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    return 0;
}
