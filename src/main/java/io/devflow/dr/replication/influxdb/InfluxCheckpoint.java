package io.devflow.dr.replication.influxdb;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.devflow.dr.replication.ReplicationCheckpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where InfluxDB replication of one direction stands: per source database, the watermark (everything at the
 * source up to it is in the target; none while its initial sync runs) and the window being copied (its end and
 * the measurements it has finished, so a restart resumes it); and the points and bytes replication has written.
 *
 * @param points points written past their database's watermark (overlap rewrites not counted)
 */
public record InfluxCheckpoint(Map<String, Database> databases, long points, long bytes) implements ReplicationCheckpoint {

    /**
     * One source database.
     *
     * @param watermark null while the database's initial sync runs
     * @param copying the window begun and not finished; null between windows
     */
    public record Database(Instant watermark, Window copying) {
    }

    /** A window begun: the points up to {@code until}, the measurements in {@code measurements} already copied. */
    public record Window(Instant until, List<String> measurements) {

        public Window {
            measurements = List.copyOf(measurements);
        }
    }

    public InfluxCheckpoint {
        databases = databases == null ? Map.of() : java.util.Collections.unmodifiableMap(new TreeMap<>(databases));
    }

    public static InfluxCheckpoint fresh() {
        return new InfluxCheckpoint(Map.of(), 0, 0);
    }

    public Instant watermark(String database) {
        Database entry = databases.get(database);
        return entry == null ? null : entry.watermark();
    }

    public Window copying(String database) {
        Database entry = databases.get(database);
        return entry == null ? null : entry.copying();
    }

    /** The oldest watermark of the given databases: everything before it is in the target; null while one has none. */
    public Instant completeUntil(List<String> names) {
        Instant oldest = null;
        for (String name : names) {
            Instant watermark = watermark(name);
            if (watermark == null) {
                return null;
            }
            oldest = oldest == null || watermark.isBefore(oldest) ? watermark : oldest;
        }
        return oldest;
    }

    InfluxCheckpoint withWindow(String database, Window window) {
        return with(database, new Database(watermark(database), window));
    }

    /** The window finished: its end is the database's watermark now. */
    InfluxCheckpoint withWatermark(String database, Instant watermark) {
        return with(database, new Database(watermark, null));
    }

    InfluxCheckpoint plus(long morePoints, long moreBytes) {
        return new InfluxCheckpoint(databases, points + morePoints, bytes + moreBytes);
    }

    private InfluxCheckpoint with(String database, Database entry) {
        Map<String, Database> changed = new TreeMap<>(databases);
        changed.put(database, entry);
        return new InfluxCheckpoint(changed, points, bytes);
    }

    /**
     * Each measurement an initial sync finishes, and the end of a database's initial sync, is saved at once: a
     * measurement can take long to copy, and a crash should not start it over. Streaming windows wait for the
     * interval.
     */
    @Override
    @JsonIgnore
    public String milestone() {
        List<String> parts = new ArrayList<>();
        databases.forEach((name, entry) -> parts.add(name + (entry.watermark() != null ? ":streaming"
                : ":" + (entry.copying() == null ? 0 : entry.copying().measurements().size()))));
        return String.join(",", parts);
    }
}
