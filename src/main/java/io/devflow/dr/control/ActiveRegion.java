package io.devflow.dr.control;

import io.devflow.dr.config.RegionId;

import java.time.Instant;

/**
 * The region that serves as primary now: where clients write, where backups are taken and the capture worker
 * reads, and where replication reads from. It starts as the configured primary and changes only by a failover,
 * each change a new term.
 *
 * @param term 0 for the configured primary, one more with every failover
 * @param since when this region became active (null for the configured primary, never changed)
 * @param failoverId the failover that made it active; null for the configured primary
 * @param by who asked for that failover
 */
public record ActiveRegion(RegionId region, long term, Instant since, String failoverId, String by) {

    public static ActiveRegion configured(RegionId primary) {
        return new ActiveRegion(primary, 0, null, null, null);
    }
}
