/* fuzz_event.c: every operation's validation and event building, fed arbitrary
 * JSON. The first byte picks the operation (% 11), the wire format ((/ 11) % 2:
 * spoor's or Segment's) and, for page and identify, screen and alias ((/ 22) % 2);
 * the rest is its argument. Nothing is sent: the client never reaches flush_at or
 * flush_interval.
 *
 * The oracle: every event a call queued (and any the overflow dropped) is what
 * may go on the wire: one JSON object, well-formed UTF-8, no key twice, its
 * eventId UTF-8 too. It aborts on the first that is not. (An event may be nested
 * two levels deeper than its argument: recordEvent's fields go under properties.) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <spoor.h>

#include "internal.h"
#include "json.h"
#include "utf8.h"
#include "validate.h"

static void check_event(const spoor_item_t *item) {
    char err[512];
    const char *id = SPOOR_ITEM_ID(item);
    cJSON *v = spoor__json_parse(item->json, item->len, 0, SPOOR_JSON_MAX_DEPTH + 2, "event", err, sizeof err);
    if (spoor__utf8_invalid_at(item->json, item->len) != item->len || spoor__utf8_invalid_at(id, strlen(id)) != strlen(id) ||
        !cJSON_IsObject(v) || spoor__check_text(v, "", "event", err, sizeof err)) {
        fprintf(stderr, "an event that must not reach the wire was queued (%s):\n%.*s\n", err, (int)item->len, item->json);
        abort();
    }
    cJSON_Delete(v);
}

/* Every event queued since the last look (seq above *seen), in both queues. */
static void check_new_events(spoor_client_t *c, uint64_t *seen) {
    uint64_t top = *seen;
    pthread_mutex_lock(&c->lock);
    const spoor_queue_t *queues[] = {&c->queue, &c->dropped};
    for (int k = 0; k < 2; k++) {
        const spoor_queue_t *q = queues[k];
        spoor_queue_iter_t it = spoor__queue_iter(q);
        for (const spoor_item_t *item; (item = spoor__queue_next(&it));) {
            if (item->seq <= *seen) continue;
            check_event(item);
            if (item->seq > top) top = item->seq;
        }
    }
    pthread_mutex_unlock(&c->lock);
    *seen = top;
}

static spoor_client_t *client(int segment) {
    static spoor_client_t *clients[2];
    spoor_client_t *c = clients[segment];
    if (!c) {
        spoor_config_t *conf = spoor_config_new();
        spoor_config_set(conf, "protocol", segment ? "segment" : "spoor");
        spoor_config_set(conf, "host", "http://127.0.0.1:9");
        spoor_config_set(conf, "flush_at", "100000");
        spoor_config_set(conf, "flush_interval", "1000s");
        spoor_config_set(conf, "max_queue_size", "64"); /* overflow drops exercise the worker too */
        spoor_config_set(conf, "log_level", "error");
        spoor_config_set(conf, "collection_schemas",
                         "{\"purchase\":{\"totalprice\":\"number\",\"ispaid\":\"boolean\",\"at\":\"timestamp\"}}");
        spoor_client_new(&clients[segment], conf);
        spoor_config_destroy(conf);
        c = clients[segment];
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    char *arg = malloc(size);
    memcpy(arg, data + 1, size - 1);
    arg[size - 1] = '\0';
    spoor_client_t *c = client((data[0] / 11) % 2);
    int other = (data[0] / 22) % 2;
    switch (data[0] % 11) {
    case 0: spoor_track(c, arg); break;
    case 1: spoor_record_event(c, "purchase", arg); break;
    case 2: spoor_profile(c, arg); break;
    case 3: spoor_track_consents(c, arg, "{\"profileId\":\"p\"}"); break;
    case 4: other ? spoor_alias(c, arg, "u") : spoor_identify(c, "u", arg); break;
    case 5: spoor_group(c, "u", "g", arg); break;
    case 6: other ? spoor_screen(c, "u", "n", arg) : spoor_page(c, "u", "n", arg); break;
    case 7: spoor_product(c, arg); break;
    case 8: spoor_batch(c, arg); break;
    case 9: spoor_enqueue(c, arg); break;
    default: if (arg[0] == '{' || arg[0] == '<' || arg[0] == '[') spoor_ingest_feed(c, arg, NULL); break;
    }
    static uint64_t seen[2];
    check_new_events(c, &seen[(data[0] / 11) % 2]);
    free(arg);
    return 0;
}
