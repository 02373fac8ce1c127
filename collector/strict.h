/* strict.h: what a batch must be before anything of it is stored, beyond what
 * cJSON checks. cJSON takes raw control characters (a NUL too) inside strings,
 * keeps both values of a repeated key and passes any byte through; the
 * collector stores the text it received, so text and tree must say the same
 * thing, and what it stores, answers and logs is UTF-8. */
#ifndef COLLECTOR_STRICT_H
#define COLLECTOR_STRICT_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* The offset of the first byte JSON does not allow raw (RFC 8259: U+0000 to
 * U+001F inside a string; outside, any of them but tab, LF and CR), or len. */
size_t strict_control_at(const char *text, size_t len);

/* Checks every object under v for a key given twice (compared after
 * unescaping) and, when utf8 is set, every key and string for well-formed
 * UTF-8. The walk does not descend into skip (may be NULL). 0, or -1 with
 * "path: rule" in err; the path of v itself is called root ("event", "body"). */
int strict_check(const cJSON *v, const char *root, const cJSON *skip, int utf8, char *err, size_t errsize);

/* Replaces every string and key under v that is not well-formed UTF-8 by its
 * repaired copy (see buf_append_utf8). -1 when out of memory. */
int strict_repair_utf8(cJSON *v);

#endif
