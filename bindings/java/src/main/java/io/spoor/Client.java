package io.spoor;

import io.spoor.jni.SWIGTYPE_p_p_spoor_client_s;
import io.spoor.jni.SWIGTYPE_p_size_t;
import io.spoor.jni.SWIGTYPE_p_spoor_client_s;
import io.spoor.jni.SWIGTYPE_p_spoor_config_s;
import io.spoor.jni.spoor;
import io.spoor.jni.spoor_err_t;
import io.spoor.jni.spoor_stats_t;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A spoor client: validates each call at once (a bad call throws {@link ValidationException}
 * naming the field, and queues nothing), queues the event and delivers it in batches from the
 * core's worker thread. Thread-safe. Close it (try-with-resources) to deliver what waits.
 *
 * <pre>{@code
 * try (Client client = Client.builder().host("http://127.0.0.1:8080").apiKey("k").build()) {
 *     client.recordEvent("purchase", Map.of("profileId", "user_123", "totalprice", 35));
 * }
 * }</pre>
 *
 * Configuration keys are the core's (docs/configuration.md), in snake_case or camelCase
 * ({@code flush_at} or {@code flushAt}); durations are milliseconds. Structured arguments are
 * Maps and Lists of String, Number, Boolean, null, Map and List; the core turns them into
 * events, so every binding sends the same bytes.
 */
public final class Client implements AutoCloseable {
    static {
        Native.load();
    }

    private static final Cleaner CLEANER = Cleaner.create();

    private final SWIGTYPE_p_spoor_client_s handle;

    /**
     * Frees the core's client once the Java object is unreachable (closing it if needed), then
     * the delivery listener's global reference: destroy joins the worker, so no report follows.
     */
    private static final class Destroy implements Runnable {
        private final SWIGTYPE_p_spoor_client_s handle;
        private final long listenerRef;

        Destroy(SWIGTYPE_p_spoor_client_s handle, long listenerRef) {
            this.handle = handle;
            this.listenerRef = listenerRef;
        }

        @Override
        public void run() {
            spoor.spoor_client_destroy(handle);
            spoor.spoor_java_release(listenerRef);
        }
    }

    /**
     * A client from a map of configuration keys (snake_case or camelCase) to values: String,
     * Number, Boolean, Duration (milliseconds), or Map/List for the JSON keys ({@code headers},
     * {@code collection_schemas}), and a {@link DeliveryListener} for {@code onDelivery} /
     * {@code on_delivery}. A null value keeps the default. {@code binding} is "java".
     *
     * @throws ConfigException an unknown key or a bad value; the message names the key
     */
    public Client(Map<String, ?> config) {
        SWIGTYPE_p_spoor_config_s conf = spoor.spoor_config_new();
        if (conf == null) {
            throw new OutOfMemoryError("spoor_config_new");
        }
        SWIGTYPE_p_p_spoor_client_s out = spoor.new_spoor_client_ptr();
        long listenerRef = 0;
        SWIGTYPE_p_spoor_client_s created = null;
        try {
            SpoorException.check(spoor.spoor_config_set(conf, "binding", "java"));
            for (Map.Entry<String, ?> e : config.entrySet()) {
                Object value = e.getValue();
                if (value == null) {
                    continue;
                }
                String key = configKey(e.getKey());
                if (key.equals("on_delivery")) {
                    if (!(value instanceof DeliveryListener)) {
                        throw new IllegalArgumentException("onDelivery: expected a DeliveryListener");
                    }
                    spoor.spoor_java_release(listenerRef); // a second one replaces the first
                    listenerRef = spoor.spoor_java_delivery_listener(conf, value);
                    continue;
                }
                SpoorException.check(spoor.spoor_config_set(conf, key, configValue(value)));
            }
            SpoorException.check(spoor.spoor_client_new(out, conf));
            created = spoor.spoor_client_ptr_value(out);
        } finally {
            spoor.delete_spoor_client_ptr(out);
            spoor.spoor_config_destroy(conf); // the client keeps its own copy
            if (created == null) {
                spoor.spoor_java_release(listenerRef);
            }
        }
        handle = created;
        CLEANER.register(this, new Destroy(handle, listenerRef));
    }

    /** A builder with a method for every configuration key. */
    public static Builder builder() {
        return new Builder();
    }

    /** The version of the loaded libspoor, e.g. "0.1.0". */
    public static String version() {
        Native.load();
        return spoor.spoor_version();
    }

    /** camelCase to the core's snake_case; snake_case passes unchanged. */
    static String configKey(String key) {
        StringBuilder b = new StringBuilder(key.length() + 4);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                b.append('_').append((char) (c + ('a' - 'A')));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A configuration value as the core's text. */
    static String configValue(Object v) {
        if (v instanceof String) {
            return (String) v;
        }
        if (v instanceof Duration) {
            return Long.toString(((Duration) v).toMillis());
        }
        if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.0e15) {
                return Long.toString((long) d);
            }
            return v.toString();
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        if (v instanceof Map || v instanceof Iterable) {
            return Json.write(v);
        }
        return v.toString();
    }

    // ---- operations ----

    /** recordEvent: an event of type "record" named collection, with the collection's fields. */
    public void recordEvent(String collection, Map<String, ?> event) {
        call(() -> spoor.spoor_record_event(handle, collection, Json.writeOrNull(event)));
    }

    /** profile: {profileId, user_identifier, account_identifier, ...attributes}. */
    public void profile(Map<String, ?> attributes) {
        call(() -> spoor.spoor_profile(handle, Json.writeOrNull(attributes)));
    }

    /** trackConsents: [{regulation: GDPR|CCPA, purpose, consented}], subject {profileId} or {userId} (may be null). */
    public void trackConsents(List<? extends Map<String, ?>> consents, Map<String, ?> subject) {
        call(() -> spoor.spoor_track_consents(handle, Json.writeOrNull(consents), Json.writeOrNull(subject)));
    }

    /** track: {event, userId, anonymousId, profileId, properties, eventId, timestamp, sessionId, accountId, pageId}. */
    public void track(Map<String, ?> options) {
        call(() -> spoor.spoor_track(handle, Json.writeOrNull(options)));
    }

    /** identify: userId and traits (may be null). */
    public void identify(String userId, Map<String, ?> traits) {
        call(() -> spoor.spoor_identify(handle, userId, Json.writeOrNull(traits)));
    }

    /** identify as one object: {userId, traits}. */
    public void identify(Map<String, ?> message) {
        enqueue("identify", message);
    }

    /** group: userId, groupId and traits (may be null). */
    public void group(String userId, String groupId, Map<String, ?> traits) {
        call(() -> spoor.spoor_group(handle, userId, groupId, Json.writeOrNull(traits)));
    }

    /** group as one object: {userId, groupId, traits}. */
    public void group(Map<String, ?> message) {
        enqueue("group", message);
    }

    /** page: userId, name (may be null) and properties (may be null). */
    public void page(String userId, String name, Map<String, ?> properties) {
        call(() -> spoor.spoor_page(handle, userId, name, Json.writeOrNull(properties)));
    }

    /** product: {productId, data} or a catalog product {id, title, description, url, image_link, ...}. */
    public void product(Map<String, ?> product) {
        call(() -> spoor.spoor_product(handle, Json.writeOrNull(product)));
    }

    /**
     * Ingest a JSON or XML catalog feed (the text itself, or the path of a file holding it),
     * product by product; all or nothing. Returns the number of products queued.
     */
    public long ingestFeed(String textOrPath) {
        SWIGTYPE_p_size_t count = spoor.new_size_t_ptr();
        try {
            SpoorException.check(spoor.spoor_ingest_feed(handle, textOrPath, count));
            return spoor.size_t_ptr_value(count);
        } finally {
            spoor.delete_size_t_ptr(count);
            Reference.reachabilityFence(this);
        }
    }

    /** One message with a "type" (track, identify, group, page, record, profile, consent, product). */
    public void enqueue(Map<String, ?> message) {
        call(() -> spoor.spoor_enqueue(handle, Json.writeOrNull(message)));
    }

    private void enqueue(String type, Map<String, ?> message) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", type);
        m.putAll(message);
        enqueue(m);
    }

    /** batch: messages with a "type", validated first; on any error (batch[i].field) nothing is queued. */
    public void batch(List<? extends Map<String, ?>> messages) {
        call(() -> spoor.spoor_batch(handle, Json.writeOrNull(messages)));
    }

    /**
     * Wait until everything accepted so far is delivered or has finally failed.
     *
     * @param timeoutMs the deadline in milliseconds; negative waits for ever
     * @throws TimeoutException at the deadline (nothing is lost: delivery goes on)
     */
    public void flush(long timeoutMs) {
        call(() -> spoor.spoor_flush(handle, clampMs(timeoutMs)));
    }

    /** flush() without a deadline. */
    public void flush() {
        flush(-1);
    }

    /**
     * Flush until the deadline, stop the worker, release the connection. Later calls throw
     * {@link ClosedException}; a second close does nothing.
     *
     * @param timeoutMs the deadline in milliseconds; negative uses close_timeout
     * @throws TimeoutException events still queued at the deadline were reported failed (ABORTED);
     *     with a spool (spoolDir) they stay in the spool instead, counted in
     *     {@link Stats#queued}, and close returns normally
     */
    public void close(long timeoutMs) {
        call(() -> spoor.spoor_close(handle, clampMs(timeoutMs)));
    }

    /** close() with close_timeout, for try-with-resources. */
    @Override
    public void close() {
        close(-1);
    }

    /** The client's own anonymous id, stable for its life. */
    public String getAnonymousId() {
        try {
            return spoor.spoor_anonymous_id(handle);
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** The client's counters; delivery failures show in failed, rejected and dropped. */
    public Stats stats() {
        spoor_stats_t s = new spoor_stats_t();
        try {
            SpoorException.check(spoor.spoor_client_stats(handle, s));
            return new Stats(s);
        } finally {
            s.delete();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Runs one core call on the handle and throws its error. The fence keeps this Client (and
     * so the handle the Cleaner frees) reachable until the call has returned.
     */
    private void call(Supplier<spoor_err_t> op) {
        try {
            SpoorException.check(op.get());
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    private static int clampMs(long ms) {
        if (ms < 0) {
            return -1;
        }
        return ms > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) ms;
    }

    @Override
    public String toString() {
        return "io.spoor.Client[anonymousId=" + getAnonymousId() + "]";
    }
}
