package io.spoor;

import java.util.List;

/** One delivery report of the core (spoor_delivery_report_t), copied into Java values. */
public final class DeliveryReport {
    /** The core's error name: "OK" (delivered), "HTTP", "TRANSPORT", "REJECTED", "QUEUE_FULL", "ABORTED", ... */
    public final String code;
    /** The last HTTP status, 0 when none was received. */
    public final int httpStatus;
    /** Human text; never contains a secret. */
    public final String reason;
    /** The eventIds of the events this report covers. */
    public final List<String> eventIds;
    /** The events as JSON text, exactly as queued. */
    public final List<String> events;

    DeliveryReport(String code, int httpStatus, String reason, List<String> eventIds, List<String> events) {
        this.code = code;
        this.httpStatus = httpStatus;
        this.reason = reason;
        this.eventIds = eventIds;
        this.events = events;
    }

    /** True when the events reached the server. */
    public boolean delivered() {
        return "OK".equals(code);
    }

    @Override
    public String toString() {
        return "DeliveryReport[" + code + ", http " + httpStatus + ", " + eventIds.size() + " events: " + reason + "]";
    }
}
