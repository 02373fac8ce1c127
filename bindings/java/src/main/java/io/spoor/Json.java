package io.spoor;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.Date;
import java.util.Map;

/**
 * Java values to JSON text, for the core's JSON arguments: Map (keys as strings), List /
 * Iterable / arrays, String / Character, Number, Boolean, null; java.time values and Date as
 * ISO-8601 strings, enums by name. The core parses the text and writes the wire bytes itself,
 * so nothing here decides what is sent. Non-ASCII characters are written as \\u escapes so
 * the text is pure ASCII.
 */
final class Json {
    private Json() {}

    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(out, value, 0);
        return out.toString();
    }

    /** null stays null (an absent optional argument). */
    static String writeOrNull(Object value) {
        return value == null ? null : write(value);
    }

    private static void write(StringBuilder out, Object v, int depth) {
        if (depth > 1000) {
            throw new IllegalArgumentException("value nested too deeply (or contains itself)");
        }
        if (v == null) {
            out.append("null");
        } else if (v instanceof String || v instanceof Character) {
            string(out, v.toString());
        } else if (v instanceof Boolean) {
            out.append(v.toString());
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                throw new IllegalArgumentException("JSON has no " + d);
            }
            out.append(v.toString());
        } else if (v instanceof BigDecimal) {
            out.append(((BigDecimal) v).toString());
        } else if (v instanceof Number) { // Integer, Long, Short, Byte, BigInteger, atomics
            out.append(v instanceof BigInteger ? v.toString() : Long.toString(((Number) v).longValue()));
        } else if (v instanceof Map) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                if (!first) out.append(',');
                first = false;
                string(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue(), depth + 1);
            }
            out.append('}');
        } else if (v instanceof Iterable) {
            out.append('[');
            boolean first = true;
            for (Object item : (Iterable<?>) v) {
                if (!first) out.append(',');
                first = false;
                write(out, item, depth + 1);
            }
            out.append(']');
        } else if (v.getClass().isArray()) {
            out.append('[');
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) {
                if (i > 0) out.append(',');
                write(out, Array.get(v, i), depth + 1);
            }
            out.append(']');
        } else if (v instanceof TemporalAccessor) {
            string(out, v.toString());
        } else if (v instanceof Date) {
            string(out, ((Date) v).toInstant().toString());
        } else if (v instanceof Enum) {
            string(out, ((Enum<?>) v).name());
        } else {
            throw new IllegalArgumentException("cannot convert " + v.getClass().getName() + " to JSON");
        }
    }

    private static void string(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                case '\b': out.append("\\b"); break;
                case '\f': out.append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        out.append('"');
    }
}
