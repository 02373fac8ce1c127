/* faults.h: misbehaviour on request, so tests can prove clients lose nothing.
 * A fault applies to the next `count` POST /v1/batch requests and then stops by
 * itself; a list of faults runs one after another. */
#ifndef COLLECTOR_FAULTS_H
#define COLLECTOR_FAULTS_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define FAULT_MAX_COUNT 10000
#define FAULT_MAX_DELAY_MS 60000
#define FAULT_MAX_QUEUE 32

/* fault_t.cut: 0, or how the connection is closed without an answer. */
#define FAULT_CUT_BEFORE_STORE 1 /* "cut": true: nothing of the batch is stored */
#define FAULT_CUT_AFTER_STORE 2  /* "cut": "after-store": the batch is stored (committed) first */

typedef struct {
    int status;      /* answer this status without storing; 0: none */
    int retry_after; /* seconds for a Retry-After header; -1: none */
    int delay_ms;    /* wait this long first; 0: none */
    int cut;         /* close the connection without an answer: FAULT_CUT_* */
    int count;       /* requests left */
} fault_t;

void faults_init(void);
/* Replaces the queued faults with spec: one object, a list of them, or {} to
 * clear. -1 and a message when a field is out of range (nothing changes). */
int faults_set(const cJSON *spec, char *err, size_t errsize);
/* Queues one fault (the startup flags use this). */
int faults_push(const fault_t *f, char *err, size_t errsize);
void faults_clear(void);
/* Called once per POST /v1/batch: 1 and the fault to apply, or 0. */
int faults_take(fault_t *out);
/* Sleeps ms, returning early once faults_shutdown() is called, so a delayed
 * request never holds up a shutdown for long. */
void faults_sleep(int ms);
void faults_shutdown(void);
/* The faults still queued, as a JSON array (caller frees). */
char *faults_describe(void);

#endif
