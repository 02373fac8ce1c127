package io.spoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java Client against the collector: what arrives, what is refused and why. */
class ClientTest extends CollectorTest {
    /** A purchase recordEvent, as in the quickstart. */
    static Map<String, Object> purchase(String profileId) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("profileId", profileId);
        e.put("items", List.of(Map.of("item name", "item 1", "price", 20), Map.of("item name", "item 2", "price", 15)));
        e.put("totalprice", 35);
        e.put("ispaid", true);
        e.put("fixed.name", "John Smith");
        e.put("fixed.age", 28);
        e.put("intempt.visit.trackcharge", 35);
        return e;
    }

    @Test
    void recordEventArrivesWithLiftedIdentityAndJavaBinding() throws Exception {
        try (Client client = collector.client().build()) {
            client.recordEvent("purchase", purchase("user_123"));
            client.flush(10_000);
            assertEquals(1, client.stats().delivered);
        }
        JsonArray got = collector.good("record", "purchase");
        assertEquals(1, got.size());
        JsonObject ev = got.get(0).getAsJsonObject();
        assertEquals("user_123", ev.get("profileId").getAsString());
        JsonObject props = ev.getAsJsonObject("properties");
        assertFalse(props.has("profileId"), "profileId is lifted out of properties");
        assertEquals(35, props.get("totalprice").getAsInt());
        assertTrue(props.get("ispaid").getAsBoolean());
        assertEquals("John Smith", props.get("fixed.name").getAsString());
        assertEquals(2, props.getAsJsonArray("items").size());
        assertEquals("item 2", props.getAsJsonArray("items").get(1).getAsJsonObject().get("item name").getAsString());
        assertEquals("java", ev.getAsJsonObject("context").getAsJsonObject("library").get("binding").getAsString());
        JsonObject headers = collector.requests().get(0).getAsJsonObject().getAsJsonObject("headers");
        assertEquals("spoor-java/" + Client.version(), headers.get("user-agent").getAsString());
        assertEquals(Collector.fingerprint(Collector.API_KEY), headers.get("x-api-key").getAsString());
    }

    @Test
    void everyOperationMakesItsEvent() throws Exception {
        Path feed = Files.createTempFile("spoor-feed", ".xml");
        Files.writeString(feed, "<catalog><products><product><id>sku-x</id><title>X</title>"
                + "<description>d</description><url>https://e.com/x</url>"
                + "<image_link>https://e.com/x.png</image_link></product></products></catalog>");
        try (Client client = collector.client().build()) {
            client.profile(Map.of("profileId", "p1", "user_identifier", "john@example.com", "account_identifier", "acme"));
            client.trackConsents(List.of(
                    Map.of("regulation", "GDPR", "purpose", "advertising", "consented", true),
                    Map.of("regulation", "CCPA", "purpose", "advertising", "consented", false)),
                    Map.of("profileId", "p1"));
            client.track(Map.of("event", "signup", "userId", "u1", "properties", Map.of("plan", "pro")));
            client.identify("u1", Map.of("email", "u1@example.com"));
            client.identify(Map.of("userId", "u2", "traits", Map.of("name", "Two")));
            client.identify("u3", null);
            client.group("u1", "g1", Map.of("name", "Acme"));
            client.group(Map.of("userId", "u2", "groupId", "g2"));
            client.page("u1", "Home", Map.of("path", "/"));
            client.page("u1", null, null);
            client.product(Map.of("productId", "sku-1", "data", Map.of("price", 9.5)));
            client.product(Map.of("id", "sku-2", "title", "Shoe", "description", "A shoe",
                    "url", "https://e.com/2", "image_link", "https://e.com/2.png", "price", 20));
            assertEquals(2, client.ingestFeed("{\"products\":[{\"product\":{\"id\":\"sku-3\",\"title\":\"T\","
                    + "\"description\":\"D\",\"url\":\"https://e.com/3\",\"image_link\":\"https://e.com/3.png\"}},"
                    + "{\"product\":{\"id\":\"sku-4\",\"title\":\"T\",\"description\":\"D\","
                    + "\"url\":\"https://e.com/4\",\"image_link\":\"https://e.com/4.png\"}}]}"));
            assertEquals(1, client.ingestFeed(feed.toString()));
            client.batch(List.of(
                    Map.of("type", "track", "event", "b1", "userId", "u1"),
                    Map.of("type", "record", "collection", "cart", "properties", Map.of("profileId", "p1", "total", 3))));
            client.enqueue(Map.of("type", "track", "event", "e1", "anonymousId", client.getAnonymousId()));
            client.flush(10_000);
            Stats s = client.stats();
            assertEquals(18, s.accepted);
            assertEquals(18, s.delivered);
            assertEquals(0, s.failed);
            assertEquals(0, s.queued);
        } finally {
            Files.deleteIfExists(feed);
        }
        assertEquals(18, collector.counts().get("good").getAsInt());
        assertEquals(1, collector.good("profile", "").size());
        assertEquals(1, collector.good("consent", "").size(), "one event carries both consents");
        assertEquals(3, collector.good("identify", "").size());
        assertEquals(2, collector.good("group", "").size());
        assertEquals(2, collector.good("page", "").size());
        assertEquals(5, collector.good("product", "").size());
        assertEquals(3, collector.good("track", "").size());
        assertEquals(1, collector.good("record", "cart").size());
        JsonObject profile = collector.good("profile", "").get(0).getAsJsonObject();
        assertEquals("p1", profile.get("profileId").getAsString());
        assertEquals("acme", profile.getAsJsonObject("traits").get("account_identifier").getAsString());
        JsonObject consent = collector.good("consent", "").get(0).getAsJsonObject();
        assertEquals("CCPA", consent.getAsJsonArray("consents").get(1).getAsJsonObject().get("regulation").getAsString());
    }

    @Test
    void screenAndAliasBothForms() throws Exception {
        try (Client client = collector.client().build()) {
            client.screen("u1", "Settings", Map.of("tab", "privacy"));
            client.screen(Map.of("userId", "u2", "name", "Home", "timestamp", "2026-11-23T09:00:00Z"));
            client.alias("anon-1", "u1");
            client.alias(Map.of("previousId", "anon-2", "userId", "u2", "eventId", "alias-2"));
            client.enqueue(Map.of("type", "screen", "anonymousId", "anon-3"));
            ValidationException e = assertThrows(ValidationException.class, () -> client.alias("anon-1", null));
            assertEquals("userId: must be a non-empty string", e.getMessage());
            client.flush(10_000);
            assertEquals(5, client.stats().delivered);
        }
        JsonArray screens = collector.good("screen", "");
        assertEquals(3, screens.size());
        assertEquals("privacy", screens.get(0).getAsJsonObject().getAsJsonObject("properties").get("tab").getAsString());
        assertEquals("2026-11-23T09:00:00.000Z", screens.get(1).getAsJsonObject().get("timestamp").getAsString());
        JsonArray aliases = collector.good("alias", "");
        assertEquals("anon-1", aliases.get(0).getAsJsonObject().get("previousId").getAsString());
        assertEquals("alias-2", aliases.get(1).getAsJsonObject().get("eventId").getAsString());
    }

    @Test
    void segmentProtocolSendsSegmentsFormat() throws Exception {
        try (Client client = collector.client().protocol("segment").build()) {
            client.track(Map.of("event", "purchase", "userId", "u1", "context", Map.of("ip", "1.2.3.4")));
            client.identify("u1", Map.of("plan", "pro"));
            client.screen("u1", "Settings", null);
            client.alias("anon-1", "u1");
            client.recordEvent("purchase", Map.of("profileId", "p1", "totalprice", 35));
            ValidationException e = assertThrows(ValidationException.class, () -> client.product(Map.of("productId", "1")));
            assertTrue(e.getMessage().startsWith("product: catalog products have no message in Segment's format"));
            client.flush(10_000);
            assertEquals(5, client.stats().delivered);
        }
        JsonArray got = collector.get("/micro/good?format=segment").getAsJsonArray();
        assertEquals(5, got.size());
        JsonObject track = got.get(0).getAsJsonObject();
        assertEquals("track", track.get("type").getAsString());
        assertFalse(track.has("eventId"));
        assertEquals("1.2.3.4", track.getAsJsonObject("context").get("ip").getAsString());
        assertEquals("spoor", track.getAsJsonObject("context").getAsJsonObject("library").get("name").getAsString());
        JsonObject record = got.get(4).getAsJsonObject();
        assertEquals("purchase", record.get("event").getAsString());
        assertEquals("p1", record.get("userId").getAsString());
        JsonObject headers = collector.requests().get(0).getAsJsonObject().getAsJsonObject("headers");
        String basic = java.util.Base64.getEncoder().encodeToString((Collector.API_KEY + ":").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("Basic " + Collector.fingerprint(basic), headers.get("authorization").getAsString());
        assertFalse(headers.has("x-api-key"));
    }

    @Test
    void validationErrorNamesTheFieldAndQueuesNothing() throws Exception {
        try (Client client = collector.client().build()) {
            ValidationException e = assertThrows(ValidationException.class,
                    () -> client.track(Map.of("event", "signup", "properties", Map.of())));
            assertEquals("INVALID", e.getCode());
            assertEquals(-1, e.getValue());
            assertTrue(e.getMessage().contains("userId"), e.getMessage());

            e = assertThrows(ValidationException.class, () -> client.trackConsents(
                    List.of(Map.of("regulation", "GDPR", "purpose", "ads", "consented", true),
                            Map.of("regulation", "HIPAA", "purpose", "ads", "consented", true)),
                    Map.of("userId", "u1")));
            assertTrue(e.getMessage().contains("consents[1].regulation"), e.getMessage());

            e = assertThrows(ValidationException.class, () -> client.batch(List.of(
                    Map.of("type", "track", "event", "ok", "userId", "u1"),
                    Map.of("type", "track", "event", "", "userId", "u1"))));
            assertTrue(e.getMessage().startsWith("batch[1].event"), e.getMessage());

            e = assertThrows(ValidationException.class,
                    () -> client.track(Map.of("event", "x", "userId", "u1", "timestamp", "yesterday")));
            assertTrue(e.getMessage().contains("timestamp"), e.getMessage());

            e = assertThrows(ValidationException.class, () -> client.product(Map.of("id", "sku", "title", "no url")));
            assertTrue(e.getMessage().contains("description") || e.getMessage().contains("url"), e.getMessage());

            e = assertThrows(ValidationException.class,
                    () -> client.track(Map.of("event", "x", "userId", "u1", "propertys", Map.of())));
            assertTrue(e.getMessage().contains("propertys"), e.getMessage());

            Map<String, Object> big = new HashMap<>(Map.of("userId", "u1", "event", "big"));
            big.put("properties", Map.of("blob", "x".repeat(40_000)));
            e = assertThrows(ValidationException.class, () -> client.track(big));
            assertEquals("TOO_LARGE", e.getCode());

            assertEquals(0, client.stats().accepted);
            client.flush(5_000);
        }
        assertEquals(0, collector.counts().get("total").getAsInt());
    }

    @Test
    void configErrorsNameTheKey() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> collector.client().set("flushAtt", 5).build());
        assertEquals("CONFIG_UNKNOWN", e.getCode());
        assertTrue(e.getMessage().contains("flush_att"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> collector.client().flushAt(0).build());
        assertEquals("CONFIG_INVALID", e.getCode());
        assertTrue(e.getMessage().contains("flush_at"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> new Client(Map.of("retry_limit", "many", "host", collector.url)));
        assertTrue(e.getMessage().contains("retry_limit"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> new Client(Map.of("apiKey", "k")));
        assertTrue(e.getMessage().contains("host"), e.getMessage());

        e = assertThrows(ConfigException.class, () -> collector.client().spoolSync("always").build());
        assertEquals("CONFIG_INVALID", e.getCode());
        assertTrue(e.getMessage().contains("spool_sync") && e.getMessage().contains("always"), e.getMessage());
    }

    /** A secret setting's value never shows in an exception: not a bad value (a control
     *  character, over the header limit), not a bad type, not an error of another key. */
    @Test
    void secretsNeverShowInErrors() {
        String sekrit = "SEKRIT-7f3a";
        String longOne = sekrit + "x".repeat(9000);
        for (String key : List.of("api_key", "apiKey", "access_token", "accessToken", "password", "secret")) {
            List<Object> values = List.of(sekrit + "\r\nX-Injected: yes", longOne, Map.of("k", sekrit),
                    List.of(sekrit), sekrit.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            for (Object value : values) {
                Map<String, Object> config = new HashMap<>();
                config.put(key, value); // no host: a value that is taken meets that error instead
                if (key.startsWith("pass")) {
                    config.put("username", "u");
                }
                ConfigException e = assertThrows(ConfigException.class, () -> new Client(config), key);
                String shown = e.getMessage() + " " + e;
                assertFalse(shown.contains(sekrit) || shown.contains("[B@"), key + ": " + shown);
            }
        }
        ConfigException e = assertThrows(ConfigException.class,
                () -> Client.builder().host(collector.url).apiKey(sekrit + "\n").build());
        assertEquals("CONFIG_INVALID", e.getCode());
        assertTrue(e.getMessage().startsWith("api_key: must not contain control characters"), e.getMessage());
        assertFalse(e.getMessage().contains(sekrit), e.getMessage());
    }

    @Test
    void snakeCaseAndCamelCaseMapsAndTheBuilderAgree() throws Exception {
        Map<String, Object> snake = new HashMap<>();
        snake.put("host", collector.url);
        snake.put("api_key", Collector.API_KEY);
        snake.put("flush_at", 2);
        snake.put("gzip", true);
        snake.put("headers", Map.of("X-Tenant", "t1"));
        snake.put("collection_schemas", Map.of("purchase", Map.of("totalprice", "number")));
        try (Client client = new Client(snake)) {
            client.recordEvent("purchase", Map.of("profileId", "p", "totalprice", 1));
            client.recordEvent("purchase", Map.of("profileId", "p", "totalprice", 2));
            ValidationException e = assertThrows(ValidationException.class,
                    () -> client.recordEvent("purchase", Map.of("profileId", "p", "totalprice", "35")));
            assertTrue(e.getMessage().contains("totalprice"), e.getMessage());
            client.flush(10_000);
        }
        JsonObject req = collector.requests().get(0).getAsJsonObject();
        assertTrue(req.get("gzip").getAsBoolean());
        assertEquals(2, req.get("events").getAsInt(), "flush_at 2 sends two in one batch");
        assertEquals("t1", req.getAsJsonObject("headers").get("x-tenant").getAsString());

        collector.reset();
        Map<String, Object> camel = new HashMap<>();
        camel.put("host", collector.url);
        camel.put("apiKey", Collector.API_KEY);
        camel.put("testFixedTime", "2026-11-23T10:00:00Z");
        camel.put("testIdSeed", 7);
        camel.put("flushInterval", java.time.Duration.ofMillis(100));
        try (Client client = new Client(camel)) {
            client.track(Map.of("event", "t", "userId", "u"));
        }
        JsonObject ev = collector.good("track", "t").get(0).getAsJsonObject();
        assertEquals("2026-11-23T10:00:00.000Z", ev.get("timestamp").getAsString());
    }

    @Test
    void flushTimesOutOnASlowServerAndLosesNothing() throws Exception {
        collector.fault("{\"delayMs\": 3000, \"count\": 1}");
        try (Client client = collector.client().build()) {
            client.track(Map.of("event", "slow-flush", "userId", "u1"));
            long t0 = System.nanoTime();
            TimeoutException e = assertThrows(TimeoutException.class, () -> client.flush(300));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals("TIMED_OUT", e.getCode());
            assertTrue(ms < 2500, "flush waited " + ms + " ms");
            client.flush(15_000);
            Stats s = client.stats();
            assertEquals(1, s.delivered, s.toString());
        }
        assertEquals(1, collector.good("track", "slow-flush").size());
    }

    @Test
    void closeTimesOutReportsAbortedAndLaterCallsFail() throws Exception {
        collector.fault("{\"delayMs\": 3000, \"count\": 1}");
        Client client = collector.client().build();
        client.track(Map.of("event", "slow-close", "userId", "u1"));
        Thread.sleep(400); // the request is in flight, held by the delay
        long t0 = System.nanoTime();
        TimeoutException e = assertThrows(TimeoutException.class, () -> client.close(300));
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 2500);
        assertEquals("TIMED_OUT", e.getCode());
        Stats s = client.stats();
        assertEquals(1, s.failed, s.toString());
        assertEquals(0, s.queued, s.toString());
        ClosedException c = assertThrows(ClosedException.class, () -> client.identify("u1", null));
        assertEquals("CLOSED", c.getCode());
        assertThrows(ClosedException.class, () -> client.flush(100));
        client.close(); // idempotent
        assertNotNull(client.getAnonymousId()); // still allowed after close
    }

    @Test
    void tryWithResourcesDeliversOnCloseAndThenRefuses() throws Exception {
        Client escaped;
        try (Client client = collector.client().flushInterval(60_000).build()) {
            client.track(Map.of("event", "bye", "userId", "u1"));
            escaped = client;
        }
        assertEquals(1, collector.good("track", "bye").size(), "close() delivered without a flush");
        assertThrows(ClosedException.class, () -> escaped.track(Map.of("event", "late", "userId", "u1")));
    }

    @Test
    void serverFailuresShowInStats() throws Exception {
        collector.fault("{\"status\": 500, \"count\": 10}");
        try (Client client = collector.client().retryLimit(1).build()) {
            client.track(Map.of("event", "lost", "userId", "u1"));
            client.flush(10_000);
            Stats s = client.stats();
            assertEquals(1, s.failed, s.toString());
            assertEquals(1, s.retried, s.toString());
            assertEquals(2, s.requests, s.toString());
            assertEquals(0, s.delivered, s.toString());
            assertEquals(1L, s.toMap().get("failed"));
        }
        assertEquals(0, collector.counts().get("good").getAsInt());
    }

    @Test
    void unicodeNumbersAndNullsSurvive() throws Exception {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("emoji", "caf\u00e9 \ud83d\ude00 \u4e2d\u6587 \"q\" \\ \n\t");
        props.put("big", 9007199254740992L);
        props.put("sum", 0.1 + 0.2);
        props.put("neg", -42);
        props.put("none", null);
        props.put("list", new ArrayList<>(List.of(1, "two", false)));
        props.put("arr", new int[] {1, 2});
        try (Client client = collector.client().build()) {
            client.track(Map.of("event", "\u00e9v\u00e9nement \ud83d\ude80", "userId", "us\u00e9r", "properties", props));
            assertThrows(IllegalArgumentException.class, () -> client.identify("a\u0000b", null));
            client.flush(10_000);
        }
        JsonObject ev = collector.good("track", "\u00e9v\u00e9nement \ud83d\ude80").get(0).getAsJsonObject();
        assertEquals("us\u00e9r", ev.get("userId").getAsString());
        JsonObject p = ev.getAsJsonObject("properties");
        assertEquals(props.get("emoji"), p.get("emoji").getAsString());
        assertEquals("9007199254740992", p.get("big").getAsString(), "2^53 is exact");
        assertEquals(0.30000000000000004, p.get("sum").getAsDouble());
        assertEquals(-42, p.get("neg").getAsInt());
        assertTrue(p.get("none").isJsonNull());
        assertEquals("two", p.getAsJsonArray("list").get(1).getAsString());
        assertEquals(2, p.getAsJsonArray("arr").get(1).getAsInt());
    }

    @Test
    void anonymousIdIsStableAndVersionIsTheCore() {
        try (Client client = collector.client().build()) {
            String id = client.getAnonymousId();
            assertTrue(id.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"), id);
            assertEquals(id, client.getAnonymousId());
            assertTrue(client.toString().contains(id));
        }
        assertEquals(io.spoor.jni.spoorConstants.SPOOR_VERSION_STRING, Client.version());
    }

    @Test
    void callsFromManyThreadsAllArrive() throws Exception {
        try (Client client = collector.client().flushAt(50).build()) {
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                final int n = t;
                Thread th = new Thread(() -> {
                    for (int i = 0; i < 100; i++) {
                        client.track(Map.of("event", "mt", "userId", "u" + n, "properties", Map.of("i", i)));
                    }
                });
                threads.add(th);
                th.start();
            }
            for (Thread th : threads) th.join();
            client.flush(20_000);
            assertEquals(800, client.stats().delivered);
        }
        assertEquals(800, collector.counts().get("good").getAsInt());
    }

    /** Waits (at most 10 s) until the list holds n reports. */
    static void awaitReports(List<DeliveryReport> reports, int n) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (reports.size() < n && System.nanoTime() < deadline) Thread.sleep(10);
        assertEquals(n, reports.size(), reports.toString());
    }

    @Test
    void deliveryListenerReportsDeliveredAndFailedEvents() throws Exception {
        List<DeliveryReport> reports = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> threads = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Client client = collector.client().retryLimit(0).onDelivery(r -> {
            reports.add(r);
            threads.add(Thread.currentThread().getName());
        }).build()) {
            client.track(Map.of("event", "ok1", "userId", "u1", "eventId", "id-ok-1"));
            client.track(Map.of("event", "ok2", "userId", "u1", "eventId", "id-ok-2"));
            client.flush(10_000);
            awaitReports(reports, 1);
            DeliveryReport r = reports.get(0);
            assertTrue(r.delivered(), r.toString());
            assertEquals("OK", r.code);
            assertEquals(200, r.httpStatus);
            assertEquals(List.of("id-ok-1", "id-ok-2"), r.eventIds);
            assertTrue(r.events.get(0).contains("\"binding\":\"java\""), r.events.get(0));
            assertFalse(threads.get(0).equals(Thread.currentThread().getName()));

            collector.fault("{\"status\": 500, \"count\": 5}");
            client.track(Map.of("event", "lost", "userId", "u1", "eventId", "id-lost", "properties", Map.of("t", "\u00e9\ud83d\ude00")));
            client.flush(10_000);
            awaitReports(reports, 2);
            r = reports.get(1);
            assertFalse(r.delivered());
            assertEquals("HTTP", r.code);
            assertEquals(500, r.httpStatus);
            assertEquals(List.of("id-lost"), r.eventIds);
            assertTrue(r.events.get(0).contains("\u00e9\ud83d\ude00"), r.events.get(0));
            assertFalse(r.reason.isEmpty());
        }
    }

    @Test
    void aThrowingListenerDoesNotStopDelivery() throws Exception {
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        try (Client client = collector.client().onDelivery(r -> {
            calls.incrementAndGet();
            throw new IllegalStateException("listener bug (expected by the test)");
        }).build()) {
            client.track(Map.of("event", "t1", "userId", "u1"));
            client.flush(10_000);
            client.track(Map.of("event", "t2", "userId", "u1"));
            client.flush(10_000);
            assertEquals(2, client.stats().delivered);
        }
        assertEquals(2, calls.get());
        assertEquals(2, collector.counts().get("good").getAsInt());
    }

    @Test
    void manyClientsWithListenersComeAndGo() throws Exception {
        java.util.concurrent.atomic.AtomicInteger delivered = new java.util.concurrent.atomic.AtomicInteger();
        for (int i = 0; i < 20; i++) {
            try (Client client = collector.client().onDelivery(r -> delivered.addAndGet(r.eventIds.size())).build()) {
                client.track(Map.of("event", "churn", "userId", "u" + i));
            }
        }
        System.gc(); // the Cleaner frees the clients and the listeners' global references
        assertEquals(20, delivered.get());
        assertEquals(20, collector.counts().get("good").getAsInt());
    }
}
