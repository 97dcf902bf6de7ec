package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Cross-region replication as the routes, the CLI and the API see it. The worker route of each store calls the
 * store's {@link StoreReplication} steps directly; this service gives it the directions to replicate (from the
 * active region to the others, see {@link ReplicationDirections}) and handles what is common to every store: a direction that failed, conflicts described, decided by the strategy, recorded
 * and settled, the dead letters, starting and stopping, operator resolutions, and the status report. The flow
 * between these steps (and what happens on errors) is in the replication routes; a round in progress is the
 * worker route's in-flight exchange, and stopping the route waits for it. The status report is made by
 * {@link ReplicationReports}.
 */
public final class ReplicationService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationService.class);
    /** The decisions a conflict is detected with (an operator's own version comes only with a resolution). */
    private static final List<String> DETECTED = Stream.of(Decision.SOURCE, Decision.TARGET, Decision.PENDING)
            .map(Decision::id).toList();
    private static final List<String> RESOLVED = Stream.of(Decision.SOURCE, Decision.TARGET, Decision.CUSTOM)
            .map(Decision::id).toList();
    private static final List<String> HEALTH_STATES = Arrays.stream(ReplicationHealth.values()).map(ReplicationHealth::id)
            .toList();

    private final ReplicationConfig config;
    private final Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> stores;
    private final ConflictStore conflicts;
    private final ConflictResolver resolver;
    private final StateStore state;
    private final AuditLog audit;
    private final ReplicationMetrics metrics;
    private final ProgressBoard progress;
    private final Clock clock;
    private final ReplicationDirections directions;
    private final Set<Direction> tracked = ConcurrentHashMap.newKeySet();
    private final Set<StoreKind> running = ConcurrentHashMap.newKeySet();
    private final Object resolving = new Object();
    private final Map<String, String> lastLoggedError = new ConcurrentHashMap<>();
    private final ReplicationReports reports;
    private final LagHistory lagHistory;

    public ReplicationService(ReplicationConfig config, Map<StoreKind, StoreReplication<?, ?, ?, ?, ?>> stores,
                              ConflictStore conflicts, StateStore state, AuditLog audit, ReplicationMetrics metrics,
                              ProgressBoard progress, Supplier<RegionId> activeRegion, Clock clock) {
        this.config = config;
        this.stores = new EnumMap<>(StoreKind.class);
        this.stores.putAll(stores);
        this.conflicts = conflicts;
        this.resolver = new ConflictResolver(config.conflicts());
        this.state = state;
        this.audit = audit;
        this.metrics = metrics;
        this.progress = progress;
        this.clock = clock;
        this.directions = new ReplicationDirections(config, activeRegion);
        this.reports = new ReplicationReports(config, this.stores, progress, running, state, clock);
        this.lagHistory = new LagHistory(clock);
        directions.of(config.source()).forEach(this::track);
        this.stores.keySet().forEach(store -> metrics.expectConflicts(store.id(), DETECTED, RESOLVED));
    }

    /** A direction's gauges, registered when it first runs (the configured directions' from the start). */
    private void track(Direction direction) {
        if (!tracked.add(direction)) {
            return;
        }
        for (StoreKind store : this.stores.keySet()) {
            ReplicationProgress p = progress(direction, store);
            metrics.track(p, store.id(), direction.source().value(), direction.target().value(),
                    x -> x.lag().toMillis() / 1000.0, ReplicationProgress::appliedCount, ReplicationProgress::echoes,
                    ReplicationProgress::bytes, ReplicationProgress::backlog, ReplicationProgress::repairs,
                    x -> x.health(config.health()).id(), HEALTH_STATES);
        }
    }

    public ReplicationConfig config() {
        return config;
    }

    /** The directions that run now: from the active region to every other replicated region. */
    public List<Direction> directions() {
        return directions.current();
    }

    /** The replicated regions, any of which may be the source after a failover. */
    public List<RegionId> regions() {
        return directions.regions();
    }

    /** The region replication reads from now. */
    public RegionId source() {
        return directions.source();
    }

    public ReplicationProgress progress(Direction direction, StoreKind store) {
        return progress.of(direction, store);
    }

    public Optional<StoreReplication<?, ?, ?, ?, ?>> replication(StoreKind store) {
        return Optional.ofNullable(stores.get(store));
    }

    public boolean isRunning(StoreKind store) {
        return running.contains(store);
    }

    // --- the worker routes ---

    /**
     * The directions a store's worker round goes through while replication of the store runs: every one from the
     * active region. This is the round boundary where replication turns around after a failover: the directions
     * the previous round ran and this one does not stop here (final checkpoint, readers closed), and the new ones
     * open in this round from their own checkpoints (with an initial sync or a walk when they have none).
     */
    public List<Direction> directions(String storeName) {
        StoreKind store = store(storeName);
        if (!stores.containsKey(store) || !running.contains(store)) {
            return List.of();
        }
        ReplicationDirections.Turn turn = directions.enter(store);
        for (Direction old : turn.left()) {
            stop(store, old);
            LOG.info("{} replication {} stopped: replication now runs {}", store, old, turn.now());
        }
        turn.now().forEach(this::track);
        return turn.now();
    }

    /**
     * A direction's round failed somewhere: the direction is reset, so its next round starts again from the
     * checkpoint and whatever the failed step was about (a change, a conflict not recorded) is read and handled
     * again. Logged once per distinct error, not once per retry.
     */
    public RoundResult failed(Direction direction, String storeName, Exception failure) {
        String message = Failures.describe(failure);
        StoreKind store = storeName == null ? null : StoreKind.parse(storeName).orElse(null);
        StoreReplication<?, ?, ?, ?, ?> replication = store == null ? null : stores.get(store);
        if (direction == null || replication == null) {
            if (!message.equals(lastLoggedError.put("control", message))) {
                LOG.warn("replication {} failed, trying again shortly: {}", storeName == null ? "control" : storeName,
                        message);
            }
            return RoundResult.failed(direction, store);
        }
        progress(direction, store).failed(message);
        try {
            replication.reset(direction);
        } catch (RuntimeException closing) {
            // its readers are gone with the server; the next round opens new ones
        }
        if (!message.equals(lastLoggedError.put(direction.id() + "/" + store.id(), message))) {
            LOG.warn("{} replication {} failed, retrying from the last checkpoint: {}", store, direction, message);
        }
        return RoundResult.failed(direction, store);
    }

    /** The outcomes the round route goes through one by one, in the order classify decided them. */
    public List<Outcome> outcomes(Classified<?> batch) {
        return batch.outcomes();
    }

    /**
     * Whether any direction of a round found work (the route's scheduler then polls again at once). A direction
     * that went well again has its error logged anew the next time it fails.
     */
    public boolean foundWork(List<?> results) {
        boolean found = false;
        for (Object result : results == null ? List.of() : results) {
            if (result instanceof RoundResult round && !round.failed()) {
                lastLoggedError.remove(round.direction().id() + "/" + round.store().id());
                found |= round.foundWork();
            }
        }
        return found;
    }

    /** Both versions of a conflicting record, as its store describes them. */
    public ConflictVersions describe(Outcome.Conflicting<?> conflicting) {
        StoreReplication<?, ?, ?, ?, ?> replication = stores.get(conflicting.store());
        if (replication == null) {
            throw new IllegalStateException(conflicting.store() + " is not replicated in this configuration");
        }
        return describe(replication, conflicting);
    }

    /** The configured strategy's decision on a conflict (or pending, for {@code manual}). */
    public Conflict decide(ConflictVersions versions) {
        ConflictResolver.Outcome outcome = resolver.decide(versions.source(), versions.target());
        Instant now = clock.instant();
        progress(versions.direction(), versions.store()).conflictDetected();
        return Conflict.detected(ConflictId.generate(now), versions.store().id(), versions.direction(), versions.record(),
                resolver.strategy(), now, versions.source(), versions.target(), outcome.decision(), outcome.reason());
    }

    /** Stores a decided conflict durably (before anything else happens to its record). */
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
        stores.get(store(conflict.store())).settle(conflict);
        if (conflict.isOpen()) {
            countOpen();
        }
    }

    /** A change the target refused for good: kept in the control state, counted, logged. */
    public void deadLetter(ReplicationFailure failure) {
        state.write("replication/failures/" + failure.id(), Json.MAPPER.valueToTree(failure));
        metrics.failure(failure.store());
        LOG.error("{} replication {} -> {}: {} could not be written ({}); kept as {} in the control state",
                failure.store(), failure.source(), failure.target(), failure.record(), failure.error(), failure.id());
    }

    /** A periodic reconcile of a store, in every direction: returns how many records were out of step. */
    public long reconcile(String storeName) {
        StoreKind store = store(storeName);
        StoreReplication<?, ?, ?, ?, ?> replication = stores.get(store);
        if (replication == null || !running.contains(store)) {
            return 0;
        }
        long found = 0;
        for (Direction direction : directions.ran(store)) {
            try {
                found += replication.reconcile(direction);
            } catch (RuntimeException e) {
                LOG.warn("{} reconcile {} failed, trying again at the next one: {}", store, direction, Failures.describe(e));
            }
        }
        return found;
    }

    // --- control ---

    /** Replication of a store is about to start: its worker routes start next. */
    public void starting(StoreKind store) {
        if (stores.containsKey(store) && running.add(store)) {
            LOG.info("{} replication {} started", store, directions());
        }
    }

    /**
     * A store's worker routes have stopped (their round in progress ended first): writes the directions' last
     * checkpoints and closes their readers.
     */
    public void stopped(StoreKind store) {
        if (running.remove(store)) {
            Set<Direction> open = directions.leave(store);
            open.forEach(direction -> stop(store, direction));
            LOG.info("{} replication {} stopped", store, open);
        }
    }

    private void stop(StoreKind store, Direction direction) {
        try {
            stores.get(store).stop(direction);
        } catch (RuntimeException e) {
            LOG.warn("{} replication {}: stopped without a final checkpoint: {}", store, direction, Failures.describe(e));
        }
        progress(direction, store).phase(ReplicationProgress.Phase.STOPPED);
    }

    // --- operators ---

    public Conflict conflict(String id) {
        return conflicts.get(id);
    }

    public List<Conflict> openConflicts() {
        List<Conflict> open = conflicts.open();
        metrics.openConflicts(open.size(), open.stream().findFirst().map(Conflict::detectedAt));
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
        StoreReplication<?, ?, ?, ?, ?> replication = stores.get(store(conflict.store()));
        if (replication == null) {
            throw new InvalidRequestException("conflict " + id + " is about " + conflict.store()
                    + ", which is not replicated in this configuration");
        }
        Conflict resolved = replication.resolve(conflict, resolution, by);
        conflicts.save(resolved);
        metrics.conflictResolved(resolved.store(), resolved.decision().id());
        countOpen();
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("outcome", "resolved");
        details.put("decision", resolved.decision().id());
        details.put("record", resolved.record().toString());
        audit.record("conflict-resolved", by, id, details);
        LOG.info("conflict {} resolved by {}: {}", id, by, resolved.decision());
        return resolved;
    }

    // --- status ---

    /** The lag of every store over the last hour, from the reports this process published. */
    public LagHistory lagHistory() {
        return lagHistory;
    }

    /** The report of this process's workers, with what each target holds. */
    public ReplicationReport report() {
        return reports.report(directions(), directions.source());
    }

    /** Publishes {@link #report()} to the control state, where {@code dr status} reads it. */
    public void publish() {
        ReplicationReport report = report();
        reports.publish(report);
        lagHistory.record(report);
        countOpen();
    }

    /** Shows how many conflicts are open and when the oldest was detected, from the listings alone. */
    private void countOpen() {
        List<String> open = conflicts.openIds();
        metrics.openConflicts(open.size(), open.stream().findFirst().flatMap(ConflictId::detectedAt));
    }

    /** The conflicting change came from this store's classify step, so it is of the store's own kind. */
    @SuppressWarnings("unchecked")
    private static <K> ConflictVersions describe(StoreReplication<?, ?, ?, K, ?> replication,
                                                 Outcome.Conflicting<?> conflicting) {
        return replication.describe((Outcome.Conflicting<K>) conflicting);
    }

    private StoreKind store(String name) {
        return StoreKind.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown store " + name));
    }

    @Override
    public void close() {
        for (StoreKind store : List.copyOf(running)) {
            stopped(store);
        }
        stores.values().forEach(StoreReplication::close);
    }
}
