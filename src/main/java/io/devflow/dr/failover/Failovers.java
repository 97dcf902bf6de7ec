package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.control.NotLeaderException;
import io.devflow.dr.failover.FailoverRecord.State;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.metrics.FailoverMetrics;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The failover service every surface calls, and what the leader does with failovers its predecessor left. A
 * failover is recorded before its first step and then handed to the failover route ({@link Launcher}); its end
 * (completed, rolled back, failed) comes back through {@link #finished}, which counts and audits it. A new leader
 * finishes every record left running or rolling back: forward when the promote step completed, backward otherwise.
 */
public final class Failovers implements FailoverService {

    /** Starts a failover's steps (the failover route) in the background. */
    public interface Launcher {
        void run(FailoverRecord record);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Failovers.class);
    private static final int RECENT = 20;

    private final FailoverPlanner planner;
    private final FailoverRecords records;
    private final ActiveRegions active;
    private final AuditLog audit;
    private final FailoverMetrics metrics;
    private final Supplier<Optional<Leadership.Term>> term;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private volatile Launcher launcher;

    /** @param term this process's leadership term while it leads */
    public Failovers(FailoverPlanner planner, FailoverRecords records, ActiveRegions active, AuditLog audit,
                     FailoverMetrics metrics, Supplier<Optional<Leadership.Term>> term, Clock clock) {
        this.planner = planner;
        this.records = records;
        this.active = active;
        this.audit = audit;
        this.metrics = metrics;
        this.term = term;
        this.clock = clock;
    }

    /** The routes are there: failovers can run. */
    public void launchWith(Launcher routes) {
        this.launcher = routes;
    }

    @Override
    public FailoverPlan plan(FailoverRequest request) {
        return planner.plan(request);
    }

    @Override
    public synchronized FailoverRecord start(FailoverRequest request) {
        FailoverPlan plan = planner.plan(request);
        Instant now = clock.instant();
        Leadership.Term leader = term.get().orElse(null);
        String controller = leader == null ? null : leader.instance();
        long epoch = leader == null ? 0 : leader.epoch();
        String id = FailoverRecords.newId(now);
        if (!plan.runnable()) {
            FailoverRecord refused = new FailoverRecord(id, State.REFUSED, request, plan, List.of(), null, null,
                    controller, epoch, now, now, String.join("; ", plan.refusals().stream().map(FailoverPlan.Refusal::code).toList()));
            if (plan.refusals().stream().noneMatch(r -> r.code().equals("not-leader"))) {
                records.save(refused);
                audit("failover-refused", refused);
            }
            metrics.finished(request.trigger().id(), State.REFUSED.id(), null);
            return refused;
        }
        if (leader == null || launcher == null) {
            throw new NotLeaderException("this process does not lead, so it cannot run a failover; ask the leader");
        }
        ActiveRegion previous = active.fresh();
        FailoverRecord record = records.save(new FailoverRecord(id, State.RUNNING, request, plan, List.of(),
                Json.MAPPER.valueToTree(previous), null, controller, epoch, now, null, null));
        audit("failover-started", record);
        running.add(id);
        LOG.info("failover {} from {} to {} started by {} ({}): {}", id, plan.source(), plan.target(), request.by(),
                request.trigger().id(), request.reason());
        launcher.run(record);
        return record;
    }

    @Override
    public List<FailoverRecord> list(int limit) {
        return records.newest(limit);
    }

    @Override
    public Optional<FailoverRecord> get(String id) {
        return records.get(id);
    }

    /** A failover's routes ended: counted, audited, logged. */
    public FailoverRecord finished(FailoverRecord record) {
        running.remove(record.id());
        metrics.finished(record.request().trigger().id(), record.state().id(), record.duration());
        audit("failover-" + record.state().id(), record);
        LOG.info("failover {} to {} {}{}", record.id(), record.request().target(), record.state().id(),
                record.error() == null ? "" : ": " + record.error());
        return record;
    }

    /** The failovers this process runs now (their fences are renewed while they run). */
    public List<FailoverRecord> runningHere() {
        return running.stream().map(records::get).flatMap(Optional::stream).toList();
    }

    /**
     * Called on the leader: takes over every failover a controller that is gone left running or rolling back, and
     * returns them for the failover route to finish. One whose promote step completed (or whose term is the active
     * region's) is returned running, to be completed; any other rolling back, with what its record says was changed.
     */
    public List<FailoverRecord> recover() {
        Leadership.Term leader = term.get().orElse(null);
        if (leader == null) {
            return List.of();
        }
        List<FailoverRecord> resumed = new java.util.ArrayList<>();
        for (FailoverRecord left : records.unfinished(RECENT)) {
            if (running.contains(left.id())) {
                continue;
            }
            try {
                resumed.add(takeOver(left, leader));
            } catch (RuntimeException e) {
                LOG.warn("failover {} left {} by {}: could not take it over yet: {}", left.id(), left.state().id(),
                        left.controller(), Failures.describe(e));
            }
        }
        return resumed;
    }

    /** A failover's route ended without reaching {@link #finished}: the next recovery pass takes it up again. */
    public void abandoned(String id) {
        running.remove(id);
    }

    private FailoverRecord takeOver(FailoverRecord left, Leadership.Term leader) {
        String controller = leader.instance() + " (took over from " + left.controller() + ", term " + left.epoch() + ")";
        FailoverRecord record = promotedByThis(left).withController(controller, leader.epoch());
        if (record.state() == State.RUNNING && record.done(FailoverStep.PROMOTE)) {
            LOG.warn("failover {} was left running by {}; {} completes it", left.id(), left.controller(), leader.instance());
            record = records.save(record);
        } else {
            LOG.warn("failover {} was left {} by {}; {} rolls it back", left.id(), left.state().id(), left.controller(),
                    leader.instance());
            if (record.state() == State.RUNNING) {
                FailoverStep at = record.steps().isEmpty() ? FailoverStep.VALIDATE_TARGET
                        : record.steps().get(record.steps().size() - 1).step();
                record = leftAt(record, at, left.controller());
            } else {
                record = records.save(record);
            }
        }
        running.add(record.id());
        audit("failover-resumed", record);
        return record;
    }

    /** A record whose promote step ran as far as the active region: completed in the record too. */
    private FailoverRecord promotedByThis(FailoverRecord left) {
        StepRecord promote = left.step(FailoverStep.PROMOTE).orElse(null);
        if (promote == null || "done".equals(promote.outcome())) {
            return left;
        }
        ActiveRegion now = active.fresh();
        if (!left.id().equals(now.failoverId())) {
            return left;
        }
        ObjectNode changes = promote.changes() == null ? Json.MAPPER.createObjectNode() : promote.changes().deepCopy();
        changes.set("previous", left.previous());
        changes.set("promoted", Json.MAPPER.valueToTree(now));
        return left.withPromoted(changes.get("promoted")).withStep(promote.ended(clock.instant(), "done",
                left.request().target() + " active in term " + now.term() + " (found by the next leader)", changes, "none"));
    }

    private FailoverRecord leftAt(FailoverRecord record, FailoverStep at, String gone) {
        StepRecord step = record.step(at).orElseThrow();
        String why = at.id() + " failed: its controller " + gone + " stopped during the step";
        FailoverRecord run = record.withStep(step.ended(clock.instant(), "failed", why, step.changes(), "none"));
        for (StepRecord s : run.steps()) {
            if (FailoverCompensations.COMPENSATED.contains(s.step()) && s.changes() != null && !s.changes().isEmpty()
                    && (s.step() != FailoverStep.PROMOTE || s.changes().has("promoted"))) {
                run = run.withStep(s.compensated("pending"));
            }
        }
        return records.save(run.withState(State.ROLLING_BACK, why, null));
    }

    private void audit(String action, FailoverRecord record) {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("from", record.plan().source());
        details.put("to", record.plan().target());
        details.put("trigger", record.request().trigger().id());
        details.put("reason", record.request().reason());
        details.put("state", record.state().id());
        details.put("outcome", record.state().id());
        details.put("forced", record.plan().forced());
        if (record.controller() != null) {
            details.put("controller", record.controller());
        }
        if (record.error() != null) {
            details.put("error", record.error());
        }
        try {
            audit.record(action, record.request().by(), record.id(), details);
        } catch (RuntimeException e) {
            LOG.warn("failover {}: the audit entry {} could not be written: {}", record.id(), action, Failures.describe(e));
        }
    }
}
