package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.failover.FailoverRecord.StepRecord;
import io.devflow.dr.failover.routing.RoutingChange;
import io.devflow.dr.failover.routing.RoutingProvider;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compensations as the rollback route calls them (update-routing, promote, stop-traffic): each undoes what its
 * step recorded, in that order; a step that recorded nothing is left alone; one that cannot be undone is recorded
 * as failed and the others still run, so the failover ends failed with what is left named.
 */
class FailoverCompensationsTest {

    static final RegionId EAST = RegionId.of("us-east-1");
    static final RegionId WEST = RegionId.of("us-west-2");

    final Clock clock = Clock.systemUTC();
    final MemoryStateStore state = new MemoryStateStore();
    final DrConfig config = FailoverPlannerTest.config();
    final ActiveRegions active = new ActiveRegions(config, state, clock);
    final FailoverRecords records = new FailoverRecords(state);
    final List<String> undone = new ArrayList<>();
    final boolean[] refuseRouteUndo = {false};
    final RoutingProvider routing = new RoutingProvider() {
        @Override
        public String name() {
            return "recording";
        }

        @Override
        public Optional<RegionId> current() {
            return Optional.empty();
        }

        @Override
        public RoutingChange drain(RegionId source) {
            return change("drain", source);
        }

        @Override
        public RoutingChange routeTo(RegionId target) {
            return change("route", target);
        }

        @Override
        public void undo(RoutingChange change) {
            if (refuseRouteUndo[0] && change.action().equals("route")) {
                throw new IllegalStateException("the proxy refused the old file");
            }
            undone.add("routing " + change.action());
        }
    };
    final FailoverCompensations compensations = new FailoverCompensations(records, active, routing, List.of(), clock);

    @Test
    void shouldUndoInReverseStepOrderAndLeaveTheActiveRegionAsBefore() {
        FailoverRecord rolling = compensations.rollingBack(failedAfterRouting(), "verify",
                new IllegalStateException("canary failed"));

        assertThat(rolling.state()).isEqualTo(FailoverRecord.State.ROLLING_BACK);
        assertThat(rolling.error()).isEqualTo("verify failed: canary failed");
        assertThat(rolling.steps()).extracting(StepRecord::compensation)
                .containsExactly("none", "pending", "pending", "pending", "none");

        FailoverRecord done = compensations.compensated(compensations.undoStopTraffic(
                compensations.undoPromote(compensations.undoUpdateRouting(rolling))));

        assertThat(undone).containsExactly("routing route", "routing drain");
        assertThat(active.fresh()).isEqualTo(ActiveRegion.configured(EAST));
        assertThat(done.state()).isEqualTo(FailoverRecord.State.ROLLED_BACK);
        assertThat(done.steps()).extracting(StepRecord::compensation).containsExactly("none", "done", "done", "done", "none");
        assertThat(records.get(done.id())).contains(done);
    }

    @Test
    void shouldGoOnWithTheOtherCompensationsWhenOneFailsAndEndFailed() {
        refuseRouteUndo[0] = true;
        FailoverRecord rolling = compensations.rollingBack(failedAfterRouting(), "verify",
                new IllegalStateException("canary failed"));

        FailoverRecord done = compensations.compensated(compensations.undoStopTraffic(
                compensations.undoPromote(compensations.undoUpdateRouting(rolling))));

        assertThat(done.state()).isEqualTo(FailoverRecord.State.FAILED);
        assertThat(done.step(FailoverStep.UPDATE_ROUTING).orElseThrow().compensation())
                .isEqualTo("failed: the proxy refused the old file");
        assertThat(done.step(FailoverStep.PROMOTE).orElseThrow().compensation()).isEqualTo("done");
        assertThat(undone).containsExactly("routing drain");
        assertThat(active.fresh()).isEqualTo(ActiveRegion.configured(EAST));
    }

    /** A failover whose verify step failed after routing was updated. */
    private FailoverRecord failedAfterRouting() {
        FailoverRequest request = new FailoverRequest(WEST, "drill", false, FailoverRequest.Trigger.MANUAL, "oncall");
        String id = FailoverRecords.newId(clock.instant());
        ActiveRegion previous = active.fresh();
        ActiveRegion promoted = active.promote(previous, WEST, id, "oncall");
        ObjectNode stop = Json.MAPPER.createObjectNode();
        stop.set("routing", Json.MAPPER.valueToTree(routing.drain(EAST)));
        stop.putArray("fences");
        ObjectNode promote = Json.MAPPER.createObjectNode();
        promote.set("previous", Json.MAPPER.valueToTree(previous));
        promote.set("promoted", Json.MAPPER.valueToTree(promoted));
        ObjectNode route = Json.MAPPER.createObjectNode();
        route.set("routing", Json.MAPPER.valueToTree(routing.routeTo(WEST)));
        Instant now = clock.instant();
        List<StepRecord> steps = List.of(
                new StepRecord(FailoverStep.VALIDATE_TARGET, now, now, "done", "ok", null, "none"),
                new StepRecord(FailoverStep.STOP_TRAFFIC, now, now, "done", "drained", stop, "none"),
                new StepRecord(FailoverStep.PROMOTE, now, now, "done", "promoted", promote, "none"),
                new StepRecord(FailoverStep.UPDATE_ROUTING, now, now, "done", "routed", route, "none"),
                new StepRecord(FailoverStep.VERIFY, now, null, "running", null, null, "none"));
        return records.save(new FailoverRecord(id, FailoverRecord.State.RUNNING, request,
                new FailoverPlanner(config, new io.devflow.dr.testing.ScriptedEvidence(active, records, clock), clock)
                        .plan(request), steps, Json.MAPPER.valueToTree(previous), promote.get("promoted"), "test", 1,
                now, null, null));
    }

    private static RoutingChange change(String action, RegionId region) {
        return new RoutingChange("recording", action, Json.MAPPER.createObjectNode().put("region", "before"),
                Json.MAPPER.createObjectNode().put("region", region.value()), Instant.now());
    }
}
