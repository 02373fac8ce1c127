/* fetch.h: one GET of the server's schema registry (fetch.c), for the Get APIs and
 * for schemas_from (schemas.c). */
#ifndef SPOOR_FETCH_H
#define SPOOR_FETCH_H

#include "internal.h"

/* GET {host}{path} on t (ended early when *cancel becomes non-zero and t is woken)
 * and check that the answer is a JSON object of well-formed UTF-8. On success the
 * parsed answer goes to *doc and/or its text to *text (either may be NULL; both
 * the caller's); else an error "op: why" (HTTP status, the answer quoted, and
 * not_found as the hint of a 404), set as this thread's last error. */
spoor_err_t spoor__fetch_json(spoor_client_t *c, spoor_transport_t *t, const int *cancel, const char *op,
                              const char *path, const char *not_found, cJSON **doc, char **text);

#endif
