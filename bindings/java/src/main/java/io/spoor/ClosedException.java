package io.spoor;

/** The client was closed (CLOSED). */
public class ClosedException extends SpoorException {
    private static final long serialVersionUID = 1L;

    public ClosedException(String message, String code, int value) {
        super(message, code, value);
    }
}
