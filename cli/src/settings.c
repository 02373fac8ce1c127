/* settings.c: settings from options, the environment and files (settings.h). */
#include "settings.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "progress.h"

#define FILE_MAX (64 * 1024)

typedef struct {
    char *value; /* the option's value, or the file to read it from */
    int from_file, given;
} given_t;

struct cli_settings {
    const spoor_property_t **props; /* the core's, spoor_config_property(0 .. n-1) */
    size_t n;
    given_t *given;
};

cli_settings_t *cli_settings_new(void) {
    cli_settings_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    while (spoor_config_property(s->n)) s->n++;
    s->props = calloc(s->n ? s->n : 1, sizeof *s->props);
    s->given = calloc(s->n ? s->n : 1, sizeof *s->given);
    if (!s->props || !s->given) {
        cli_settings_free(s);
        return NULL;
    }
    for (size_t i = 0; i < s->n; i++) s->props[i] = spoor_config_property(i);
    return s;
}

void cli_settings_free(cli_settings_t *s) {
    if (!s) return;
    for (size_t i = 0; s->given && i < s->n; i++) free(s->given[i].value);
    free(s->given);
    free(s->props);
    free(s);
}

void cli_settings_env_name(const char *key, const char *suffix, char *out, size_t size) {
    size_t o = 0;
    for (const char *p = "SPOOR_"; *p && o + 1 < size; p++) out[o++] = *p;
    for (; *key && o + 1 < size; key++) out[o++] = (char)toupper((unsigned char)*key);
    for (; *suffix && o + 1 < size; suffix++) out[o++] = *suffix;
    out[o] = '\0';
}

/* The property an option names (--flush-at or --flush_at), or -1. */
static long find(const cli_settings_t *s, const char *name, size_t len) {
    for (size_t i = 0; i < s->n; i++) {
        const char *k = s->props[i]->name;
        size_t j = 0;
        while (j < len && k[j] && (k[j] == name[j] || (k[j] == '_' && name[j] == '-'))) j++;
        if (j == len && !k[j]) return (long)i;
    }
    return -1;
}

int cli_settings_option(cli_settings_t *s, int argc, char **argv, int *i) {
    const char *arg = argv[*i];
    if (strncmp(arg, "--", 2)) return 0;
    const char *name = arg + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    int from_file = 0, negated = 0;
    long k = find(s, name, len);
    if (k < 0 && len > 5 && (!strncmp(name + len - 5, "-file", 5) || !strncmp(name + len - 5, "_file", 5)))
        if ((k = find(s, name, len - 5)) >= 0) from_file = 1;
    if (k < 0 && len > 3 && !strncmp(name, "no-", 3) && !eq) {
        k = find(s, name + 3, len - 3);
        if (k >= 0 && s->props[k]->type != SPOOR_PROP_BOOL) k = -1;
        negated = k >= 0;
    }
    if (k < 0) return 0;
    const spoor_property_t *p = s->props[k];
    char *value_arg = NULL; /* the argument that holds the value, to hide a secret */
    const char *value;
    if (negated) value = "false";
    else if (eq) value = eq + 1, value_arg = (char *)eq + 1;
    else if (p->type == SPOOR_PROP_BOOL && !from_file) value = "true";
    else if (*i + 1 < argc) value = value_arg = argv[++*i];
    else {
        cli_say("spoor: --%.*s needs a value", (int)len, name);
        return -1;
    }
    given_t *g = &s->given[k];
    free(g->value);
    if (!(g->value = strdup(value))) {
        cli_say("spoor: out of memory");
        return -1;
    }
    g->from_file = from_file;
    g->given = 1;
    /* What ps shows of a secret given on the command line: gone from here on. */
    if (p->secret && !from_file && value_arg) memset(value_arg, 'x', strlen(value_arg));
    return 1;
}

/* The contents of path, without the line breaks at its end. NULL on error (printed). */
static char *read_value_file(const char *path, const char *what) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        cli_say("spoor: %s: cannot read %s: %s", what, path, fd < 0 ? strerror(errno) : "not a regular file");
        if (fd >= 0) close(fd);
        return NULL;
    }
    char *text = malloc(FILE_MAX + 1);
    ssize_t n = text ? read(fd, text, FILE_MAX + 1) : -1;
    close(fd);
    if (n < 0 || n > FILE_MAX) {
        cli_say("spoor: %s: %s is %s", what, path, n < 0 ? "unreadable" : "over 64 KiB");
        free(text);
        return NULL;
    }
    while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == '\r')) n--;
    text[n] = '\0';
    if (!n) {
        cli_say("spoor: %s: %s is empty", what, path);
        free(text);
        return NULL;
    }
    if (st.st_mode & (S_IRWXG | S_IRWXO))
        cli_say("spoor: warning: %s: %s can be read by other users (chmod 600 it)", what, path);
    return text;
}

spoor_config_t *cli_settings_config(const cli_settings_t *s) {
    spoor_config_t *conf = spoor_config_new();
    if (!conf) {
        cli_say("spoor: out of memory");
        return NULL;
    }
    spoor_config_set(conf, "binding", "cli");
    for (size_t i = 0; i < s->n; i++) {
        const char *key = s->props[i]->name;
        char var[128], file_var[128], opt[128], where[160];
        cli_settings_env_name(key, "", var, sizeof var);
        cli_settings_env_name(key, "_FILE", file_var, sizeof file_var);
        snprintf(opt, sizeof opt, "--%s", key);
        for (char *c = opt; *c; c++) *c = *c == '_' ? '-' : *c;
        const char *value = NULL, *file = NULL, *env = getenv(var), *env_file = getenv(file_var);
        if (env && !*env) env = NULL; /* an empty variable counts as unset */
        if (env_file && !*env_file) env_file = NULL;
        if (s->given[i].given) {
            snprintf(where, sizeof where, "%s%s", opt, s->given[i].from_file ? "-file" : "");
            if (s->given[i].from_file) file = s->given[i].value;
            else value = s->given[i].value;
        } else if (env && env_file) {
            cli_say("spoor: %s and %s are both set: use one", var, file_var);
            spoor_config_destroy(conf);
            return NULL;
        } else if (env) {
            snprintf(where, sizeof where, "%s", var), value = env;
        } else if (env_file) {
            snprintf(where, sizeof where, "%s", file_var), file = env_file;
        } else {
            continue;
        }
        char *text = file ? read_value_file(file, where) : NULL;
        if (file && !text) {
            spoor_config_destroy(conf);
            return NULL;
        }
        spoor_err_t rc = spoor_config_set(conf, key, text ? text : value);
        free(text);
        if (rc != SPOOR_OK) { /* the core's message names the key and the rule, never the value */
            cli_say("spoor: %s: %s", where, spoor_last_error());
            spoor_config_destroy(conf);
            return NULL;
        }
    }
    return conf;
}

const char *cli_settings_source(const cli_settings_t *s, const char *key) {
    long k = find(s, key, strlen(key));
    if (k < 0) return "default";
    if (s->given[k].given) return "command line";
    char var[128], file_var[128];
    cli_settings_env_name(key, "", var, sizeof var);
    cli_settings_env_name(key, "_FILE", file_var, sizeof file_var);
    const char *env = getenv(var), *env_file = getenv(file_var);
    return (env && *env) || (env_file && *env_file) ? "environment" : "default";
}

void cli_settings_explain(const cli_settings_t *s, const char *prog, const char *command, const char *error) {
    size_t len = strcspn(error, ":");
    long k = error[len] == ':' ? find(s, error, len) : -1;
    if (k < 0) {
        cli_say("%s %s: %s", prog, command, error);
        return;
    }
    char var[128], opt[128];
    const char *key = s->props[k]->name;
    cli_settings_env_name(key, "", var, sizeof var);
    snprintf(opt, sizeof opt, "--%s", key);
    for (char *c = opt; *c; c++) *c = *c == '_' ? '-' : *c;
    const char *from = cli_settings_source(s, key);
    if (!strcmp(from, "default")) cli_say("%s %s: %s (set it with %s or %s)", prog, command, error, opt, var);
    else cli_say("%s %s: %s (from the %s)", prog, command, error, from);
}

void cli_settings_unknown(const char *opt) {
    char key[128];
    size_t n = 0;
    const char *name = opt + strspn(opt, "-");
    for (; name[n] && name[n] != '=' && n < sizeof key - 1; n++) key[n] = name[n] == '-' ? '_' : name[n];
    key[n] = '\0';
    spoor_config_t *scratch = spoor_config_new();
    if (scratch && n && spoor_config_set(scratch, key, "") == SPOOR_ERR_CONFIG_UNKNOWN)
        cli_say("spoor: unknown option %.*s (as a setting: %s)", (int)(name - opt + (long)n), opt, spoor_last_error());
    else
        cli_say("spoor: unknown option %s", opt);
    spoor_config_destroy(scratch);
}

void cli_settings_help(void) {
    const spoor_property_t *p;
    printf("Settings (docs/configuration.md): each is an option and an environment variable.\n"
           "Any of them can be read from a file instead: --NAME-file FILE or SPOOR_NAME_FILE\n"
           "(keep secrets there, not on the command line). An option wins over the\n"
           "environment, which wins over the default.\n\n");
    for (size_t i = 0; (p = spoor_config_property(i)); i++) {
        char var[128], opt[128];
        cli_settings_env_name(p->name, "", var, sizeof var);
        snprintf(opt, sizeof opt, "--%s", p->name);
        for (char *c = opt; *c; c++) *c = *c == '_' ? '-' : *c;
        const char *arg = p->type == SPOOR_PROP_DURATION ? " MS" : p->type == SPOOR_PROP_INT ? " N"
                        : p->type == SPOOR_PROP_JSON ? " JSON" : " VALUE";
        if (p->type == SPOOR_PROP_BOOL) printf("  %s, --no-%s\n", opt, opt + 2);
        else if (p->secret) printf("  %s%s, %s-file FILE\n", opt, arg, opt);
        else printf("  %s%s\n", opt, arg);
        if (p->secret) printf("      %s or %s_FILE (a secret); default: none\n", var, var);
        else printf("      %s; default: %s\n", var, *p->default_value ? p->default_value : "none");
        printf("      %s%s\n", p->unstable ? "(for tests, unstable) " : "", p->description);
    }
}
