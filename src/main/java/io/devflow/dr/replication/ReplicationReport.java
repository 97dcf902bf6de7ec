package io.devflow.dr.replication;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Replication as {@code dr status} and {@code GET /api/status} show it: per target region the seed's status,
 * last sync, lag and counts, and per store the worker's own figures. Published by {@code dr server} to the
 * control state every few seconds.
 *
 * @param generatedAt when the server that runs replication made the report
 * @param reportedBy the host of that server
 */
public record ReplicationReport(String source, String strategy, Instant generatedAt, String reportedBy,
                                List<Target> targets) {

    public ReplicationReport {
        targets = List.copyOf(targets);
    }

    /**
     * @param status the worst health of its stores
     * @param counts what the target holds: {@code documents}, {@code dataPoints} (copied by replication),
     *               {@code keys}
     * @param bytes bytes of records written by replication
     */
    public record Target(String region, ReplicationHealth status, Instant lastSync, double lagSeconds,
                         Map<String, Long> counts, long bytes, List<Store> stores) {

        public Target {
            counts = Map.copyOf(counts);
            stores = List.copyOf(stores);
        }
    }

    /**
     * @param phase {@code stopped}, {@code initial-sync} or {@code streaming}
     * @param throughput changes applied per second over the last minute
     * @param warning how the store replicates in a degraded way, and what to do about it
     */
    public record Store(String store, String phase, ReplicationHealth health, boolean running, double lagSeconds,
                        long backlog, double throughput, long applied, long echoesSkipped, long conflicts,
                        long repairs, Instant lastSync, String lastError, Instant lastErrorAt, String warning) {
    }
}
