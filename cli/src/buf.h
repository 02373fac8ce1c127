/* buf.h: the command's text buffer (textbuf.h) and its JSON string writing. */
#ifndef SPOOR_CLI_BUF_H
#define SPOOR_CLI_BUF_H

#include <stddef.h>

#include "textbuf.h"

/* s[0..n) as a JSON string, quotes included. Control characters are escaped.
 * Bytes that are not UTF-8 pass through when keep_invalid (the core then names
 * the field that holds them), else each becomes U+FFFD (text we write ourselves
 * must be valid JSON). */
int cli_buf_add_json_string(textbuf_t *b, const char *s, size_t n, int keep_invalid);

#endif
