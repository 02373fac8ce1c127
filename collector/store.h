/* store.h: where the collector keeps what arrived. Two back ends sit behind this
 * one interface, SQLite (default) and ClickHouse (--clickhouse URL), so the HTTP
 * side does not care which one runs. A store is not thread-safe: the caller
 * holds one mutex around every call. */
#ifndef COLLECTOR_STORE_H
#define COLLECTOR_STORE_H

#include <stddef.h>

#include "buf.h"

/* One event of a batch, good or rejected. The strings are borrowed. */
typedef struct {
    const char *json;      /* the event's text exactly as received */
    size_t json_len;
    const char *event_id, *type, *event_name, *user_id, *anonymous_id, *profile_id, *timestamp;
    const char *received_at;
    const char *format;    /* the wire format it came in: "spoor" (v1) or "segment" */
    const char *error;     /* NULL: a valid event; else why it was rejected */
    int duplicate;         /* out: a valid event whose eventId was already stored */
} store_event_t;

/* Filters of /micro/good and /micro/bad; NULL or <0 means "any". */
typedef struct {
    const char *type, *event_name, *user_id, *format;
    long limit;            /* the latest `limit` events, still oldest first */
} store_filter_t;

typedef struct store store_t;

typedef struct {
    /* Stores one batch atomically: valid events are deduplicated by eventId
     * (duplicate set, not stored again), rejected ones kept apart with their
     * error. When it returns 0 the batch is durable. */
    int (*put)(store_t *s, store_event_t *events, size_t n, char *err, size_t errsize);
    /* Appends a JSON array to out: the stored events (bad = 0) or
     * [{"event":...,"error":...,"format":...}] (bad = 1), in arrival order. */
    int (*query)(store_t *s, int bad, const store_filter_t *f, textbuf_t *out, char *err, size_t errsize);
    int (*count)(store_t *s, long *good, long *bad, char *err, size_t errsize);
    int (*reset)(store_t *s, char *err, size_t errsize);
    void (*close)(store_t *s);
} store_ops_t;

struct store {
    const store_ops_t *ops;
};

/* path: a file name or ":memory:". NULL on failure, with the reason in err. */
store_t *store_sqlite_open(const char *path, char *err, size_t errsize);
/* url: ClickHouse's HTTP interface, e.g. http://127.0.0.1:8123 */
store_t *store_clickhouse_open(const char *url, char *err, size_t errsize);

#endif
