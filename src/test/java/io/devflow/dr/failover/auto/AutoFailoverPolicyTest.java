package io.devflow.dr.failover.auto;

import io.devflow.dr.config.AutoFailoverConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class AutoFailoverPolicyTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
    private static final Duration RPO = Duration.ofMinutes(5);

    private final AutoFailoverPolicy policy = new AutoFailoverPolicy(AutoFailoverConfig.DEFAULT, true, RPO);

    @Test
    void shouldFailOverOnlyAfterThreeFailedChecksInARow() {
        assertThat(policy.observe(eastDown(0), Optional.empty(), false).action()).isEqualTo(Verdict.Action.WATCHING);
        assertThat(policy.observe(eastDown(10), Optional.empty(), false).action()).isEqualTo(Verdict.Action.WATCHING);

        Verdict third = policy.observe(eastDown(20), Optional.empty(), false);

        assertThat(third.action()).isEqualTo(Verdict.Action.FAIL_OVER);
        assertThat(third.target()).isEqualTo(WEST);
        assertThat(third.since()).isEqualTo(T0);
        assertThat(third.evidence()).singleElement().asString()
                .contains("mongodb in us-east-1 unreachable", "3 check(s) in a row since " + T0, "connection refused");
    }

    @Test
    void shouldNeverFailOverForAPrimaryThatFlaps() {
        for (int check = 0; check < 24; check++) {
            Observation o = check % 2 == 0 ? eastDown(check * 10) : healthy(check * 10);
            assertThat(policy.observe(o, Optional.empty(), false).action())
                    .isIn(Verdict.Action.WATCHING, Verdict.Action.HEALTHY);
        }
    }

    @Test
    void shouldRefuseWhenAutomaticFailoverIsOffAndSaySo() {
        AutoFailoverPolicy off = new AutoFailoverPolicy(AutoFailoverConfig.DEFAULT, false, RPO);

        Verdict verdict = threeTimes(off, eastDown(0));

        assertThat(verdict.action()).isEqualTo(Verdict.Action.REFUSED);
        assertThat(verdict.code()).isEqualTo("auto-failover-off");
        assertThat(verdict.reason()).contains("dr failover us-west-2");
    }

    @Test
    void shouldRefuseWhenNoOtherRegionAnswers() {
        Observation bothDown = new Observation(T0, EAST, Map.of(EAST, Map.of(StoreKind.REDIS, "timeout"),
                WEST, Map.of(StoreKind.REDIS, "timeout")), List.of(EAST, WEST), Map.of(), Map.of(), true);

        Verdict verdict = threeTimes(policy, bothDown);

        assertThat(verdict.action()).isEqualTo(Verdict.Action.REFUSED);
        assertThat(verdict.code()).isEqualTo("no-healthy-target");
    }

    @Test
    void shouldRefuseWhileItsOwnLeadershipIsUnconfirmed() {
        Observation isolated = new Observation(T0, EAST, Map.of(EAST, Map.of(StoreKind.MONGODB, "timeout")),
                List.of(EAST, WEST), Map.of(), Map.of(), false);

        assertThat(threeTimes(policy, isolated).code()).isEqualTo("controller-isolated");
    }

    @Test
    void shouldHoldTheCooldownUnlessAcknowledged() {
        Optional<Instant> tenMinutesAgo = Optional.of(T0.minus(Duration.ofMinutes(10)));
        policy.observe(eastDown(0), tenMinutesAgo, false);
        policy.observe(eastDown(10), tenMinutesAgo, false);

        assertThat(policy.observe(eastDown(20), tenMinutesAgo, false).code()).isEqualTo("cooldown");
        assertThat(policy.observe(eastDown(30), tenMinutesAgo, true).action()).isEqualTo(Verdict.Action.FAIL_OVER);
        assertThat(policy.observe(eastDown(40), Optional.of(T0.minus(Duration.ofMinutes(31))), false).action())
                .isEqualTo(Verdict.Action.FAIL_OVER);
    }

    @Test
    void shouldTriggerOnLagOverTheRpoAndOnFailingApplicationUrls() {
        Observation lagging = new Observation(T0, EAST, Map.of(), List.of(EAST, WEST),
                Map.of(WEST, Map.of(StoreKind.MONGODB, Duration.ofMinutes(6))), Map.of(), true);
        Verdict verdict = threeTimes(policy, lagging);
        assertThat(verdict.action()).isEqualTo(Verdict.Action.FAIL_OVER);
        assertThat(verdict.evidence()).singleElement().asString().contains("360 s behind, over the RPO of 5 min");

        policy.reset();
        Observation appDown = new Observation(T0, EAST, Map.of(), List.of(EAST, WEST), Map.of(),
                Map.of("http://app/health", "HTTP 503"), true);
        assertThat(threeTimes(policy, appDown).evidence()).singleElement().asString().contains("http://app/health", "HTTP 503");
    }

    @Test
    void shouldStartCountingAgainAfterAHealthyCheckOrAReset() {
        policy.observe(eastDown(0), Optional.empty(), false);
        policy.observe(eastDown(10), Optional.empty(), false);
        assertThat(policy.observe(healthy(20), Optional.empty(), false).action()).isEqualTo(Verdict.Action.HEALTHY);
        policy.observe(eastDown(30), Optional.empty(), false);
        policy.observe(eastDown(40), Optional.empty(), false);
        policy.reset();

        assertThat(policy.observe(eastDown(50), Optional.empty(), false).action()).isEqualTo(Verdict.Action.WATCHING);
    }

    private static Verdict threeTimes(AutoFailoverPolicy policy, Observation o) {
        policy.observe(o, Optional.empty(), false);
        policy.observe(o, Optional.empty(), false);
        return policy.observe(o, Optional.empty(), false);
    }

    private static Observation eastDown(int seconds) {
        return new Observation(T0.plusSeconds(seconds), EAST, Map.of(EAST, Map.of(StoreKind.MONGODB, "connection refused")),
                List.of(EAST, WEST), Map.of(), Map.of(), true);
    }

    private static Observation healthy(int seconds) {
        return new Observation(T0.plusSeconds(seconds), EAST, Map.of(), List.of(EAST, WEST), Map.of(), Map.of(), true);
    }
}
