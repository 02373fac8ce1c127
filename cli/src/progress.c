/* progress.c: the import's progress display and messages (progress.h). */
#include "progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wake;
static pthread_t thread;
static int running, stopping, bar_shown;
static cli_progress_mode_t mode;
static double interval;
static cli_snapshot_fn snapshot;
static void *snapshot_opaque;

void cli_format_count(uint64_t n, char out[32]) {
    char digits[24];
    int len = snprintf(digits, sizeof digits, "%llu", (unsigned long long)n), o = 0;
    for (int i = 0; i < len; i++) {
        if (i && (len - i) % 3 == 0) out[o++] = ',';
        out[o++] = digits[i];
    }
    out[o] = '\0';
}

void cli_format_duration(double seconds, char out[32]) {
    if (seconds < 0) seconds = 0;
    unsigned long s = (unsigned long)(seconds + 0.5);
    if (s < 60) snprintf(out, 32, "%lu s", s);
    else if (s < 3600) snprintf(out, 32, "%lu:%02lu", s / 60, s % 60);
    else snprintf(out, 32, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
}

/* "450,123 lines, 52,341/s" and, with a known total, the percentage and time left. */
static void measures(const cli_progress_snapshot_t *s, int *percent, char *rate, char *left) {
    double r = s->elapsed > 0 ? (double)s->records / s->elapsed : 0;
    cli_format_count((uint64_t)(r + 0.5), rate);
    *percent = -1;
    left[0] = '\0';
    if (s->total_bytes) {
        *percent = (int)(100.0 * (double)s->bytes / (double)s->total_bytes);
        if (*percent > 100) *percent = 100;
        double byte_rate = s->elapsed > 0 ? (double)s->bytes / s->elapsed : 0;
        if (byte_rate > 0 && s->bytes < s->total_bytes)
            cli_format_duration((double)(s->total_bytes - s->bytes) / byte_rate, left);
        else if (s->bytes >= s->total_bytes)
            snprintf(left, 32, "0 s");
    }
}

static void outcome(const cli_progress_snapshot_t *s, char *out, size_t size) {
    char sent[32], rejected[32], failed[32];
    cli_format_count(s->sent, sent);
    cli_format_count(s->rejected, rejected);
    cli_format_count(s->failed, failed);
    snprintf(out, size, "sent %s, rejected %s, failed %s", sent, rejected, failed);
}

void cli_progress_format_bar(const cli_progress_snapshot_t *s, int width, char *out, size_t size) {
    char records[32], rate[32], left[32], tail[256], result[128];
    int percent;
    measures(s, &percent, rate, left);
    cli_format_count(s->records, records);
    outcome(s, result, sizeof result);
    if (s->phase) snprintf(tail, sizeof tail, " %s lines | %s; %s", records, s->phase, result);
    else if (left[0]) snprintf(tail, sizeof tail, " %s lines %s/s %s left | %s", records, rate, left, result);
    else snprintf(tail, sizeof tail, " %s lines %s/s | %s", records, rate, result);
    if (width < 20) width = 20;
    if (size < 2) return;
    int room = width - 1 - (int)strlen(tail) - 7; /* "100% [" and "]" */
    if (percent < 0 || room < 10) { /* no total, or no room for a bar: the text alone */
        snprintf(out, size, "%.*s", width - 1, tail + 1);
        return;
    }
    if (room > 50) room = 50;
    int fill = percent * room / 100;
    char bar[64];
    for (int i = 0; i < room; i++) bar[i] = i < fill ? '#' : '.';
    bar[room] = '\0';
    snprintf(out, size, "%3d%% [%s]%s", percent, bar, tail);
}

void cli_progress_format_line(const cli_progress_snapshot_t *s, char *out, size_t size) {
    char records[32], rate[32], left[32], result[128], took[32];
    int percent;
    measures(s, &percent, rate, left);
    cli_format_count(s->records, records);
    outcome(s, result, sizeof result);
    cli_format_duration(s->elapsed, took);
    if (s->phase) snprintf(out, size, "spoor import: %s (%s); %s", s->phase, took, result);
    else if (percent >= 0)
        snprintf(out, size, "spoor import: %d%%, %s lines in %s (%s lines/s, about %s left); %s", percent, records, took,
                 rate, left[0] ? left : "?", result);
    else snprintf(out, size, "spoor import: %s lines in %s (%s lines/s); %s", records, took, rate, result);
}

static int terminal_width(void) {
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

static void clear_bar(void) { /* lock held */
    if (bar_shown) fputs("\r\033[K", stderr);
    bar_shown = 0;
}

void cli_say(const char *fmt, ...) {
    va_list ap;
    pthread_mutex_lock(&lock);
    clear_bar();
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
    pthread_mutex_unlock(&lock);
}

static void show(void) { /* lock held */
    cli_progress_snapshot_t s;
    char text[512];
    memset(&s, 0, sizeof s);
    snapshot(&s, snapshot_opaque);
    if (mode == CLI_PROGRESS_BAR) {
        cli_progress_format_bar(&s, terminal_width(), text, sizeof text);
        fprintf(stderr, "\r%s\033[K", text);
        bar_shown = 1;
    } else {
        cli_progress_format_line(&s, text, sizeof text);
        fprintf(stderr, "%s\n", text);
    }
    fflush(stderr);
}

static void *run(void *arg) {
    (void)arg;
    pthread_mutex_lock(&lock);
    while (!stopping) {
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        double step = mode == CLI_PROGRESS_BAR ? 0.2 : interval;
        until.tv_sec += (time_t)step;
        until.tv_nsec += (long)((step - (double)(time_t)step) * 1e9);
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        while (!stopping && pthread_cond_timedwait(&wake, &lock, &until) == 0) {
        }
        if (!stopping) show();
    }
    clear_bar();
    fflush(stderr);
    pthread_mutex_unlock(&lock);
    return NULL;
}

int cli_progress_start(cli_progress_mode_t m, double every, cli_snapshot_fn fn, void *opaque) {
    if (m == CLI_PROGRESS_NONE) return 0;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&wake, &attr);
    pthread_condattr_destroy(&attr);
    mode = m;
    interval = every > 0.05 ? every : 0.05;
    snapshot = fn;
    snapshot_opaque = opaque;
    stopping = 0;
    if (pthread_create(&thread, NULL, run, NULL)) return -1;
    running = 1;
    return 0;
}

void cli_progress_stop(void) {
    if (!running) return;
    pthread_mutex_lock(&lock);
    stopping = 1;
    pthread_cond_signal(&wake);
    pthread_mutex_unlock(&lock);
    pthread_join(thread, NULL);
    pthread_cond_destroy(&wake);
    running = 0;
}
