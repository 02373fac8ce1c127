/* idmap.c: an open-addressing hash table (linear probing, deletion by shifting
 * back, so no tombstones) from eventId strings to line numbers (idmap.h). */
#include "idmap.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
    char *id; /* NULL: empty slot */
    uint64_t line;
} slot_t;

struct cli_idmap {
    slot_t *slots;
    size_t cap, count; /* cap is a power of two */
};

static uint64_t hash(const char *s) { /* FNV-1a */
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

cli_idmap_t *cli_idmap_new(void) {
    cli_idmap_t *m = calloc(1, sizeof *m);
    if (m && !(m->slots = calloc(m->cap = 64, sizeof *m->slots))) {
        free(m);
        return NULL;
    }
    return m;
}

void cli_idmap_free(cli_idmap_t *m) {
    if (!m) return;
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].id);
    free(m->slots);
    free(m);
}

static size_t find(const cli_idmap_t *m, const char *id) {
    size_t i = hash(id) & (m->cap - 1);
    while (m->slots[i].id && strcmp(m->slots[i].id, id)) i = (i + 1) & (m->cap - 1);
    return i;
}

static int grow(cli_idmap_t *m) {
    size_t cap = m->cap * 2;
    slot_t *old = m->slots, *slots = calloc(cap, sizeof *slots);
    if (!slots) return -1;
    size_t old_cap = m->cap;
    m->slots = slots;
    m->cap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].id) m->slots[find(m, old[i].id)] = old[i];
    free(old);
    return 0;
}

int cli_idmap_put(cli_idmap_t *m, const char *id, uint64_t line) {
    if ((m->count + 1) * 4 > m->cap * 3 && grow(m)) return -1;
    size_t i = find(m, id);
    if (!m->slots[i].id) {
        if (!(m->slots[i].id = strdup(id))) return -1;
        m->count++;
    }
    m->slots[i].line = line;
    return 0;
}

int cli_idmap_get(const cli_idmap_t *m, const char *id, uint64_t *line) {
    size_t i = find(m, id);
    if (!m->slots[i].id) return 0;
    *line = m->slots[i].line;
    return 1;
}

int cli_idmap_del(cli_idmap_t *m, const char *id) {
    size_t i = find(m, id), mask = m->cap - 1;
    if (!m->slots[i].id) return 0;
    free(m->slots[i].id);
    m->slots[i].id = NULL;
    m->count--;
    /* Shift back the entries after it whose probe run passed through slot i. */
    for (size_t j = (i + 1) & mask; m->slots[j].id; j = (j + 1) & mask) {
        size_t home = hash(m->slots[j].id) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            m->slots[i] = m->slots[j];
            m->slots[j].id = NULL;
            i = j;
        }
    }
    return 1;
}

size_t cli_idmap_count(const cli_idmap_t *m) { return m->count; }
