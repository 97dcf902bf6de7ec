package io.devflow.dr.alert;

import io.devflow.dr.config.AlertRule;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The alerts' state machine: raised once, repeated every interval while firing, resolved once, on a clock. */
class AlertBookTest {

    static final Instant START = Instant.parse("2026-01-27T10:00:00Z");

    final MutableClock clock = new MutableClock(START);
    final AlertBook book = new AlertBook(Duration.ofHours(4));
    Map<String, AlertState> firing = Map.of();

    @Test
    void shouldRaiseOnceRepeatAfterTheIntervalAndResolveOnce() {
        Firing failed = backupFailed("mongodb", "backup 1 failed");

        assertThat(kinds(step(List.of(failed)))).containsExactly("FIRING DrBackupFailed/mongodb/us-east-1");
        clock.advance(Duration.ofMinutes(1));
        assertThat(step(List.of(backupFailed("mongodb", "backup 2 failed")))).isEmpty();
        clock.set(START.plus(Duration.ofHours(4)).minusSeconds(1));
        assertThat(step(List.of(failed))).as("not yet four hours").isEmpty();
        clock.set(START.plus(Duration.ofHours(4)));
        List<AlertChange> repeat = step(List.of(backupFailed("mongodb", "backup 3 failed")));
        assertThat(kinds(repeat)).containsExactly("REPEAT DrBackupFailed/mongodb/us-east-1");
        assertThat(repeat.get(0).alert().value()).as("the reminder says what holds now").isEqualTo("backup 3 failed");
        assertThat(repeat.get(0).alert().since()).isEqualTo(START);
        assertThat(repeat.get(0).alert().sent()).isEqualTo(2);
        clock.advance(Duration.ofHours(1));
        assertThat(step(List.of(failed))).as("four hours from the reminder, not from the start").isEmpty();

        clock.advance(Duration.ofMinutes(1));
        List<AlertChange> resolved = step(List.of());
        assertThat(kinds(resolved)).containsExactly("RESOLVED DrBackupFailed/mongodb/us-east-1");
        assertThat(resolved.get(0).alert().since()).isEqualTo(START);
        assertThat(resolved.get(0).at()).isEqualTo(clock.instant());
        assertThat(firing).isEmpty();
        assertThat(step(List.of())).as("resolved once").isEmpty();
    }

    @Test
    void shouldTellAlertsOfDifferentStoresApart() {
        step(List.of(backupFailed("mongodb", "x")));
        clock.advance(Duration.ofMinutes(1));

        List<AlertChange> changes = step(List.of(backupFailed("mongodb", "x"), backupFailed("redis", "y")));

        assertThat(kinds(changes)).containsExactly("FIRING DrBackupFailed/redis/us-east-1");
        assertThat(firing).containsOnlyKeys("DrBackupFailed/mongodb/us-east-1", "DrBackupFailed/redis/us-east-1");
    }

    @Test
    void shouldNeitherResolveNorRepeatAnAlertWhoseRuleCouldNotBeEvaluated() {
        step(List.of(backupFailed("mongodb", "x")));
        clock.advance(Duration.ofHours(5));

        List<AlertChange> changes = book.advance(firing, new AlertBook.Evaluation(List.of(),
                Set.of(AlertRule.BACKUP_FAILED, AlertRule.BACKUP_MISSING)), clock.instant()).changes();

        assertThat(changes).isEmpty();
    }

    @Test
    void shouldStartFromTheStoredAlertsAsANewLeaderDoes() {
        step(List.of(backupFailed("mongodb", "x")));
        Map<String, AlertState> stored = Alerts.decode(Optional.of(new StateDocument(
                Alerts.PATH, 3, clock.instant(), Alerts.encode(firing))));
        clock.advance(Duration.ofMinutes(2));

        AlertBook.Step next = book.advance(stored, new AlertBook.Evaluation(List.of(backupFailed("mongodb", "x")), Set.of()),
                clock.instant());

        assertThat(stored).isEqualTo(firing);
        assertThat(next.changes()).as("raised by the previous leader, not again").isEmpty();
    }

    private List<AlertChange> step(List<Firing> now) {
        AlertBook.Step step = book.advance(firing, new AlertBook.Evaluation(now, Set.of()), clock.instant());
        firing = step.firing();
        return step.changes();
    }

    private static List<String> kinds(List<AlertChange> changes) {
        return changes.stream().map(c -> c.kind() + " " + c.alert().key()).toList();
    }

    static Firing backupFailed(String store, String value) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("store", store);
        labels.put("region", "us-east-1");
        return new Firing(AlertRule.BACKUP_FAILED, labels, "The newest " + store + " backup in us-east-1 failed", value,
                "the newest backup completes");
    }
}
