package io.devflow.dr.failover;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import io.devflow.dr.testing.ScriptedEvidence;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailoverPlannerTest {

    static final RegionId EAST = RegionId.of("us-east-1");
    static final RegionId WEST = RegionId.of("us-west-2");

    final MutableClock clock = new MutableClock(Instant.parse("2026-01-27T10:00:00Z"));
    final MemoryStateStore state = new MemoryStateStore();
    final DrConfig config = config();
    final ActiveRegions active = new ActiveRegions(config, state, clock);
    final FailoverRecords records = new FailoverRecords(state);
    final ScriptedEvidence evidence = new ScriptedEvidence(active, records, clock);
    final FailoverPlanner planner = new FailoverPlanner(config, evidence, clock);

    static DrConfig config() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").put("rpo", 15).put("rto", 60);
        return TestConfigs.load(root);
    }

    static FailoverRequest to(RegionId target, boolean force) {
        return new FailoverRequest(target, "drill", force, FailoverRequest.Trigger.MANUAL, "oncall");
    }

    static List<String> codes(FailoverPlan plan) {
        return plan.refusals().stream().map(FailoverPlan.Refusal::code).toList();
    }

    @Test
    void shouldPlanTheSixStepsWithLagAndLossBoundWhenNothingIsInTheWay() {
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ofSeconds(4), 12, false));

        FailoverPlan plan = planner.plan(to(WEST, false));

        assertThat(plan.runnable()).isTrue();
        assertThat(plan.source()).isEqualTo("us-east-1");
        assertThat(plan.target()).isEqualTo("us-west-2");
        assertThat(plan.steps()).extracting(FailoverPlan.PlannedStep::step).containsExactly(FailoverStep.values());
        assertThat(plan.lag()).singleElement().satisfies(l -> assertThat(l.backlog()).isEqualTo(12));
        assertThat(plan.lossBound().window()).isEqualTo(Duration.ofSeconds(4));
        assertThat(plan.lossBound().writes()).isEqualTo(12);
        assertThat(plan.lossBound().since()).isEqualTo(Instant.parse("2026-01-27T09:59:56Z"));
        assertThat(plan.switchback()).isFalse();
    }

    @Test
    void shouldRefuseAnUnhealthyTargetAndOneWithoutARecentBackupWhateverTheForce() {
        evidence.unhealthy.put(WEST, List.of("mongodb: connection refused"));
        evidence.backups.put(StoreKind.MONGODB, clock.instant().minus(Duration.ofMinutes(16)));

        FailoverPlan plan = planner.plan(to(WEST, true));

        assertThat(codes(plan)).containsExactly("target-unhealthy", "no-recent-backup");
        assertThat(plan.refusals().get(0).message()).contains("us-west-2 is not healthy: mongodb: connection refused");
        assertThat(plan.refusals().get(1).message()).contains("dr backup --type full --store mongodb --region us-west-2");
        assertThat(plan.forced()).isFalse();
    }

    @Test
    void shouldRefuseLagOverTheRpoUnlessForcedAndSayItWasForced() {
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ofMinutes(20), 500, false));

        FailoverPlan refused = planner.plan(to(WEST, false));
        FailoverPlan forced = planner.plan(to(WEST, true));

        assertThat(codes(refused)).containsExactly("lag-over-rpo");
        assertThat(refused.refusals().get(0).overridable()).isTrue();
        assertThat(forced.runnable()).isTrue();
        assertThat(forced.forced()).isTrue();
        assertThat(forced.lossBound().window()).isEqualTo(Duration.ofMinutes(20));
    }

    @Test
    void shouldCountTheLagOfAReplicatedStoreReplicationHasNotReportedOnAsUnknown() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("recovery").put("rpo", 15).put("rto", 60);
        at(root, "/disasterRecovery").putObject("replication").put("enabled", true).put("source", "us-east-1")
                .putArray("stores").add("mongodb");
        FailoverPlanner replicating = new FailoverPlanner(TestConfigs.load(root), evidence, clock);
        evidence.unreported.add(StoreKind.MONGODB);

        FailoverPlan refused = replicating.plan(to(WEST, false));
        FailoverPlan backupsOnly = planner.plan(to(WEST, false));

        assertThat(codes(refused)).containsExactly("lag-over-rpo");
        assertThat(refused.refusals().get(0).message()).contains("mongodb replication lag to us-west-2 is unknown");
        assertThat(refused.lossBound().window()).isEqualTo(Duration.ofMinutes(15).plusSeconds(1));
        assertThat(backupsOnly.runnable()).isTrue();
        assertThat(backupsOnly.lossBound().window()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void shouldRefuseOnAStandbyNamingTheLeaderAndWhenTheTargetIsActiveAlready() {
        evidence.notLeader = "instance b is a standby; the leader is a at http://a:8080";

        FailoverPlan plan = planner.plan(to(EAST, true));

        assertThat(codes(plan)).containsExactly("not-leader", "already-active");
        assertThat(plan.refusals().get(0).message()).contains("the leader is a at http://a:8080");
    }

    @Test
    void shouldRefuseWhileAnotherFailoverRuns() {
        FailoverPlan plan = planner.plan(to(WEST, false));
        records.save(new FailoverRecord("failover-20260127-095900-abcd", FailoverRecord.State.RUNNING, to(WEST, false),
                plan, List.of(), Json.MAPPER.valueToTree(ActiveRegion.configured(EAST)), null, "a", 1,
                clock.instant(), null, null));

        assertThat(codes(planner.plan(to(WEST, false)))).containsExactly("failover-running");
    }

    @Test
    void shouldRequireZeroLagToSwitchBackToTheRegionActiveBeforeTheLastFailover() {
        FailoverPlan first = planner.plan(to(WEST, false));
        String id = "failover-20260127-095000-0001";
        records.save(new FailoverRecord(id, FailoverRecord.State.COMPLETED, to(WEST, false), first, List.of(),
                Json.MAPPER.valueToTree(ActiveRegion.configured(EAST)), null, "a", 1, clock.instant(), clock.instant(), null));
        active.promote(ActiveRegion.configured(EAST), WEST, id, "oncall");
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ofSeconds(2), 3, false));

        FailoverPlan back = planner.plan(to(EAST, true));

        assertThat(back.switchback()).isTrue();
        assertThat(back.source()).isEqualTo("us-west-2");
        assertThat(codes(back)).containsExactly("not-caught-up");
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ZERO, 0, true));
        assertThat(planner.plan(to(EAST, false)).runnable()).isTrue();
    }

    @Test
    void shouldFailBackToTheRegionActiveBeforeUnderTheRpoWhenTheActiveRegionIsDown() {
        FailoverPlan first = planner.plan(to(WEST, false));
        String id = "failover-20260127-095000-0002";
        records.save(new FailoverRecord(id, FailoverRecord.State.COMPLETED, to(WEST, false), first, List.of(),
                Json.MAPPER.valueToTree(ActiveRegion.configured(EAST)), null, "a", 1, clock.instant(), clock.instant(), null));
        active.promote(ActiveRegion.configured(EAST), WEST, id, "oncall");
        evidence.unhealthy.put(WEST, List.of("mongodb: connection refused"));
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ofSeconds(2), -1, false));

        FailoverPlan back = planner.plan(to(EAST, false));

        assertThat(back.switchback()).isFalse();
        assertThat(back.runnable()).as(codes(back).toString()).isTrue();
        evidence.lag.put(StoreKind.MONGODB, new FailoverPlan.StoreLag(StoreKind.MONGODB, Duration.ofMinutes(20), -1, false));
        assertThat(codes(planner.plan(to(EAST, false)))).containsExactly("lag-over-rpo");
    }

    @Test
    void shouldRefuseAnUnknownRegionAsBadInput() {
        assertThatThrownBy(() -> planner.plan(to(RegionId.of("eu-west-1"), false)))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("us-east-1, us-west-2");
    }
}
