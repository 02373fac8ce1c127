package io.spoor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** beforeSend and the test modes (capture, disabled), against the collector. */
class HookAndModeTest extends CollectorTest {
    private static final Gson GSON = new Gson();

    @Test
    void hookSeesTheEventAsItIsSent() throws Exception {
        List<Map<String, Object>> seen = new ArrayList<>();
        try (Client client = collector.client().beforeSend(e -> {
            seen.add(e);
            return e;
        }).build()) {
            client.track(Map.of("event", "purchase", "userId", "u1", "properties",
                    Map.of("revenue", 99.99, "items", List.of(Map.of("sku", "a")), "name", "caf\u00e9 \ud83d\ude00")));
            assertEquals(1, seen.size(), "called inside track()");
            client.flush(10_000);
        }
        JsonObject stored = collector.good("track", "purchase").get(0).getAsJsonObject();
        assertEquals(stored, GSON.toJsonTree(seen.get(0)));
        assertEquals("caf\u00e9 \ud83d\ude00", stored.getAsJsonObject("properties").get("name").getAsString());
    }

    @Test
    void hookChangesAndDrops() throws Exception {
        Stats stats;
        try (Client client = collector.client().beforeSend(e -> {
            if ("internal".equals(e.get("eventName"))) return null;
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) e.get("properties");
            props.remove("email");
            return e;
        }).build()) {
            client.track(Map.of("event", "signup", "userId", "u1", "properties", Map.of("email", "a@example.com", "plan", "pro")));
            client.track(Map.of("event", "internal", "userId", "u1", "properties", Map.of()));
            client.flush(10_000);
            stats = client.stats();
        }
        JsonArray good = collector.good("", "");
        assertEquals(1, good.size());
        JsonObject props = good.get(0).getAsJsonObject().getAsJsonObject("properties");
        assertFalse(props.has("email"));
        assertEquals("pro", props.get("plan").getAsString());
        assertEquals(1, stats.droppedByHook);
        assertEquals(1, stats.accepted);
    }

    @Test
    void aThrowingHookChangesNothing() throws Exception {
        Stats stats;
        try (Client client = collector.client().beforeSend(e -> {
            throw new IllegalStateException("boom");
        }).build()) {
            client.track(Map.of("event", "purchase", "userId", "u1", "eventId", "e-1"));
            client.identify("u1", Map.of("plan", "pro"));
            client.flush(10_000);
            stats = client.stats();
        }
        assertEquals(2, collector.good("", "").size());
        assertEquals(2, stats.hookFailed);
    }

    @Test
    void captureForAUnitTest() {
        try (Client client = Client.builder().mode("capture").build()) { // no host, no server
            client.track(Map.of("event", "signup", "userId", "u1", "properties", Map.of("plan", "pro", "seats", 3)));
            List<Map<String, Object>> events = client.captured();
            assertEquals(1, events.size());
            Map<String, Object> e = events.get(0);
            assertEquals("signup", e.get("eventName"));
            assertEquals(Map.of("plan", "pro", "seats", 3L), e.get("properties"));
            assertNotNull(e.get("eventId"));
            assertThrows(ValidationException.class, () -> client.track(Map.of("event", "signup")));
            client.clearCaptured();
            assertTrue(client.captured().isEmpty());
        }
        try (Client sending = collector.client().build()) {
            ValidationException e = assertThrows(ValidationException.class, sending::captured);
            assertTrue(e.getMessage().contains("set mode to capture"), e.getMessage());
        }
    }

    @Test
    void disabledSendsNothingAndNeverWaits() throws Exception {
        for (String host : new String[] {collector.url, "http://127.0.0.1:9"}) {
            try (Client client = Client.builder().host(host).apiKey(Collector.API_KEY).mode("disabled").flushAt(1).build()) {
                client.track(Map.of("event", "signup", "userId", "u1"));
                long start = System.nanoTime();
                client.flush();
                client.close(10_000);
                assertTrue(System.nanoTime() - start < 2_000_000_000L, "a bound: delivering would retry for a minute");
                assertEquals(0, client.stats().requests);
            }
        }
        assertEquals(0, collector.counts().get("total").getAsInt());
    }
}
