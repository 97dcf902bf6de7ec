package io.devflow.dr.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Cross-region replication ({@code disasterRecovery.replication}).
 *
 * @param enabled whether {@code dr server} starts replication when no operator decision is recorded
 * @param source the region whose data is copied (default: the primary)
 * @param targets the regions that receive it (default: every other region)
 * @param stores the stores replicated (default: every store configured in the source and all targets)
 * @param conflicts how a target record changed since it was last replicated is handled
 * @param health lag thresholds of the seed's healthy / degraded / failed
 * @param checkpointInterval how often a worker records where it is (replays after a crash are idempotent)
 */
public record ReplicationConfig(
        boolean enabled,
        RegionId source,
        List<RegionId> targets,
        Set<StoreKind> stores,
        ConflictConfig conflicts,
        Health health,
        Duration checkpointInterval,
        Mongo mongodb,
        Redis redis,
        Influx influxdb) {

    public ReplicationConfig {
        targets = List.copyOf(targets);
        stores = Set.copyOf(stores);
    }

    public boolean replicates(StoreKind store) {
        return stores.contains(store);
    }

    /**
     * @param timestampField the document field {@code timestamp-based} compares
     * @param keepResolved how long resolved conflicts are kept before retention deletes them
     */
    public record ConflictConfig(ConflictStrategy strategy, String timestampField, Duration keepResolved) {

        public static final Duration DEFAULT_KEEP_RESOLVED = Duration.ofDays(90);

        public ConflictConfig(ConflictStrategy strategy, String timestampField) {
            this(strategy, timestampField, DEFAULT_KEEP_RESOLVED);
        }
    }

    /** Lag at or above {@code degradedAfter} is degraded, at or above {@code failedAfter} failed. */
    public record Health(Duration degradedAfter, Duration failedAfter) {
    }

    /**
     * @param metadataDatabase the database, in each target, that holds the version of every replicated document
     * @param batchSize change events applied per bulk write
     * @param linger how long a round that read a partly filled batch waits once for the changes right behind it
     *               (zero: never), so that a steady trickle of writes is applied in rounds of several
     */
    public record Mongo(String metadataDatabase, int batchSize, Duration linger) {

        /** What {@code replication.mongodb} holds when the configuration leaves it, or a field of it, out. */
        public static final Mongo DEFAULTS = new Mongo("devflow_dr", 500, Duration.ofMillis(50));
    }

    /**
     * @param metadataDatabase the logical database, in each target, that holds the version of every replicated key
     * @param reconcileInterval how often every key is compared between the regions
     * @param batchSize keys copied per pipelined round trip
     */
    public record Redis(int metadataDatabase, Duration reconcileInterval, int batchSize) {

        /** What {@code replication.redis} holds when the configuration leaves it, or a field of it, out. */
        public static final Redis DEFAULTS = new Redis(15, Duration.ofMinutes(5), 500);
    }

    /**
     * @param window how often a window of points is copied
     * @param overlap how far each window reaches back before the watermark, for points written late
     */
    public record Influx(Duration window, Duration overlap) {
    }
}
