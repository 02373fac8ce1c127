/* faults.c: the queue of injected misbehaviours (see faults.h). */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "faults.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t stop_cond;
static fault_t queue[FAULT_MAX_QUEUE];
static size_t queued;
static int stopping;

void faults_init(void) {
    /* CLOCK_MONOTONIC: a delay is not stretched or cut by a clock change. */
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&stop_cond, &attr);
    pthread_condattr_destroy(&attr);
}

static int check(const fault_t *f, char *err, size_t errsize) {
    if (f->count < 1 || f->count > FAULT_MAX_COUNT)
        return snprintf(err, errsize, "count: required, 1..%d", FAULT_MAX_COUNT), -1;
    if (f->status && (f->status < 100 || f->status > 599))
        return snprintf(err, errsize, "status: must be an HTTP status, 100..599"), -1;
    if (f->delay_ms < 0 || f->delay_ms > FAULT_MAX_DELAY_MS)
        return snprintf(err, errsize, "delayMs: must be 0..%d", FAULT_MAX_DELAY_MS), -1;
    if (f->retry_after > 86400)
        return snprintf(err, errsize, "retryAfter: must be 0..86400 seconds"), -1;
    if (!f->status && !f->delay_ms && !f->cut)
        return snprintf(err, errsize, "fault: needs status, delayMs or cut"), -1;
    return 0;
}

/* Reads an integer field; missing leaves *out. -1 when present but not a number. */
static int int_field(const cJSON *o, const char *key, int *out, char *err, size_t errsize) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    if (!v) return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble < -1e9 || v->valuedouble > 1e9 ||
        v->valuedouble != (double)(int)v->valuedouble)
        return snprintf(err, errsize, "%s: must be an integer", key), -1;
    *out = v->valueint;
    return 0;
}

static int parse_one(const cJSON *o, fault_t *f, char *err, size_t errsize) {
    *f = (fault_t){.retry_after = -1};
    if (!cJSON_IsObject(o)) return snprintf(err, errsize, "fault: must be an object"), -1;
    const cJSON *cut = cJSON_GetObjectItemCaseSensitive(o, "cut");
    if (cJSON_IsString(cut) && !strcmp(cut->valuestring, "after-store"))
        f->cut = FAULT_CUT_AFTER_STORE;
    else if (cut && !cJSON_IsBool(cut))
        return snprintf(err, errsize, "cut: must be a boolean or \"after-store\""), -1;
    else
        f->cut = cJSON_IsTrue(cut) ? FAULT_CUT_BEFORE_STORE : 0;
    if (int_field(o, "status", &f->status, err, errsize) ||
        int_field(o, "retryAfter", &f->retry_after, err, errsize) ||
        int_field(o, "delayMs", &f->delay_ms, err, errsize) ||
        int_field(o, "count", &f->count, err, errsize))
        return -1;
    return check(f, err, errsize);
}

int faults_set(const cJSON *spec, char *err, size_t errsize) {
    fault_t parsed[FAULT_MAX_QUEUE];
    size_t n = 0;
    if (cJSON_IsArray(spec)) {
        if (cJSON_GetArraySize(spec) > FAULT_MAX_QUEUE)
            return snprintf(err, errsize, "faults: at most %d", FAULT_MAX_QUEUE), -1;
        const cJSON *o;
        cJSON_ArrayForEach(o, spec) if (parse_one(o, &parsed[n++], err, errsize)) return -1;
    } else if (cJSON_IsObject(spec) && spec->child) {
        if (parse_one(spec, &parsed[n++], err, errsize)) return -1;
    } else if (!cJSON_IsObject(spec)) {
        return snprintf(err, errsize, "fault: must be an object or a list of objects"), -1;
    }
    pthread_mutex_lock(&lock);
    memcpy(queue, parsed, n * sizeof *parsed);
    queued = n;
    pthread_mutex_unlock(&lock);
    return 0;
}

int faults_push(const fault_t *f, char *err, size_t errsize) {
    if (check(f, err, errsize)) return -1;
    pthread_mutex_lock(&lock);
    int full = queued == FAULT_MAX_QUEUE;
    if (!full) queue[queued++] = *f;
    pthread_mutex_unlock(&lock);
    if (full) snprintf(err, errsize, "faults: at most %d", FAULT_MAX_QUEUE);
    return full ? -1 : 0;
}

void faults_clear(void) {
    pthread_mutex_lock(&lock);
    queued = 0;
    pthread_mutex_unlock(&lock);
}

int faults_take(fault_t *out) {
    pthread_mutex_lock(&lock);
    int have = queued > 0;
    if (have) {
        *out = queue[0];
        if (--queue[0].count == 0) memmove(queue, queue + 1, --queued * sizeof *queue);
    }
    pthread_mutex_unlock(&lock);
    return have;
}

void faults_sleep(int ms) {
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&lock);
    while (!stopping && pthread_cond_timedwait(&stop_cond, &lock, &until) != ETIMEDOUT) {
    }
    pthread_mutex_unlock(&lock);
}

void faults_shutdown(void) {
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_broadcast(&stop_cond);
    pthread_mutex_unlock(&lock);
}

char *faults_describe(void) {
    cJSON *list = cJSON_CreateArray();
    pthread_mutex_lock(&lock);
    for (size_t i = 0; i < queued; i++) {
        cJSON *o = cJSON_CreateObject();
        if (queue[i].status) cJSON_AddNumberToObject(o, "status", queue[i].status);
        if (queue[i].retry_after >= 0) cJSON_AddNumberToObject(o, "retryAfter", queue[i].retry_after);
        if (queue[i].delay_ms) cJSON_AddNumberToObject(o, "delayMs", queue[i].delay_ms);
        if (queue[i].cut == FAULT_CUT_AFTER_STORE) cJSON_AddStringToObject(o, "cut", "after-store");
        else if (queue[i].cut) cJSON_AddTrueToObject(o, "cut");
        cJSON_AddNumberToObject(o, "count", queue[i].count);
        cJSON_AddItemToArray(list, o);
    }
    pthread_mutex_unlock(&lock);
    char *text = cJSON_PrintUnformatted(list);
    cJSON_Delete(list);
    return text;
}
