package io.spoor;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Java values to JSON text, for the core's JSON arguments: Map (keys as strings), List /
 * Iterable / arrays, String / Character, Number, Boolean, null; java.time values and Date as
 * ISO-8601 strings, enums by name. The core parses the text and writes the wire bytes itself,
 * so nothing here decides what is sent. Non-ASCII characters are written as \\u escapes so
 * the text is pure ASCII.
 *
 * <p>And back, for what the core hands out (events for a before_send hook, captured events):
 * {@link #read} makes LinkedHashMaps (in the text's key order), ArrayLists, Strings, Longs
 * (integers that fit), Doubles (other numbers), Booleans and nulls.
 */
final class Json {
    private Json() {}

    /** The value of a JSON text the core wrote. @throws IllegalArgumentException on bad JSON */
    static Object read(String text) {
        Reader r = new Reader(text);
        Object v = r.value(0);
        r.space();
        if (r.at < text.length()) throw r.bad("text after the value");
        return v;
    }

    /** A recursive-descent reader of one JSON text. */
    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        IllegalArgumentException bad(String what) {
            return new IllegalArgumentException("JSON: " + what + " at " + at);
        }

        void space() {
            while (at < s.length() && " \t\r\n".indexOf(s.charAt(at)) >= 0) at++;
        }

        boolean take(char c) {
            space();
            if (at < s.length() && s.charAt(at) == c) {
                at++;
                return true;
            }
            return false;
        }

        Object value(int depth) {
            if (depth > 1000) throw bad("nesting too deep");
            space();
            if (at >= s.length()) throw bad("a value expected");
            char c = s.charAt(at);
            if (c == '{') return object(depth);
            if (c == '[') return array(depth);
            if (c == '"') return string();
            for (String word : new String[] {"true", "false", "null"}) {
                if (s.startsWith(word, at)) {
                    at += word.length();
                    return word.equals("null") ? null : Boolean.valueOf(word.equals("true"));
                }
            }
            return number();
        }

        Map<String, Object> object(int depth) {
            Map<String, Object> m = new LinkedHashMap<>();
            at++;
            if (take('}')) return m;
            do {
                space();
                if (at >= s.length() || s.charAt(at) != '"') throw bad("a key expected");
                String key = string();
                if (!take(':')) throw bad("':' expected");
                m.put(key, value(depth + 1));
            } while (take(','));
            if (!take('}')) throw bad("'}' expected");
            return m;
        }

        List<Object> array(int depth) {
            List<Object> list = new ArrayList<>();
            at++;
            if (take(']')) return list;
            do {
                list.add(value(depth + 1));
            } while (take(','));
            if (!take(']')) throw bad("']' expected");
            return list;
        }

        String string() {
            StringBuilder b = new StringBuilder();
            at++;
            while (at < s.length()) {
                char c = s.charAt(at++);
                if (c == '"') return b.toString();
                if (c != '\\') {
                    b.append(c);
                    continue;
                }
                if (at >= s.length()) break;
                char e = s.charAt(at++);
                int i = "\"\\/bfnrt".indexOf(e);
                if (i >= 0) {
                    b.append("\"\\/\b\f\n\r\t".charAt(i));
                } else if (e == 'u' && at + 4 <= s.length()) {
                    b.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
                    at += 4;
                } else {
                    throw bad("bad escape");
                }
            }
            throw bad("unterminated string");
        }

        Object number() {
            int start = at;
            while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) at++;
            String t = s.substring(start, at);
            if (t.isEmpty()) throw bad("a value expected");
            try {
                if (t.matches("-?\\d+")) {
                    BigInteger n = new BigInteger(t);
                    return n.bitLength() < 64 ? (Object) n.longValue() : new BigDecimal(n);
                }
                return Double.valueOf(t);
            } catch (NumberFormatException e) {
                throw bad("bad number");
            }
        }
    }

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
