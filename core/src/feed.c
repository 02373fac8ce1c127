/* feed.c: catalog feeds, JSON through cJSON and XML through expat. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>

#include "feed.h"
#include "json.h"
#include "validate.h"

#define FEED_MAX_BYTES (256u * 1024 * 1024)

static cJSON *json_feed(const char *text, size_t len, char *err, size_t errsize) {
    cJSON *doc = spoor__json_parse(text, len, FEED_MAX_BYTES, SPOOR_JSON_MAX_DEPTH, "feed", err, errsize);
    if (!doc) return NULL;
    /* The whole text, wrappers included: {"product": a, "product": b} would lose a. */
    if (spoor__check_text(doc, cJSON_IsArray(doc) ? "products" : "", "feed", err, errsize)) {
        cJSON_Delete(doc);
        return NULL;
    }
    cJSON *list = cJSON_IsArray(doc) ? doc : cJSON_GetObjectItemCaseSensitive(doc, "products");
    if (!cJSON_IsArray(list)) {
        snprintf(err, errsize, "feed.products: must be an array of {\"product\": {...}}");
        cJSON_Delete(doc);
        return NULL;
    }
    cJSON *out = cJSON_CreateArray(), *entry;
    cJSON_ArrayForEach(entry, list) {
        cJSON *p = cJSON_GetObjectItemCaseSensitive(entry, "product");
        cJSON_AddItemToArray(out, cJSON_Duplicate(p ? p : entry, 1));
    }
    cJSON_Delete(doc);
    return out;
}

/* XML: every element directly inside <product> is one field, its text the value;
 * a field that repeats becomes an array of strings. */
typedef struct {
    cJSON *out, *product;
    int depth, product_depth;
    char *text;
    size_t text_len;
    char field[128];
} xml_state_t;

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **attrs) {
    xml_state_t *s = ud;
    (void)attrs;
    s->depth++;
    if (!s->product && !strcmp(name, "product")) {
        s->product = cJSON_CreateObject();
        s->product_depth = s->depth;
    } else if (s->product && s->depth == s->product_depth + 1) {
        snprintf(s->field, sizeof s->field, "%s", name);
        s->text_len = 0;
    }
}

static void XMLCALL xml_text(void *ud, const XML_Char *txt, int len) {
    xml_state_t *s = ud;
    if (!s->product || s->depth < s->product_depth + 1 || len <= 0) return;
    char *grown = realloc(s->text, s->text_len + (size_t)len + 1);
    if (!grown) return;
    s->text = grown;
    memcpy(s->text + s->text_len, txt, (size_t)len);
    s->text_len += (size_t)len;
    s->text[s->text_len] = '\0';
}

static char *trimmed(char *t, size_t len) {
    while (len && strchr(" \t\r\n", t[len - 1])) t[--len] = '\0';
    while (*t && strchr(" \t\r\n", *t)) t++;
    return t;
}

static void XMLCALL xml_end(void *ud, const XML_Char *name) {
    xml_state_t *s = ud;
    if (s->product && s->depth == s->product_depth + 1) {
        char *value = s->text ? trimmed(s->text, s->text_len) : "";
        cJSON *prev = cJSON_GetObjectItemCaseSensitive(s->product, s->field);
        cJSON *str = cJSON_CreateString(value);
        if (!prev) {
            cJSON_AddItemToObject(s->product, s->field, str);
        } else {
            if (!cJSON_IsArray(prev)) {
                cJSON *arr = cJSON_CreateArray();
                cJSON_AddItemToArray(arr, cJSON_Duplicate(prev, 0));
                cJSON_ReplaceItemInObjectCaseSensitive(s->product, s->field, arr);
                prev = arr;
            }
            cJSON_AddItemToArray(prev, str);
        }
        s->text_len = 0;
        if (s->text) s->text[0] = '\0';
    } else if (s->product && s->depth == s->product_depth && !strcmp(name, "product")) {
        cJSON_AddItemToArray(s->out, s->product);
        s->product = NULL;
    }
    s->depth--;
}

static cJSON *xml_feed(const char *text, size_t len, char *err, size_t errsize) {
    xml_state_t s = {.out = cJSON_CreateArray()};
    XML_Parser p = XML_ParserCreate("UTF-8");
    if (!p || !s.out) {
        snprintf(err, errsize, "feed: out of memory");
        if (p) XML_ParserFree(p);
        cJSON_Delete(s.out);
        return NULL;
    }
    XML_SetUserData(p, &s);
    XML_SetElementHandler(p, xml_start, xml_end);
    XML_SetCharacterDataHandler(p, xml_text);
    if (XML_Parse(p, text, (int)len, 1) == XML_STATUS_ERROR) {
        snprintf(err, errsize, "feed: not valid XML (line %lu: %s)", (unsigned long)XML_GetCurrentLineNumber(p),
                 XML_ErrorString(XML_GetErrorCode(p)));
        cJSON_Delete(s.out);
        s.out = NULL;
    }
    cJSON_Delete(s.product);
    free(s.text);
    XML_ParserFree(p);
    if (s.out && spoor__check_text(s.out, "products", "feed", err, errsize)) { /* expat checks UTF-8 too: a second guard */
        cJSON_Delete(s.out);
        s.out = NULL;
    }
    return s.out;
}

cJSON *spoor__feed_parse(const char *text, size_t len, char *err, size_t errsize) {
    size_t i = 0;
    while (i < len && strchr(" \t\r\n", text[i])) i++;
    if (i < len && text[i] == '<') {
        if (len > FEED_MAX_BYTES || len > (size_t)2147483647) {
            snprintf(err, errsize, "feed: over the limit of %u bytes", FEED_MAX_BYTES);
            return NULL;
        }
        return xml_feed(text, len, err, errsize);
    }
    return json_feed(text, len, err, errsize);
}

char *spoor__read_file(const char *path, size_t max, size_t *len, char *err, size_t errsize) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsize, "feed: cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 65536, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        if (cap >= max) {
            snprintf(err, errsize, "feed: %s is over the limit of %zu bytes", path, max);
            free(buf);
            buf = NULL;
            break;
        }
        cap *= 2;
        char *grown = realloc(buf, cap + 1);
        if (!grown) free(buf);
        buf = grown;
    }
    if (buf && ferror(f)) {
        snprintf(err, errsize, "feed: cannot read %s", path);
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (buf) buf[n] = '\0', *len = n;
    else if (!*err) snprintf(err, errsize, "feed: out of memory");
    return buf;
}
