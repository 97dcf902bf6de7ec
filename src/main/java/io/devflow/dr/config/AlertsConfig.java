package io.devflow.dr.config;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * {@code disasterRecovery.notifications.alerts}: how often the leader evaluates the service's own alerts and how
 * often it tells the team again of one still firing.
 *
 * @param interval between two evaluations
 * @param repeatEvery a firing alert is sent again after this long
 * @param backupMaxAge {@link AlertRule#BACKUP_MISSING} fires when a store's newest completed backup is older
 * @param conflictMaxAge {@link AlertRule#CONFLICT_OPEN_TOO_LONG} fires for conflicts open longer
 * @param disabled alerts never evaluated (one already firing is resolved)
 */
public record AlertsConfig(Duration interval, Duration repeatEvery, Duration backupMaxAge, Duration conflictMaxAge,
                           Set<AlertRule> disabled) {

    public static final AlertsConfig DEFAULTS = new AlertsConfig(Duration.ofMinutes(1), Duration.ofHours(4),
            Duration.ofHours(26), Duration.ofHours(24), Set.of());

    public AlertsConfig {
        disabled = disabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(disabled));
    }

    public boolean enabled(AlertRule rule) {
        return !disabled.contains(rule);
    }
}
