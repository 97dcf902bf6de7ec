package io.devflow.dr.failover;

import java.time.Instant;
import java.util.List;

/** The reachability of every region's data stores and backup storage at one moment. */
public record HealthReport(Instant checkedAt, List<Region> regions) {

    public HealthReport {
        regions = List.copyOf(regions);
    }

    /** @param healthy whether every check of the region passed */
    public record Region(String region, String role, boolean healthy, List<Check> checks) {

        public Region {
            checks = List.copyOf(checks);
        }
    }

    /**
     * @param component {@code mongodb}, {@code redis}, {@code influxdb} or {@code storage}
     * @param latencyMs how long the check took
     * @param error why it failed; null when it passed
     */
    public record Check(String component, boolean ok, long latencyMs, String error) {
    }

    public Region region(String name) {
        return regions.stream().filter(r -> r.region().equals(name)).findFirst().orElse(null);
    }
}
