/* schemas.h: the collection schemas a client checks recordEvent against: the
 * collection_schemas setting, or what schemas_from fetches from the server's
 * schema registry, refreshed on a thread of its own (schemas.c). */
#ifndef SPOOR_SCHEMAS_H
#define SPOOR_SCHEMAS_H

#include "internal.h"

typedef struct spoor_schema_set_s spoor_schema_set_t;
typedef struct spoor_schemas_s spoor_schemas_t;

/* The schemas to check a record against now ({collection: {field: type}}, or NULL
 * for none), valid until spoor__schemas_release(*held): a refresh may replace
 * them meanwhile, and frees them only once the last holder is done. */
const cJSON *spoor__schemas_hold(spoor_client_t *c, spoor_schema_set_t **held);
void spoor__schemas_release(spoor_schema_set_t *held);

/* With schemas_from set: start the thread that fetches them and wait up to
 * schemas_wait for its first fetch (however it ends). SPOOR_OK without it. */
spoor_err_t spoor__schemas_start(spoor_client_t *c);
/* Stop that thread (a fetch in flight is cut short); the last set stays in use. */
void spoor__schemas_stop(spoor_client_t *c);
/* Stop it and free everything schemas_from holds. */
void spoor__schemas_free(spoor_client_t *c);

/* fork(): the prepare and parent phases take and give back the lock; the child's
 * starts afresh (the thread did not survive) and returns the parent's transport,
 * which the child must never use or free. */
typedef enum { SPOOR__FORK_PREPARE, SPOOR__FORK_PARENT, SPOOR__FORK_CHILD } spoor_fork_phase_t;
spoor_transport_t *spoor__schemas_fork(spoor_client_t *c, spoor_fork_phase_t phase);

#endif
