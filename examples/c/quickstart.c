/* quickstart.c: record a purchase event, a profile and consents, then flush.
 *
 *   spoor-quickstart HOST [API_KEY [SECRET]]
 *   spoor-quickstart http://127.0.0.1:8080 demo-key demo-secret
 */
#include <stdio.h>

#include <spoor.h>

static int check(spoor_err_t rc, const char *what) {
    if (rc == SPOOR_OK) return 0;
    fprintf(stderr, "%s failed: %s (%s)\n", what, spoor_last_error(), spoor_err2name(rc));
    return 1;
}

static void on_delivery(const spoor_delivery_report_t *r, void *opaque) {
    int *failed = opaque;
    if (r->err != SPOOR_OK) {
        *failed += (int)r->count;
        fprintf(stderr, "%zu events not delivered: %s\n", r->count, r->reason);
    }
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s HOST [API_KEY [SECRET]]\n", argv[0]);
        return 2;
    }
    int failed = 0;
    spoor_config_t *conf = spoor_config_new();
    if (check(spoor_config_set(conf, "host", argv[1]), "host") ||
        (argc > 2 && check(spoor_config_set(conf, "api_key", argv[2]), "api_key")) ||
        (argc > 3 && check(spoor_config_set(conf, "secret", argv[3]), "secret")) ||
        check(spoor_config_set(conf, "gzip", "true"), "gzip"))
        return 1;
    spoor_config_set_delivery_cb(conf, on_delivery, &failed);
    spoor_client_t *client;
    spoor_err_t rc = spoor_client_new(&client, conf);
    spoor_config_destroy(conf); /* the client keeps its own copy */
    if (check(rc, "spoor_client_new")) return 1;

    /* recordEvent: a purchase in the custom collection "purchase" */
    int bad = check(spoor_record_event(client, "purchase",
        "{\"profileId\": \"user_123\","
        " \"items\": [{\"item name\": \"item 1\", \"price\": 20}, {\"item name\": \"item 2\", \"price\": 15}],"
        " \"totalprice\": 35, \"ispaid\": true, \"fixed.name\": \"John Smith\", \"fixed.age\": 28,"
        " \"visit.trackcharge\": 35}"), "record_event");
    bad |= check(spoor_profile(client,
        "{\"profileId\": \"user_123\", \"user_identifier\": \"john@example.com\", \"account_identifier\": \"acme\"}"),
        "profile");
    bad |= check(spoor_track_consents(client,
        "[{\"regulation\": \"GDPR\", \"purpose\": \"advertising\", \"consented\": true},"
        " {\"regulation\": \"CCPA\", \"purpose\": \"advertising\", \"consented\": true}]",
        "{\"profileId\": \"user_123\"}"), "track_consents");

    bad |= check(spoor_flush(client, 10000), "flush");
    spoor_stats_t st = SPOOR_STATS_INIT;
    spoor_client_stats(client, &st);
    printf("accepted %llu, delivered %llu, failed %llu\n", (unsigned long long)st.accepted,
           (unsigned long long)st.delivered, (unsigned long long)st.failed);
    bad |= check(spoor_close(client, 5000), "close");
    spoor_client_destroy(client);
    return bad || failed ? 1 : 0;
}
