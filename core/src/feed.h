/* feed.h: product catalog feeds: JSON {"products":[{"product":{...}}]} or XML
 * <catalog><products><product><id>..</id>...</product></products></catalog>. */
#ifndef SPOOR_FEED_H
#define SPOOR_FEED_H

#include <stddef.h>
#include <cjson/cJSON.h>

/* Parse a feed into a JSON array of product objects. NULL with a message in err. */
cJSON *spoor__feed_parse(const char *text, size_t len, char *err, size_t errsize);

/* Read a whole file (at most max bytes). NULL with a message in err. */
char *spoor__read_file(const char *path, size_t max, size_t *len, char *err, size_t errsize);

#endif
