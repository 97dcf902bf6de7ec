package io.devflow.dr.drill;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * {@code dr test}: runs drills one type after another, one suite at a time per process. Each drill's result is
 * written to the control state when it starts and when it ends, audited, and the recovery times it measured are
 * recorded for the RTO. A drill that throws is a failed drill, never a failed suite: the next type still runs.
 */
public final class DrillSuite {

    private static final Logger LOG = LoggerFactory.getLogger(DrillSuite.class);
    /** The drill types whose per-store seconds are a recovery time (a restore into scratch, a recovery plan). */
    private static final Set<DrillType> MEASURE_RECOVERY = EnumSet.of(DrillType.BACKUP, DrillType.RECOVERY_TIME);

    private final Map<DrillType, Drill> drills = new EnumMap<>(DrillType.class);
    private final DrillRecords records;
    private final AuditLog audit;
    private final Consumer<Map<String, DrillRecords.Measure>> measured;
    private final Clock clock;
    private final AtomicReference<Suite> running = new AtomicReference<>();

    /** @param measured told of the recovery times each drill measured, after they are recorded */
    public DrillSuite(List<Drill> drills, DrillRecords records, AuditLog audit,
                      Consumer<Map<String, DrillRecords.Measure>> measured, Clock clock) {
        drills.forEach(d -> this.drills.put(d.type(), d));
        this.records = records;
        this.audit = audit;
        this.measured = measured;
        this.clock = clock;
    }

    /** A suite begun: its id, and per type the id its result is recorded under. */
    public record Suite(String id, DrillRequest request, Map<DrillType, String> drills) {

        public List<DrillType> types() {
            return List.copyOf(drills.keySet());
        }
    }

    /** The types this suite can run, in order: what {@code --type all} runs. */
    public List<DrillType> available() {
        return List.copyOf(drills.keySet());
    }

    /** What a schedule runs: {@code all} the available types, or one type, on behalf of {@code schedule}. */
    public DrillRequest scheduled(String types) {
        List<DrillType> wanted = "all".equals(types) ? available() : List.of(DrillType.find(types).orElseThrow(() ->
                new InvalidRequestException("unknown drill type '" + types + "'")));
        return new DrillRequest(wanted, DrillRequest.Trigger.SCHEDULE, "schedule");
    }

    /** Begins, runs every type asked for, and ends a suite. */
    public List<DrillResult> runAll(DrillRequest request) {
        Suite suite = begin(request);
        List<DrillResult> results = new ArrayList<>();
        try {
            for (DrillType type : suite.types()) {
                results.add(run(suite, type));
            }
        } finally {
            end(suite);
        }
        return results;
    }

    /**
     * Records every drill of the request as running and reserves this process for the suite.
     *
     * @throws InvalidRequestException for a type no drill is registered for
     * @throws StateConflictException while another suite runs in this process
     */
    public Suite begin(DrillRequest request) {
        for (DrillType type : request.types()) {
            if (!drills.containsKey(type)) {
                throw new InvalidRequestException("no " + type.id() + " drill in this version; drill types: "
                        + String.join(", ", drills.keySet().stream().map(DrillType::id).toList()));
            }
        }
        Instant now = clock.instant();
        Map<DrillType, String> ids = new LinkedHashMap<>();
        request.types().stream().distinct().forEach(type -> ids.put(type, DrillRecords.newId(now)));
        Suite suite = new Suite(ids.values().iterator().next(), request, ids);
        Suite other = running.compareAndExchange(null, suite);
        if (other != null) {
            throw new StateConflictException("DR drills " + String.join(", ", other.drills().values())
                    + " are running in this process; wait for them (dr test history)");
        }
        try {
            ids.forEach((type, id) -> records.save(DrillResult.started(id, type, suite.id(), request, now)));
            audit.record("dr-test-started", request.by(), suite.id(), details(suite));
        } catch (RuntimeException e) {
            running.set(null);
            throw e;
        }
        return suite;
    }

    /**
     * Runs one type of a begun suite and records its result; never throws for a drill that failed. The suite's last
     * type frees the process before its result is recorded, so whoever sees that result may begin the next suite.
     */
    public DrillResult run(Suite suite, DrillType type) {
        String id = suite.drills().get(type);
        DrillResult started = DrillResult.started(id, type, suite.id(), suite.request(), clock.instant());
        DrillOutcome outcome = new DrillOutcome();
        try {
            drills.get(type).run(id, outcome);
        } catch (RuntimeException e) {
            LOG.warn("drill {} ({}) failed: {}", id, type.id(), Failures.describe(e));
            outcome.failed(Failures.describe(e));
        }
        DrillResult result = started.ended(outcome, clock.instant());
        ObjectNode details = Json.MAPPER.createObjectNode().put("type", type.id()).put("suite", suite.id())
                .put("trigger", result.trigger()).put("passed", result.passed());
        if (result.failure() != null) {
            details.put("failure", result.failure());
        }
        audit.record("dr-test", result.by(), id, details);
        if (MEASURE_RECOVERY.contains(type)) {
            Map<String, DrillRecords.Measure> measures = new LinkedHashMap<>();
            result.stores().forEach((store, r) -> measures.put(store, new DrillRecords.Measure(r.seconds(), r.passed(),
                    id, type, result.endedAt())));
            records.measured(measures);
            measured.accept(measures);
        }
        // the result is what a caller waits for: once it can be read, the process takes the next suite
        List<DrillType> types = suite.types();
        if (type == types.get(types.size() - 1)) {
            end(suite);
        }
        records.save(result);
        return result;
    }

    /** Frees this process for the next suite. */
    public void end(Suite suite) {
        running.compareAndSet(suite, null);
    }

    private static ObjectNode details(Suite suite) {
        ObjectNode details = Json.MAPPER.createObjectNode().put("trigger", suite.request().trigger().id());
        ObjectNode drills = details.putObject("drills");
        suite.drills().forEach((type, id) -> drills.put(type.id(), id));
        return details;
    }
}
