/* fuzz_event.c: every operation's validation and event building, fed arbitrary
 * JSON. The first byte picks the operation; the rest is its argument. Nothing is
 * sent: the client never reaches flush_at or flush_interval. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <spoor.h>

static spoor_client_t *client(void) {
    static spoor_client_t *c;
    if (!c) {
        spoor_config_t *conf = spoor_config_new();
        spoor_config_set(conf, "host", "http://127.0.0.1:9");
        spoor_config_set(conf, "flush_at", "100000");
        spoor_config_set(conf, "flush_interval", "1000s");
        spoor_config_set(conf, "max_queue_size", "64"); /* overflow drops exercise the worker too */
        spoor_config_set(conf, "log_level", "error");
        spoor_config_set(conf, "collection_schemas",
                         "{\"purchase\":{\"totalprice\":\"number\",\"ispaid\":\"boolean\",\"at\":\"timestamp\"}}");
        spoor_client_new(&c, conf);
        spoor_config_destroy(conf);
    }
    return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1) return 0;
    char *arg = malloc(size);
    memcpy(arg, data + 1, size - 1);
    arg[size - 1] = '\0';
    spoor_client_t *c = client();
    switch (data[0] % 11) {
    case 0: spoor_track(c, arg); break;
    case 1: spoor_record_event(c, "purchase", arg); break;
    case 2: spoor_profile(c, arg); break;
    case 3: spoor_track_consents(c, arg, "{\"profileId\":\"p\"}"); break;
    case 4: spoor_identify(c, "u", arg); break;
    case 5: spoor_group(c, "u", "g", arg); break;
    case 6: spoor_page(c, "u", "n", arg); break;
    case 7: spoor_product(c, arg); break;
    case 8: spoor_batch(c, arg); break;
    case 9: spoor_enqueue(c, arg); break;
    default: if (arg[0] == '{' || arg[0] == '<' || arg[0] == '[') spoor_ingest_feed(c, arg, NULL); break;
    }
    free(arg);
    return 0;
}
