/* config_doc.c: the core's tables, printed for people and for generators, so
 * nothing that repeats them can drift from the code.
 *   spoor-config-doc          docs/configuration.md (ctest config_doc compares them)
 *   spoor-config-doc --json   {"properties": every key, with an enum's choices,
 *                              "counters": the stats counters (SPOOR_STATS_COUNTERS),
 *                              "errors": every code with its name and exception kind},
 *                             for core/tools/tables.py (the bindings' generated code) */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "internal.h"

static const char *type_name(spoor_prop_type_t t) {
    switch (t) {
    case SPOOR_PROP_STRING: return "string";
    case SPOOR_PROP_INT: return "integer";
    case SPOOR_PROP_BOOL: return "boolean";
    case SPOOR_PROP_DURATION: return "duration (ms)";
    case SPOOR_PROP_JSON: return "JSON object";
    case SPOOR_PROP_ENUM: return "enum";
    }
    return "?";
}

/* The short names bindings use: string, int, bool, duration, json, enum. */
static const char *json_type_name(spoor_prop_type_t t) {
    static const char *const names[] = {"string", "int", "bool", "duration", "json", "enum"};
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "string";
}

/* A name as camelCase (key_style=camel, Node and Java). Valid until the next call. */
static const char *camel(const char *snake) {
    static char out[64];
    spoor__camel_case(snake, out, sizeof out);
    return out;
}

/* An enum's names joined by ", " ("" for other keys). */
static void choices_text(const char *key, char *out, size_t size) {
    size_t n;
    const char *const *names = spoor__config_choices(key, &n);
    *out = '\0';
    for (size_t i = 0; i < n; i++)
        if (names[i]) snprintf(out + strlen(out), size - strlen(out), "%s%s", *out ? ", " : "", names[i]);
}

static cJSON *properties_json(void) {
    cJSON *list = cJSON_CreateArray();
    const spoor_property_t *p;
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "camel", camel(p->name));
        cJSON_AddStringToObject(o, "type", json_type_name(p->type));
        cJSON_AddStringToObject(o, "default", p->default_value);
        cJSON_AddStringToObject(o, "description", p->description);
        cJSON_AddNumberToObject(o, "min", (double)p->min);
        cJSON_AddNumberToObject(o, "max", (double)p->max);
        cJSON_AddBoolToObject(o, "secret", p->secret);
        cJSON_AddBoolToObject(o, "unstable", p->unstable);
        cJSON *choices = cJSON_AddArrayToObject(o, "choices");
        size_t nc;
        const char *const *names = spoor__config_choices(p->name, &nc);
        for (size_t j = 0; j < nc; j++)
            if (names[j]) cJSON_AddItemToArray(choices, cJSON_CreateString(names[j]));
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static cJSON *counters_json(void) {
    cJSON *list = cJSON_CreateArray();
#define COUNTER(name, meaning)                                  \
    {                                                           \
        cJSON *o = cJSON_CreateObject();                        \
        cJSON_AddStringToObject(o, "name", #name);              \
        cJSON_AddStringToObject(o, "camel", camel(#name));      \
        cJSON_AddStringToObject(o, "meaning", meaning);         \
        cJSON_AddItemToArray(list, o);                          \
    }
    SPOOR_STATS_COUNTERS(COUNTER)
#undef COUNTER
    return list;
}

static cJSON *errors_json(void) {
    cJSON *list = cJSON_CreateArray();
    size_t n;
    const spoor_err_t *codes = spoor_err_list(&n);
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        const char *kind = spoor__err_kind(codes[i]);
        cJSON_AddNumberToObject(o, "code", codes[i]);
        cJSON_AddStringToObject(o, "name", spoor_err2name(codes[i]));
        cJSON_AddStringToObject(o, "text", spoor_strerror(codes[i]));
        cJSON_AddItemToObject(o, "kind", kind ? cJSON_CreateString(kind) : cJSON_CreateNull());
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

static int print_json(void) {
    cJSON *all = cJSON_CreateObject();
    cJSON_AddItemToObject(all, "properties", properties_json());
    cJSON_AddItemToObject(all, "counters", counters_json());
    cJSON_AddItemToObject(all, "errors", errors_json());
    char *text = cJSON_Print(all);
    cJSON_Delete(all);
    if (!text) return 1;
    printf("%s\n", text);
    cJSON_free(text);
    return 0;
}

static void print_table(int unstable) {
    printf("| key (C, Python) | Node | type | default | range | what it does |\n"
           "| --- | --- | --- | --- | --- | --- |\n");
    const spoor_property_t *p;
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        if (p->unstable != unstable) continue;
        char range[128] = "";
        if (p->type == SPOOR_PROP_INT || p->type == SPOOR_PROP_DURATION)
            snprintf(range, sizeof range, "%lld .. %lld", (long long)p->min, (long long)p->max);
        else if (p->type == SPOOR_PROP_ENUM)
            choices_text(p->name, range, sizeof range);
        printf("| `%s` | `%s` | %s%s | %s%s%s | %s | %s |\n", p->name, camel(p->name), type_name(p->type),
               p->secret ? ", secret" : "", *p->default_value ? "`" : "", p->default_value,
               *p->default_value ? "`" : "", range, p->description);
    }
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "--json")) return print_json();
    if (argc > 1) {
        fprintf(stderr, "usage: %s [--json]\n", argv[0]);
        return 2;
    }
    printf("# Configuration\n\n"
           "<!-- Generated by core/tools/config_doc.c from the property table in core/src/config.c;\n"
           "     do not edit by hand (ctest config_doc checks it). -->\n\n"
           "Every binding takes the same keys: snake_case in C (`spoor_config_set(conf, key, value)`)\n"
           "and Python (keyword arguments), camelCase in Node (options object). Durations are\n"
           "milliseconds in C and Node (C also takes units: `250ms`, `10s`, `2m`) and seconds in\n"
           "Python. Unknown keys and bad values are errors that name the key and the rule.\n"
           "Secrets are never logged and read back as `***`.\n\n"
           "Callbacks are set with typed setters in C (`spoor_config_set_log_cb`,\n"
           "`spoor_config_set_delivery_cb`, `spoor_config_set_token_cb`) and as functions in the\n"
           "bindings (`on_delivery` / `onDelivery`, `access_token` / `accessToken` as a function).\n\n");
    print_table(0);
    printf("\n## For tests (unstable)\n\n"
           "These make a client deterministic for tests (the conformance vectors of every binding use\n"
           "them). They are not part of the stable API: they may change or go in any release. In C,\n"
           "`spoor/sys/testing.h` (which `spoor.h` does not include) also has the typed hooks\n"
           "`spoor_config_set_clock_cb` and `spoor_config_set_id_cb`.\n\n");
    print_table(1);
    return 0;
}
