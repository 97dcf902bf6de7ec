package io.devflow.dr.testing;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverPlan.StoreLag;
import io.devflow.dr.failover.FailoverPlanner;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRecords;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Planning evidence as a test sets it: by default this process leads, every region is healthy, every store is
 * replicated with no lag and has a backup from a minute ago; the active region and the failovers come from the
 * (in-memory) control state, as in production.
 */
public final class ScriptedEvidence implements FailoverPlanner.Evidence {

    public volatile String notLeader;
    public final Map<RegionId, List<String>> unhealthy = new HashMap<>();
    public final Map<StoreKind, StoreLag> lag = new EnumMap<>(StoreKind.class);
    public final Map<StoreKind, Instant> backups = new EnumMap<>(StoreKind.class);
    /** Stores replication has not reported on: no lag at all. */
    public final Set<StoreKind> unreported = EnumSet.noneOf(StoreKind.class);
    private final ActiveRegions active;
    private final FailoverRecords records;
    private final Clock clock;

    public ScriptedEvidence(ActiveRegions active, FailoverRecords records, Clock clock) {
        this.active = active;
        this.records = records;
        this.clock = clock;
    }

    @Override
    public Optional<String> notLeader() {
        return Optional.ofNullable(notLeader);
    }

    @Override
    public ActiveRegion active() {
        return active.fresh();
    }

    @Override
    public List<String> unhealthy(RegionId region) {
        return unhealthy.getOrDefault(region, List.of());
    }

    @Override
    public Optional<StoreLag> lag(RegionId source, RegionId target, StoreKind store) {
        if (unreported.contains(store)) {
            return Optional.empty();
        }
        return Optional.of(lag.getOrDefault(store, new StoreLag(store, Duration.ZERO, 0, true)));
    }

    @Override
    public Optional<Instant> lastBackup(StoreKind store, RegionId region) {
        return Optional.ofNullable(backups.getOrDefault(store, clock.instant().minusSeconds(60)));
    }

    @Override
    public List<FailoverRecord> unfinished() {
        return new ArrayList<>(records.unfinished(20));
    }

    @Override
    public Optional<RegionId> activeBefore(ActiveRegion now) {
        return now.failoverId() == null ? Optional.empty()
                : records.get(now.failoverId()).map(r -> RegionId.of(r.plan().source()));
    }
}
