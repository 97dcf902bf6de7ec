package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@code notifications.alerts}: when the service's own alerts are evaluated and repeated. */
class AlertsConfigTest {

    @Test
    void shouldDefaultToAMinuteAndFourHours() {
        DrConfig config = TestConfigs.load(TestConfigs.minimal());

        assertThat(config.notifications().alerts()).isEqualTo(new AlertsConfig(Duration.ofMinutes(1), Duration.ofHours(4),
                Duration.ofHours(26), Duration.ofHours(24), Set.of()));
    }

    @Test
    void shouldReadDurationsWithTheirUnitsAndTheDisabledAlerts() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").set("notifications", Json.MAPPER.readTree("""
                {"alerts": {"interval": "30s", "repeatEvery": "2h", "backupMaxAge": "2d", "conflictMaxAge": "90m",
                            "disabled": ["DrRtoBreached", "DrDrillFailed"]}}"""));

        AlertsConfig alerts = TestConfigs.load(root).notifications().alerts();

        assertThat(alerts).isEqualTo(new AlertsConfig(Duration.ofSeconds(30), Duration.ofHours(2), Duration.ofDays(2),
                Duration.ofMinutes(90), Set.of(AlertRule.RTO_BREACH, AlertRule.DRILL_FAILED)));
        assertThat(alerts.enabled(AlertRule.BACKUP_FAILED)).isTrue();
        assertThat(alerts.enabled(AlertRule.RTO_BREACH)).isFalse();
    }

    @Test
    void shouldNameEveryBadValueWithWhatToWrite() throws Exception {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").set("notifications", Json.MAPPER.readTree("""
                {"alerts": {"interval": "5 minutes", "repeatEvery": "10s", "backupMaxAge": "0m", "conflictMaxAge": 3600,
                            "disabled": ["DrBackupFailed", "BackupFailed"], "snooze": true}}"""));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        String a = "disasterRecovery.notifications.alerts.";
        assertThat(failure.problems()).extracting(p -> p.path() + ": " + p.message()).containsExactlyInAnyOrder(
                a + "interval: '5 minutes' is not a duration: write a whole number and a unit, such as 30s, 5m, 4h or 2d",
                a + "repeatEvery: must be at least the interval (1m): an alert is only looked at once per interval",
                a + "backupMaxAge: must be between 1m and 400d, was 0m",
                a + "conflictMaxAge: must be a string",
                a + "disabled[1]: 'BackupFailed' is not an alert; the alerts are DrBackupFailed, DrBackupMissing, "
                        + "DrRpoBreached, DrRtoBreached, DrReplicationDegraded, DrReplicationFailed, DrConflictsOpenTooLong, "
                        + "DrDrillFailed",
                a + "snooze: unknown key; known keys here are interval, repeatEvery, backupMaxAge, conflictMaxAge, disabled");
    }
}
