package io.spoor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds a {@link Client}: one method per configuration key of docs/configuration.md
 * (durations in milliseconds), and {@link #set(String, Object)} for any key by name.
 * The core checks every value when {@link #build()} runs.
 */
public final class Builder {
    private final Map<String, Object> config = new LinkedHashMap<>();

    Builder() {}

    /** Any key, snake_case or camelCase, with a String, Number, Boolean, Duration, Map or List value. */
    public Builder set(String key, Object value) {
        config.put(key, value);
        return this;
    }

    /** Every key set so far, in order. */
    public Map<String, Object> toMap() {
        return new LinkedHashMap<>(config);
    }

    /**
     * Delivery reports, on the client's worker thread: every batch delivered (code "OK") and
     * every event that was not (failed, rejected, dropped, aborted).
     */
    public Builder onDelivery(DeliveryListener listener) {
        return set("onDelivery", listener);
    }

    /** The client. @throws ConfigException a bad key or value, named in the message */
    public Client build() {
        return new Client(config);
    }

    /** Base URL of the ingestion server; events go to {host}/v1/batch. Required. */
    public Builder host(String value) {
        return set("host", value);
    }

    /** API key, sent as X-API-Key. */
    public Builder apiKey(String value) {
        return set("apiKey", value);
    }

    /** Bearer token, sent as Authorization: Bearer. */
    public Builder accessToken(String value) {
        return set("accessToken", value);
    }

    /** Basic-auth user name (with password). */
    public Builder username(String value) {
        return set("username", value);
    }

    /** Basic-auth password. */
    public Builder password(String value) {
        return set("password", value);
    }

    /** Extra request headers. */
    public Builder headers(Map<String, String> value) {
        return set("headers", value);
    }

    /** Send a batch as soon as this many events wait (default 10). */
    public Builder flushAt(int value) {
        return set("flushAt", value);
    }

    /** Send what waits once the oldest event has waited this long, ms (default 10000). */
    public Builder flushInterval(long value) {
        return set("flushInterval", value);
    }

    /** Most events in one request (default 10000). */
    public Builder maxBatchEvents(int value) {
        return set("maxBatchEvents", value);
    }

    /** Most bytes of events in one request, before gzip. */
    public Builder maxBatchBytes(long value) {
        return set("maxBatchBytes", value);
    }

    /** Most bytes one serialised event may take (default 32768). */
    public Builder maxEventBytes(long value) {
        return set("maxEventBytes", value);
    }

    /** Most events waiting in memory; past it the oldest is dropped (default 10000). */
    public Builder maxQueueSize(long value) {
        return set("maxQueueSize", value);
    }

    /** Total time one HTTP request may take, ms (default 10000). */
    public Builder timeout(long value) {
        return set("timeout", value);
    }

    /** Time to establish a connection, ms (default 5000). */
    public Builder connectTimeout(long value) {
        return set("connectTimeout", value);
    }

    /** Most retries after the first attempt (default 100: deliveryTimeout ends them first). */
    public Builder retryLimit(int value) {
        return set("retryLimit", value);
    }

    /** First retry delay, ms; doubles per attempt, with jitter. */
    public Builder retryBackoff(long value) {
        return set("retryBackoff", value);
    }

    /** Longest retry delay, ms. */
    public Builder retryBackoffMax(long value) {
        return set("retryBackoffMax", value);
    }

    /** How long a batch is retried after its first attempt, ms (default 60000); 0: no time bound. */
    public Builder deliveryTimeout(long value) {
        return set("deliveryTimeout", value);
    }

    /** Longest Retry-After honoured from a 429, ms. */
    public Builder retryAfterMax(long value) {
        return set("retryAfterMax", value);
    }

    /** Compress request bodies with gzip. */
    public Builder gzip(boolean value) {
        return set("gzip", value);
    }

    /** HMAC-SHA256 signing secret. */
    public Builder secret(String value) {
        return set("secret", value);
    }

    /**
     * Durable on-disk queue: a directory (created with its parents if missing) where every
     * accepted event is written before the call returns. A client that opens it later queues
     * what an earlier run left there and sends it at once ({@link Stats#replayed}). With a
     * spool, events whose retries run out on a network error, 5xx or 429 are kept rather than
     * failed, and {@link Client#close(long)} at its deadline leaves what is undelivered in the
     * spool ({@link Stats#queued}) and returns normally instead of throwing
     * {@link TimeoutException}. One client per spool: {@link #build()} throws
     * {@link ConfigException} (CONFIG_INVALID) naming the directory and the holder's pid when
     * another client, in this process or another, holds it.
     */
    public Builder spoolDir(String value) {
        return set("spoolDir", value);
    }

    /** {@link #spoolDir(String)} from a path. */
    public Builder spoolDir(java.nio.file.Path value) {
        return set("spoolDir", value == null ? null : value.toString());
    }

    /**
     * When the spool is fsynced: "none" (left to the OS; survives a process crash), "batch"
     * (the default: before each batch is sent) or "event" (before each call returns; survives
     * a power cut). Any other value makes {@link #build()} throw {@link ConfigException}.
     */
    public Builder spoolSync(String value) {
        return set("spoolSync", value);
    }

    /** Log at debug level. */
    public Builder debug(boolean value) {
        return set("debug", value);
    }

    /** Least severe level logged: error, warn, info or debug. */
    public Builder logLevel(String value) {
        return set("logLevel", value);
    }

    /** CA bundle file for TLS verification. */
    public Builder caPath(String value) {
        return set("caPath", value);
    }

    /** Verify the server's TLS certificate and host name. */
    public Builder tlsVerify(boolean value) {
        return set("tlsVerify", value);
    }

    /** Proxy URL for every request (curl syntax). */
    public Builder proxy(String value) {
        return set("proxy", value);
    }

    /** Deadline for close() without a timeout, ms (default 5000). */
    public Builder closeTimeout(long value) {
        return set("closeTimeout", value);
    }

    /** Field types per recordEvent collection: {purchase: {totalprice: number}}. */
    public Builder collectionSchemas(Map<String, ? extends Map<String, String>> value) {
        return set("collectionSchemas", value);
    }

    /** The language binding, for User-Agent and context.library.binding (default java). */
    public Builder binding(String value) {
        return set("binding", value);
    }

    /** Test hook: a fixed ISO-8601 wall clock. */
    public Builder testFixedTime(String value) {
        return set("testFixedTime", value);
    }

    /** Test hook: ids from a deterministic sequence with this seed. */
    public Builder testIdSeed(long value) {
        return set("testIdSeed", value);
    }
}
