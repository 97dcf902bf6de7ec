package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.failover.fencing.Fence;
import io.devflow.dr.failover.fencing.StoreFence;
import io.devflow.dr.failover.routing.RoutingChange;
import io.devflow.dr.failover.routing.RoutingProvider;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The compensations of a failed failover, called by the rollback route in reverse step order: each undoes what
 * its step recorded as changed (routing put back, fences lifted, the previous active region restored with its
 * term) and records that it did, or why it could not. A step that changed nothing has nothing to undo. The record
 * ends rolled back when every compensation passed, failed otherwise (an operator must look).
 */
public final class FailoverCompensations {

    /** The steps that change something, each undone by its compensation. */
    static final Set<FailoverStep> COMPENSATED = Set.of(FailoverStep.STOP_TRAFFIC, FailoverStep.PROMOTE,
            FailoverStep.UPDATE_ROUTING);

    /**
     * In stop-traffic's changes while a fence is being set: the store. Left there only by a controller that stopped
     * before the fence answered, which may have fenced.
     */
    static final String FENCING = "fencing";

    private static final String NOT_LIFTED = "not lifted";

    private final FailoverRecords records;
    private final ActiveRegions active;
    private final RoutingProvider routing;
    private final List<StoreFence> fences;
    private final Clock clock;

    public FailoverCompensations(FailoverRecords records, ActiveRegions active, RoutingProvider routing,
                                 List<StoreFence> fences, Clock clock) {
        this.records = records;
        this.active = active;
        this.routing = routing;
        this.fences = List.copyOf(fences);
        this.clock = clock;
    }

    /**
     * The failover turns to rolling back: the failed step is marked (with what it changed before it failed, when it
     * says), and every step up to it that changed something is pending compensation.
     *
     * @param stepId the step whose route was running
     */
    public FailoverRecord rollingBack(FailoverRecord record, String stepId, Exception failure) {
        FailoverStep failedStep = FailoverStep.parse(stepId);
        FailoverRecord run = record;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof FailoverStepException stepFailure && stepFailure.record() != null) {
                run = stepFailure.record();
                break;
            }
        }
        String why = Failures.describe(failure);
        StepRecord failed = run.step(failedStep).orElse(null);
        if (failed == null) {
            run = run.withStep(new StepRecord(failedStep, clock.instant(), clock.instant(), "failed", why, null, "none"));
        } else if (!"failed".equals(failed.outcome())) {
            run = run.withStep(failed.ended(clock.instant(), "failed", why, failed.changes(), "none"));
        }
        for (StepRecord step : run.steps()) {
            if (step.step().compareTo(failedStep) <= 0 && COMPENSATED.contains(step.step()) && changed(step)) {
                run = run.withStep(step.compensated("pending"));
            }
        }
        String error = why.startsWith(failedStep.id() + " failed") ? why : failedStep.id() + " failed: " + why;
        return records.save(run.withState(FailoverRecord.State.ROLLING_BACK, error, null));
    }

    /** Undoes step 4: routing back to what it was before the failover sent clients to the target. */
    public FailoverRecord undoUpdateRouting(FailoverRecord record) {
        return undo(record, FailoverStep.UPDATE_ROUTING, changes ->
                routing.undo(Json.MAPPER.treeToValue(changes.get("routing"), RoutingChange.class)));
    }

    /** Undoes step 3: the previous active region restored, with its term, if this failover's term still stands. */
    public FailoverRecord undoPromote(FailoverRecord record) {
        return undo(record, FailoverStep.PROMOTE, changes -> {
            ActiveRegion previous = Json.MAPPER.treeToValue(changes.has("previous") ? changes.get("previous")
                    : record.previous(), ActiveRegion.class);
            active.restore(Json.MAPPER.treeToValue(changes.get("promoted"), ActiveRegion.class), previous);
        });
    }

    /** Undoes step 2: fences lifted, the source's routing put back. */
    public FailoverRecord undoStopTraffic(FailoverRecord record) {
        return undo(record, FailoverStep.STOP_TRAFFIC, changes -> {
            List<String> stuck = liftFences(record, fences).stream().filter(o -> o.contains(NOT_LIFTED)).toList();
            if (changes.has("routing")) {
                routing.undo(Json.MAPPER.treeToValue(changes.get("routing"), RoutingChange.class));
            }
            if (!stuck.isEmpty()) {
                throw new IllegalStateException(String.join("; ", stuck));
            }
        });
    }

    /** The end of a rollback: rolled back when every compensation passed, failed when one did not. */
    public FailoverRecord compensated(FailoverRecord record) {
        boolean clean = record.steps().stream().noneMatch(s -> s.compensation().startsWith("failed")
                || s.compensation().equals("pending"));
        return records.save(record.withState(clean ? FailoverRecord.State.ROLLED_BACK : FailoverRecord.State.FAILED,
                record.error(), clock.instant()));
    }

    /**
     * Lifts every fence a failover's stop-traffic step set, and the one it was setting when its controller stopped;
     * returns, per fence, that it was lifted or why it was not.
     */
    static List<String> liftFences(FailoverRecord record, List<StoreFence> fences) {
        List<String> outcomes = new ArrayList<>();
        JsonNode changes = record.step(FailoverStep.STOP_TRAFFIC).map(StepRecord::changes).orElse(null);
        if (changes == null) {
            return outcomes;
        }
        List<Fence> set = new ArrayList<>();
        for (JsonNode node : changes.path("fences")) {
            Fence fence = Json.MAPPER.convertValue(node, Fence.class);
            if (fence.fenced()) {
                set.add(fence);
            }
        }
        StoreKind.parse(changes.path(FENCING).asText()).ifPresent(store -> set.add(new Fence(store,
                record.plan().source(), true, "unconfirmed: its controller stopped while setting it", null, null,
                Json.MAPPER.createObjectNode())));
        for (Fence fence : set) {
            StoreFence storeFence = fences.stream().filter(f -> f.store() == fence.store()).findFirst().orElse(null);
            try {
                if (storeFence == null) {
                    throw new IllegalStateException("no " + fence.store().id() + " fence is configured now");
                }
                storeFence.lift(fence);
                outcomes.add(fence.store().id() + " fence lifted");
            } catch (RuntimeException e) {
                outcomes.add(fence.store().id() + " fence at " + fence.region() + " (" + fence.method()
                        + ") " + NOT_LIFTED + ": " + Failures.describe(e));
            }
        }
        return outcomes;
    }

    private interface Undo {
        void apply(JsonNode changes) throws Exception;
    }

    private FailoverRecord undo(FailoverRecord record, FailoverStep step, Undo undo) {
        StepRecord recorded = record.step(step).orElse(null);
        if (recorded == null || !"pending".equals(recorded.compensation())) {
            return record;
        }
        String outcome;
        try {
            undo.apply(recorded.changes());
            outcome = "done";
        } catch (Exception e) {
            outcome = "failed: " + Failures.describe(e);
        }
        return records.save(record.withStep(recorded.compensated(outcome)));
    }

    private static boolean changed(StepRecord step) {
        JsonNode changes = step.changes();
        if (changes == null || changes.isEmpty()) {
            return false;
        }
        return step.step() != FailoverStep.PROMOTE || changes.has("promoted");
    }
}
