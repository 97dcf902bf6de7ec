package io.devflow.dr.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Replication's status report: per target region and store, the phase, health, lag, backlog and counts of this
 * process's workers, with what each target holds. Published to the control state, where {@code dr status}, the
 * failover planner and the drills of another process read it.
 */
public final class ReplicationReports {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationReports.class);
    static final String REPORT = "replication/status";

    private final ReplicationConfig config;
    private final Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> stores;
    private final ProgressBoard progress;
    private final Set<StoreKind> running;
    private final StateStore state;
    private final Clock clock;

    /** @param running the stores whose workers run now, as the service keeps them */
    ReplicationReports(ReplicationConfig config, Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> stores,
                       ProgressBoard progress, Set<StoreKind> running, StateStore state, Clock clock) {
        this.config = config;
        this.stores = stores;
        this.progress = progress;
        this.running = running;
        this.state = state;
        this.clock = clock;
    }

    /** The report of the directions that run now ({@code source}: where they run from when none does). */
    ReplicationReport report(List<Direction> now, RegionId source) {
        List<ReplicationReport.Target> targets = new ArrayList<>();
        for (Direction direction : now) {
            List<ReplicationReport.Store> stores = new ArrayList<>();
            Map<String, Long> counts = new LinkedHashMap<>();
            ReplicationHealth health = ReplicationHealth.STOPPED;
            Instant lastSync = null;
            double lag = 0;
            long bytes = 0;
            for (Map.Entry<StoreKind, StoreReplication<?, ?, ?, ?, ?>> entry : this.stores.entrySet()) {
                StoreKind store = entry.getKey();
                ReplicationProgress p = progress.of(direction, store);
                ReplicationHealth h = p.health(config.health());
                health = health.worst(h);
                if (p.lastSync() != null && (lastSync == null || p.lastSync().isAfter(lastSync))) {
                    lastSync = p.lastSync();
                }
                lag = Math.max(lag, p.lag().toMillis() / 1000.0);
                bytes += p.bytes();
                try {
                    counts.putAll(entry.getValue().targetCounts(direction));
                } catch (RuntimeException e) {
                    LOG.debug("{} counts of {} not available: {}", store, direction.target(), Failures.describe(e));
                }
                stores.add(new ReplicationReport.Store(store.id(), phase(p.phase()), h, running.contains(store),
                        p.lag().toMillis() / 1000.0, p.backlog(), p.throughput(), p.appliedCount(), p.echoes(),
                        p.conflicts(), p.repairs(), p.lastSync(), p.lastError(), p.lastErrorAt(),
                        entry.getValue().warning().orElse(null)));
            }
            targets.add(new ReplicationReport.Target(direction.target().value(), health, lastSync, lag, counts, bytes, stores));
        }
        RegionId from = now.isEmpty() ? source : now.get(0).source();
        return new ReplicationReport(from.value(), config.conflicts().strategy().id(), clock.instant(),
                host(), targets);
    }

    void publish(ReplicationReport report) {
        state.write(REPORT, Json.MAPPER.valueToTree(report));
    }

    /** The report the server last published, with its age; empty when none was ever published. */
    public static Optional<ReplicationReport> published(StateStore state) {
        return state.read(REPORT).map(StateDocument::content).map(c -> {
            try {
                return Json.MAPPER.treeToValue(c, ReplicationReport.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the published replication status (control document " + REPORT
                        + ") is not readable: " + e.getOriginalMessage() + "; the leading dr server rewrites it at its "
                        + "next status report: if it stays unreadable, the servers run different versions of dr");
            }
        });
    }

    private static String phase(ReplicationProgress.Phase phase) {
        return switch (phase) {
            case STOPPED -> "stopped";
            case INITIAL_SYNC -> "initial-sync";
            case STREAMING -> "streaming";
        };
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }
}
