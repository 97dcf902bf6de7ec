package io.devflow.dr.backup;

import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.control.ActiveRegion;

import java.util.List;

/**
 * Incremental chains do not reach across a failover. A chain is a run of segments of one store's change feed,
 * each starting where its parent ended; after a failover the active region's feed is another server's (or, when
 * a region becomes active again, its own feed with a term as standby in between, in which it was written by
 * replication and captured by no one). So once a failover made a region active, an incremental is built only on
 * backups that began since then: the first backup of a store after a failover is a full one, which starts the
 * new chain. Before any failover (the configured primary, term 0) every completed backup may be built on, as
 * always. Backups of the earlier terms stay listed and usable for restores and point-in-time recovery up to the
 * failover; retention keeps each chain whole as it does for any chain.
 */
public final class FailoverChains {

    private FailoverChains() {
    }

    /** Whether an incremental may continue from {@code backup} while {@code active} is the active region. */
    public static boolean mayContinue(BackupRecord backup, ActiveRegion active) {
        return active.since() == null || !backup.startedAt().isBefore(active.since());
    }

    /** Whether the region's backups (newest first) hold a completed full one that a new incremental may build on. */
    public static boolean hasFull(List<BackupRecord> backups, ActiveRegion active) {
        return backups.stream().anyMatch(r -> r.isCompleted() && BackupType.FULL.id().equals(r.type())
                && mayContinue(r, active));
    }
}
