package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Which way replication runs. The configuration names the replicated regions (its {@code source} and
 * {@code targets}); the direction follows the active region: it is the source, and every other replicated region
 * a target. Until a failover the active region is the configured primary, so the configured directions run.
 * When the active region is not one of the replicated regions (a third region replication was never configured
 * for), the configured directions run: replication does not invent a topology no one configured.
 *
 * <p>Each store's worker asks at the start of every round ({@link #enter}); the directions its previous round
 * ran and this one does not are handed back to be stopped there, at the round boundary.
 */
public final class ReplicationDirections {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationDirections.class);

    /** A round's directions, and those of the store's previous round that no longer run. */
    public record Turn(List<Direction> now, List<Direction> left) {
    }

    private final ReplicationConfig config;
    private final List<RegionId> regions;
    private final Supplier<RegionId> activeRegion;
    private volatile RegionId lastActive;
    private volatile String lastError;
    private final Map<StoreKind, List<Direction>> ran = new ConcurrentHashMap<>();

    /** @param activeRegion the active region now (the control state's {@code regions/active}) */
    public ReplicationDirections(ReplicationConfig config, Supplier<RegionId> activeRegion) {
        this.config = config;
        this.activeRegion = activeRegion;
        this.lastActive = config.source();
        List<RegionId> all = new ArrayList<>();
        all.add(config.source());
        config.targets().stream().filter(t -> !all.contains(t)).forEach(all::add);
        this.regions = List.copyOf(all);
    }

    /** The replicated regions: the configured source first, then the targets in their configured order. */
    public List<RegionId> regions() {
        return regions;
    }

    /** The source replication reads from while {@code active} is the active region. */
    public RegionId source(RegionId active) {
        return regions.contains(active) ? active : config.source();
    }

    /** The directions that run while {@code active} is the active region. */
    public List<Direction> of(RegionId active) {
        RegionId source = source(active);
        return regions.stream().filter(r -> !r.equals(source)).map(target -> new Direction(source, target)).toList();
    }

    /** The directions that run now. */
    public List<Direction> current() {
        return of(active());
    }

    /** The region replication reads from now. */
    public RegionId source() {
        return source(active());
    }

    /** A store's round begins: the directions it runs, and those its previous round ran that are to stop now. */
    public Turn enter(StoreKind store) {
        List<Direction> now = current();
        List<Direction> before = ran.put(store, now);
        List<Direction> left = before == null ? List.of() : before.stream().filter(d -> !now.contains(d)).toList();
        return new Turn(now, left);
    }

    /** The directions the store's last round ran (a reconcile goes through those, never ahead of the worker). */
    public List<Direction> ran(StoreKind store) {
        return ran.getOrDefault(store, List.of());
    }

    /** The store stops: every direction it may have open, its last round's and the current ones. */
    public Set<Direction> leave(StoreKind store) {
        Set<Direction> open = new LinkedHashSet<>(ran.getOrDefault(store, List.of()));
        ran.remove(store);
        open.addAll(current());
        return open;
    }

    /**
     * The active region, or the last one known when the control state cannot be read just now: a round must
     * neither fail nor turn around because one read of the control state did.
     */
    private RegionId active() {
        RegionId now;
        try {
            now = activeRegion.get();
            lastError = null;
        } catch (RuntimeException e) {
            String message = Failures.describe(e);
            if (!message.equals(lastError)) {
                LOG.warn("the active region could not be read; replication goes on from {}: {}", lastActive, message);
                lastError = message;
            }
            return lastActive;
        }
        if (!now.equals(lastActive)) {
            LOG.info("the active region is now {}: replication runs {}", now, of(now));
            lastActive = now;
        }
        return now;
    }
}
