package io.devflow.dr.store.influxdb;

import java.util.List;
import java.util.Map;

/** InfluxDB line protocol: formats points from query results, reads timestamps back. */
public final class LineProtocol {

    private LineProtocol() {
    }

    /**
     * One point as a line: {@code measurement,tag=value field=1.5,count=3i,name="x",ok=true 1700000000000000000}.
     *
     * @param tags tag values in column order (null or empty: the point has no such tag)
     * @param fields field values in column order with their types (null: the point has no such field)
     * @return null when the point has no field at all
     */
    static String line(String measurement, Map<String, String> tags, List<Field> fields, long timeNanos) {
        StringBuilder line = new StringBuilder(64);
        escape(line, measurement, true);
        tags.forEach((key, value) -> {
            if (value != null && !value.isEmpty()) {
                line.append(',');
                escape(line, key, false);
                line.append('=');
                escape(line, value, false);
            }
        });
        boolean first = true;
        for (Field field : fields) {
            if (field.value() == null) {
                continue;
            }
            line.append(first ? ' ' : ',');
            first = false;
            escape(line, field.name(), false);
            line.append('=');
            field.type().append(line, field.value());
        }
        if (first) {
            return null;
        }
        return line.append(' ').append(timeNanos).toString();
    }

    /** The timestamp (nanoseconds) at the end of a line. */
    public static long timestamp(String line) {
        return Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
    }

    private static void escape(StringBuilder out, String text, boolean measurement) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' || c == ' ' || (!measurement && c == '=') || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
    }

    record Field(String name, FieldType type, Object value) {
    }

    /** InfluxDB's field types as SHOW FIELD KEYS names them. */
    enum FieldType {
        FLOAT, INTEGER, STRING, BOOLEAN;

        static FieldType of(String name) {
            return switch (name) {
                case "float" -> FLOAT;
                case "integer", "unsigned" -> INTEGER;
                case "string" -> STRING;
                case "boolean" -> BOOLEAN;
                default -> throw new IllegalArgumentException("unknown InfluxDB field type " + name);
            };
        }

        void append(StringBuilder out, Object value) {
            switch (this) {
                case FLOAT -> out.append(value instanceof Number n ? floatText(n) : value.toString());
                case INTEGER -> out.append(((Number) value).longValue()).append('i');
                case BOOLEAN -> out.append(value);
                case STRING -> {
                    out.append('"');
                    String s = value.toString();
                    for (int i = 0; i < s.length(); i++) {
                        char c = s.charAt(i);
                        if (c == '"' || c == '\\') {
                            out.append('\\');
                        }
                        out.append(c);
                    }
                    out.append('"');
                }
            }
        }

        private static String floatText(Number n) {
            double d = n.doubleValue();
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}
