/* csv.c: finding and splitting CSV records (csv.h). */
#include "csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t cli_csv_record_len(const char *p, size_t len, int at_eof, size_t *breaks) {
    int quoted = 0;
    *breaks = 0;
    for (size_t i = 0; i < len; i++) {
        if (p[i] == '"') quoted = !quoted; /* "" inside quotes closes and reopens: the same state */
        else if (p[i] == '\n') {
            if (!quoted) return i + 1;
            ++*breaks;
        }
    }
    return at_eof ? len : 0;
}

void cli_csv_row_init(cli_csv_row_t *row) { memset(row, 0, sizeof *row); }

void cli_csv_row_free(cli_csv_row_t *row) {
    free(row->text);
    free(row->cells);
    free(row->lens);
    cli_csv_row_init(row);
}

static int grow(cli_csv_row_t *row, size_t text, size_t cells) {
    if (text > row->text_cap) {
        char *t = realloc(row->text, text);
        if (!t) return -1;
        row->text = t;
        row->text_cap = text;
    }
    if (cells > row->cells_cap) {
        size_t cap = row->cells_cap ? row->cells_cap * 2 : 16;
        while (cap < cells) cap *= 2;
        const char **c = realloc(row->cells, cap * sizeof *c);
        if (c) row->cells = c;
        size_t *l = realloc(row->lens, cap * sizeof *l);
        if (l) row->lens = l;
        if (!c || !l) return -1;
        row->cells_cap = cap;
    }
    return 0;
}

int cli_csv_split(cli_csv_row_t *row, const char *rec, size_t len, char delim, char *err, size_t size) {
    if (len && rec[len - 1] == '\n') len--;
    if (len && rec[len - 1] == '\r') len--;
    /* Every field is at most as long as the record, plus a NUL each. */
    size_t max_cells = 1;
    for (size_t i = 0; i < len; i++) max_cells += rec[i] == delim;
    if (grow(row, len + max_cells, max_cells)) {
        snprintf(err, size, "out of memory");
        return -1;
    }
    row->n = 0;
    char *out = row->text;
    size_t i = 0;
    for (;;) {
        char *start = out;
        if (i < len && rec[i] == '"') {
            size_t open = i++;
            for (;;) {
                if (i >= len) {
                    snprintf(err, size, "field %zu: the quote opened at byte %zu is never closed", row->n + 1, open + 1);
                    return -1;
                }
                if (rec[i] == '"') {
                    if (i + 1 < len && rec[i + 1] == '"') *out++ = '"', i += 2;
                    else break;
                } else {
                    *out++ = rec[i++];
                }
            }
            i++; /* the closing quote */
            if (i < len && rec[i] != delim) {
                snprintf(err, size, "field %zu: a quoted field must end at the delimiter or the line's end, not '%c'",
                         row->n + 1, rec[i]);
                return -1;
            }
        } else {
            while (i < len && rec[i] != delim) *out++ = rec[i++];
        }
        row->cells[row->n] = start;
        row->lens[row->n++] = (size_t)(out - start);
        *out++ = '\0';
        if (i >= len) return 0;
        i++; /* the delimiter */
    }
}
