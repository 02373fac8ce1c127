/* jsonscan.h: where a top-level member's value lies in the text of a JSON
 * object, so the import can put an eventId in place of a null one without
 * writing the rest of the line again (a re-serialisation could change how its
 * numbers are spelled). */
#ifndef SPOOR_CLI_JSONSCAN_H
#define SPOOR_CLI_JSONSCAN_H

#include <stddef.h>

/* In the object text p[0..n) (valid JSON), the span of the value of the member
 * whose key is spelled exactly key (without escapes): 1 and *start, *len; 0 when
 * there is none. */
int cli_json_member_span(const char *p, size_t n, const char *key, size_t *start, size_t *len);

#endif
