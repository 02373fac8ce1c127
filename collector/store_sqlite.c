/* store_sqlite.c: the default store. Every batch is one transaction, committed
 * (synchronous=FULL) before the collector answers 200, so an acknowledged event
 * survives a crash. eventId is UNIQUE: INSERT OR IGNORE both stores and
 * deduplicates, also against events stored before a restart. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store.h"

typedef struct {
    store_t base;
    sqlite3 *db;
    int is_file;
    sqlite3_stmt *insert_good, *insert_bad;
} sqlite_store_t;

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS events ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT," /* arrival order */
    " eventId TEXT NOT NULL UNIQUE, type TEXT, eventName TEXT, userId TEXT,"
    " anonymousId TEXT, profileId TEXT, timestamp TEXT, received_at TEXT NOT NULL,"
    " json TEXT NOT NULL, format TEXT NOT NULL DEFAULT 'spoor');"
    "CREATE TABLE IF NOT EXISTS rejected ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " eventId TEXT, type TEXT, eventName TEXT, userId TEXT, anonymousId TEXT,"
    " profileId TEXT, timestamp TEXT, received_at TEXT NOT NULL, error TEXT NOT NULL,"
    " json TEXT NOT NULL, format TEXT NOT NULL DEFAULT 'spoor');";

/* Same column order in both tables, so one binder serves both. */
#define COLUMNS "eventId, type, eventName, userId, anonymousId, profileId, timestamp, received_at, format, json"

static int fail(sqlite_store_t *s, const char *what, char *err, size_t errsize) {
    snprintf(err, errsize, "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
    return -1;
}

static int exec(sqlite_store_t *s, const char *sql, char *err, size_t errsize) {
    return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : fail(s, sql, err, errsize);
}

static void bind_text(sqlite3_stmt *st, int i, const char *v) {
    if (v) sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else sqlite3_bind_null(st, i);
}

static int insert(sqlite_store_t *s, store_event_t *e, char *err, size_t errsize) {
    sqlite3_stmt *st = e->error ? s->insert_bad : s->insert_good;
    sqlite3_reset(st);
    const char *cols[] = {e->event_id, e->type, e->event_name, e->user_id, e->anonymous_id,
                          e->profile_id, e->timestamp, e->received_at, e->format ? e->format : "spoor"};
    for (int i = 0; i < 9; i++) bind_text(st, i + 1, cols[i]);
    sqlite3_bind_text(st, 10, e->json, (int)e->json_len, SQLITE_TRANSIENT);
    if (e->error) sqlite3_bind_text(st, 11, e->error, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_DONE) return fail(s, "insert", err, errsize);
    /* INSERT OR IGNORE changed nothing: that eventId is already stored. */
    e->duplicate = !e->error && sqlite3_changes(s->db) == 0;
    return 0;
}

static int sq_put(store_t *base, store_event_t *events, size_t n, char *err, size_t errsize) {
    sqlite_store_t *s = (sqlite_store_t *)base;
    if (exec(s, "BEGIN IMMEDIATE", err, errsize)) return -1;
    for (size_t i = 0; i < n; i++) {
        if (insert(s, &events[i], err, errsize)) {
            sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
            return -1;
        }
    }
    if (exec(s, "COMMIT", err, errsize)) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        return -1;
    }
    return 0;
}

static int sq_query(store_t *base, int bad, const store_filter_t *f, textbuf_t *out, char *err,
                    size_t errsize) {
    sqlite_store_t *s = (sqlite_store_t *)base;
    /* The inner query picks the latest `limit` rows, the outer one puts them back
     * in arrival order. LIMIT -1 is SQLite's "no limit". */
    char sql[512];
    snprintf(sql, sizeof sql,
             "SELECT json, %s, format FROM (SELECT seq, json, format, %s FROM %s"
             " WHERE (?1 IS NULL OR type = ?1) AND (?2 IS NULL OR eventName = ?2)"
             " AND (?3 IS NULL OR userId = ?3) AND (?5 IS NULL OR format = ?5)"
             " ORDER BY seq DESC LIMIT ?4) ORDER BY seq",
             bad ? "error" : "NULL", bad ? "error" : "NULL", bad ? "rejected" : "events");
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return fail(s, "query", err, errsize);
    bind_text(st, 1, f->type);
    bind_text(st, 2, f->event_name);
    bind_text(st, 3, f->user_id);
    sqlite3_bind_int64(st, 4, f->limit < 0 ? -1 : f->limit);
    bind_text(st, 5, f->format);
    textbuf_adds(out, "[");
    int rc, first = 1;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (!first) textbuf_adds(out, ",");
        first = 0;
        const char *json = (const char *)sqlite3_column_text(st, 0);
        if (bad) textbuf_adds(out, "{\"event\":");
        textbuf_add(out, json, (size_t)sqlite3_column_bytes(st, 0));
        if (bad) {
            textbuf_adds(out, ",\"error\":");
            buf_json_string(out, (const char *)sqlite3_column_text(st, 1));
            textbuf_adds(out, ",\"format\":");
            buf_json_string(out, (const char *)sqlite3_column_text(st, 2));
            textbuf_adds(out, "}");
        }
    }
    textbuf_adds(out, "]");
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? 0 : fail(s, "query", err, errsize);
}

static int sq_count(store_t *base, long *good, long *bad, char *err, size_t errsize) {
    sqlite_store_t *s = (sqlite_store_t *)base;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM rejected)",
                           -1, &st, NULL) != SQLITE_OK)
        return fail(s, "count", err, errsize);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *good = (long)sqlite3_column_int64(st, 0);
        *bad = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? 0 : fail(s, "count", err, errsize);
}

static int sq_reset(store_t *base, char *err, size_t errsize) {
    return exec((sqlite_store_t *)base, "DELETE FROM events; DELETE FROM rejected;", err, errsize);
}

static void sq_close(store_t *base) {
    sqlite_store_t *s = (sqlite_store_t *)base;
    sqlite3_finalize(s->insert_good);
    sqlite3_finalize(s->insert_bad);
    /* Fold the WAL back into the database file, so the file alone is complete. */
    if (s->is_file) sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
    if (sqlite3_close(s->db) != SQLITE_OK)
        fprintf(stderr, "spoor-collector: sqlite close: %s\n", sqlite3_errmsg(s->db));
    free(s);
}

/* A database file from before the format column: every event in it came in
 * wire v1, which the column's default says. */
static int add_format_column(sqlite_store_t *s, char *err, size_t errsize) {
    static const char *const tables[] = {"events", "rejected"};
    for (int i = 0; i < 2; i++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT format FROM %s LIMIT 0", tables[i]);
        if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK) continue;
        snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN format TEXT NOT NULL DEFAULT 'spoor'", tables[i]);
        if (exec(s, sql, err, errsize)) return -1;
    }
    return 0;
}

static const store_ops_t SQLITE_OPS = {sq_put, sq_query, sq_count, sq_reset, sq_close};

store_t *store_sqlite_open(const char *path, char *err, size_t errsize) {
    sqlite_store_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errsize, "sqlite: out of memory");
        return NULL;
    }
    s->base.ops = &SQLITE_OPS;
    s->is_file = strcmp(path, ":memory:") != 0;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        fail(s, path, err, errsize);
        goto bad;
    }
    sqlite3_busy_timeout(s->db, 5000); /* someone may be reading it with the sqlite3 shell */
    if ((s->is_file && exec(s, "PRAGMA journal_mode=WAL", err, errsize)) ||
        exec(s, "PRAGMA synchronous=FULL", err, errsize) || exec(s, SCHEMA, err, errsize))
        goto bad;
    if (add_format_column(s, err, errsize)) goto bad;
    if (sqlite3_prepare_v2(s->db, "INSERT OR IGNORE INTO events (" COLUMNS ") VALUES (?,?,?,?,?,?,?,?,?,?)",
                           -1, &s->insert_good, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(s->db, "INSERT INTO rejected (" COLUMNS ", error) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &s->insert_bad, NULL) != SQLITE_OK) {
        fail(s, "prepare", err, errsize);
        goto bad;
    }
    return &s->base;
bad:
    sqlite3_finalize(s->insert_good);
    sqlite3_finalize(s->insert_bad);
    sqlite3_close(s->db);
    free(s);
    return NULL;
}
