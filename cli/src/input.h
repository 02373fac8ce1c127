/* input.h: reading an import's records, one JSON line or one CSV record at a
 * time, each with the number of the line it starts on and its byte offset, so
 * an import can report a record by its line and resume at it. Blank lines are
 * skipped; a UTF-8 byte order mark at the start is skipped. */
#ifndef SPOOR_CLI_INPUT_H
#define SPOOR_CLI_INPUT_H

#include <stddef.h>
#include <stdint.h>

/* Longer records are reported (too_long) and skipped, not held in memory. */
#define CLI_INPUT_MAX_RECORD (64u * 1024 * 1024)

typedef struct cli_input cli_input_t;

typedef struct {
    const char *text;   /* the record without its line break; valid until the next call */
    size_t len;
    uint64_t line;      /* 1-based line it starts on */
    uint64_t offset;    /* byte offset of its start */
    int too_long;       /* longer than CLI_INPUT_MAX_RECORD: text holds its start only */
} cli_record_t;

/* Open path ("-": standard input). csv: records follow CSV quoting. */
cli_input_t *cli_input_open(const char *path, int csv, char *err, size_t size);
void cli_input_close(cli_input_t *in);

/* Whether the input is a regular file (it can be read again and sought). */
int cli_input_regular(const cli_input_t *in);
int cli_input_fd(const cli_input_t *in);
uint64_t cli_input_size(const cli_input_t *in);

/* Go to byte offset, which is the start of line `line` (a resume point). */
int cli_input_seek(cli_input_t *in, uint64_t offset, uint64_t line, char *err, size_t size);

/* The next record: 1, 0 at the end, -1 on a read error (err). */
int cli_input_next(cli_input_t *in, cli_record_t *rec, char *err, size_t size);

/* Where the next record would start: its byte offset and line number. */
uint64_t cli_input_offset(const cli_input_t *in);
uint64_t cli_input_line(const cli_input_t *in);

#endif
