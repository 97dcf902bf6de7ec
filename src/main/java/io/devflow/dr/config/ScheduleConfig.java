package io.devflow.dr.config;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Quartz cron expressions (seconds first) for the scheduled work, evaluated in {@code timezone}, and who runs every
 * schedule (backups, retention, DR tests): {@code dr server}'s own Quartz routes, or external CronJobs.
 */
public record ScheduleConfig(String full, String incremental, String retention, String timezone, Runner runner) {

    /** The schedules as the server runs them. */
    public ScheduleConfig(String full, String incremental, String retention, String timezone) {
        this(full, incremental, retention, timezone, Runner.SERVER);
    }

    /** Who fires the scheduled work: exactly one of them, so that no slot runs twice. */
    public enum Runner {
        /** The leading {@code dr server} fires its Quartz schedules. */
        SERVER("server"),
        /** Kubernetes CronJobs (k8s/backup-cronjobs.yaml) run {@code dr} commands; the server's schedules do not start. */
        CRONJOBS("cronjobs");

        private final String id;

        Runner(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Optional<Runner> parse(String text) {
            return Arrays.stream(values()).filter(r -> r.id.equals(text)).findFirst();
        }

        static String names() {
            return Arrays.stream(values()).map(Runner::id).collect(Collectors.joining(" or "));
        }
    }
}
