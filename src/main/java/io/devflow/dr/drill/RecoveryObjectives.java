package io.devflow.dr.drill;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.support.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The recovery objectives measured against their targets, per store. RTO: the last recovery time a drill measured
 * (a backup drill's verified restore into scratch, or a recovery-time drill's plan, start to verified), met when that drill passed within the
 * RTO; never measured is not met. RPO: the worse of replication's lag to any region and the age of the newest point
 * a backup of the active region can restore, met within the RPO. What is read from the buckets (the measures, the
 * newest backups, the lag another process published) is refreshed by {@link #refresh}; ages and this process's own
 * replication lag are computed when asked, so the figures move between refreshes.
 */
public final class RecoveryObjectives {

    private static final Logger LOG = LoggerFactory.getLogger(RecoveryObjectives.class);

    private final DrConfig config;
    private final RegionDirectory regions;
    private final BackupCatalog catalog;
    private final DrillRecords records;
    private final Supplier<RegionId> active;
    private final Supplier<Optional<ReplicationReport>> liveReplication;
    private final Supplier<Optional<ReplicationReport>> publishedReplication;
    private final Clock clock;
    private final Map<String, DrillRecords.Measure> measures = new ConcurrentHashMap<>();
    private final Map<String, Instant> newestPoints = new ConcurrentHashMap<>();
    private volatile Optional<ReplicationReport> published = Optional.empty();

    /**
     * @param liveReplication this process's replication report while its workers run; empty otherwise
     * @param publishedReplication the report the replicating server last published in the control state
     */
    public RecoveryObjectives(DrConfig config, RegionDirectory regions, BackupCatalog catalog, DrillRecords records,
                              Supplier<RegionId> active, Supplier<Optional<ReplicationReport>> liveReplication,
                              Supplier<Optional<ReplicationReport>> publishedReplication, Clock clock) {
        this.config = config;
        this.regions = regions;
        this.catalog = catalog;
        this.records = records;
        this.active = active;
        this.liveReplication = liveReplication;
        this.publishedReplication = publishedReplication;
        this.clock = clock;
    }

    /** One store's objectives: targets, measurements (null when unknown), verdicts. */
    public record StoreObjectives(String store, long rtoTargetSeconds, Double rtoMeasuredSeconds, boolean rtoMet,
                                  String rtoDrillId, Instant rtoMeasuredAt, long rpoTargetSeconds,
                                  Double rpoMeasuredSeconds, Double replicationLagSeconds, Double restorePointAgeSeconds,
                                  boolean rpoMet) {
    }

    /** The stores configured in the active region, in the usual order. */
    public List<String> stores() {
        RegionId region = activeRegion();
        return Arrays.stream(StoreKind.values()).filter(s -> regions.get(region).config().has(s)).map(StoreKind::id).toList();
    }

    public List<StoreObjectives> all() {
        return stores().stream().map(this::of).toList();
    }

    public StoreObjectives of(String store) {
        long rto = Duration.ofMinutes(config.recovery().rtoMinutes()).toSeconds();
        long rpo = Duration.ofMinutes(config.recovery().rpoMinutes()).toSeconds();
        DrillRecords.Measure measure = measures.get(store);
        boolean rtoMet = measure != null && measure.passed() && measure.seconds() <= rto;
        OptionalDouble lag = lag(store);
        Instant point = newestPoints.get(store);
        Double age = point == null ? null : Math.max(0, Duration.between(point, clock.instant()).toMillis() / 1000.0);
        // no restorable point at all is as bad as a point that can never be recent enough
        double worst = Math.max(lag.orElse(0), age == null ? Double.POSITIVE_INFINITY : age);
        Double measured = age == null && lag.isEmpty() ? null : Double.isInfinite(worst) ? null : worst;
        return new StoreObjectives(store, rto, measure == null ? null : measure.seconds(), rtoMet,
                measure == null ? null : measure.drillId(), measure == null ? null : measure.at(), rpo, measured,
                lag.isPresent() ? lag.getAsDouble() : null, age, measured != null && measured <= rpo);
    }

    /** Takes the recovery times a drill just measured, without waiting for the next refresh. */
    public void measured(Map<String, DrillRecords.Measure> latest) {
        measures.putAll(latest);
    }

    /** Reads again what lives in the buckets; a part that cannot be read keeps its last value. */
    public void refresh() {
        try {
            measures.putAll(records.measures());
        } catch (RuntimeException e) {
            LOG.warn("the measured recovery times could not be read: {}", Failures.describe(e));
        }
        RegionContext region = regions.get(activeRegion());
        for (StoreKind store : StoreKind.values()) {
            if (!region.config().has(store)) {
                continue;
            }
            try {
                catalog.completed(store, region).stream()
                        .map(r -> r.coveredUntil() != null ? r.coveredUntil() : r.completedAt())
                        .filter(Objects::nonNull).max(Instant::compareTo)
                        .ifPresentOrElse(p -> newestPoints.put(store.id(), p), () -> newestPoints.remove(store.id()));
            } catch (RuntimeException e) {
                LOG.warn("the {} backups of {} could not be listed for the RPO: {}", store.id(), region.id(),
                        Failures.describe(e));
            }
        }
        try {
            published = publishedReplication.get();
        } catch (RuntimeException e) {
            LOG.warn("replication's published report could not be read for the RPO: {}", Failures.describe(e));
        }
    }

    /**
     * Replication's lag of a store to the region furthest behind: a streaming worker's own lag; for one stopped or
     * failing, the time since it was last in sync. Empty when the store is not replicated or nothing is known.
     */
    private OptionalDouble lag(String store) {
        Optional<ReplicationReport> report = liveReplication.get().or(() -> published);
        if (report.isEmpty()) {
            return OptionalDouble.empty();
        }
        Instant now = clock.instant();
        List<Double> lags = new ArrayList<>();
        for (ReplicationReport.Target target : report.get().targets()) {
            target.stores().stream().filter(s -> s.store().equals(store)).forEach(s -> {
                if (s.running() && "streaming".equals(s.phase())) {
                    lags.add(s.lagSeconds());
                } else if (s.lastSync() != null) {
                    lags.add(Math.max(0, Duration.between(s.lastSync(), now).toMillis() / 1000.0));
                }
            });
        }
        return lags.stream().mapToDouble(Double::doubleValue).max();
    }

    private RegionId activeRegion() {
        try {
            return active.get();
        } catch (RuntimeException e) {
            return config.primaryRegion().id();
        }
    }
}
