package io.devflow.dr.failover;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverPlan.StoreLag;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.support.Failures;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The evidence a plan is made from, read now: the health checks, replication's report (this server's live figures,
 * or the one the server last published), the target's bucket, and the control state.
 */
public final class LiveEvidence implements FailoverPlanner.Evidence {

    private static final Logger LOG = LoggerFactory.getLogger(LiveEvidence.class);
    private static final int RECENT = 20;

    private final Supplier<Optional<String>> leadership;
    private final ActiveRegions active;
    private final HealthMonitor health;
    private final Supplier<Optional<ReplicationReport>> replication;
    private final BackupCatalog catalog;
    private final RegionDirectory regions;
    private final FailoverRecords records;

    /**
     * @param leadership why this process may not fail over, if it may not
     * @param replication replication's report, when replication is configured and has reported
     */
    public LiveEvidence(Supplier<Optional<String>> leadership, ActiveRegions active, HealthMonitor health,
                        Supplier<Optional<ReplicationReport>> replication, BackupCatalog catalog,
                        RegionDirectory regions, FailoverRecords records) {
        this.leadership = leadership;
        this.active = active;
        this.health = health;
        this.replication = replication;
        this.catalog = catalog;
        this.regions = regions;
        this.records = records;
    }

    @Override
    public Optional<String> notLeader() {
        return leadership.get();
    }

    @Override
    public ActiveRegion active() {
        return active.fresh();
    }

    @Override
    public List<String> unhealthy(RegionId region) {
        HealthReport.Region checked = health.check().region(region.value());
        if (checked == null) {
            return List.of("not checked");
        }
        return checked.checks().stream().filter(c -> !c.ok()).map(c -> c.component() + ": " + c.error()).toList();
    }

    @Override
    public Optional<StoreLag> lag(RegionId source, RegionId target, StoreKind store) {
        return replication.get().filter(report -> report.source().equals(source.value()))
                .flatMap(report -> report.targets().stream().filter(t -> t.region().equals(target.value())).findFirst()
                        .flatMap(t -> t.stores().stream().filter(s -> s.store().equals(store.id())).findFirst())
                        .map(s -> lag(store, s, report.generatedAt())));
    }

    /**
     * A streaming worker's lag is a bound on what the target may miss, whatever state the worker is in. One that
     * fails now (its source down, say) still knows since when everything is at the target. One whose round hangs
     * (a driver waiting out its timeouts on a dead server) has recorded no error yet and still reports the lag of
     * its last good poll: everything its source held then was at the target, so the time since that poll bounds
     * the lag. Either way its backlog is unknown. An error it recovered from says nothing about the lag now.
     */
    private static StoreLag lag(StoreKind store, ReplicationReport.Store s, Instant reportedAt) {
        if (!s.running() || !"streaming".equals(s.phase())) {
            return new StoreLag(store, null, -1, false);
        }
        boolean failing = s.lastErrorAt() != null && (s.lastSync() == null || s.lastErrorAt().isAfter(s.lastSync()));
        boolean stalled = !failing && s.health() == ReplicationHealth.FAILED;
        Duration reported = Duration.ofMillis(Math.round(s.lagSeconds() * 1000));
        if (stalled) {
            if (s.lastSync() == null) {
                return new StoreLag(store, null, -1, false);
            }
            Duration sinceLastPoll = Duration.between(s.lastSync(), reportedAt);
            return new StoreLag(store, reported.compareTo(sinceLastPoll) >= 0 ? reported : sinceLastPoll, -1, false);
        }
        if (failing) {
            return new StoreLag(store, reported, -1, false);
        }
        return new StoreLag(store, reported, s.backlog(), s.backlog() == 0 && s.lagSeconds() == 0);
    }

    @Override
    public Optional<Instant> lastBackup(StoreKind store, RegionId region) {
        try {
            return catalog.completed(store, regions.get(region)).stream().map(BackupRecord::completedAt).findFirst();
        } catch (RuntimeException e) {
            // the storage health check of the region says why; no backup that cannot be listed counts
            LOG.warn("the {} backups in {}'s bucket could not be listed: {}", store.id(), region, Failures.describe(e));
            return Optional.empty();
        }
    }

    @Override
    public List<FailoverRecord> unfinished() {
        return records.unfinished(RECENT);
    }

    @Override
    public Optional<RegionId> activeBefore(ActiveRegion now) {
        if (now.failoverId() == null) {
            return Optional.empty();
        }
        return records.get(now.failoverId()).map(r -> RegionId.of(r.plan().source()));
    }
}
