package io.spoor;

import java.util.Map;

/**
 * A before_send hook: called on the calling thread, inside each call (track, identify, batch,
 * ...), with every event as it will be sent (a Map of the wire format, in its key order). Return
 * it, changed or not, or null to drop it (counted in {@link Stats#droppedByHook}). What it throws,
 * or an event it returns that breaks a rule, changes nothing: the event is sent as it was, and the
 * reason is logged and counted in {@link Stats#hookFailed}. It must not call its own client.
 */
@FunctionalInterface
public interface BeforeSend {
    Map<String, Object> apply(Map<String, Object> event);
}
