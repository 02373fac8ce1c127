/* creds.c: the credentials' sources (see creds.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "creds.h"

#define CREDS_FILE_MAX 65536

const char *const cred_option[CRED_COUNT] = {"api-key", "basic", "secret", "admin-key"};
const char *const cred_env[CRED_COUNT] = {"SPOOR_COLLECTOR_API_KEY", "SPOOR_COLLECTOR_BASIC",
                                          "SPOOR_COLLECTOR_SECRET", "SPOOR_COLLECTOR_ADMIN_KEY"};

/* Replaces *slot by a copy of value, wiping what was there. */
static int replace(char **slot, const char *value) {
    char *copy = strdup(value);
    if (!copy) return -1;
    if (*slot) {
        OPENSSL_cleanse(*slot, strlen(*slot));
        free(*slot);
    }
    *slot = copy;
    return 0;
}

int creds_add(auth_conf_t *a, cred_t c, const char *value, const char *source, char *err, size_t errsize) {
    if (!*value) return snprintf(err, errsize, "%s: must not be empty", source), -1;
    for (const unsigned char *p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return snprintf(err, errsize, "%s: must not contain control characters", source), -1;
    int rc = 0;
    switch (c) {
    case CRED_API_KEY:
        if (a->n_keys == AUTH_MAX_KEYS) return snprintf(err, errsize, "%s: at most %d keys", source, AUTH_MAX_KEYS), -1;
        if (!(a->api_keys[a->n_keys] = strdup(value))) rc = -1;
        else a->n_keys++;
        break;
    case CRED_BASIC:
        if (!strchr(value, ':')) return snprintf(err, errsize, "%s: expects USER:PASS", source), -1;
        rc = auth_set_basic(a, value);
        break;
    case CRED_SECRET: rc = replace(&a->secret, value); break;
    case CRED_ADMIN_KEY: rc = replace(&a->admin_key, value); break;
    default: rc = -1;
    }
    if (rc) snprintf(err, errsize, "%s: out of memory", source);
    return rc;
}

/* The whole file, NUL-terminated, into text (a regular file of at most
 * CREDS_FILE_MAX bytes). 0 or -1 with err. */
static int read_file(const char *option, const char *path, char *text, char *err, size_t errsize) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* a FIFO must not hang the start */
    struct stat st;
    if (fd < 0) return snprintf(err, errsize, "--%s-file: cannot open %s: %s", option, path, strerror(errno)), -1;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        close(fd);
        return snprintf(err, errsize, "--%s-file: %s is not a regular file", option, path), -1;
    }
    if (st.st_mode & (S_IRGRP | S_IROTH))
        fprintf(stderr, "spoor-collector: warning: --%s-file: %s can be read by other users (chmod 600 it)\n",
                option, path);
    size_t len = 0;
    ssize_t n;
    while (len < CREDS_FILE_MAX && (n = read(fd, text + len, CREDS_FILE_MAX - len)) > 0) len += (size_t)n;
    char extra;
    int too_big = len == CREDS_FILE_MAX && read(fd, &extra, 1) > 0;
    close(fd);
    if (too_big) return snprintf(err, errsize, "--%s-file: %s is over %d bytes", option, path, CREDS_FILE_MAX), -1;
    text[len] = '\0';
    if (strlen(text) != len) return snprintf(err, errsize, "--%s-file: %s holds a NUL byte", option, path), -1;
    return 0;
}

int creds_add_file(auth_conf_t *a, cred_t c, const char *path, char *err, size_t errsize) {
    char *text = malloc(CREDS_FILE_MAX + 1);
    if (!text) return snprintf(err, errsize, "out of memory"), -1;
    int rc = read_file(cred_option[c], path, text, err, errsize);
    char source[64];
    snprintf(source, sizeof source, "--%s-file", cred_option[c]);
    int values = 0;
    for (char *line = text, *next; !rc && line; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = '\0';
        size_t n = strlen(line);
        while (n && line[n - 1] == '\r') line[--n] = '\0';
        if (!n) continue;
        if (c != CRED_API_KEY && values)
            rc = (snprintf(err, errsize, "%s: %s must hold one line", source, path), -1);
        else
            rc = creds_add(a, c, line, source, err, errsize);
        values++;
    }
    if (!rc && !values) rc = (snprintf(err, errsize, "%s: %s is empty", source, path), -1);
    OPENSSL_cleanse(text, CREDS_FILE_MAX + 1);
    free(text);
    return rc;
}

int creds_from_env(auth_conf_t *a, const int given[CRED_COUNT], char *err, size_t errsize) {
    for (int c = 0; c < CRED_COUNT; c++) {
        const char *v = given[c] ? NULL : getenv(cred_env[c]);
        if (v && *v && creds_add(a, (cred_t)c, v, cred_env[c], err, errsize)) return -1;
    }
    return 0;
}
