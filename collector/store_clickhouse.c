/* store_clickhouse.c: the store for a deployment that outgrows one machine.
 * Talks to ClickHouse's HTTP interface with libcurl (SQL in the POST body),
 * written for the oldest server we meet (Debian's 18.16): no query parameters,
 * no DateTime64, so strings are quoted here and arrival order is a UInt64 seq.
 *
 * spoor_events is a ReplacingMergeTree ordered by eventId: even if two
 * collectors race on one eventId, a merge (or SELECT ... FINAL) keeps one row.
 * The duplicates count comes from asking the table which eventIds of a batch it
 * already holds, so dedup also works across restarts and collectors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include <curl/curl.h>
#include <cjson/cJSON.h>

#include "store.h"
#include "wire.h"

typedef struct {
    store_t base;
    char *url;
    CURL *curl;
    uint64_t last_seq;
} ch_store_t;

static const char *TABLES[] = {
    "CREATE TABLE IF NOT EXISTS spoor_events (seq UInt64, eventId String, type String,"
    " eventName String, userId String, anonymousId String, profileId String, timestamp String,"
    " received_at String, json String, format String DEFAULT 'spoor')"
    " ENGINE = ReplacingMergeTree ORDER BY eventId",
    "CREATE TABLE IF NOT EXISTS spoor_rejected (seq UInt64, eventId String, type String,"
    " eventName String, userId String, anonymousId String, profileId String, timestamp String,"
    " received_at String, error String, json String, format String DEFAULT 'spoor')"
    " ENGINE = MergeTree ORDER BY seq",
};


static size_t on_data(char *ptr, size_t size, size_t n, void *userdata) {
    return textbuf_add(userdata, ptr, size * n) ? 0 : size * n;
}

/* POSTs sql (and any data after it) to the server; its answer goes to out. */
static int ch_run(ch_store_t *s, const char *sql, size_t len, textbuf_t *out, char *err, size_t errsize) {
    textbuf_t local;
    textbuf_init(&local);
    if (!out) out = &local;
    curl_easy_reset(s->curl);
    curl_easy_setopt(s->curl, CURLOPT_URL, s->url);
    curl_easy_setopt(s->curl, CURLOPT_POSTFIELDS, sql);
    curl_easy_setopt(s->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    curl_easy_setopt(s->curl, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(s->curl, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(s->curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(s->curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode rc = curl_easy_perform(s->curl);
    long status = 0;
    curl_easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &status);
    int ok = rc == CURLE_OK && status == 200;
    if (rc != CURLE_OK) {
        snprintf(err, errsize, "clickhouse: %s", curl_easy_strerror(rc));
    } else if (!ok) {
        /* ClickHouse explains itself in the body; its first line is enough. */
        const char *msg = out->data ? out->data : "";
        int n = (int)strcspn(msg, "\n");
        snprintf(err, errsize, "clickhouse: HTTP %ld: %.*s", status, n > 300 ? 300 : n, msg);
    }
    textbuf_free(&local);
    return ok ? 0 : -1;
}

static int ch_sql(ch_store_t *s, textbuf_t *sql, textbuf_t *out, char *err, size_t errsize) {
    if (sql->failed) {
        snprintf(err, errsize, "clickhouse: out of memory");
        return -1;
    }
    return ch_run(s, sql->data, sql->len, out, err, errsize);
}

/* A ClickHouse string literal: '...' with backslash and quote escaped. */
static void ch_quote(textbuf_t *b, const char *v) {
    textbuf_adds(b, "'");
    for (const char *p = v; *p; p++) {
        if (*p == '\\' || *p == '\'') textbuf_adds(b, "\\");
        textbuf_add(b, p, 1);
    }
    textbuf_adds(b, "'");
}

/* Runs a SELECT ... FORMAT JSON and returns its "data" rows (the caller frees
 * the returned root), or NULL. */
static cJSON *ch_select(ch_store_t *s, textbuf_t *sql, cJSON **rows, char *err, size_t errsize) {
    textbuf_t out;
    textbuf_init(&out);
    textbuf_adds(sql, " FORMAT JSON");
    cJSON *root = NULL;
    if (!ch_sql(s, sql, &out, err, errsize)) {
        root = spoor__json_parse(out.data, out.len, 0, SPOOR_JSON_MAX_DEPTH, "clickhouse answer", err, errsize);
        *rows = cJSON_GetObjectItemCaseSensitive(root, "data");
        if (root && !cJSON_IsArray(*rows)) {
            snprintf(err, errsize, "clickhouse: answer without data");
            cJSON_Delete(root);
            root = NULL;
        }
    }
    textbuf_free(&out);
    return root;
}

static const char *row_string(const cJSON *row, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(row, key);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static const store_event_t *sort_base;
static int cmp_event_index(const void *a, const void *b) {
    size_t i = *(const size_t *)a, j = *(const size_t *)b;
    int c = strcmp(sort_base[i].event_id, sort_base[j].event_id);
    return c ? c : (i > j) - (i < j);
}

/* Marks e[i].duplicate for valid events already stored or seen earlier in the
 * same batch. Sorting keeps it O(n log n) for batches of thousands. */
static int mark_duplicates(ch_store_t *s, store_event_t *e, size_t n, char *err, size_t errsize) {
    size_t *idx = malloc((n ? n : 1) * sizeof *idx), m = 0;
    if (!idx) {
        snprintf(err, errsize, "clickhouse: out of memory");
        return -1;
    }
    textbuf_t sql;
    textbuf_init(&sql);
    textbuf_adds(&sql, "SELECT DISTINCT eventId FROM spoor_events WHERE eventId IN (");
    for (size_t i = 0; i < n; i++) {
        if (e[i].error) continue;
        if (m) textbuf_adds(&sql, ",");
        ch_quote(&sql, e[i].event_id);
        idx[m++] = i;
    }
    textbuf_adds(&sql, ")");
    int rc = 0;
    if (m) {
        cJSON *rows = NULL, *root = ch_select(s, &sql, &rows, err, errsize);
        if (!root) {
            rc = -1;
        } else {
            size_t nk = (size_t)cJSON_GetArraySize(rows), k = 0;
            const char **known = malloc((nk ? nk : 1) * sizeof *known);
            const cJSON *row;
            cJSON_ArrayForEach(row, rows) if (known) known[k++] = row_string(row, "eventId");
            if (known) qsort(known, nk, sizeof *known, cmp_str);
            sort_base = e; /* under the store mutex, so the static is not shared */
            qsort(idx, m, sizeof *idx, cmp_event_index);
            for (size_t i = 0; i < m; i++) {
                store_event_t *ev = &e[idx[i]];
                int seen = i > 0 && !strcmp(e[idx[i - 1]].event_id, ev->event_id);
                ev->duplicate = seen || (known && bsearch(&ev->event_id, known, nk, sizeof *known, cmp_str));
            }
            if (!known) {
                snprintf(err, errsize, "clickhouse: out of memory");
                rc = -1;
            }
            free(known);
            cJSON_Delete(root);
        }
    }
    textbuf_free(&sql);
    free(idx);
    return rc;
}

static uint64_t next_seq(ch_store_t *s) {
    /* Microseconds since the epoch, strictly increasing: arrival order that
     * survives a restart without asking the server for its maximum. */
    struct timeval tv;
    gettimeofday(&tv, NULL);
    uint64_t now = (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
    s->last_seq = now > s->last_seq ? now : s->last_seq + 1;
    return s->last_seq;
}

/* One JSONEachRow line, written by hand: cJSON would print the 64-bit seq as a
 * double in exponent form, which ClickHouse refuses. */
static void add_row(ch_store_t *s, textbuf_t *sql, const store_event_t *e) {
    const char *keys[] = {"eventId", "type", "eventName", "userId", "anonymousId",
                          "profileId", "timestamp", "received_at", "format", "error"};
    const char *vals[] = {e->event_id, e->type, e->event_name, e->user_id, e->anonymous_id,
                          e->profile_id, e->timestamp, e->received_at, e->format ? e->format : "spoor", e->error};
    textbuf_printf(sql, "{\"seq\":%llu", (unsigned long long)next_seq(s));
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++) {
        if (i == 9 && !e->error) continue; /* spoor_events has no error column */
        textbuf_printf(sql, ",\"%s\":", keys[i]);
        buf_json_string(sql, vals[i] ? vals[i] : "");
    }
    textbuf_adds(sql, ",\"json\":");
    buf_json_stringn(sql, e->json, e->json_len);
    textbuf_adds(sql, "}\n");
}

static int ch_put(store_t *base, store_event_t *e, size_t n, char *err, size_t errsize) {
    ch_store_t *s = (ch_store_t *)base;
    if (mark_duplicates(s, e, n, err, errsize)) return -1;
    int rc = 0;
    for (int bad = 0; bad <= 1 && !rc; bad++) {
        textbuf_t sql;
        textbuf_init(&sql);
        textbuf_printf(&sql, "INSERT INTO %s FORMAT JSONEachRow\n", bad ? "spoor_rejected" : "spoor_events");
        size_t rows = 0;
        for (size_t i = 0; i < n; i++) {
            if ((e[i].error != NULL) == bad && !e[i].duplicate) {
                add_row(s, &sql, &e[i]);
                rows++;
            }
        }
        /* An INSERT over HTTP returns once the rows are written to parts. */
        if (rows) rc = ch_sql(s, &sql, NULL, err, errsize);
        textbuf_free(&sql);
    }
    return rc;
}

static int ch_query(store_t *base, int bad, const store_filter_t *f, textbuf_t *out, char *err,
                    size_t errsize) {
    ch_store_t *s = (ch_store_t *)base;
    textbuf_t sql;
    textbuf_init(&sql);
    textbuf_printf(&sql, "SELECT json, %s AS error, format FROM (SELECT seq, json, format%s FROM %s WHERE 1",
               bad ? "error" : "''", bad ? ", error" : "", bad ? "spoor_rejected" : "spoor_events FINAL");
    const char *cols[] = {"type", "eventName", "userId", "format"};
    const char *vals[] = {f->type, f->event_name, f->user_id, f->format};
    for (int i = 0; i < 4; i++) {
        if (!vals[i]) continue;
        textbuf_printf(&sql, " AND %s = ", cols[i]);
        ch_quote(&sql, vals[i]);
    }
    textbuf_adds(&sql, " ORDER BY seq DESC");
    if (f->limit >= 0) textbuf_printf(&sql, " LIMIT %ld", f->limit);
    textbuf_adds(&sql, ") ORDER BY seq");
    cJSON *rows = NULL, *root = ch_select(s, &sql, &rows, err, errsize);
    textbuf_free(&sql);
    if (!root) return -1;
    textbuf_adds(out, "[");
    const cJSON *row;
    int first = 1;
    cJSON_ArrayForEach(row, rows) {
        if (!first) textbuf_adds(out, ",");
        first = 0;
        if (bad) textbuf_adds(out, "{\"event\":");
        textbuf_adds(out, row_string(row, "json"));
        if (bad) {
            textbuf_adds(out, ",\"error\":");
            buf_json_string(out, row_string(row, "error"));
            textbuf_adds(out, ",\"format\":");
            buf_json_string(out, row_string(row, "format"));
            textbuf_adds(out, "}");
        }
    }
    textbuf_adds(out, "]");
    cJSON_Delete(root);
    return 0;
}

static int ch_count(store_t *base, long *good, long *bad, char *err, size_t errsize) {
    ch_store_t *s = (ch_store_t *)base;
    const char *q[] = {"SELECT count() FROM spoor_events FINAL FORMAT TabSeparated",
                       "SELECT count() FROM spoor_rejected FORMAT TabSeparated"};
    long *dst[] = {good, bad};
    for (int i = 0; i < 2; i++) {
        textbuf_t out;
        textbuf_init(&out);
        int rc = ch_run(s, q[i], strlen(q[i]), &out, err, errsize);
        *dst[i] = rc ? 0 : strtol(out.data ? out.data : "0", NULL, 10);
        textbuf_free(&out);
        if (rc) return -1;
    }
    return 0;
}

static int ch_reset(store_t *base, char *err, size_t errsize) {
    ch_store_t *s = (ch_store_t *)base;
    const char *q[] = {"TRUNCATE TABLE spoor_events", "TRUNCATE TABLE spoor_rejected"};
    for (int i = 0; i < 2; i++)
        if (ch_run(s, q[i], strlen(q[i]), NULL, err, errsize)) return -1;
    return 0;
}

static void ch_close(store_t *base) {
    ch_store_t *s = (ch_store_t *)base;
    curl_easy_cleanup(s->curl);
    free(s->url);
    free(s);
}

/* Tables from before the format column get it, saying that what they hold came
 * in wire v1 (18.16 has no ADD COLUMN IF NOT EXISTS: system.columns says). */
static int add_format_column(ch_store_t *s, char *err, size_t errsize) {
    static const char *const tables[] = {"spoor_events", "spoor_rejected"};
    for (int i = 0; i < 2; i++) {
        char sql[256];
        snprintf(sql, sizeof sql, "SELECT count() FROM system.columns WHERE database = currentDatabase()"
                 " AND table = '%s' AND name = 'format' FORMAT TabSeparated", tables[i]);
        textbuf_t out;
        textbuf_init(&out);
        int rc = ch_run(s, sql, strlen(sql), &out, err, errsize);
        int has = !rc && out.data && strtol(out.data, NULL, 10) > 0;
        textbuf_free(&out);
        if (rc) return -1;
        if (has) continue;
        snprintf(sql, sizeof sql, "ALTER TABLE %s ADD COLUMN format String DEFAULT 'spoor'", tables[i]);
        if (ch_run(s, sql, strlen(sql), NULL, err, errsize)) return -1;
    }
    return 0;
}

static const store_ops_t CLICKHOUSE_OPS = {ch_put, ch_query, ch_count, ch_reset, ch_close};

store_t *store_clickhouse_open(const char *url, char *err, size_t errsize) {
    ch_store_t *s = calloc(1, sizeof *s);
    if (!s || !(s->url = strdup(url)) || !(s->curl = curl_easy_init())) {
        snprintf(err, errsize, "clickhouse: out of memory");
        if (s) ch_close(&s->base);
        return NULL;
    }
    s->base.ops = &CLICKHOUSE_OPS;
    for (size_t i = 0; i < sizeof TABLES / sizeof *TABLES; i++) {
        if (ch_run(s, TABLES[i], strlen(TABLES[i]), NULL, err, errsize)) {
            ch_close(&s->base);
            return NULL;
        }
    }
    if (add_format_column(s, err, errsize)) {
        ch_close(&s->base);
        return NULL;
    }
    return &s->base;
}
