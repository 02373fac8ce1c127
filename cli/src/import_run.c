/* import_run.c: the import's record loop and its delivery callback, which
 * together keep the state file true to the spool (docs/design.md, "spoor import:
 * resuming without sending twice"):
 *
 *  - Before it queues a chunk of records, the loop saves the state "every
 *    record before line L is queued (or refused), some from L on may be".
 *  - The delivery callback runs before the core settles an event (moves the
 *    spool's cursor past it). For the events of the open chunk it first appends
 *    their lines to the journal (import-settled). So an event is never gone from
 *    the spool while neither the state nor the journal accounts for it.
 *  - On resume, the records of the open chunk are matched by eventId against
 *    what the spool replays, and by line against the journal: those are not
 *    queued again. */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "cli.h"
#include "import.h"
#include "stats.h"

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The line an event came from (lock held): 1 and *line, or 0 when unknown. */
static int line_of(const cli_import_t *x, const char *id, uint64_t *line) {
    uint64_t index;
    if (cli_event_id_line(&x->space, id, line) || cli_idmap_get(x->own_ids, id, line)) return 1;
    if (x->resume_ids && cli_idmap_get(x->resume_ids, id, &index)) { /* replayed, of the interrupted chunk */
        *line = x->resume_lines[index];
        return 1;
    }
    return 0;
}

/* Append the lines of the report's events that are of the open chunk to the
 * journal, in one write (lock held). 1 when done (or none is of the chunk); 0
 * when it cannot be: an event whose line is unknown, or a failed write. Then the
 * callback waits until the chunk is saved.
 * While the spool replays, the open chunk is the interrupted one: every record
 * of it is known (resume_ids), so an unknown event is of an earlier chunk; and
 * no one will save the chunk meanwhile, so a failed write stops the import. */
static int journal(cli_import_t *x, const spoor_delivery_report_t *r) {
    if (!x->chunk_open) return 1;
    textbuf_t *b = &x->journal_buf;
    textbuf_reset(b);
    uint64_t max = 0;
    for (size_t i = 0; i < r->count; i++) {
        uint64_t line;
        if (!line_of(x, r->event_ids[i], &line)) {
            if (x->replaying) continue;
            return 0;
        }
        if (line < x->chunk_line) continue;
        textbuf_printf(b, "%llu\n", (unsigned long long)line);
        if (line > max) max = line;
    }
    if (!b->len) return 1;
    if (b->failed || write(x->journal_fd, b->data, b->len) != (ssize_t)b->len) {
        if (!x->replaying) return 0;
        if (!x->io_error) cli_say("spoor import: %s/%s: cannot write", x->spool_dir, CLI_JOURNAL_FILE);
        x->io_error = 1;
        return 1;
    }
    if (max > x->journal_max) x->journal_max = max;
    return 1;
}

static void save(cli_import_t *x, int moved);

static void show_error(cli_import_t *x, uint64_t line, const char *what, const char *error) {
    uint64_t n = ADD(x->errors_shown, 1);
    if (n <= x->max_errors) {
        if (line) cli_say("spoor import: line %llu: %s%s", (unsigned long long)line, what, error);
        else cli_say("spoor import: %s%s", what, error);
    }
    if (n == x->max_errors + 1)
        cli_say("spoor import: more errors are counted but not shown%s", x->rejects ? " (see the rejects file)" : "");
}

void cli_import_on_delivery(const spoor_delivery_report_t *r, void *opaque) {
    cli_import_t *x = opaque;
    char err[600];
    pthread_mutex_lock(&x->lock);
    for (size_t i = 0; x->resume_ids && i < r->count; i++) {
        uint64_t index;
        if (cli_idmap_get(x->resume_ids, r->event_ids[i], &index)) x->resume_seen[index] = 1;
    }
    while (!journal(x, r)) pthread_cond_wait(&x->cond, &x->lock);
    for (size_t i = 0; i < r->count; i++) {
        uint64_t line = 0;
        if (!line_of(x, r->event_ids[i], &line)) line = 0;
        cli_idmap_del(x->own_ids, r->event_ids[i]);
        if (r->err == SPOOR_OK) continue;
        if (x->rejects && !x->io_error &&
            cli_rejects_add(x->rejects, line, r->reason, NULL, 0, r->events[i], strlen(r->events[i]), err, sizeof err)) {
            x->io_error = 1;
            cli_say("spoor import: %s", err);
        }
        show_error(x, line, "not delivered: ", r->reason);
    }
    if (r->err == SPOOR_OK) {
        ADD(x->sent, r->count);
    } else { /* saved before the core settles them: a resume counts them once */
        ADD(x->failed, r->count);
        x->state.failed += r->count;
        save(x, 0);
    }
    pthread_cond_broadcast(&x->cond); /* room in the queue */
    pthread_mutex_unlock(&x->lock);
}

void cli_import_reject(cli_import_t *x, uint64_t line, const char *error, const char *input, size_t len) {
    char err[600];
    ADD(x->rejected, 1);
    pthread_mutex_lock(&x->lock);
    x->chunk_rejected++;
    if (x->rejects && !x->io_error && cli_rejects_add(x->rejects, line, error, input, len, NULL, 0, err, sizeof err)) {
        x->io_error = 1;
        cli_say("spoor import: %s", err);
    }
    pthread_mutex_unlock(&x->lock);
    show_error(x, line, "", error);
}

/* Save where the import stands (lock held); on failure stop the import. With
 * moved (the state moved to a chunk's start), a journal whose lines are all
 * behind the state is of no use: emptied. (On resume the first chunk opens where
 * the interrupted one did, and the journal's lines for it still count.) */
static void save(cli_import_t *x, int moved) {
    char err[600];
    if (!x->spool_dir || x->io_error) return;
    if (cli_resume_save(x->spool_dir, &x->state, x->sync_state, err, sizeof err)) {
        x->io_error = 1;
        cli_say("spoor import: %s", err);
        return;
    }
    if (moved && x->journal_max && x->state.line > x->journal_max && ftruncate(x->journal_fd, 0) == 0)
        x->journal_max = 0;
}

/* From here on, records from line on may be queued (pending: up to a chunk). */
static void open_chunk(cli_import_t *x, uint64_t line, uint64_t offset) {
    pthread_mutex_lock(&x->lock);
    x->state.line = line;
    x->state.offset = offset;
    x->state.pending = x->chunk;
    x->state.rejected += x->chunk_rejected;
    x->chunk_rejected = 0;
    save(x, 1);
    x->chunk_open = x->spool_dir && !x->io_error;
    x->chunk_line = line;
    pthread_cond_broadcast(&x->cond); /* events of the chunk before may go on */
    pthread_mutex_unlock(&x->lock);
}

/* Every record before line is queued or refused; none after is. */
static void close_chunk(cli_import_t *x, uint64_t line, uint64_t offset) {
    pthread_mutex_lock(&x->lock);
    x->state.line = line;
    x->state.offset = offset;
    x->state.pending = 0;
    x->state.rejected += x->chunk_rejected;
    x->chunk_rejected = 0;
    save(x, 1);
    x->chunk_open = 0;
    pthread_cond_broadcast(&x->cond);
    pthread_mutex_unlock(&x->lock);
}

/* Wait until the queue has room for a chunk. 0, or -1 when interrupted. */
static int wait_for_room(cli_import_t *x) {
    for (;;) {
        spoor_stats_t st;
        cli_stats_read(x->client, &st);
        if (st.queued <= x->queue_limit) return 0;
        if (cli_interrupted()) return -1;
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_nsec += 50 * 1000000L;
        if (until.tv_nsec >= 1000000000L) until.tv_sec++, until.tv_nsec -= 1000000000L;
        pthread_mutex_lock(&x->lock);
        pthread_cond_timedwait(&x->cond, &x->lock, &until);
        pthread_mutex_unlock(&x->lock);
    }
}

static int room_needed(cli_import_t *x) {
    spoor_stats_t st;
    cli_stats_read(x->client, &st);
    return st.queued > x->queue_limit;
}

int cli_import_run(cli_import_t *x) {
    cli_record_t rec;
    cli_message_t msg;
    char err[600];
    uint64_t in_chunk = x->chunk, index = 0;
    int rc = 0;
    for (;;) {
        if (cli_interrupted()) {
            x->interrupted = 1;
            break;
        }
        if (x->io_error) {
            rc = CLI_EXIT_IOERR;
            break;
        }
        if (in_chunk >= x->chunk) { /* a chunk boundary: save the state */
            uint64_t line = cli_input_line(x->in), offset = cli_input_offset(x->in);
            if (room_needed(x)) { /* the worker must be free to settle while we wait */
                close_chunk(x, line, offset);
                if (wait_for_room(x)) continue;
            }
            open_chunk(x, line, offset);
            in_chunk = 0;
            continue;
        }
        int got = cli_input_next(x->in, &rec, err, sizeof err);
        if (got < 0) {
            cli_say("spoor import: %s: %s", x->path, err);
            rc = CLI_EXIT_IOERR;
            break;
        }
        if (!got) break;
        in_chunk++;
        ADD(x->records, 1);
        __atomic_store_n(&x->bytes, cli_input_offset(x->in) - x->start_offset, __ATOMIC_RELAXED);
        uint64_t i = index++;
        if (i < x->resume_count && x->resume_seen[i]) { /* the spool held it: it was sent on replay */
            ADD(x->skipped, 1);
            continue;
        }
        if (rec.too_long) {
            cli_import_reject(x, rec.line, "longer than 64 MiB (skipped)", rec.text, rec.len);
            continue;
        }
        if (cli_messages_build(x->messages, rec.text, rec.len, rec.line, &msg, err, sizeof err)) {
            cli_import_reject(x, rec.line, err, rec.text, rec.len);
            continue;
        }
        if (msg.own_id) { /* before it is queued: its report may come at once */
            pthread_mutex_lock(&x->lock);
            cli_idmap_put(x->own_ids, msg.id, rec.line);
            pthread_mutex_unlock(&x->lock);
        }
        spoor_err_t e = spoor_enqueue(x->client, msg.text);
        if (e == SPOOR_OK) continue;
        const char *why = spoor_last_error();
        if (msg.own_id) {
            pthread_mutex_lock(&x->lock);
            cli_idmap_del(x->own_ids, msg.id);
            pthread_mutex_unlock(&x->lock);
        }
        cli_import_reject(x, rec.line, why, rec.text, rec.len);
        if (e != SPOOR_ERR_INVALID && e != SPOOR_ERR_TOO_LARGE) { /* not the line's fault: stop */
            rc = CLI_EXIT_SOFTWARE;
            break;
        }
    }
    close_chunk(x, cli_input_line(x->in), cli_input_offset(x->in));
    return rc ? rc : x->io_error ? CLI_EXIT_IOERR : 0;
}

/* Flush until everything queued is settled. 0, or -1 when interrupted. */
static int wait_settled(cli_import_t *x) {
    while (spoor_flush(x->client, 200) == SPOOR_ERR_TIMED_OUT)
        if (cli_interrupted()) {
            x->interrupted = 1;
            return -1;
        }
    return 0;
}

int cli_import_replay(cli_import_t *x) {
    spoor_stats_t st;
    cli_stats_read(x->client, &st);
    if (st.replayed) {
        static char phase[160];
        char n[32];
        cli_format_count(st.replayed, n);
        snprintf(phase, sizeof phase, "sending the %s events the spool kept from before", n);
        __atomic_store_n(&x->phase, phase, __ATOMIC_RELAXED);
        if (wait_settled(x)) return 0;
        __atomic_store_n(&x->phase, NULL, __ATOMIC_RELAXED);
    }
    pthread_mutex_lock(&x->lock);
    cli_idmap_free(x->resume_ids); /* replayed events are all reported: the marks are final */
    x->resume_ids = NULL;
    x->replaying = 0;
    x->chunk_open = 0; /* the record loop opens it again where it was */
    pthread_mutex_unlock(&x->lock);
    return x->io_error ? CLI_EXIT_IOERR : 0;
}

int cli_import_finish(cli_import_t *x) {
    __atomic_store_n(&x->phase, "waiting for the last events to be delivered", __ATOMIC_RELAXED);
    return wait_settled(x);
}
