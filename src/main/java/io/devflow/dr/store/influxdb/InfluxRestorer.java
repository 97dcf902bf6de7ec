package io.devflow.dr.store.influxdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes archived points back in batches of line protocol. Writes are idempotent (a point with the same
 * measurement, tags and time replaces itself), so replaying overlapping backups is harmless. With a cut-off,
 * points after it are left out: that is point-in-time recovery for time series.
 */
final class InfluxRestorer implements StoreOperations.Restorer {

    private static final int BATCH = 5_000;

    private final InfluxWriter writer;
    private final UnaryOperator<String> databaseMapping;
    private final Long cutoffNanos;
    private final String display;
    private final Map<String, Long> written = new LinkedHashMap<>();
    private final List<String> batch = new ArrayList<>(BATCH);
    private String database;
    private String section;
    private long skipped;

    InfluxRestorer(InfluxWriter writer, UnaryOperator<String> databaseMapping, Long cutoffNanos, String display) {
        this.writer = writer;
        this.databaseMapping = databaseMapping;
        this.cutoffNanos = cutoffNanos;
        this.display = display;
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        String target = databaseMapping.apply(metadata.path("database").asText());
        if (!target.equals(database)) {
            Remote.run("preparing database " + target + " on " + display, () -> writer.prepare(target));
        }
        database = target;
        section = target + "." + metadata.path("measurement").asText();
        written.putIfAbsent(section, 0L);
    }

    @Override
    public void item(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8);
        if (cutoffNanos != null && LineProtocol.timestamp(line) > cutoffNanos) {
            skipped++;
            return;
        }
        batch.add(line);
        if (batch.size() >= BATCH) {
            flush();
        }
    }

    @Override
    public void sectionEnd(SectionSummary summary) {
        flush();
    }

    private void flush() {
        if (batch.isEmpty()) {
            return;
        }
        String target = database;
        Remote.run("writing " + batch.size() + " points to " + section + " on " + display, () -> writer.write(target, batch));
        written.merge(section, (long) batch.size(), Long::sum);
        batch.clear();
    }

    @Override
    public StoreOperations.RestoreResult result() {
        writer.close();
        return new StoreOperations.RestoreResult(Map.copyOf(written), skipped, List.of());
    }
}
