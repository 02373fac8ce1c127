/* json.h: parsing JSON that comes from outside, with a size and a depth limit.
 *
 * cJSON recurses once per nesting level; deeply nested input exhausts its stack
 * (a 2026 CVE against cJSON through 1.7.19), so the depth is checked first by a
 * linear scan that never recurses. */
#ifndef SPOOR_JSON_H
#define SPOOR_JSON_H

#include <stddef.h>
#include <string.h>
#include <cjson/cJSON.h>

#define SPOOR_JSON_MAX_DEPTH 64
/* A request body the client sends, and a server must take: an event nests up to
 * two levels deeper than the argument it was built from (recordEvent's fields go
 * under "properties"), and the body two more ({"batch":[...]}). */
#define SPOOR_JSON_MAX_BODY_DEPTH (SPOOR_JSON_MAX_DEPTH + 4)

/* Parse text[0..len) as one JSON value. Fails (NULL, message in err) when len
 * exceeds max_bytes (0: no limit), nesting exceeds max_depth, or the text is not
 * JSON. `what` names the input in the message ("event", "body"). */
cJSON *spoor__json_parse(const char *text, size_t len, size_t max_bytes, int max_depth,
                         const char *what, char *err, size_t errsize);

/* The deepest nesting of objects and arrays in text, or -1 when it passes limit;
 * *nul_escape is set when a string holds \u0000. */
int spoor__json_depth(const char *text, size_t len, int limit, int *nul_escape);

/* Write v as compact JSON text, byte for byte what cJSON_PrintUnformatted writes,
 * except numbers: the shortest text that reads back as the same double (integers
 * up to 2^53 as integers). One growing buffer, no per-node allocation.
 * Returns a malloc'd NUL-terminated text and its length, or NULL. */
char *spoor__json_write(const cJSON *v, size_t *len);
/* The same, with the NUL-terminated tail stored after the text's NUL (one
 * allocation for an event and its id: see SPOOR_ITEM_ID). */
char *spoor__json_write_tail(const cJSON *v, const char *tail, size_t *len);

/* A growing buffer that JSON text is written into: the event writer's, and the
 * one-pass builder's (fastpath.c). `failed` is set when growing it failed; later
 * writes then do nothing. Start it with a malloc'd p of cap bytes. */
typedef struct {
    char *p;
    size_t len, cap;
    int failed;
} spoor_jbuf_t;
/* Room for n more bytes (sets failed when realloc fails). */
void spoor__jbuf_grow(spoor_jbuf_t *w, size_t n);
/* Inline: the one-pass build puts about twenty pieces per event. */
static inline void spoor__jbuf_put(spoor_jbuf_t *w, const char *s, size_t n) {
    if (w->len + n >= w->cap) spoor__jbuf_grow(w, n);
    if (w->failed) return;
    memcpy(w->p + w->len, s, n);
    w->len += n;
}
/* How the writer writes each byte in a string: 0 as it is, 'u' as \u00XX, else
 * a backslash and that letter (\" \\ \b \f \n \r \t). */
extern const unsigned char spoor__json_escape[256];
/* s as a JSON string, escaped as cJSON escapes it (\" \\ \b \f \n \r \t, other
 * bytes below 0x20 as \u00XX, all else as it is). */
void spoor__jbuf_string(spoor_jbuf_t *w, const char *s);

/* The number text described above into out (at least 32 bytes). */
void spoor__json_number(double v, char *out);

#endif
