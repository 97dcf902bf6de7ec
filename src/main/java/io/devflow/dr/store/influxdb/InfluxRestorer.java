package io.devflow.dr.store.influxdb;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.support.Remote;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Writes archived points back in large batches of line protocol, a few batches at once. Writes are idempotent
 * (a point with the same measurement, tags and time replaces itself), so neither the order of the batches nor
 * replaying overlapping backups matters. With a cut-off, points after it are left out: that is point-in-time
 * recovery for time series.
 */
final class InfluxRestorer implements StoreOperations.Restorer {

    // InfluxDB's own guidance: batches of 5,000 to 10,000 points
    private static final int BATCH = 10_000;
    private static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    private final InfluxWriter writer;
    private final UnaryOperator<String> databaseMapping;
    private final Long cutoffNanos;
    private final String display;
    private final ParallelWrites writes;
    private final Map<String, Long> written = new LinkedHashMap<>();
    private List<String> batch = new ArrayList<>();
    private int batchBytes;
    private String database;
    private String section;
    private long skipped;

    InfluxRestorer(InfluxWriter writer, UnaryOperator<String> databaseMapping, Long cutoffNanos, String display,
                   int workers) {
        this.writer = writer;
        this.databaseMapping = databaseMapping;
        this.cutoffNanos = cutoffNanos;
        this.display = display;
        this.writes = new ParallelWrites("influxdb", workers);
    }

    @Override
    public void sectionStart(String name, ObjectNode metadata) {
        String target = databaseMapping.apply(metadata.path("database").asText());
        if (!target.equals(database)) {
            Remote.run("preparing database " + target + " on " + display, () -> writer.prepare(target));
        }
        database = target;
        section = target + "." + metadata.path("measurement").asText();
        synchronized (written) {
            written.putIfAbsent(section, 0L);
        }
    }

    @Override
    public void item(byte[] bytes) {
        String line = new String(bytes, StandardCharsets.UTF_8);
        if (cutoffNanos != null && LineProtocol.timestamp(line) > cutoffNanos) {
            skipped++;
            return;
        }
        batch.add(line);
        batchBytes += bytes.length;
        if (batch.size() >= BATCH || batchBytes >= MAX_BATCH_BYTES) {
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
        List<String> lines = batch;
        String target = database;
        String into = section;
        batch = new ArrayList<>();
        batchBytes = 0;
        writes.submit(() -> {
            Remote.run("writing " + lines.size() + " points to " + into + " on " + display, () -> writer.write(target, lines));
            synchronized (written) {
                written.merge(into, (long) lines.size(), Long::sum);
            }
        });
    }

    @Override
    public StoreOperations.RestoreResult result() {
        try {
            writes.await();
        } finally {
            close();
        }
        synchronized (written) {
            return new StoreOperations.RestoreResult(Map.copyOf(written), skipped, List.of());
        }
    }

    @Override
    public void close() {
        writes.close();
        writer.close();
    }
}
