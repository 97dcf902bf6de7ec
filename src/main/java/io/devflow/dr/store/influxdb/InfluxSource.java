package io.devflow.dr.store.influxdb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.RecordSource;
import io.devflow.dr.archive.SourceRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiPredicate;

/**
 * Exports every measurement of the configured databases as line protocol, with each field's type and
 * nanosecond timestamps, for the points with time in {@code (after, until]} (a full backup: everything up
 * to {@code until}). One section per {@code database.measurement}, streamed one result chunk at a time.
 */
public final class InfluxSource implements RecordSource {

    /**
     * The measurement a failover's canary writes to and removes; neither backups nor replication carry it, even
     * when they read while a canary point exists.
     */
    public static final String CANARY_MEASUREMENT = "dr_canary";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final InfluxHttp http;
    private final Deque<String> databases;
    private final Long afterNanos;
    private final long untilNanos;
    private final BiPredicate<String, String> include;
    private final Deque<String[]> measurements = new ArrayDeque<>();

    // the open section: which columns of SELECT * are tags, which are fields and of what type
    private String measurement;
    private Set<String> tagKeys;
    private Map<String, LineProtocol.FieldType> fieldTypes;
    private InfluxHttp.Rows rows;
    private List<String> columns;
    private Iterator<JsonNode> values;

    /**
     * @param afterNanos exclusive lower bound (the parent's watermark), or null for a full export
     * @param untilNanos inclusive upper bound
     */
    public InfluxSource(InfluxHttp http, List<String> databases, Long afterNanos, long untilNanos) {
        this(http, databases, afterNanos, untilNanos, (database, measurement) -> true);
    }

    /** @param include which measurements ({@code (database, measurement)}) to export; the others are left out */
    public InfluxSource(InfluxHttp http, List<String> databases, Long afterNanos, long untilNanos,
                        BiPredicate<String, String> include) {
        this.http = http;
        this.databases = new ArrayDeque<>(databases);
        this.afterNanos = afterNanos;
        this.untilNanos = untilNanos;
        this.include = include;
    }

    @Override
    public SourceRecord next() {
        while (true) {
            if (rows != null) {
                String line = nextLine();
                if (line != null) {
                    return new SourceRecord.Item(line.getBytes(StandardCharsets.UTF_8));
                }
                closeRows();
                return new SourceRecord.SectionEnd();
            }
            if (measurements.isEmpty()) {
                String database = databases.poll();
                if (database == null) {
                    return null;
                }
                for (JsonNode series : http.series(database, "SHOW MEASUREMENTS")) {
                    for (JsonNode value : series.path("values")) {
                        String name = value.get(0).asText();
                        if (!CANARY_MEASUREMENT.equals(name) && include.test(database, name)) {
                            measurements.add(new String[] {database, name});
                        }
                    }
                }
                continue;
            }
            String[] next = measurements.poll();
            return open(next[0], next[1]);
        }
    }

    private SourceRecord open(String database, String name) {
        measurement = name;
        fieldTypes = new LinkedHashMap<>();
        for (JsonNode series : http.series(database, "SHOW FIELD KEYS FROM " + InfluxHttp.identifier(name))) {
            for (JsonNode value : series.path("values")) {
                fieldTypes.putIfAbsent(value.get(0).asText(), LineProtocol.FieldType.of(value.get(1).asText()));
            }
        }
        tagKeys = new TreeSet<>();
        for (JsonNode series : http.series(database, "SHOW TAG KEYS FROM " + InfluxHttp.identifier(name))) {
            series.path("values").forEach(value -> tagKeys.add(value.get(0).asText()));
        }
        String where = "time <= " + untilNanos + (afterNanos == null ? "" : " AND time > " + afterNanos);
        rows = http.stream(database, "SELECT * FROM " + InfluxHttp.identifier(name) + " WHERE " + where);
        values = null;
        ObjectNode metadata = JSON.createObjectNode().put("database", database).put("measurement", name);
        ObjectNode types = metadata.putObject("fields");
        fieldTypes.forEach((field, type) -> types.put(field, type.name().toLowerCase(Locale.ROOT)));
        tagKeys.forEach(metadata.putArray("tags")::add);
        return new SourceRecord.SectionStart(database + "." + name, metadata);
    }

    /** The next point as a line, or null when the measurement is exhausted. */
    private String nextLine() {
        while (true) {
            while (values == null || !values.hasNext()) {
                if (!rows.hasNext()) {
                    return null;
                }
                JsonNode series = rows.next();
                columns = new ArrayList<>();
                series.path("columns").forEach(c -> columns.add(c.asText()));
                values = series.path("values").iterator();
            }
            String line = toLine(values.next());
            if (line != null) {
                return line;
            }
        }
    }

    private String toLine(JsonNode row) {
        Map<String, String> tags = new TreeMap<>();
        List<LineProtocol.Field> fields = new ArrayList<>();
        for (int i = 1; i < columns.size(); i++) {
            String column = columns.get(i);
            JsonNode value = row.get(i);
            if (value == null || value.isNull()) {
                continue;
            }
            if (tagKeys.contains(column)) {
                tags.put(column, value.asText());
            } else if (fieldTypes.containsKey(column)) {
                fields.add(new LineProtocol.Field(column, fieldTypes.get(column), toJava(value)));
            }
        }
        return LineProtocol.line(measurement, tags, fields, row.get(0).asLong());
    }

    private static Object toJava(JsonNode value) {
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isIntegralNumber()) {
            return value.longValue();
        }
        if (value.isNumber()) {
            return value.doubleValue();
        }
        return value.asText();
    }

    private void closeRows() {
        if (rows != null) {
            rows.close();
            rows = null;
        }
    }

    @Override
    public void close() {
        closeRows();
    }
}
