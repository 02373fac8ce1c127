/* csv.h: CSV records as RFC 4180 writes them: fields separated by a delimiter,
 * a field in double quotes may hold the delimiter, line breaks and "" for a
 * quote; a record ends at a line break outside quotes (LF or CRLF). */
#ifndef SPOOR_CLI_CSV_H
#define SPOOR_CLI_CSV_H

#include <stddef.h>

/* The length of the record that starts at p, its line break included, when
 * [p, p+len) holds all of it; 0 when it goes on past len (more input is needed).
 * At the end of the input (at_eof) the rest is the record. *breaks is set to the
 * number of line breaks inside quotes (the record spans 1 + *breaks lines). */
size_t cli_csv_record_len(const char *p, size_t len, int at_eof, size_t *breaks);

/* One record split into fields (unquoted). */
typedef struct {
    char *text;         /* the fields' bytes, each NUL-terminated */
    size_t text_cap;
    const char **cells; /* n pointers into text */
    size_t *lens;
    size_t n, cells_cap;
} cli_csv_row_t;

void cli_csv_row_init(cli_csv_row_t *row);
void cli_csv_row_free(cli_csv_row_t *row);

/* Split rec[0..len) (its line break may be included) at delim. Fails (-1, err)
 * on a quoted field followed by anything but the delimiter or the end, and on
 * a quote that is never closed. */
int cli_csv_split(cli_csv_row_t *row, const char *rec, size_t len, char delim, char *err, size_t size);

#endif
