package io.spoor;

/**
 * Receives delivery reports: every event that reached the server (code {@code "OK"}) and every
 * event that did not (failed, rejected, dropped, aborted). Called on the client's worker thread,
 * one report per batch or group; keep it short, and do not call {@code flush} or {@code close}
 * of the same client from it (the core refuses: the worker would wait for itself). What it
 * throws is caught and printed, never propagated into the core.
 */
@FunctionalInterface
public interface DeliveryListener {
    void onDelivery(DeliveryReport report);
}
