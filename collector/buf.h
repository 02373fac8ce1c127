/* buf.h: the collector's writers on the shared growable buffer (textbuf.h, the
 * one the spoor command uses too): text that is UTF-8 whatever it was sent, JSON
 * string literals, and handing the text over. */
#ifndef COLLECTOR_BUF_H
#define COLLECTOR_BUF_H

#include <stddef.h>

#include "textbuf.h"

/* Appends s[0..len) with each byte that is not part of a well-formed UTF-8
 * sequence replaced by U+FFFD, so what the collector stores, answers and shows
 * is UTF-8 whatever it was sent. */
int buf_append_utf8(textbuf_t *b, const char *s, size_t len);
/* Appends s as a JSON string literal (quotes and escapes included, invalid
 * UTF-8 as \ufffd); NULL as null. */
int buf_json_string(textbuf_t *b, const char *s);
/* The same for s[0..len), which need not be NUL-terminated. */
int buf_json_stringn(textbuf_t *b, const char *s, size_t len);
/* Hands the data over to the caller (to free()) and leaves b empty. Never NULL
 * unless out of memory. */
char *buf_steal(textbuf_t *b, size_t *len);

#endif
