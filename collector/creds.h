/* creds.h: where the collector's credentials come from, and which wins.
 *
 * Each credential (api key, basic pair, signing secret, admin key) can be given
 * as a value on the command line (--secret S), in a file (--secret-file FILE)
 * or in the environment (SPOOR_COLLECTOR_SECRET). A value on the command line
 * can be read by every user of the machine (ps, /proc/PID/cmdline); a file or
 * the environment cannot. The command line wins: when a credential's option is
 * given in either form, its environment variable is not read. */
#ifndef COLLECTOR_CREDS_H
#define COLLECTOR_CREDS_H

#include <stddef.h>

#include "auth.h"

typedef enum { CRED_API_KEY, CRED_BASIC, CRED_SECRET, CRED_ADMIN_KEY, CRED_COUNT } cred_t;

/* The option of each credential ("api-key"; the file option adds "-file") and
 * its environment variable. */
extern const char *const cred_option[CRED_COUNT];
extern const char *const cred_env[CRED_COUNT];

/* Adds one value (a non-empty line without control characters; the basic pair
 * USER:PASS). Api keys add up (up to AUTH_MAX_KEYS), any other credential
 * replaces the one before. 0, or -1 with the reason in err naming `source`. */
int creds_add(auth_conf_t *a, cred_t c, const char *value, const char *source, char *err, size_t errsize);

/* Adds the values of a file: one per line (api keys: every non-empty line;
 * the others: exactly one), a final newline and CRs before it ignored. Warns on
 * stderr when others than its owner may read it. 0 or -1 with err. */
int creds_add_file(auth_conf_t *a, cred_t c, const char *path, char *err, size_t errsize);

/* Reads the environment variable of each credential not given on the command
 * line (given[c] == 0); an empty one counts as unset. 0 or -1 with err. */
int creds_from_env(auth_conf_t *a, const int given[CRED_COUNT], char *err, size_t errsize);

#endif
