package io.spoor;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Called from the JNI before_send callback in spoor.i, on the caller's thread. Its answer's
 * first byte says what the hook decided: 'K' keep, 'D' drop, 'R' and the changed event's JSON
 * (ASCII: Json writes \\u escapes), 'F' and why the hook failed. Nothing is thrown back into
 * the core.
 */
final class HookBridge {
    private HookBridge() {}

    @SuppressWarnings("unchecked")
    static byte[] beforeSend(Object hook, byte[] event) {
        String answer;
        try {
            Object parsed = Json.read(new String(event, StandardCharsets.UTF_8));
            Map<String, Object> changed = ((BeforeSend) hook).apply((Map<String, Object>) parsed);
            answer = changed == null ? "D" : "R" + Json.write(changed);
        } catch (Throwable t) { // the hook's failure is the reason the core logs
            answer = "F" + t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        }
        return answer.getBytes(StandardCharsets.UTF_8);
    }
}
