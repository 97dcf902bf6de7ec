package io.devflow.dr.replication;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Cross-region replication as the routes, the CLI and the API see it: the store workers' polls and commits,
 * conflicts recorded and settled, the dead letters, operator resolutions, and the status report. The flow
 * between these steps (and what happens on errors) is in the replication routes.
 */
public final class ReplicationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);
    /** How long stopping a store waits for the round it polled to be committed. */
    private static final Duration ROUND_WAIT = Duration.ofSeconds(30);
    static final String REPORT = "replication/status";

    private final ReplicationConfig config;
    private final Map<StoreKind, StoreReplicator> replicators;
    private final ConflictStore conflicts;
    private final StateStore state;
    private final AuditLog audit;
    private final ReplicationMetrics metrics;
    private final Clock clock;
    private final List<Direction> directions;
    private final Map<String, ReplicationProgress> progress = new ConcurrentHashMap<>();
    private final Set<StoreKind> running = ConcurrentHashMap.newKeySet();
    /** Stores with a round between its poll and its commit (guarded by itself): stop waits for it. */
    private final Set<StoreKind> inRound = EnumSet.noneOf(StoreKind.class);
    private final Object resolving = new Object();
    private final Map<String, String> lastLoggedError = new ConcurrentHashMap<>();

    public ReplicationService(ReplicationConfig config, Map<StoreKind, StoreReplicator> replicators,
                              ConflictStore conflicts, StateStore state, AuditLog audit, ReplicationMetrics metrics,
                              Clock clock) {
        this.config = config;
        this.replicators = new EnumMap<>(StoreKind.class);
        this.replicators.putAll(replicators);
        this.conflicts = conflicts;
        this.state = state;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = clock;
        this.directions = config.targets().stream().map(t -> new Direction(config.source(), t)).toList();
        for (Direction direction : directions) {
            for (StoreKind store : this.replicators.keySet()) {
                ReplicationProgress p = progress(direction, store);
                metrics.track(p, store.id(), direction.source().value(), direction.target().value(),
                        x -> x.lag().toMillis() / 1000.0, ReplicationProgress::appliedCount, ReplicationProgress::echoes,
                        ReplicationProgress::bytes, ReplicationProgress::backlog, ReplicationProgress::repairs);
            }
        }
    }

    public ReplicationConfig config() {
        return config;
    }

    public List<Direction> directions() {
        return directions;
    }

    public ReplicationProgress progress(Direction direction, StoreKind store) {
        return progress.computeIfAbsent(direction.id() + "/" + store.id(), k -> new ReplicationProgress(direction, store.id(), clock));
    }

    public Optional<StoreReplicator> replicator(StoreKind store) {
        return Optional.ofNullable(replicators.get(store));
    }

    public boolean isRunning(StoreKind store) {
        return running.contains(store);
    }

    // --- the worker routes ---

    /** One poll of a store's worker in every direction. A direction that fails is reset and reported; the others go on. */
    public Round poll(String storeName) {
        StoreKind store = store(storeName);
        List<Batch> batches = new ArrayList<>();
        StoreReplicator replicator = replicators.get(store);
        synchronized (inRound) {
            if (replicator == null || !running.contains(store)) {
                return new Round(store.id(), batches);
            }
            inRound.add(store);
        }
        try {
            for (Direction direction : directions) {
                ReplicationProgress p = progress(direction, store);
                try {
                    batches.add(replicator.poll(direction, p));
                    lastLoggedError.remove(direction.id() + "/" + store.id());
                } catch (RuntimeException e) {
                    failed(direction, store, replicator, p, e);
                }
            }
        } finally {
            if (batches.isEmpty()) {
                endRound(store); // nothing to commit
            }
        }
        return new Round(store.id(), batches);
    }

    private void endRound(StoreKind store) {
        synchronized (inRound) {
            inRound.remove(store);
            inRound.notifyAll();
        }
    }

    /** Waits until the store's round in progress, if any, is committed or has failed. */
    private void awaitRound(StoreKind store) {
        long deadline = System.nanoTime() + ROUND_WAIT.toNanos();
        synchronized (inRound) {
            while (inRound.contains(store)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    LOG.warn("{} replication: a round still runs after {} s; stopping without waiting for it",
                            store, ROUND_WAIT.toSeconds());
                    return;
                }
                try {
                    inRound.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void failed(Direction direction, StoreKind store, StoreReplicator replicator, ReplicationProgress p,
                        RuntimeException e) {
        String message = Failures.describe(e);
        p.failed(message);
        try {
            replicator.reset(direction);
        } catch (RuntimeException closing) {
            // its readers are gone with the server; the next poll opens new ones
        }
        // One line per distinct error, not one per retry.
        if (!message.equals(lastLoggedError.put(direction.id() + "/" + store.id(), message))) {
            LOG.warn("{} replication {} failed, retrying from the last checkpoint: {}", store, direction, message);
        }
    }

    /** Records that every batch of the round is applied and its conflicts settled. */
    public void commit(Round round) {
        if (round.batches().isEmpty()) {
            return;
        }
        StoreKind store = store(round.store());
        StoreReplicator replicator = replicators.get(store);
        try {
            for (Batch batch : round.batches()) {
                try {
                    replicator.commit(batch);
                } catch (RuntimeException e) {
                    // The batch stays applied; the checkpoint is written with the next one (replay is idempotent).
                    LOG.warn("{} replication {}: checkpoint not written: {}", round.store(), batch.direction(),
                            Failures.describe(e));
                }
            }
        } finally {
            endRound(store);
        }
    }

    /** Stores a detected conflict durably (before anything else happens to its record). */
    public Conflict record(Conflict conflict) {
        conflicts.save(conflict);
        metrics.conflictDetected(conflict.store(), conflict.decision().id());
        if (!conflict.isOpen()) {
            LOG.info("conflict {}: {} {} changed in both {} and {}; {}", conflict.id(), conflict.store(),
                    conflict.record(), conflict.source(), conflict.target(), conflict.reason());
        }
        return conflict;
    }

    /** Carries out a conflict's decision in the target (or holds its record, for {@code manual}). */
    public void settle(Conflict conflict) {
        replicators.get(store(conflict.store())).settle(conflict);
        if (conflict.isOpen()) {
            metrics.openConflicts(conflicts.openCount());
        }
    }

    /** A change the target refused for good: kept in the control state, counted, logged. */
    public void deadLetter(ReplicationFailure failure) {
        state.write("replication/failures/" + failure.id(), Json.MAPPER.valueToTree(failure));
        metrics.failure(failure.store());
        LOG.error("{} replication {} -> {}: {} could not be written ({}); kept as {} in the control state",
                failure.store(), failure.source(), failure.target(), failure.record(), failure.error(), failure.id());
    }

    /**
     * A failure after a poll (a conflict not recorded, say): the store's directions start again from their
     * checkpoints, so whatever the failed step was about is read and handled again.
     */
    public void recover(String storeName, Exception failure) {
        String message = Failures.describe(failure);
        StoreKind store = storeName == null ? null : StoreKind.parse(storeName).orElse(null);
        StoreReplicator replicator = store == null ? null : replicators.get(store);
        if (replicator == null) {
            if (!message.equals(lastLoggedError.put("control", message))) {
                LOG.warn("replication control failed, trying again shortly: {}", message);
            }
            return;
        }
        for (Direction direction : directions) {
            failed(direction, store, replicator, progress(direction, store), failure instanceof RuntimeException r
                    ? r : new IllegalStateException(message, failure));
        }
        endRound(store);
    }

    /** A periodic reconcile of a store, in every direction: returns how many records were out of step. */
    public long reconcile(String storeName) {
        StoreKind store = store(storeName);
        StoreReplicator replicator = replicators.get(store);
        if (replicator == null || !running.contains(store)) {
            return 0;
        }
        long found = 0;
        for (Direction direction : directions) {
            try {
                found += replicator.reconcile(direction);
            } catch (RuntimeException e) {
                LOG.warn("{} reconcile {} failed, trying again at the next one: {}", store, direction, Failures.describe(e));
            }
        }
        return found;
    }

    // --- control ---

    public void start(StoreKind store) {
        if (replicators.containsKey(store) && running.add(store)) {
            LOG.info("{} replication {} started", store, directions);
        }
    }

    /** Stops a store's workers: writes their checkpoints and closes their readers. */
    public void stop(StoreKind store) {
        if (running.remove(store)) {
            // a round already polled is committed first: its checkpoint never passes conflicts not yet recorded
            awaitRound(store);
            for (Direction direction : directions) {
                try {
                    replicators.get(store).stop(direction);
                } catch (RuntimeException e) {
                    LOG.warn("{} replication {}: stopped without a final checkpoint: {}", store, direction,
                            Failures.describe(e));
                }
                progress(direction, store).phase(ReplicationProgress.Phase.STOPPED);
            }
            LOG.info("{} replication {} stopped", store, directions);
        }
    }

    // --- operators ---

    public Conflict conflict(String id) {
        return conflicts.get(id);
    }

    public List<Conflict> openConflicts() {
        List<Conflict> open = conflicts.open();
        metrics.openConflicts(open.size());
        return open;
    }

    public List<Conflict> resolvedConflicts(int limit) {
        return conflicts.resolved(limit);
    }

    /**
     * Resolves an open conflict with {@code source}, {@code target} or a JSON version of the record: applies
     * it, records the resolution and audits it.
     */
    public Conflict resolve(String id, String resolutionText, String by) {
        Resolution resolution = Resolution.parse(resolutionText);
        // one resolution at a time in this process: a repeated request finds the conflict resolved
        synchronized (resolving) {
            return resolveOpen(id, resolution, by);
        }
    }

    private Conflict resolveOpen(String id, Resolution resolution, String by) {
        Conflict conflict = conflicts.get(id);
        if (!conflict.isOpen()) {
            throw new StateConflictException("conflict " + id + " is already resolved (" + conflict.decision()
                    + ", by " + conflict.resolvedBy() + " at " + conflict.resolvedAt() + "); nothing was changed");
        }
        StoreReplicator replicator = replicators.get(store(conflict.store()));
        if (replicator == null) {
            throw new InvalidRequestException("conflict " + id + " is about " + conflict.store()
                    + ", which is not replicated in this configuration");
        }
        Conflict resolved = replicator.resolve(conflict, resolution, by);
        conflicts.save(resolved);
        metrics.conflictResolved(resolved.store(), resolved.decision().id());
        metrics.openConflicts(conflicts.openCount());
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("decision", resolved.decision().id());
        details.put("record", resolved.record().toString());
        audit.record("conflict-resolved", by, id, details);
        LOG.info("conflict {} resolved by {}: {}", id, by, resolved.decision());
        return resolved;
    }

    // --- status ---

    /** The report of this process's workers, with what each target holds. */
    public ReplicationReport report() {
        List<ReplicationReport.Target> targets = new ArrayList<>();
        for (Direction direction : directions) {
            List<ReplicationReport.Store> stores = new ArrayList<>();
            Map<String, Long> counts = new LinkedHashMap<>();
            ReplicationHealth health = ReplicationHealth.STOPPED;
            Instant lastSync = null;
            double lag = 0;
            long bytes = 0;
            for (Map.Entry<StoreKind, StoreReplicator> entry : replicators.entrySet()) {
                StoreKind store = entry.getKey();
                ReplicationProgress p = progress(direction, store);
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
        return new ReplicationReport(config.source().value(), config.conflicts().strategy().id(), clock.instant(),
                host(), targets);
    }

    /** Publishes {@link #report()} to the control state, where {@code dr status} reads it. */
    public void publish() {
        state.write(REPORT, Json.MAPPER.valueToTree(report()));
        metrics.openConflicts(conflicts.openCount());
    }

    /** The report the server last published, with its age; empty when none was ever published. */
    public static Optional<ReplicationReport> published(StateStore state) {
        return state.read(REPORT).map(StateDocument::content).map(c -> {
            try {
                return Json.MAPPER.treeToValue(c, ReplicationReport.class);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the published replication status is not readable: " + e.getOriginalMessage());
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

    private StoreKind store(String name) {
        return StoreKind.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown store " + name));
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** How long ago a report was made. */
    public static Duration age(ReplicationReport report, Clock clock) {
        return Duration.between(report.generatedAt(), clock.instant());
    }

    @Override
    public void close() {
        for (StoreKind store : List.copyOf(running)) {
            stop(store);
        }
        replicators.values().forEach(StoreReplicator::close);
    }
}
