package io.spoor;

/** An unknown configuration key or a bad value (CONFIG_UNKNOWN, CONFIG_INVALID); the message names the key. */
public class ConfigException extends SpoorException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message, String code, int value) {
        super(message, code, value);
    }
}
