/* url.h: the host and proxy URLs through libcurl's URL parser (see url.c). */
#ifndef SPOOR_URL_H
#define SPOOR_URL_H

#include <stddef.h>

/* 0 when url parses as curl will read it, with a host; else -1 and curl's reason in why. */
int spoor__url_check(const char *url, char *why, size_t size);

/* url for a log line or spoor_config_get: its user info and query (either may
 * hold a credential) become "***"; as given when it has neither; "***" when it
 * does not parse. proxy: curl's proxy syntax (the scheme may be left out).
 * malloc'd; NULL when out of memory. */
char *spoor__url_redact(const char *url, int proxy);

/* The batch endpoint of host: its path without trailing slashes, then
 * "/v1/batch"; its query kept, its fragment dropped. malloc'd; NULL when host
 * does not parse or memory runs out. */
char *spoor__url_batch(const char *host);

/* The same for any endpoint: host's path without trailing slashes, then
 * path_tail (already percent-encoded, starting with '/'). */
char *spoor__url_endpoint(const char *host, const char *path_tail);

/* s percent-encoded as one segment of a path (every byte but A-Z a-z 0-9 - . _ ~),
 * so a '/' or '?' in a name stays inside its segment. malloc'd; NULL when out of memory. */
char *spoor__url_segment(const char *s);

/* 1 when url is plain http:// to a host that is not this machine (localhost,
 * 127.0.0.0/8, [::1]), with that host copied into host_out; else 0. */
int spoor__url_plain_remote(const char *url, char *host_out, size_t size);

/* 1 when url carries a user name or password. */
int spoor__url_has_userinfo(const char *url);

#endif
