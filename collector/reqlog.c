/* reqlog.c: a ring of the last REQLOG_KEEP ingestion requests (see reqlog.h). */
#include <pthread.h>
#include <stdlib.h>

#include "reqlog.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cJSON *ring[REQLOG_KEEP];
static size_t next, used;

void reqlog_add(const char *path, int status, cJSON *headers, long events, size_t bytes, int gzip, long long at_ms) {
    cJSON *e = cJSON_CreateObject();
    if (!e) {
        cJSON_Delete(headers);
        return;
    }
    cJSON_AddStringToObject(e, "path", path);
    cJSON_AddNumberToObject(e, "status", status);
    cJSON_AddItemToObject(e, "headers", headers ? headers : cJSON_CreateObject());
    cJSON_AddNumberToObject(e, "events", (double)events);
    cJSON_AddNumberToObject(e, "bytes", (double)bytes);
    cJSON_AddBoolToObject(e, "gzip", gzip);
    cJSON_AddNumberToObject(e, "at", (double)at_ms);
    pthread_mutex_lock(&lock);
    cJSON_Delete(ring[next]);
    ring[next] = e;
    next = (next + 1) % REQLOG_KEEP;
    if (used < REQLOG_KEEP) used++;
    pthread_mutex_unlock(&lock);
}

char *reqlog_json(long limit) {
    cJSON *list = cJSON_CreateArray();
    pthread_mutex_lock(&lock);
    size_t n = limit < 0 || (size_t)limit > used ? used : (size_t)limit;
    for (size_t k = n; k > 0; k--) {
        size_t i = (next + REQLOG_KEEP - k) % REQLOG_KEEP;
        cJSON_AddItemToArray(list, cJSON_Duplicate(ring[i], 1));
    }
    pthread_mutex_unlock(&lock);
    char *text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    return text;
}

void reqlog_clear(void) {
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < REQLOG_KEEP; i++) {
        cJSON_Delete(ring[i]);
        ring[i] = NULL;
    }
    next = used = 0;
    pthread_mutex_unlock(&lock);
}
