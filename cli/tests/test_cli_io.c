/* test_cli_io.c: the import's files: the record reader (input.c), the state
 * file that resumes an import (resume.c) and the rejects file (rejects.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "input.h"
#include "rejects.h"
#include "resume.h"

static char dir[64];

static int make_dir(void **state) {
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/spoor-cli-io-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state) {
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *write_file(const char *name, const char *text, size_t len) {
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    fclose(f);
    return path;
}

typedef struct {
    char text[64];
    uint64_t line, offset;
} rec_t;

static size_t read_all(cli_input_t *in, rec_t *out, size_t max) {
    cli_record_t r;
    char err[200];
    size_t n = 0;
    while (n < max && cli_input_next(in, &r, err, sizeof err) == 1) {
        snprintf(out[n].text, sizeof out[n].text, "%.*s", (int)r.len, r.text);
        out[n].line = r.line;
        out[n].offset = r.offset;
        n++;
    }
    return n;
}

static void json_lines_with_numbers_and_offsets(void **state) {
    (void)state;
    /* A byte order mark, CRLF, blank lines, no line break at the end. */
    const char text[] = "\xef\xbb\xbf{\"a\":1}\r\n\n   \n{\"b\":2}\n{\"c\":3}";
    const char *path = write_file("a.jsonl", text, sizeof text - 1);
    char err[200];
    cli_input_t *in = cli_input_open(path, 0, err, sizeof err);
    assert_non_null(in);
    assert_true(cli_input_regular(in));
    assert_int_equal(cli_input_size(in), sizeof text - 1);
    rec_t r[8];
    assert_int_equal(read_all(in, r, 8), 3);
    assert_string_equal(r[0].text, "{\"a\":1}");
    assert_int_equal(r[0].line, 1);
    assert_int_equal(r[0].offset, 0);
    assert_string_equal(r[1].text, "{\"b\":2}");
    assert_int_equal(r[1].line, 4);
    assert_int_equal(r[1].offset, 17);
    assert_string_equal(r[2].text, "{\"c\":3}");
    assert_int_equal(r[2].line, 5);
    assert_int_equal(cli_input_offset(in), sizeof text - 1);
    /* Resuming at a record's offset and line gives the same records from there. */
    assert_int_equal(cli_input_seek(in, 17, 4, err, sizeof err), 0);
    assert_int_equal(read_all(in, r, 8), 2);
    assert_string_equal(r[0].text, "{\"b\":2}");
    assert_int_equal(r[0].line, 4);
    assert_int_equal(r[1].line, 5);
    cli_input_close(in);
    assert_null(cli_input_open("/nonexistent/x.jsonl", 0, err, sizeof err));
    assert_string_equal(err, "/nonexistent/x.jsonl: No such file or directory");
}

static void csv_records_span_lines(void **state) {
    (void)state;
    const char text[] = "a,b\r\n1,\"two\nlines\"\r\n\r\n3,4\n";
    const char *path = write_file("a.csv", text, sizeof text - 1);
    char err[200];
    cli_input_t *in = cli_input_open(path, 1, err, sizeof err);
    rec_t r[8];
    assert_int_equal(read_all(in, r, 8), 3);
    assert_string_equal(r[0].text, "a,b");
    assert_string_equal(r[1].text, "1,\"two\nlines\"");
    assert_int_equal(r[1].line, 2);
    assert_string_equal(r[2].text, "3,4");
    assert_int_equal(r[2].line, 5); /* the quoted line break and the blank line count */
    cli_input_close(in);
}

static void long_input_across_reads(void **state) {
    (void)state;
    /* Records that straddle the reader's 1 MiB reads keep their numbers. */
    size_t n = 60000, cap = n * 40;
    char *text = malloc(cap), *p = text;
    for (size_t i = 1; i <= n; i++) p += sprintf(p, "{\"line\":%zu,\"pad\":\"%0*d\"}\n", i, (int)(i % 7), 0);
    const char *path = write_file("long.jsonl", text, (size_t)(p - text));
    char err[200];
    cli_input_t *in = cli_input_open(path, 0, err, sizeof err);
    cli_record_t r;
    size_t count = 0;
    while (cli_input_next(in, &r, err, sizeof err) == 1) {
        count++;
        char want[32];
        int len = snprintf(want, sizeof want, "{\"line\":%zu,", count);
        assert_int_equal(r.line, count);
        assert_memory_equal(r.text, want, (size_t)len);
        assert_memory_equal(text + r.offset, want, (size_t)len);
    }
    assert_int_equal(count, n);
    cli_input_close(in);
    free(text);
}

static void state_round_trip(void **state) {
    (void)state;
    cli_resume_t st, back;
    char err[300];
    assert_int_equal(cli_resume_load(dir, &back, err, sizeof err), 0);
    assert_false(back.present); /* none yet */
    memset(&st, 0, sizeof st);
    memset(st.sha256, 'a', 64);
    snprintf(st.format, sizeof st.format, "csv");
    snprintf(st.type, sizeof st.type, "track");
    snprintf(st.path, sizeof st.path, "/data/x\ny.csv"); /* a line break in a name stays on one line */
    st.size = 123456789012ull;
    st.line = 1000001;
    st.offset = 98765432100ull;
    st.pending = 1000;
    assert_int_equal(cli_resume_save(dir, &st, 1, err, sizeof err), 0);
    assert_int_equal(cli_resume_load(dir, &back, err, sizeof err), 0);
    assert_true(back.present);
    assert_string_equal(back.sha256, st.sha256);
    assert_string_equal(back.format, "csv");
    assert_string_equal(back.type, "track");
    assert_string_equal(back.path, "/data/x?y.csv");
    assert_int_equal(back.size, st.size);
    assert_int_equal(back.line, st.line);
    assert_int_equal(back.offset, st.offset);
    assert_int_equal(back.pending, 1000);
    assert_false(back.complete);
    char path[128];
    snprintf(path, sizeof path, "%s/%s.tmp", dir, CLI_RESUME_FILE);
    assert_int_not_equal(access(path, F_OK), 0); /* renamed over, not left behind */
}

static void journal_appends_and_reads_back(void **state) {
    (void)state;
    char err[300];
    uint64_t *lines;
    size_t n;
    assert_int_equal(cli_journal_read(dir, &lines, &n, err, sizeof err), 0);
    assert_int_equal(n, 0); /* none yet */
    int fd = cli_journal_open(dir, err, sizeof err);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "17\n18\n", 6), 6);
    assert_int_equal(write(fd, "1000000000123\n", 14), 14);
    close(fd);
    assert_int_equal(cli_journal_read(dir, &lines, &n, err, sizeof err), 0);
    assert_int_equal(n, 3);
    assert_int_equal(lines[0], 17);
    assert_int_equal(lines[2], 1000000000123ull);
    free(lines);
    assert_int_equal(cli_journal_open("/nonexistent/dir", err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/dir: No such file or directory");
}

static void damaged_or_planted_state_is_refused(void **state) {
    (void)state;
    cli_resume_t st;
    char err[300], path[128];
    snprintf(path, sizeof path, "%s/%s", dir, CLI_RESUME_FILE);
    write_file(CLI_RESUME_FILE, "spoor-import-state 1\nline 5\n", 28);
    assert_int_equal(cli_resume_load(dir, &st, err, sizeof err), -1);
    assert_non_null(strstr(err, "is not a complete import state"));
    unlink(path);
    assert_int_equal(symlink("/etc/passwd", path), 0); /* a planted link is not followed */
    assert_int_equal(cli_resume_load(dir, &st, err, sizeof err), -1);
    unlink(path);
}

static void rejects_file_lines_and_no_repeats(void **state) {
    (void)state;
    char err[300], path[128], text[1024];
    snprintf(path, sizeof path, "%s/rejects.jsonl", dir);
    cli_rejects_t *r = cli_rejects_open(path, 0, err, sizeof err);
    assert_non_null(r);
    assert_int_equal(cli_rejects_add(r, 17, "userId: must be \"x\"", "bad \xff\n", 6, NULL, 0, err, sizeof err), 0);
    assert_int_equal(cli_rejects_add(r, 0, "rejected by the server", NULL, 0, "{\"eventId\":\"e\"}", 15, err, sizeof err), 0);
    cli_rejects_close(r);
    /* Reopened as a resume does: line 17 is there, so it is not written again. */
    r = cli_rejects_open(path, 1, err, sizeof err);
    assert_int_equal(cli_rejects_add(r, 17, "again", "bad", 3, NULL, 0, err, sizeof err), 0);
    assert_int_equal(cli_rejects_add(r, 18, "new", "x", 1, NULL, 0, err, sizeof err), 0);
    cli_rejects_close(r);
    FILE *f = fopen(path, "r");
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    assert_string_equal(text, "{\"line\":17,\"error\":\"userId: must be \\\"x\\\"\",\"input\":\"bad \xef\xbf\xbd\\n\"}\n"
                              "{\"line\":null,\"error\":\"rejected by the server\",\"event\":{\"eventId\":\"e\"}}\n"
                              "{\"line\":18,\"error\":\"new\",\"input\":\"x\"}\n");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(json_lines_with_numbers_and_offsets),
        cmocka_unit_test(csv_records_span_lines),
        cmocka_unit_test(long_input_across_reads),
        cmocka_unit_test(state_round_trip),
        cmocka_unit_test(journal_appends_and_reads_back),
        cmocka_unit_test(damaged_or_planted_state_is_refused),
        cmocka_unit_test(rejects_file_lines_and_no_repeats),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
