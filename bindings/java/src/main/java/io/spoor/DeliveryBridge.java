package io.spoor;

import io.spoor.jni.spoor;
import io.spoor.jni.spoor_err_t;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Called from the JNI delivery callback in spoor.i on the core's worker thread. */
final class DeliveryBridge {
    private DeliveryBridge() {}

    static void deliver(Object listener, int err, int httpStatus, byte[] reason, byte[][] eventIds, byte[][] events) {
        try {
            String code = err == 0 ? "OK" : spoor.spoor_err2name(spoor_err_t.swigToEnum(err));
            ((DeliveryListener) listener).onDelivery(new DeliveryReport(code, httpStatus, text(reason),
                    texts(eventIds), texts(events)));
        } catch (Throwable t) { // nothing may stay pending on the worker thread
            System.err.println("spoor: the delivery listener threw:");
            t.printStackTrace();
        }
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static List<String> texts(byte[][] items) {
        List<String> out = new ArrayList<>(items.length);
        for (byte[] b : items) out.add(text(b));
        return Collections.unmodifiableList(out);
    }
}
