package io.devflow.dr.failover;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.FailoverPlan.StoreLag;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The replication lag a plan reads from replication's report, as its workers left it. */
class LiveEvidenceTest {

    static final Instant NOW = Instant.parse("2026-12-03T10:00:00Z");
    static final RegionId EAST = RegionId.of("us-east-1");
    static final RegionId WEST = RegionId.of("us-west-2");

    @Test
    void shouldKnowTheLagOfAStreamingStoreWhoseSourceIsDownButNotItsBacklog() {
        StoreLag lag = lag(store("streaming", ReplicationHealth.FAILED, 12.5, 40, NOW.minusSeconds(14),
                "connection refused", NOW.minusSeconds(1)));

        assertThat(lag.lag()).isEqualTo(Duration.ofMillis(12_500));
        assertThat(lag.backlog()).isEqualTo(-1);
        assertThat(lag.caughtUp()).isFalse();
    }

    @Test
    void shouldIgnoreAnErrorTheWorkerRecoveredFrom() {
        StoreLag lag = lag(store("streaming", ReplicationHealth.HEALTHY, 0, 0, NOW.minusSeconds(1),
                "connection refused", NOW.minusSeconds(60)));

        assertThat(lag.lag()).isEqualTo(Duration.ZERO);
        assertThat(lag.backlog()).isZero();
        assertThat(lag.caughtUp()).isTrue();
    }

    @Test
    void shouldBoundTheLagOfAStalledWorkerByItsLastGoodPoll() {
        StoreLag caughtUpThen = lag(store("streaming", ReplicationHealth.FAILED, 0, 0, NOW.minusSeconds(35), null, null));
        StoreLag behindThen = lag(store("streaming", ReplicationHealth.FAILED, 90, 12, NOW.minusSeconds(35), null, null));

        assertThat(caughtUpThen.lag()).isEqualTo(Duration.ofSeconds(35));
        assertThat(caughtUpThen.backlog()).isEqualTo(-1);
        assertThat(caughtUpThen.caughtUp()).isFalse();
        assertThat(behindThen.lag()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void shouldNotKnowTheLagOfAWorkerThatNeverPolledOrOfAnInitialSync() {
        StoreLag neverPolled = lag(store("streaming", ReplicationHealth.FAILED, 0, 0, null, null, null));
        StoreLag syncing = lag(store("initial-sync", ReplicationHealth.HEALTHY, 3, 0, NOW.minusSeconds(1), null, null));

        assertThat(neverPolled.lag()).isNull();
        assertThat(neverPolled.caughtUp()).isFalse();
        assertThat(syncing.lag()).isNull();
        assertThat(syncing.backlog()).isEqualTo(-1);
    }

    private static ReplicationReport.Store store(String phase, ReplicationHealth health, double lagSeconds, long backlog,
                                                 Instant lastSync, String lastError, Instant lastErrorAt) {
        return new ReplicationReport.Store("mongodb", phase, health, true, lagSeconds, backlog, 0, 0, 0, 0, 0, lastSync,
                lastError, lastErrorAt, null);
    }

    private static StoreLag lag(ReplicationReport.Store store) {
        ReplicationReport report = new ReplicationReport(EAST.value(), "last-write-wins", NOW, "test", List.of(
                new ReplicationReport.Target(WEST.value(), store.health(), store.lastSync(), store.lagSeconds(), Map.of(),
                        0, List.of(store))));
        LiveEvidence evidence = new LiveEvidence(Optional::empty, null, null, () -> Optional.of(report), null, null, null);
        return evidence.lag(EAST, WEST, StoreKind.MONGODB).orElseThrow();
    }
}
