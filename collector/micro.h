/* micro.h: the /micro/... routes, Snowplow Micro's way of letting a person or a
 * test look at what arrived, reset it, and order misbehaviour. */
#ifndef COLLECTOR_MICRO_H
#define COLLECTOR_MICRO_H

#include <stddef.h>

#include "app.h"

/* Query arguments of the request (NULL when absent). */
typedef struct {
    const char *type, *event_name, *user_id, *limit, *format;
} micro_args_t;

/* Answers one /micro/... request (404 for an unknown path, 405 for a wrong method). */
void micro_handle(app_t *app, const char *method, const char *path, const micro_args_t *args,
                  const char *body, size_t len, reply_t *r);

#endif
