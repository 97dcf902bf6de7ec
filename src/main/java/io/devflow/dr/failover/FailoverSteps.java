package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverPlan.Refusal;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.failover.fencing.Fence;
import io.devflow.dr.failover.fencing.StoreFence;
import io.devflow.dr.failover.routing.RoutingChange;
import io.devflow.dr.failover.routing.RoutingProvider;
import io.devflow.dr.replication.ReplicationHandover;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The six steps of a failover, each called by its route with the record as the step before left it, and returning
 * it as this step leaves it. A step is recorded as running before it changes anything and saved again with every
 * change it makes, so that whoever finishes or undoes it (this controller or the next leader) knows what it did. A
 * step already done is passed over, which is how the next leader completes a failover its controller left.
 */
public final class FailoverSteps {

    private static final Duration SMOKE_TIMEOUT = Duration.ofSeconds(10);

    private final DrConfig config;
    private final FailoverPlanner planner;
    private final FailoverRecords records;
    private final ActiveRegions active;
    private final RoutingProvider routing;
    private final List<StoreFence> fences;
    private final Optional<ReplicationHandover> handover;
    private final List<StoreCanary> canaries;
    private final FailoverPlanner.Evidence evidence;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(SMOKE_TIMEOUT).build();

    public FailoverSteps(DrConfig config, FailoverPlanner planner, FailoverPlanner.Evidence evidence,
                         FailoverRecords records, ActiveRegions active, RoutingProvider routing, List<StoreFence> fences,
                         Optional<ReplicationHandover> handover, List<StoreCanary> canaries, Clock clock) {
        this.config = config;
        this.planner = planner;
        this.evidence = evidence;
        this.records = records;
        this.active = active;
        this.routing = routing;
        this.fences = List.copyOf(fences);
        this.handover = handover;
        this.canaries = List.copyOf(canaries);
        this.clock = clock;
    }

    /** Step 1: the target's stores healthy, a recent backup of each, lag within the RPO (or forced). */
    public FailoverRecord validateTarget(FailoverRecord record) {
        if (record.done(FailoverStep.VALIDATE_TARGET)) {
            return record;
        }
        FailoverRecord run = begin(record, FailoverStep.VALIDATE_TARGET);
        RegionConfig target = config.region(run.request().target()).orElseThrow();
        List<FailoverPlan.StoreLag> lag = new ArrayList<>();
        List<Refusal> refusals = new ArrayList<>(planner.targetChecks(target, RegionId.of(run.plan().source()),
                run.plan().switchback(), lag));
        if (lag.stream().allMatch(l -> l.lag() != null && l.backlog() >= 0)) {
            // the plan found a switchback at zero lag; writes still flow until step 2 stops them, and step 3's drain
            // then waits for zero lag again (failing the switchback without it), so here every store must stream
            refusals.removeIf(r -> r.code().equals("not-caught-up"));
        }
        if (run.request().force()) {
            refusals.removeIf(Refusal::overridable);
        }
        if (!refusals.isEmpty()) {
            throw failed(run, FailoverStep.VALIDATE_TARGET, null, String.join("; ",
                    refusals.stream().map(Refusal::message).toList()));
        }
        return end(run, FailoverStep.VALIDATE_TARGET, "target healthy, backups recent, lag within the RPO"
                + (run.plan().forced() ? " (lag check forced)" : ""), null);
    }

    /** Step 2: routing drains the source; writes at its stores fenced where a fence is configured. */
    public FailoverRecord stopTraffic(FailoverRecord record) {
        if (record.done(FailoverStep.STOP_TRAFFIC)) {
            return record;
        }
        FailoverRecord run = begin(record, FailoverStep.STOP_TRAFFIC);
        RegionId source = RegionId.of(run.plan().source());
        ObjectNode changes = Json.MAPPER.createObjectNode();
        try {
            changes.set("routing", Json.MAPPER.valueToTree(routing.drain(source)));
            run = save(run, FailoverStep.STOP_TRAFFIC, changes);
            ArrayNode fenced = changes.putArray("fences");
            List<String> risks = new ArrayList<>();
            for (StoreKind store : FailoverPlanner.stores(config.region(source).orElseThrow())) {
                if (fenceFor(store).isPresent()) {
                    // saved before the fence is asked for (a hook may take minutes): should this controller stop
                    // before the answer, whoever rolls the failover back lifts it all the same
                    run = save(run, FailoverStep.STOP_TRAFFIC, changes.deepCopy().put(FailoverCompensations.FENCING,
                            store.id()));
                }
                Fence fence = fence(store, source);
                fenced.add(Json.MAPPER.valueToTree(fence));
                if (!fence.fenced()) {
                    risks.add(store.id() + ": " + fence.residualRisk());
                }
                run = save(run, FailoverStep.STOP_TRAFFIC, changes);
            }
            return end(run, FailoverStep.STOP_TRAFFIC, source + " drained" + (risks.isEmpty() ? "; every store fenced"
                    : "; residual risk: " + String.join("; ", risks)), changes);
        } catch (RuntimeException e) {
            throw failed(run, FailoverStep.STOP_TRAFFIC, changes, e);
        }
    }

    /** Step 3: replication drained while the source answers; the target becomes active in a new term. */
    public FailoverRecord promote(FailoverRecord record) {
        if (record.done(FailoverStep.PROMOTE)) {
            return record;
        }
        FailoverRecord run = begin(record, FailoverStep.PROMOTE);
        RegionId source = RegionId.of(run.plan().source());
        RegionId target = run.request().target();
        ObjectNode changes = Json.MAPPER.createObjectNode();
        try {
            String drained = drain(run, source, target, changes);
            ActiveRegion previous = Json.MAPPER.treeToValue(run.previous(), ActiveRegion.class);
            changes.set("previous", run.previous());
            ActiveRegion promoted = active.promote(previous, target, run.id(), run.request().by());
            changes.set("promoted", Json.MAPPER.valueToTree(promoted));
            run = run.withPromoted(changes.get("promoted"));
            return end(run, FailoverStep.PROMOTE, drained + "; " + target + " active in term " + promoted.term(), changes);
        } catch (FailoverStepException e) {
            throw e;
        } catch (Exception e) {
            throw failed(run, FailoverStep.PROMOTE, changes, e);
        }
    }

    /** Step 4: routing sends clients to the target. */
    public FailoverRecord updateRouting(FailoverRecord record) {
        if (record.done(FailoverStep.UPDATE_ROUTING)) {
            return record;
        }
        FailoverRecord run = begin(record, FailoverStep.UPDATE_ROUTING);
        ObjectNode changes = Json.MAPPER.createObjectNode();
        try {
            RoutingChange change = routing.routeTo(run.request().target());
            changes.set("routing", Json.MAPPER.valueToTree(change));
            return end(run, FailoverStep.UPDATE_ROUTING, routing.name() + " routing sends clients to "
                    + run.request().target(), changes);
        } catch (RuntimeException e) {
            throw failed(run, FailoverStep.UPDATE_ROUTING, changes, e);
        }
    }

    /** Step 5: a canary on every store of the new primary, and the smoke URLs, each must pass. */
    public FailoverRecord verify(FailoverRecord record) {
        if (record.done(FailoverStep.VERIFY)) {
            return record;
        }
        FailoverRecord run = begin(record, FailoverStep.VERIFY);
        RegionId target = run.request().target();
        ObjectNode results = Json.MAPPER.createObjectNode();
        ArrayNode checked = results.putArray("canaries");
        List<String> failures = new ArrayList<>();
        for (StoreKind store : FailoverPlanner.stores(config.region(target).orElseThrow())) {
            StoreCanary.CanaryResult result = canary(store, target);
            checked.add(Json.MAPPER.valueToTree(result));
            if (!result.passed()) {
                failures.add(store.id() + ": " + result.detail());
            }
        }
        ArrayNode smoke = results.putArray("smokeUrls");
        for (URI url : config.recovery().failover().smokeUrls()) {
            String outcome = smoke(url);
            smoke.addObject().put("url", url.toString()).put("result", outcome);
            if (!outcome.startsWith("2")) {
                failures.add(url + ": " + outcome);
            }
        }
        if (!failures.isEmpty()) {
            throw failed(run, FailoverStep.VERIFY, results, String.join("; ", failures));
        }
        return end(run, FailoverStep.VERIFY, checked.size() + " canaries and " + smoke.size() + " smoke URLs passed",
                results);
    }

    /** Step 6 begins: the record as the notifiers are told of it. */
    public FailoverRecord notifying(FailoverRecord record) {
        return record.done(FailoverStep.NOTIFY) ? record : begin(record, FailoverStep.NOTIFY);
    }

    /** Step 6 ends: the notice went to the notifiers. */
    public FailoverRecord notified(FailoverRecord record) {
        return record.done(FailoverStep.NOTIFY) ? record : end(record, FailoverStep.NOTIFY, "notice sent", null);
    }

    /** After the last step: the source's fences are lifted (clients have moved) and the failover is completed. */
    public FailoverRecord complete(FailoverRecord record) {
        List<String> lifted = FailoverCompensations.liftFences(record, fences);
        StepRecord stop = record.step(FailoverStep.STOP_TRAFFIC).orElse(null);
        FailoverRecord done = stop == null || lifted.isEmpty() ? record : record.withStep(stop.ended(stop.finishedAt(),
                stop.outcome(), stop.detail() + "; after completion: " + String.join(", ", lifted), stop.changes(),
                stop.compensation()));
        return records.save(done.withState(FailoverRecord.State.COMPLETED, null, clock.instant()));
    }

    /** Keeps the fences of a running failover up for another hold. */
    public void renewFences(FailoverRecord record) {
        Optional<JsonNode> set = record.step(FailoverStep.STOP_TRAFFIC).map(StepRecord::changes)
                .map(c -> c.path("fences"));
        set.ifPresent(list -> list.forEach(node -> {
            Fence fence = Json.MAPPER.convertValue(node, Fence.class);
            fenceFor(fence.store()).filter(f -> fence.fenced()).ifPresent(f -> f.renew(fence, hold()));
        }));
    }

    Duration hold() {
        return config.recovery().failover().fencing().redisPause();
    }

    private String drain(FailoverRecord run, RegionId source, RegionId target, ObjectNode changes) {
        if (handover.isEmpty() || config.replication().isEmpty()) {
            return "replication not drained (no replication to hand over)";
        }
        if (!evidence.unhealthy(source).isEmpty()) {
            return "replication not drained: " + source + " does not answer";
        }
        ReplicationHandover.Drained drained = handover.get().drain(source, target, config.recovery().failover().drainTimeout());
        changes.set("drained", Json.MAPPER.valueToTree(drained));
        if (!drained.caughtUp() && run.plan().switchback()) {
            throw failed(run, FailoverStep.PROMOTE, changes, "replication from " + source + " did not catch up within "
                    + config.recovery().failover().drainTimeout().toSeconds() + " s; a switchback needs zero lag");
        }
        return drained.caughtUp() ? "replication drained in " + drained.waited().toMillis() + " ms"
                : "replication not caught up after " + drained.waited().toSeconds() + " s (see drained)";
    }

    private Fence fence(StoreKind store, RegionId source) {
        Optional<StoreFence> fence = fenceFor(store);
        if (fence.isEmpty()) {
            return new Fence(store, source.value(), false, "none", "no fence configured: clients still connected to "
                    + source + " may write until they move", null, null);
        }
        try {
            return fence.get().fence(source, hold());
        } catch (RuntimeException e) {
            return new Fence(store, source.value(), false, "failed", "the fence failed (" + Failures.describe(e)
                    + "): clients still connected to " + source + " may write until they move", null, null);
        }
    }

    private Optional<StoreFence> fenceFor(StoreKind store) {
        return fences.stream().filter(f -> f.store() == store).findFirst();
    }

    private StoreCanary.CanaryResult canary(StoreKind store, RegionId target) {
        Optional<StoreCanary> canary = canaries.stream().filter(c -> c.store() == store).findFirst();
        if (canary.isEmpty()) {
            return new StoreCanary.CanaryResult(store, target.value(), false, 0, "no canary for " + store.id());
        }
        long started = System.nanoTime();
        try {
            return canary.get().check(target);
        } catch (RuntimeException e) {
            return new StoreCanary.CanaryResult(store, target.value(), false, (System.nanoTime() - started) / 1_000_000,
                    Failures.describe(e));
        }
    }

    private String smoke(URI url) {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(url).timeout(SMOKE_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return Integer.toString(response.statusCode());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (java.io.IOException e) {
            return "no answer: " + Failures.describe(e);
        }
    }

    private FailoverRecord begin(FailoverRecord record, FailoverStep step) {
        return records.save(record.withStep(new StepRecord(step, clock.instant(), null, "running", null, null, "none")));
    }

    private FailoverRecord save(FailoverRecord record, FailoverStep step, JsonNode changes) {
        StepRecord current = record.step(step).orElseThrow();
        return records.save(record.withStep(current.ended(null, "running", null, changes.deepCopy(), "none")));
    }

    private FailoverRecord end(FailoverRecord record, FailoverStep step, String detail, JsonNode changes) {
        StepRecord current = record.step(step).orElseThrow();
        return records.save(record.withStep(current.ended(clock.instant(), "done", detail, changes, "none")));
    }

    private FailoverStepException failed(FailoverRecord record, FailoverStep step, JsonNode changes, Object why) {
        StepRecord current = record.step(step).orElseThrow();
        String reason = why instanceof Throwable t ? Failures.describe(t) : String.valueOf(why);
        FailoverRecord failed = record.withStep(current.ended(clock.instant(), "failed", reason,
                changes == null || changes.isEmpty() ? null : changes.deepCopy(), "none"));
        try {
            failed = records.save(failed);
        } catch (RuntimeException e) {
            // the compensations start from this record all the same, and save it again
        }
        return why instanceof Throwable t ? new FailoverStepException(failed, step, t)
                : new FailoverStepException(failed, step, reason);
    }
}
