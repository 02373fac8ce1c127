package io.spoor;

/** The call's input breaks a validation rule (INVALID, TOO_LARGE); the message names the field. */
public class ValidationException extends SpoorException {
    private static final long serialVersionUID = 1L;

    public ValidationException(String message, String code, int value) {
        super(message, code, value);
    }
}
