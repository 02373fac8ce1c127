package io.spoor;

/** flush() or close() reached its deadline (TIMED_OUT); delivery goes on. */
public class TimeoutException extends SpoorException {
    private static final long serialVersionUID = 1L;

    public TimeoutException(String message, String code, int value) {
        super(message, code, value);
    }
}
