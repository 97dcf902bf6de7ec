package io.devflow.dr.replication;

import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConflictResolverTest {

    private static final Instant EARLIER = Instant.parse("2026-01-27T10:00:00Z");
    private static final Instant LATER = Instant.parse("2026-01-27T10:00:05Z");

    private final ConflictResolver lastWrite = resolver(ConflictStrategy.LAST_WRITE_WINS);
    private final ConflictResolver byField = resolver(ConflictStrategy.TIMESTAMP_BASED);
    private final ConflictResolver manual = resolver(ConflictStrategy.MANUAL);

    @Test
    void shouldLetTheLaterChangeWinUnderLastWriteWins() {
        ConflictResolver.Outcome targetLater = lastWrite.decide(changed(EARLIER), changed(LATER));
        ConflictResolver.Outcome sourceLater = lastWrite.decide(changed(LATER), changed(EARLIER));

        assertThat(targetLater.decision()).isEqualTo(Decision.TARGET);
        assertThat(targetLater.reason()).isEqualTo("target wins: its last write (" + LATER
                + ") is later than the source's (" + EARLIER + ")");
        assertThat(sourceLater.decision()).isEqualTo(Decision.SOURCE);
        assertThat(sourceLater.reason()).isEqualTo("source wins: its last write (" + LATER
                + ") is later than the target's (" + EARLIER + ")");
    }

    @Test
    void shouldGiveATieToTheSource() {
        ConflictResolver.Outcome outcome = lastWrite.decide(changed(LATER), changed(LATER));

        assertThat(outcome.decision()).isEqualTo(Decision.SOURCE);
        assertThat(outcome.reason()).contains("is the same as the target's");
    }

    @Test
    void shouldGiveTheSourceTheWinWhenAChangeTimeIsUnknown() {
        ConflictResolver.Outcome targetUnknown = lastWrite.decide(changed(EARLIER), changed(null));
        ConflictResolver.Outcome sourceUnknown = lastWrite.decide(changed(null), changed(LATER));
        ConflictResolver.Outcome bothUnknown = lastWrite.decide(changed(null), changed(null));

        assertThat(targetUnknown.decision()).isEqualTo(Decision.SOURCE);
        assertThat(targetUnknown.reason()).isEqualTo("source wins: the target's last write time is unknown");
        assertThat(sourceUnknown.decision()).isEqualTo(Decision.SOURCE);
        assertThat(sourceUnknown.reason()).isEqualTo("source wins: the source's last write time is unknown");
        assertThat(bothUnknown.decision()).isEqualTo(Decision.SOURCE);
    }

    @Test
    void shouldCompareTheLastWritesOfDeletedRecords() {
        ConflictResolver.Outcome outcome = lastWrite.decide(RecordVersion.deleted(EARLIER), changed(LATER));

        assertThat(outcome.decision()).isEqualTo(Decision.TARGET);
    }

    @Test
    void shouldDecideByTheConfiguredFieldNotByTheChangeTime() {
        // The target was written later, but its updatedAt says its content is older.
        RecordVersion source = version(EARLIER, LATER);
        RecordVersion target = version(LATER, EARLIER);

        ConflictResolver.Outcome outcome = byField.decide(source, target);

        assertThat(outcome.decision()).isEqualTo(Decision.SOURCE);
        assertThat(outcome.reason()).isEqualTo("source wins: its updatedAt (" + LATER
                + ") is later than the target's (" + EARLIER + ")");
        assertThat(byField.decide(target, source).decision()).isEqualTo(Decision.TARGET);
    }

    @Test
    void shouldNameTheConfiguredFieldInTheReason() {
        ConflictResolver modifiedAt = new ConflictResolver(
                new ReplicationConfig.ConflictConfig(ConflictStrategy.TIMESTAMP_BASED, "modifiedAt"));

        ConflictResolver.Outcome outcome = modifiedAt.decide(version(LATER, EARLIER), version(EARLIER, LATER));

        assertThat(modifiedAt.timestampField()).isEqualTo("modifiedAt");
        assertThat(outcome.decision()).isEqualTo(Decision.TARGET);
        assertThat(outcome.reason()).startsWith("target wins: its modifiedAt (" + LATER + ")");
    }

    @Test
    void shouldGiveTheSourceTheWinWhenOneVersionLacksTheField() {
        ConflictResolver.Outcome targetLacks = byField.decide(version(EARLIER, EARLIER), version(LATER, null));
        ConflictResolver.Outcome sourceLacks = byField.decide(version(EARLIER, null), version(LATER, LATER));

        assertThat(targetLacks.decision()).isEqualTo(Decision.SOURCE);
        assertThat(targetLacks.reason()).isEqualTo("source wins: the target's updatedAt time is unknown");
        assertThat(sourceLacks.decision()).isEqualTo(Decision.SOURCE);
        assertThat(sourceLacks.reason()).isEqualTo("source wins: the source's updatedAt time is unknown");
    }

    @Test
    void shouldFallBackToTheChangeTimesWhenNeitherVersionHasTheField() {
        ConflictResolver.Outcome outcome = byField.decide(version(EARLIER, null), version(LATER, null));

        assertThat(outcome.decision()).isEqualTo(Decision.TARGET);
        assertThat(outcome.reason()).isEqualTo("neither version has updatedAt; target wins: its last write ("
                + LATER + ") is later than the source's (" + EARLIER + ")");
    }

    @Test
    void shouldLetTheTimeOfADeletionStandInForTheFieldOfADeletedRecord() {
        RecordVersion deletedLater = RecordVersion.deleted(LATER);
        RecordVersion updatedEarlier = version(Instant.parse("2026-01-27T11:00:00Z"), EARLIER);

        assertThat(byField.decide(deletedLater, updatedEarlier).decision()).isEqualTo(Decision.SOURCE);
        assertThat(byField.decide(version(EARLIER, EARLIER), deletedLater).decision()).isEqualTo(Decision.TARGET);
        assertThat(byField.decide(RecordVersion.deleted(EARLIER), version(EARLIER, LATER)).reason())
                .isEqualTo("target wins: its updatedAt (" + LATER + ") is later than the source's (" + EARLIER + ")");
    }

    @Test
    void shouldLeaveEveryConflictPendingUnderManual() {
        ConflictResolver.Outcome outcome = manual.decide(changed(EARLIER), changed(LATER));

        assertThat(outcome.decision()).isEqualTo(Decision.PENDING);
        assertThat(outcome.reason()).isEqualTo("manual: waiting for an operator");
        assertThat(manual.decide(RecordVersion.deleted(LATER), changed(null)).decision()).isEqualTo(Decision.PENDING);
        assertThat(manual.strategy()).isEqualTo(ConflictStrategy.MANUAL);
    }

    private static ConflictResolver resolver(ConflictStrategy strategy) {
        return new ConflictResolver(new ReplicationConfig.ConflictConfig(strategy, "updatedAt"));
    }

    private static RecordVersion changed(Instant changedAt) {
        return version(changedAt, null);
    }

    private static RecordVersion version(Instant changedAt, Instant fieldTime) {
        return new RecordVersion(true, null, changedAt, fieldTime, null);
    }
}
