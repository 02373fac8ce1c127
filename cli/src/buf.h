/* buf.h: a growable text buffer, always NUL-terminated, and JSON string writing. */
#ifndef SPOOR_CLI_BUF_H
#define SPOOR_CLI_BUF_H

#include <stddef.h>

typedef struct {
    char *data; /* NUL-terminated once anything was added; NULL before */
    size_t len, cap;
    int failed; /* an allocation failed: every later add is a no-op */
} cli_buf_t;

void cli_buf_init(cli_buf_t *b);
void cli_buf_free(cli_buf_t *b);
void cli_buf_reset(cli_buf_t *b);
/* Each returns 0, or -1 once out of memory (and stays failed). */
int cli_buf_add(cli_buf_t *b, const void *p, size_t n);
int cli_buf_adds(cli_buf_t *b, const char *s);
int cli_buf_printf(cli_buf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* s[0..n) as a JSON string, quotes included. Control characters are escaped.
 * Bytes that are not UTF-8 pass through when keep_invalid (the core then names
 * the field that holds them), else each becomes U+FFFD (text we write ourselves
 * must be valid JSON). */
int cli_buf_add_json_string(cli_buf_t *b, const char *s, size_t n, int keep_invalid);

/* Length of the well-formed UTF-8 sequence at p (1 to 4), or 0 when the bytes
 * there are not one (overlong forms and surrogates included). */
size_t cli_utf8_seq(const unsigned char *p, const unsigned char *end);

#endif
