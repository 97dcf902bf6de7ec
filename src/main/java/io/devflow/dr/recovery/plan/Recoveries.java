package io.devflow.dr.recovery.plan;

import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.recovery.PointInTimeRecovery;
import io.devflow.dr.recovery.RestoreService;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.StateConflictException;
import io.devflow.dr.verification.RestoredFingerprints;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Recovery plans: made by the {@link RecoveryPlanner}, run and resumed in this process by the {@link PlanRunner},
 * recorded in the control state. What {@code dr recover} calls.
 */
public final class Recoveries {

    /** A running plan whose record was not rewritten for this many heartbeats belongs to a process that is gone. */
    static final int MISSED_HEARTBEATS = 3;

    private final RecoveryPlanner planner;
    private final PlanRunner runner;
    private final RecoveryPlans records;
    private final ThroughputHistory history;
    private final ReplicationGuard replication;
    private final Duration heartbeat;
    private final Clock clock;

    Recoveries(RecoveryPlanner planner, PlanRunner runner, RecoveryPlans records, ThroughputHistory history,
                       ReplicationGuard replication, Duration heartbeat, Clock clock) {
        this.planner = planner;
        this.runner = runner;
        this.records = records;
        this.history = history;
        this.replication = replication;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /**
     * @param replication the desired state of replication, when the configuration has a replication block
     * @param active the active region now
     */
    public static Recoveries of(DrConfig config, BackupCatalog catalog, RegionDirectory regions, StoreRegistry stores,
                                BackupKeys keys, RestoreService restores, PointInTimeRecovery pointInTime, StateStore state,
                                AuditLog audit, Optional<ReplicationControl> replication, Supplier<RegionId> active,
                                Clock clock) {
        ThroughputHistory history = new ThroughputHistory(state);
        ReplicationGuard guard = new ReplicationGuard(replication, active);
        RecoveryPlans records = new RecoveryPlans(state);
        Duration heartbeat = config.recovery().plans().heartbeat();
        StepActions actions = new StepActions(restores, pointInTime, new RestoredFingerprints(keys, stores), catalog,
                regions, stores, config.recovery().plans().hooks());
        return new Recoveries(new RecoveryPlanner(config, catalog, regions, stores, restores, pointInTime, history, guard,
                active, clock), new PlanRunner(records, actions, history, audit, heartbeat, clock), records, history,
                guard, heartbeat, clock);
    }

    public RecoveryPlanner planner() {
        return planner;
    }

    /**
     * A full plan for a recovery-time drill, run at once: the newest full backup of every store configured in the
     * target, restored where {@code into} says (scratch databases) and verified there. Replication is not in its way
     * (it writes into the data's databases, never into scratch) and the hooks are not run: they act on production.
     */
    public RecoveryPlan drill(String drillId, RegionId target, RestoreTarget into, String by, PlanListener listener) {
        return runner.run(planner.drill(drillId, target, into, by), by, false, listener);
    }

    /** Runs a plan just made and confirmed. */
    public RecoveryPlan run(RecoveryPlan plan, String by, PlanListener listener) {
        if (plan.state() != PlanState.PLANNED) {
            throw new InvalidRequestException("recovery plan " + plan.id() + " has run already: dr recover resume " + plan.id());
        }
        return runner.run(plan, by, false, listener);
    }

    /**
     * Runs the steps of a recorded plan that have not completed: after a failed step was fixed, or after the process
     * that ran it died. A plan another process is running (its heartbeat fresh) is refused.
     */
    public RecoveryPlan resume(String id, String by, PlanListener listener) {
        RecoveryPlan plan = resumable(id);
        replication.check(RegionId.of(plan.targetRegion()), plan.stores().stream()
                .map(s -> StoreKind.parse(s.store()).orElseThrow()).toList());
        return runner.run(plan, by, true, listener);
    }

    /** The recorded plan, if it can be resumed now. */
    public RecoveryPlan resumable(String id) {
        RecoveryPlan plan = get(id).orElseThrow(() -> new InvalidRequestException("no recovery plan " + id
                + " in the control state ('dr recover list' shows them)"));
        if (plan.drill() != null) {
            throw new InvalidRequestException("recovery plan " + id + " was run by the recovery-time drill " + plan.drill()
                    + " into scratch databases, which are gone; run the drill again: dr test --type recovery-time");
        }
        switch (plan.state()) {
            case COMPLETED -> throw new InvalidRequestException("recovery plan " + id + " completed already; nothing to resume");
            case PLANNED -> throw new InvalidRequestException("recovery plan " + id + " never ran");
            case RUNNING -> {
                Instant stale = clock.instant().minus(heartbeat.multipliedBy(MISSED_HEARTBEATS));
                if (plan.heartbeatAt() != null && plan.heartbeatAt().isAfter(stale)) {
                    throw new StateConflictException("recovery plan " + id + " is running (" + plan.runs()
                            .get(plan.runs().size() - 1).by() + ", last heard of at " + plan.heartbeatAt() + "); "
                            + "resume it only once that process is gone ('dr recover show " + id + "')");
                }
            }
            case FAILED -> {
            }
        }
        return plan;
    }

    public Optional<RecoveryPlan> get(String id) {
        return records.get(id);
    }

    public List<RecoveryPlan> list(int limit) {
        return records.newest(limit);
    }

    /** A restore outside a plan ({@code dr restore}) measured: a sample for the next plan's estimates. */
    public void restored(String store, long storedBytes, long items, long millis, String source) {
        history.record(store, new ThroughputHistory.Sample(clock.instant(), StepType.RESTORE_STORE.id(), storedBytes,
                items, millis, source));
    }
}
