/* reqlog.h: the last ingestion requests (POST /v1/batch, and Segment's
 * single-message paths) as the collector saw them, so tests
 * can check what a client sent (User-Agent, auth and signature headers, gzip)
 * and how often it retried. Credentials are kept only as fingerprints (mask.h). */
#ifndef COLLECTOR_REQLOG_H
#define COLLECTOR_REQLOG_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define REQLOG_KEEP 1000

/* Records one request to path; takes ownership of headers (an object of
 * lowercased name: value). status 0 means the connection was cut without an
 * answer. at_ms: when the request arrived, in milliseconds of CLOCK_MONOTONIC. */
void reqlog_add(const char *path, int status, cJSON *headers, long events, size_t bytes, int gzip, long long at_ms);
/* The last `limit` entries (all kept when < 0), oldest first, as a JSON array
 * the caller frees. */
char *reqlog_json(long limit);
void reqlog_clear(void);

#endif
