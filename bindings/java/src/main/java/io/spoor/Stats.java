package io.spoor;

import io.spoor.jni.spoor_stats_t;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A snapshot of a client's counters (spoor_client_stats). Delivery failures show here:
 * {@link #failed}, {@link #rejected} and {@link #dropped} count every event that did not
 * reach the server (the Java binding has no delivery callback; see bindings/README.md).
 */
public final class Stats {
    /** Events queued by calls. */
    public final long accepted;
    /** Events waiting now, in flight included. */
    public final long queued;
    /** Events the server accepted (duplicates included). */
    public final long delivered;
    /** Events that finally failed: HTTP, transport, rejected, aborted. */
    public final long failed;
    /** Of failed: rejected one by one by the server. */
    public final long rejected;
    /** Events dropped before sending, all reasons. */
    public final long dropped;
    /** Of dropped: max_queue_size overflow. */
    public final long droppedQueueFull;
    /** Requests retried. */
    public final long retried;
    /** Requests that got an HTTP 2xx. */
    public final long batches;
    /** Requests attempted. */
    public final long requests;
    /** Body bytes sent (after gzip). */
    public final long bytesSent;
    /** Events a spool held from an earlier run, loaded when the client was created. */
    public final long replayed;
    /** Damaged spool regions (torn or corrupt records) skipped when the client was created. */
    public final long spoolCorrupt;

    Stats(spoor_stats_t s) {
        accepted = s.getAccepted();
        queued = s.getQueued();
        delivered = s.getDelivered();
        failed = s.getFailed();
        rejected = s.getRejected();
        dropped = s.getDropped();
        droppedQueueFull = s.getDropped_queue_full();
        retried = s.getRetried();
        batches = s.getBatches();
        requests = s.getRequests();
        bytesSent = s.getBytes_sent();
        replayed = s.getReplayed();
        spoolCorrupt = s.getSpool_corrupt();
    }

    /** The counters under the core's snake_case names, as the other bindings give them. */
    public Map<String, Long> toMap() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("accepted", accepted);
        m.put("queued", queued);
        m.put("delivered", delivered);
        m.put("failed", failed);
        m.put("rejected", rejected);
        m.put("dropped", dropped);
        m.put("dropped_queue_full", droppedQueueFull);
        m.put("retried", retried);
        m.put("batches", batches);
        m.put("requests", requests);
        m.put("bytes_sent", bytesSent);
        m.put("replayed", replayed);
        m.put("spool_corrupt", spoolCorrupt);
        return m;
    }

    @Override
    public String toString() {
        return "Stats" + toMap();
    }
}
