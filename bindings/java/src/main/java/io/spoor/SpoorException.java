package io.spoor;

import io.spoor.jni.spoor;
import io.spoor.jni.spoor_err_t;

/**
 * Base of every spoor error. {@link #getMessage()} is the core's message, which names the
 * field (or configuration key) and the rule; {@link #getCode()} is the core's error name
 * ({@code "INVALID"}, {@code "CONFIG_UNKNOWN"}, {@code "TIMED_OUT"}, ...), as
 * {@code spoor_err2name()} gives it.
 */
public class SpoorException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String code;
    private final int value;

    public SpoorException(String message, String code, int value) {
        super(message);
        this.code = code;
        this.value = value;
    }

    /** The core's error name, e.g. {@code "INVALID"}. */
    public String getCode() {
        return code;
    }

    /** The core's numeric code ({@code spoor_err_t}, negative). */
    public int getValue() {
        return value;
    }

    /**
     * The exception for a failed core call. Call it in the thread that made the call, right
     * after it: the core's message is thread-local.
     */
    static SpoorException from(spoor_err_t err) {
        String message = spoor.spoor_last_error();
        if (message == null || message.isEmpty()) {
            message = spoor.spoor_strerror(err);
        }
        String name = spoor.spoor_err2name(err);
        int value = err.swigValue();
        switch (name) {
            case "INVALID":
            case "TOO_LARGE":
                return new ValidationException(message, name, value);
            case "CONFIG_UNKNOWN":
            case "CONFIG_INVALID":
                return new ConfigException(message, name, value);
            case "CLOSED":
                return new ClosedException(message, name, value);
            case "TIMED_OUT":
                return new TimeoutException(message, name, value);
            default:
                return new SpoorException(message, name, value);
        }
    }

    /** Throws the matching exception unless err is SPOOR_OK. */
    static void check(spoor_err_t err) {
        if (err != spoor_err_t.SPOOR_OK) {
            throw from(err);
        }
    }
}
