/* test_cli_message.c: how the spoor command turns words, CSV rows and JSON
 * lines into messages (fields.c, csv.c, jsonscan.c, message.c), the eventIds it
 * derives (eventid.c) and its id table (idmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "csv.h"
#include "eventid.h"
#include "fields.h"
#include "idmap.h"
#include "jsonscan.h"
#include "message.h"

/* The message fields build from "path[:type]" names and their values. */
static int build(const char *const *names, const char *const *values, size_t n, const char *type, char *out,
                 size_t size, char *err) {
    cli_fields_t *f = cli_fields_new();
    size_t lens[16];
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        char *path;
        cli_field_type_t t;
        if (cli_fields_parse_column(names[i], &path, &t, err, 300)) {
            rc = -1;
        } else {
            if (cli_fields_add(f, path, t, i, err, 300)) rc = -1;
            free(path);
        }
        lens[i] = strlen(values[i]);
    }
    textbuf_t b;
    textbuf_init(&b);
    if (!rc) rc = cli_fields_write(f, type, values, lens, &b, err, 300);
    snprintf(out, size, "%s", b.data ? b.data : "");
    textbuf_free(&b);
    cli_fields_free(f);
    return rc;
}

static void fields_nest_type_and_leave_out_empty(void **state) {
    (void)state;
    char out[512], err[300];
    const char *names[] = {"event", "userId", "properties.revenue:number", "properties.paid:boolean",
                           "properties.tags:json", "properties.note", "traits.a", "context"};
    const char *values[] = {"signup", "u1", " 9.50 ", "TRUE", "[\"a\", 1]", "say \"hi\"\n", "", ""};
    assert_int_equal(build(names, values, 8, "track", out, sizeof out, err), 0);
    /* Numbers and JSON keep their spelling; an empty value and an object of empty values are left out. */
    assert_string_equal(out, "{\"type\":\"track\",\"event\":\"signup\",\"userId\":\"u1\",\"properties\":{\"revenue\":9.50,"
                             "\"paid\":true,\"tags\":[\"a\", 1],\"note\":\"say \\\"hi\\\"\\n\"}}");
    /* A type column with a value wins over the default type; an empty one does not. */
    const char *n2[] = {"type", "event"};
    const char *v2[] = {"page", "x"};
    assert_int_equal(build(n2, v2, 2, "track", out, sizeof out, err), 0);
    assert_string_equal(out, "{\"type\":\"page\",\"event\":\"x\"}");
    const char *v3[] = {"", "x"};
    assert_int_equal(build(n2, v3, 2, "track", out, sizeof out, err), 0);
    assert_string_equal(out, "{\"type\":\"track\",\"event\":\"x\"}");
}

static void fields_refuse_what_is_ambiguous_or_mistyped(void **state) {
    (void)state;
    char out[512], err[300];
    const char *twice[] = {"userId", "userId"}, *vv[] = {"a", "b"};
    assert_int_equal(build(twice, vv, 2, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "userId: given twice");
    const char *both[] = {"properties", "properties.a"};
    assert_int_equal(build(both, vv, 2, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "properties: given as a value and as an object (properties.a)");
    const char *both2[] = {"properties.a", "properties"};
    assert_int_equal(build(both2, vv, 2, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "properties: given as a value and as an object");
    const char *empty[] = {"properties..a"};
    assert_int_equal(build(empty, vv, 1, NULL, out, sizeof out, err), -1);
    assert_non_null(strstr(err, "must not be empty"));
    const char *unknown[] = {"a:integer"};
    assert_int_equal(build(unknown, vv, 1, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "a:integer: unknown type \"integer\" after ':' (string, number, boolean or json)");
    const char *num[] = {"n:number"}, *bad[] = {"1e"}, *bad2[] = {"0x10"}, *good[] = {"-0.5e+3"};
    assert_int_equal(build(num, bad, 1, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "n: \"1e\" is not a number");
    assert_int_equal(build(num, bad2, 1, NULL, out, sizeof out, err), -1);
    assert_int_equal(build(num, good, 1, NULL, out, sizeof out, err), 0);
    assert_string_equal(out, "{\"n\":-0.5e+3}");
    const char *b[] = {"b:boolean"}, *yes[] = {"yes"};
    assert_int_equal(build(b, yes, 1, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "b: \"yes\" is not a boolean (true, false, 1 or 0)");
    char deep[200] = "a";
    for (int i = 0; i < 32; i++) strcat(deep, ".a"); /* 33 levels */
    const char *too_deep[] = {deep};
    assert_int_equal(build(too_deep, vv, 1, NULL, out, sizeof out, err), -1);
    assert_non_null(strstr(err, "nested 33 levels deep, more than 32"));
    const char *j[] = {"j:json"}, *trail[] = {"[1] x"}, *ctrl[] = {"[\x01]"};
    assert_int_equal(build(j, ctrl, 1, NULL, out, sizeof out, err), -1);
    assert_string_equal(err, "j: is not valid JSON (a control character at byte 2)");
    assert_int_equal(build(j, trail, 1, NULL, out, sizeof out, err), -1);
    assert_non_null(strstr(err, "j: is not valid JSON"));
}

static void csv_records_and_fields(void **state) {
    (void)state;
    size_t breaks;
    const char text[] = "a,\"b\nc\",\"d\"\"\"\nnext";
    assert_int_equal(cli_csv_record_len(text, strlen(text), 0, &breaks), 14);
    assert_int_equal(breaks, 1);
    assert_int_equal(cli_csv_record_len("a,\"open\n", 8, 0, &breaks), 0); /* more input needed */
    assert_int_equal(cli_csv_record_len("last", 4, 1, &breaks), 4);       /* at the end: the rest */

    cli_csv_row_t row;
    char err[300];
    cli_csv_row_init(&row);
    assert_int_equal(cli_csv_split(&row, text, 14, ',', err, sizeof err), 0);
    assert_int_equal(row.n, 3);
    assert_string_equal(row.cells[0], "a");
    assert_string_equal(row.cells[1], "b\nc");
    assert_string_equal(row.cells[2], "d\"");
    assert_int_equal(cli_csv_split(&row, "x;;\"\"\r\n", 7, ';', err, sizeof err), 0);
    assert_int_equal(row.n, 3);
    assert_int_equal(row.lens[1], 0);
    assert_int_equal(row.lens[2], 0);
    assert_int_equal(cli_csv_split(&row, "\"a\"b,c", 6, ',', err, sizeof err), -1);
    assert_string_equal(err, "field 1: a quoted field must end at the delimiter or the line's end, not 'b'");
    assert_int_equal(cli_csv_split(&row, "a,\"b", 4, ',', err, sizeof err), -1);
    assert_string_equal(err, "field 2: the quote opened at byte 3 is never closed");
    cli_csv_row_free(&row);
}

static void json_member_spans(void **state) {
    (void)state;
    const char *t = " { \"a\" : [1, {\"eventId\": null}], \"s\":\"x\\\"}\", \"eventId\" : null , \"z\":{} }";
    size_t at, len;
    assert_int_equal(cli_json_member_span(t, strlen(t), "eventId", &at, &len), 1);
    assert_int_equal(len, 4);
    assert_memory_equal(t + at, "null", 4);
    assert_int_equal(cli_json_member_span(t, strlen(t), "z", &at, &len), 1);
    assert_memory_equal(t + at, "{}", 2);
    assert_int_equal(cli_json_member_span(t, strlen(t), "missing", &at, &len), 0);
}

static cli_idspace_t space_of(const char *format, const char *type) {
    cli_idspace_t s;
    cli_idspace_init(&s, "0000000000000000000000000000000000000000000000000000000000000000", format, type);
    return s;
}

static void event_ids_name_their_line(void **state) {
    (void)state;
    cli_idspace_t s = space_of("jsonl", ""), other = space_of("jsonl", "track");
    char id[37], id2[37];
    uint64_t line = 0;
    cli_event_id(&s, 1234567, id);
    assert_int_equal(strlen(id), 36);
    assert_int_equal(id[14], '8');                    /* version 8 */
    assert_non_null(strchr("89ab", id[19]));          /* variant 10 */
    assert_memory_equal(id + 24, "00000012d687", 12); /* the line, 48 bits */
    assert_int_equal(cli_event_id_line(&s, id, &line), 1);
    assert_int_equal(line, 1234567);
    cli_event_id(&other, 1234567, id2); /* other options: other ids */
    assert_string_not_equal(id, id2);
    assert_int_equal(cli_event_id_line(&s, id2, &line), 0);
    assert_int_equal(cli_event_id_line(&s, "not-an-id", &line), 0);
    char longer[40];
    snprintf(longer, sizeof longer, "%sx", id);
    assert_int_equal(cli_event_id_line(&s, longer, &line), 0);
    /* The same inputs give the same ids (the collector's dedup depends on it). */
    cli_idspace_t again = space_of("jsonl", "");
    cli_event_id(&again, 1234567, id2);
    assert_string_equal(id, id2);
}

static void check_message(cli_messages_t *m, const char *line, uint64_t n, const char *want, const char *want_id,
                          int own) {
    cli_message_t msg;
    char err[300];
    assert_int_equal(cli_messages_build(m, line, strlen(line), n, &msg, err, sizeof err), 0);
    if (msg.len != strlen(want) || memcmp(msg.text, want, msg.len)) print_error("got  %.*s\nwant %s\n", (int)msg.len, msg.text, want);
    assert_int_equal((int)msg.len, (int)strlen(want));
    assert_memory_equal(msg.text, want, msg.len);
    assert_string_equal(msg.id, want_id);
    assert_int_equal(msg.own_id, own);
}

static void json_lines_get_an_id_and_a_type(void **state) {
    (void)state;
    cli_idspace_t s = space_of("jsonl", "track");
    char id[37], want[512];
    cli_event_id(&s, 7, id);
    cli_messages_t *m = cli_messages_new(0, ',', "track", &s);
    /* No eventId, no type: both put first; the rest is the line's own text. */
    snprintf(want, sizeof want, "{\"type\":\"track\",\"eventId\":\"%s\", \"n\": 1.50}", id);
    check_message(m, "{ \"n\": 1.50}", 7, want, id, 0);
    snprintf(want, sizeof want, "{\"type\":\"track\",\"eventId\":\"%s\" }", id);
    check_message(m, "{ }", 7, want, id, 0);
    /* Its own eventId is kept and the line left as it is. */
    check_message(m, "{\"type\":\"page\",\"eventId\":\"mine\"}", 7, "{\"type\":\"page\",\"eventId\":\"mine\"}", "mine", 1);
    /* A null eventId is replaced where it stands. */
    snprintf(want, sizeof want, "{\"type\":\"page\",\"eventId\":\"%s\",\"x\":1}", id);
    check_message(m, "{\"type\":\"page\",\"eventId\":null,\"x\":1}", 7, want, id, 0);
    /* record: properties.eventId is the one the core keeps. */
    check_message(m, "{\"type\":\"record\",\"eventId\":\"top\",\"properties\":{\"eventId\":\"inner\"}}", 7,
                  "{\"type\":\"record\",\"eventId\":\"top\",\"properties\":{\"eventId\":\"inner\"}}", "inner", 1);
    /* A record is a slice of the reader's buffer: the message ends where it ends. */
    const char slice[] = "{\"type\":\"page\",\"eventId\":\"mine\"}{\"next\":1}";
    cli_message_t msg;
    char err[300];
    assert_int_equal(cli_messages_build(m, slice, 32, 7, &msg, err, sizeof err), 0);
    assert_string_equal(msg.text, "{\"type\":\"page\",\"eventId\":\"mine\"}");
    /* A NUL byte: the core would see the line cut there, so it is refused here. */
    assert_int_equal(cli_messages_build(m, "{\"a\":1}\0{}", 10, 7, &msg, err, sizeof err), -1);
    assert_string_equal(err, "a NUL byte (at byte 8) cannot be in a line");
    /* An object followed by more: passed on as it is (the core says "trailing data"). */
    check_message(m, "{\"type\":\"page\"} x", 7, "{\"type\":\"page\"} x", "", 0);
    /* Not an object: passed on unchanged, for the core to say why. */
    check_message(m, "[1, 2", 7, "[1, 2", "", 0);
    cli_messages_free(m);
}

static void csv_rows_become_messages(void **state) {
    (void)state;
    cli_idspace_t s = space_of("csv", "");
    char err[300], id[37], want[512];
    cli_messages_t *m = cli_messages_new(1, ',', NULL, &s);
    const char header[] = "event,userId,properties.revenue:number\n";
    assert_int_equal(cli_messages_header(m, header, strlen(header), err, sizeof err), -1);
    assert_string_equal(err, "the header has no \"type\" column: give the type of every row with --type");
    cli_messages_free(m);
    m = cli_messages_new(1, ',', "track", &s);
    assert_int_equal(cli_messages_header(m, header, strlen(header), err, sizeof err), 0);
    cli_event_id(&s, 2, id);
    snprintf(want, sizeof want, "{\"eventId\":\"%s\",\"type\":\"track\",\"event\":\"buy\",\"userId\":\"u1\",\"properties\":{\"revenue\":3}}", id);
    check_message(m, "buy,u1,3", 2, want, id, 0);
    cli_message_t msg;
    assert_int_equal(cli_messages_build(m, "buy,u1", 6, 3, &msg, err, sizeof err), -1);
    assert_string_equal(err, "has 2 fields, the header has 3");
    assert_int_equal(cli_messages_build(m, "buy,u1,x", 8, 3, &msg, err, sizeof err), -1);
    assert_string_equal(err, "properties.revenue: \"x\" is not a number");
    cli_messages_free(m);
}

static void idmap_matches_a_plain_table(void **state) {
    (void)state;
    enum { N = 5000 };
    static uint64_t truth[N]; /* 0: absent, else line */
    cli_idmap_t *m = cli_idmap_new();
    unsigned seed = 42;
    for (int step = 0; step < 40000; step++) {
        int k = (int)(rand_r(&seed) % N), op = (int)(rand_r(&seed) % 3);
        char id[16];
        snprintf(id, sizeof id, "id-%d", k);
        uint64_t line = 0;
        if (op == 0) {
            assert_int_equal(cli_idmap_put(m, id, (uint64_t)step + 1), 0);
            truth[k] = (uint64_t)step + 1;
        } else if (op == 1) {
            assert_int_equal(cli_idmap_del(m, id), truth[k] != 0);
            truth[k] = 0;
        } else {
            assert_int_equal(cli_idmap_get(m, id, &line), truth[k] != 0);
            if (truth[k]) assert_int_equal(line, truth[k]);
        }
    }
    size_t count = 0;
    for (int k = 0; k < N; k++) count += truth[k] != 0;
    assert_int_equal(cli_idmap_count(m), count);
    cli_idmap_free(m);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_nest_type_and_leave_out_empty),
        cmocka_unit_test(fields_refuse_what_is_ambiguous_or_mistyped),
        cmocka_unit_test(csv_records_and_fields),
        cmocka_unit_test(json_member_spans),
        cmocka_unit_test(event_ids_name_their_line),
        cmocka_unit_test(json_lines_get_an_id_and_a_type),
        cmocka_unit_test(csv_rows_become_messages),
        cmocka_unit_test(idmap_matches_a_plain_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
