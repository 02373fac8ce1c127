/* fastpath.c: the common calls built in one pass (see fastpath.h for the contract).
 *
 * "Canonical" below means: the bytes the event writer (json.c) would write for the
 * value cJSON parses from them. A canonical value is copied as it is; the rest is
 * declined. Nothing here fails a call that the general path would accept. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fastpath.h"
#include "json.h"
#include "timefmt.h"
#include "utf8.h"
#include "validate.h"

/* The bytes a string's scan stops at: those the writer escapes ('"', '\\', below
 * 0x20) and those that start or continue a multi-byte sequence, which must be
 * well-formed UTF-8 (utf8.h; else the general path refuses the call). ASCII text
 * runs through the one table lookup it always took. (A wrong entry makes the two
 * paths differ: test_fastpath and fuzz_fastpath.) */
static const unsigned char stop[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* The well-formed UTF-8 sequence at p (a byte >= 0x80): where it ends, or NULL.
 * Out of line: the scan's loop over ASCII stays as small as it was. */
static __attribute__((noinline)) const char *skip_utf8(const char *p, const char *end) {
    size_t n = spoor__utf8_seq((const unsigned char *)p, (const unsigned char *)end);
    return n ? p + n : NULL;
}

/* A canonical string from its opening quote: plain bytes, well-formed UTF-8 and
 * the seven two-letter escapes, which the writer spells the same way (\u escapes
 * it would not). Returns the byte after the closing quote, or NULL. *escaped is
 * set when one was seen. */
static const char *scan_string(const char *p, const char *end, int *escaped) {
    for (p++;;) {
        while (p < end && !stop[(unsigned char)*p]) p++;
        if (p >= end) return NULL;
        if (*p == '"') return p + 1;
        if ((unsigned char)*p >= 0x80) {
            if (!(p = skip_utf8(p, end))) return NULL;
            continue;
        }
        if (*p != '\\' || end - p < 2) return NULL; /* a raw control byte, or a cut escape */
        switch (p[1]) {
        case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't': break;
        default: return NULL;
        }
        *escaped = 1;
        p += 2;
    }
}

static int is_digit(char ch) { return ch >= '0' && ch <= '9'; }

/* A canonical number: an integer of at most 15 digits (exact in a double, written
 * back as the same digits) other than -0, or a decimal of at most 15 digits, 9 of
 * them after the point, that the writer spells the same way. Its double is r/10^k,
 * which IEEE division rounds exactly as strtod does (both operands are exact).
 * Exponents, and longer numbers, are declined. */
static const char *scan_number(const char *p, const char *end) {
    static const double pow10[] = {1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9};
    const char *start = p;
    int neg = *p == '-', digits = 0, k = 0;
    uint64_t r = 0;
    if (neg) p++;
    if (p >= end || !is_digit(*p)) return NULL;
    if (*p == '0') {
        p++, digits = 1;
    } else {
        for (; p < end && is_digit(*p); p++, digits++) r = r * 10 + (uint64_t)(*p - '0');
    }
    if (p < end && *p == '.') {
        for (p++; p < end && is_digit(*p); p++, digits++, k++) r = r * 10 + (uint64_t)(*p - '0');
        if (k == 0 || k > 9) return NULL;
    }
    if (digits > 15 || (p < end && (*p == 'e' || *p == 'E'))) return NULL;
    if (k == 0) return neg && r == 0 ? NULL : p;
    double v = (double)r / pow10[k];
    char text[32];
    spoor__json_number(neg ? -v : v, text);
    size_t n = (size_t)(p - start);
    return strlen(text) == n && !memcmp(text, start, n) ? p : NULL;
}

/* The keys of one object seen so far, as spelled (canonical spellings: equal keys
 * are equal bytes). A key given twice is the general path's to refuse; so is an
 * object of more keys than are kept here. */
#define MAX_KEYS 32
typedef struct {
    const char *key[MAX_KEYS];
    size_t len[MAX_KEYS];
    int n;
} keys_seen_t;

/* Add the key spelled k[0..len) (without its quotes); 0 when it repeats or there is no room. */
static inline int new_key(keys_seen_t *ks, const char *k, size_t len) {
    int n = ks->n;
    if (n == MAX_KEYS) return 0;
    for (int i = 0; i < n; i++)
        if (ks->len[i] == len && !memcmp(ks->key[i], k, len)) return 0;
    ks->key[n] = k, ks->len[n] = len, ks->n = n + 1;
    return 1;
}

/* A canonical value of any kind, nested at most SPOOR_JSON_MAX_DEPTH levels deep
 * counting the argument's own object as 1 (depth is this value's level). */
static const char *scan_value(const char *p, const char *end, int depth) {
    int escaped = 0;
    if (p >= end) return NULL;
    switch (*p) {
    case '"': return scan_string(p, end, &escaped);
    case 't': return end - p >= 4 && !memcmp(p, "true", 4) ? p + 4 : NULL;
    case 'f': return end - p >= 5 && !memcmp(p, "false", 5) ? p + 5 : NULL;
    case 'n': return end - p >= 4 && !memcmp(p, "null", 4) ? p + 4 : NULL;
    case '{':
    case '[': {
        char close = *p == '{' ? '}' : ']';
        keys_seen_t ks;
        ks.n = 0;
        if (depth > SPOOR_JSON_MAX_DEPTH) return NULL;
        if (++p < end && *p == close) return p + 1;
        for (;;) {
            if (close == '}') {
                const char *key = p + 1;
                if (p >= end || *p != '"' || !(p = scan_string(p, end, &escaped)) || p >= end || *p != ':' ||
                    !new_key(&ks, key, (size_t)(p - 1 - key)))
                    return NULL;
                p++;
            }
            if (!(p = scan_value(p, end, depth + 1)) || p >= end) return NULL;
            if (*p == close) return p + 1;
            if (*p++ != ',') return NULL;
        }
    }
    default: return scan_number(p, end);
    }
}

/* A value's canonical JSON text, or (quote) a string's content that needs no
 * escaping, to be written between quotes. n == 0: absent. */
typedef struct {
    const char *p;
    size_t n;
    int quote;
} span_t;

/* The parts of an event, in the order the writer puts them (event.c). */
enum { P_NAME, P_USER_ID, P_ANONYMOUS_ID, P_PROFILE_ID, P_SESSION_ID, P_ACCOUNT_ID, P_PAGE_ID,
       P_PROPERTIES, P_TRAITS, P_GROUP_ID, N_PARTS };
static const char *const part_keys[N_PARTS] = {
    "\"eventName\":", "\"userId\":", "\"anonymousId\":", "\"profileId\":", "\"sessionId\":",
    "\"accountId\":", "\"pageId\":", "\"properties\":", "\"traits\":", "\"groupId\":"};

typedef struct {
    span_t part[N_PARTS];
    const char *event_id; /* its content, with no escapes; NULL: a new one */
    size_t event_id_len;
    int has_ms;           /* the timestamp given, as epoch ms; else now */
    int64_t ms;
} parts_t;

/* A span holding a canonical JSON string of 1..max content bytes: the rules for
 * the wire's string fields (the content is at least as long as what it decodes to). */
static int string_within(span_t s, size_t max) {
    return s.p[0] == '"' && s.n >= 3 && s.n - 2 <= max;
}

/* A C string the writer copies as it is (well-formed UTF-8, nothing it escapes),
 * of 1..max bytes, as a quoted span. */
static int clean_string(const char *s, size_t max, span_t *out) {
    size_t n = 0;
    for (;;) {
        while (n <= max && !stop[(unsigned char)s[n]]) n++;
        if (n > max || (unsigned char)s[n] < 0x80) break;
        const char *next = skip_utf8(s + n, s + n + strlen(s + n));
        if (!next) return 0;
        n = (size_t)(next - s);
    }
    if (n == 0 || n > max || s[n]) return 0;
    *out = (span_t){s, n, 1};
    return 1;
}

/* The given timestamp: a string without escapes that parses as ISO-8601, or whole
 * epoch milliseconds before the year 10000 (what JavaScript's Date.now() gives). */
static int given_timestamp(span_t s, parts_t *pt) {
    if (is_digit(s.p[0])) {
        int64_t ms = 0;
        for (size_t i = 0; i < s.n; i++) {
            if (!is_digit(s.p[i])) return 0; /* a decimal: the general path decides */
            ms = ms * 10 + (s.p[i] - '0'); /* canonical: at most 15 digits */
        }
        if (ms >= SPOOR_MAX_EPOCH_MS) return 0;
        pt->ms = ms, pt->has_ms = 1;
        return 1;
    }
    char iso[64];
    if (s.p[0] != '"' || s.n - 2 >= sizeof iso || memchr(s.p, '\\', s.n)) return 0;
    memcpy(iso, s.p + 1, s.n - 2);
    iso[s.n - 2] = '\0';
    if (spoor__iso8601_parse(iso, &pt->ms)) return 0;
    pt->has_ms = 1;
    return 1;
}

/* The envelope's keys (lifted out of recordEvent's fields), then track's own, and
 * where each goes (-1: eventId, -2: timestamp). */
static const struct {
    const char *key;
    size_t len;
    int part;
} keys[] = {{"eventId", 7, -1},           {"userId", 6, P_USER_ID},       {"anonymousId", 11, P_ANONYMOUS_ID},
            {"profileId", 9, P_PROFILE_ID}, {"sessionId", 9, P_SESSION_ID}, {"accountId", 9, P_ACCOUNT_ID},
            {"pageId", 6, P_PAGE_ID},     {"timestamp", 9, -2},           {"event", 5, P_NAME},
            {"properties", 10, P_PROPERTIES}};
enum { N_ENVELOPE_KEYS = 8, N_TRACK_KEYS = 10 };

/* The index of key among the first n of keys[], or -1. */
static int find_key(const char *key, size_t len, int n) {
    for (int i = 0; i < n; i++)
        if (keys[i].len == len && !memcmp(keys[i].key, key, len)) return i;
    return -1;
}

/* One member of a canonical object, from its key's quote. */
typedef struct {
    const char *key;
    size_t key_len;
    int key_escaped; /* then it is no key of ours: none has an escape */
    span_t value;
} member_t;

/* Returns the byte after the member's value, or NULL. */
static const char *scan_member(const char *p, const char *end, member_t *m) {
    int escaped = 0;
    if (p >= end || *p != '"') return NULL;
    m->key = p + 1;
    if (!(p = scan_string(p, end, &escaped)) || p >= end || *p++ != ':') return NULL;
    m->key_len = (size_t)(p - 2 - m->key);
    m->key_escaped = escaped;
    const char *value = p;
    if (!(p = scan_value(p, end, 2))) return NULL;
    m->value = (span_t){value, (size_t)(p - value), 0};
    return p;
}

/* The value of keys[i] into pt; 0 when the general path must decide. A null is
 * declined too: the general path counts it as absent (and drops it from fields). */
static int take_value(parts_t *pt, int i, span_t s) {
    int part = keys[i].part;
    if (s.p[0] == 'n') return 0;
    if (part == -1) { /* the eventId: no escapes, as it is also stored decoded */
        if (!string_within(s, SPOOR_EVENT_ID_MAX_BYTES) || memchr(s.p, '\\', s.n)) return 0;
        pt->event_id = s.p + 1, pt->event_id_len = s.n - 2;
        return 1;
    }
    if (part == -2) return given_timestamp(s, pt);
    if (part == P_PROPERTIES ? s.p[0] != '{' : !string_within(s, SPOOR_ID_MAX_BYTES)) return 0;
    pt->part[part] = s;
    return 1;
}

/* Write the event (see event.c for the order) and its eventId after it, as
 * spoor__build_event would. The id and the clock are read only here, after every
 * check: a declined call must not use up a test id or a clock reading. */
static int write_event(spoor_client_t *c, const char *type, parts_t *pt, size_t hint, spoor_item_t *out) {
    char id[SPOOR_EVENT_ID_MAX_BYTES + 1], iso[SPOOR_ISO_LEN]; /* the eventId: given or new */
    spoor_jbuf_t w = {.p = malloc(hint + 320), .cap = hint + 320};
    if (!w.p) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    if (pt->event_id) {
        memcpy(id, pt->event_id, pt->event_id_len);
        id[pt->event_id_len] = '\0';
    } else {
        spoor__client_new_id(c, id);
    }
    spoor__jbuf_put(&w, "{\"eventId\":", 11);
    spoor__jbuf_string(&w, id); /* a given id needs no escape; an id callback's text may */
    spoor__jbuf_put(&w, ",\"type\":\"", 9);
    spoor__jbuf_put(&w, type, strlen(type));
    spoor__jbuf_put(&w, "\"", 1);
    for (int i = 0; i < N_PARTS; i++) {
        span_t s = pt->part[i];
        if (i == P_PROPERTIES) { /* the timestamp goes before the properties */
            spoor__iso8601_format(pt->has_ms ? pt->ms : spoor__client_now_ms(c), iso);
            spoor__jbuf_put(&w, ",\"timestamp\":\"", 14);
            spoor__jbuf_put(&w, iso, strlen(iso));
            spoor__jbuf_put(&w, "\"", 1);
        }
        if (!s.n) continue;
        spoor__jbuf_put(&w, ",", 1);
        spoor__jbuf_put(&w, part_keys[i], strlen(part_keys[i]));
        if (s.quote) spoor__jbuf_put(&w, "\"", 1);
        spoor__jbuf_put(&w, s.p, s.n);
        if (s.quote) spoor__jbuf_put(&w, "\"", 1);
    }
    static const char library[] =
        ",\"context\":{\"library\":{\"name\":\"spoor\",\"version\":\"" SPOOR_VERSION_STRING "\",\"binding\":";
    spoor__jbuf_put(&w, library, sizeof library - 1);
    spoor__jbuf_string(&w, c->conf.binding ? c->conf.binding : "c");
    spoor__jbuf_put(&w, "}}}", 4); /* with the NUL */
    size_t len = w.len - 1;
    spoor__jbuf_put(&w, id, strlen(id) + 1);
    if (w.failed) {
        free(w.p);
        return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    }
    if ((int64_t)len > c->conf.max_event_bytes) {
        free(w.p);
        return spoor__error(SPOOR_ERR_TOO_LARGE, "event: serialises to %zu bytes, over max_event_bytes (%lld)",
                            len, (long long)c->conf.max_event_bytes);
    }
    memset(out, 0, sizeof *out);
    out->json = w.p;
    out->len = len;
    return SPOOR_OK;
}

/* Identity: one of userId, anonymousId, profileId (no product payload here). */
static int has_identity(const parts_t *pt) {
    return pt->part[P_USER_ID].n || pt->part[P_ANONYMOUS_ID].n || pt->part[P_PROFILE_ID].n;
}

int spoor__fast_track(spoor_client_t *c, const char *text, size_t len, spoor_item_t *out) {
    const char *p = text, *end = text + len;
    parts_t pt;
    unsigned seen = 0;
    memset(&pt, 0, sizeof pt);
    if (len < 2 || *p++ != '{' || *p == '}') return SPOOR__FAST_DECLINED;
    for (;;) {
        member_t m;
        if (!(p = scan_member(p, end, &m)) || p >= end || m.key_escaped) return SPOOR__FAST_DECLINED;
        /* Unknown and repeated keys are errors or first-wins cases: not ours. */
        int i = find_key(m.key, m.key_len, N_TRACK_KEYS);
        if (i < 0 || (seen & (1u << i)) || !take_value(&pt, i, m.value)) return SPOOR__FAST_DECLINED;
        seen |= 1u << i;
        if (*p == '}') break;
        if (*p++ != ',') return SPOOR__FAST_DECLINED;
    }
    if (p + 1 != end || !pt.part[P_NAME].n || !has_identity(&pt)) return SPOOR__FAST_DECLINED;
    return write_event(c, "track", &pt, len, out);
}

/* fields without the lifted members (ranges [from, to) of it, in order) into
 * props: what is left between them, less the commas that joined them. */
static void fields_left(const char *fields, size_t len, const char *lifted[][2], int n, spoor_jbuf_t *props) {
    const char *q = fields + 1; /* after the '{' */
    spoor__jbuf_put(props, "{", 1);
    for (int i = 0; i <= n; i++) {
        const char *a = q, *b = i < n ? lifted[i][0] : fields + len - 1; /* up to the '}' */
        if (a < b && *a == ',') a++;
        if (a < b && b[-1] == ',') b--;
        if (a < b) {
            if (props->len > 1) spoor__jbuf_put(props, ",", 1);
            spoor__jbuf_put(props, a, (size_t)(b - a));
        }
        if (i < n) q = lifted[i][1];
    }
    spoor__jbuf_put(props, "}", 1);
}

/* recordEvent and profile: the envelope keys lifted out of the argument, the rest
 * its properties (record) or traits (profile). record keeps null fields; profile
 * drops null attributes, which this declines. */
static int lifted_event(spoor_client_t *c, const char *type, const char *collection, const char *fields, size_t len,
                        spoor_item_t *out) {
    const char *p = fields, *end = fields + len, *lifted[N_ENVELOPE_KEYS][2];
    int record = collection != NULL, n_lifted = 0;
    parts_t pt;
    unsigned seen = 0;
    keys_seen_t ks; /* every key, the lifted and the rest: none twice */
    ks.n = 0;
    memset(&pt, 0, sizeof pt);
    /* A collection schema needs the tree; so does an event without an identity
     * (a product payload, or an error). */
    if ((record && (c->schemas || !clean_string(collection, SPOOR_ID_MAX_BYTES, &pt.part[P_NAME]))) || len < 2 || *p++ != '{')
        return SPOOR__FAST_DECLINED;
    while (*p != '}') {
        member_t m;
        const char *from = p;
        if (!(p = scan_member(p, end, &m)) || p >= end || (!record && m.value.p[0] == 'n') ||
            !new_key(&ks, m.key, m.key_len))
            return SPOOR__FAST_DECLINED;
        int i = m.key_escaped ? -1 : find_key(m.key, m.key_len, N_ENVELOPE_KEYS);
        if (i >= 0) { /* lifted to the top; a repeat would stay behind: not ours */
            if ((seen & (1u << i)) || !take_value(&pt, i, m.value)) return SPOOR__FAST_DECLINED;
            seen |= 1u << i;
            lifted[n_lifted][0] = from, lifted[n_lifted][1] = p;
            n_lifted++;
        }
        if (*p == ',' && p + 1 < end && p[1] != '}') p++;
        else if (*p != '}') return SPOOR__FAST_DECLINED;
    }
    if (p + 1 != end || !has_identity(&pt)) return SPOOR__FAST_DECLINED;
    int rest = record ? P_PROPERTIES : P_TRAITS;
    if (!n_lifted) {
        pt.part[rest] = (span_t){fields, len, 0};
        return write_event(c, type, &pt, len, out);
    }
    spoor_jbuf_t left = {.p = malloc(len + 2), .cap = len + 2};
    if (!left.p) return spoor__error(SPOOR_ERR_NOMEM, "out of memory");
    fields_left(fields, len, lifted, n_lifted, &left);
    pt.part[rest] = (span_t){left.p, left.len, 0};
    int rc = left.failed ? spoor__error(SPOOR_ERR_NOMEM, "out of memory") : write_event(c, type, &pt, len, out);
    free(left.p);
    return rc;
}

int spoor__fast_record(spoor_client_t *c, const char *collection, const char *fields, size_t len, spoor_item_t *out) {
    return lifted_event(c, "record", collection, fields, len, out);
}

int spoor__fast_profile(spoor_client_t *c, const char *attributes, size_t len, spoor_item_t *out) {
    return lifted_event(c, "profile", NULL, attributes, len, out);
}

int spoor__fast_traits(spoor_client_t *c, const char *type, const char *user_id, const char *group_id,
                       const char *name, const char *json, size_t len, spoor_item_t *out) {
    parts_t pt;
    memset(&pt, 0, sizeof pt);
    int page = !strcmp(type, "page");
    if (!clean_string(user_id, SPOOR_ID_MAX_BYTES, &pt.part[P_USER_ID]) ||
        (group_id && !clean_string(group_id, SPOOR_ID_MAX_BYTES, &pt.part[P_GROUP_ID])) ||
        (name && !clean_string(name, SPOOR_ID_MAX_BYTES, &pt.part[P_NAME])))
        return SPOOR__FAST_DECLINED;
    span_t obj = {"{}", 2, 0}; /* absent: an empty object, as the general path gives */
    if (json) {
        const char *end = scan_value(json, json + len, 1);
        if (*json != '{' || end != json + len) return SPOOR__FAST_DECLINED;
        obj = (span_t){json, len, 0};
    }
    pt.part[page ? P_PROPERTIES : P_TRAITS] = obj;
    return write_event(c, type, &pt, len, out);
}
