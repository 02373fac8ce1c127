/* resume.h: where an import with a spool stands, kept in the spool directory
 * next to the core's files (which the core leaves alone) as `import-state`.
 * docs/design.md ("spoor import: resuming without sending twice") gives the
 * protocol; in short: every line before `line` is settled or in the spool, and
 * of the `pending` records from `line` on, some may be in the spool already.
 * `import-settled` (the journal) lists those of them that were settled (so are
 * no longer in the spool): one line number a line, appended before the core
 * settles them, emptied whenever the state moves past them. */
#ifndef SPOOR_CLI_RESUME_H
#define SPOOR_CLI_RESUME_H

#include <stddef.h>
#include <stdint.h>

#define CLI_RESUME_FILE "import-state"
#define CLI_JOURNAL_FILE "import-settled"

typedef struct {
    int present;        /* a state file was found */
    char sha256[65];    /* the imported file's content */
    uint64_t size;
    char format[8];     /* jsonl or csv */
    char type[32];      /* --type, or "" */
    char path[1024];    /* where the file was (for messages only) */
    uint64_t line;      /* the first record not known to be queued: its line number */
    uint64_t offset;    /*   and byte offset */
    uint64_t pending;   /* records from there that may already be queued */
    uint64_t rejected;  /* records refused as invalid before `line`, in every run */
    uint64_t failed;    /* events that failed to be delivered, in every run */
    int complete;       /* every record was queued and every event settled */
} cli_resume_t;

/* Read dir/import-state. 0 (st->present says whether there was one), or -1
 * when it cannot be read or is not a state file (err). */
int cli_resume_load(const char *dir, cli_resume_t *st, char *err, size_t size);

/* Replace dir/import-state with st, atomically (a temporary file renamed over
 * it); with sync, fsync'ed (file and directory) first. 0, or -1 (err). */
int cli_resume_save(const char *dir, const cli_resume_t *st, int sync, char *err, size_t size);

/* Open dir/import-settled for appending (created empty). The fd, or -1 (err). */
int cli_journal_open(const char *dir, char *err, size_t size);

/* The line numbers dir/import-settled lists (malloc'ed, *n of them; none when it
 * does not exist). 0, or -1 when it cannot be read (err). */
int cli_journal_read(const char *dir, uint64_t **lines, size_t *n, char *err, size_t size);

#endif
