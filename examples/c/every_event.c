/* every_event.c: one event of each type of the wire format (track, identify, group,
 * page, record, profile, consent, product), sent, flushed and checked.
 *
 *   spoor-every-event HOST [API_KEY [SECRET]]
 * Bodies are gzipped, and signed when a SECRET is given. Exits 0 only when all 8
 * events (and a 2-product catalog feed) were delivered. */
#include <stdio.h>

#include <spoor.h>

#define TRY(call)                                                                 \
    do {                                                                          \
        if ((call) != SPOOR_OK) {                                                 \
            fprintf(stderr, "%s: %s\n", #call, spoor_last_error());              \
            return 1;                                                             \
        }                                                                         \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s HOST [API_KEY [SECRET]]\n", argv[0]);
        return 2;
    }
    spoor_config_t *conf = spoor_config_new();
    TRY(spoor_config_set(conf, "host", argv[1]));
    if (argc > 2) TRY(spoor_config_set(conf, "api_key", argv[2]));
    if (argc > 3) TRY(spoor_config_set(conf, "secret", argv[3]));
    TRY(spoor_config_set(conf, "gzip", "true"));
    spoor_client_t *c;
    TRY(spoor_client_new(&c, conf));
    spoor_config_destroy(conf);

    TRY(spoor_track(c, "{\"userId\":\"user_123\",\"event\":\"purchase\","
                       "\"properties\":{\"revenue\":99.99,\"currency\":\"USD\",\"product_id\":\"prod_456\"}}"));
    TRY(spoor_identify(c, "user_123", "{\"email\":\"john@example.com\",\"plan\":\"enterprise\"}"));
    TRY(spoor_group(c, "user_123", "company_456", "{\"name\":\"Acme Corp\",\"employees\":500}"));
    TRY(spoor_page(c, "user_123", "Landing Page", "{\"url\":\"https://example.com\"}"));
    TRY(spoor_record_event(c, "purchase", "{\"profileId\":\"user_123\",\"totalprice\":35,\"ispaid\":true}"));
    TRY(spoor_profile(c, "{\"profileId\":\"user_123\",\"user_identifier\":\"john@example.com\"}"));
    TRY(spoor_track_consents(c, "[{\"regulation\":\"GDPR\",\"purpose\":\"advertising\",\"consented\":true}]",
                             "{\"profileId\":\"user_123\"}"));
    TRY(spoor_product(c, "{\"productId\":\"123\",\"data\":{\"name\":\"Wine\",\"amount\":150,\"quantity\":4}}"));
    size_t n = 0;
    TRY(spoor_ingest_feed(c,
        "<catalog><products>"
        "<product><id>SKU1</id><title>Cotton Hoodie</title><description>Soft.</description>"
        "<url>https://s.example/hoodie</url><image_link>https://s.example/hoodie.jpg</image_link></product>"
        "<product><id>SKU2</id><title>Cap</title><description>Red.</description>"
        "<url>https://s.example/cap</url><image_link>https://s.example/cap.jpg</image_link></product>"
        "</products></catalog>", &n));

    TRY(spoor_flush(c, 10000));
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(c, &st);
    printf("accepted %llu, delivered %llu, failed %llu, dropped %llu\n", (unsigned long long)st.accepted,
           (unsigned long long)st.delivered, (unsigned long long)st.failed, (unsigned long long)st.dropped);
    spoor_client_destroy(c);
    return st.accepted == 10 && st.delivered == 10 ? 0 : 1;
}
