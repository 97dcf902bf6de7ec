package io.devflow.dr.status;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.control.ActiveRegion;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRecords;
import io.devflow.dr.failover.HealthMonitor;
import io.devflow.dr.failover.HealthReport;
import io.devflow.dr.failover.auto.AutoFailoverController;
import io.devflow.dr.replication.ReplicationControl;
import io.devflow.dr.replication.ReplicationHealth;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.replication.ReplicationReports;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * {@code dr status} and {@code GET /api/status}. The CLI checks every region's health itself and reads the
 * replication report the server last published; the server uses its own live figures. Every part that
 * cannot be read (a region down, the control state unreachable) is reported as such, never fatal.
 */
public final class SystemStatusService {

    private static final Logger LOG = LoggerFactory.getLogger(SystemStatusService.class);
    private static final int CONFLICTS_SHOWN = 10;
    private static final int FAILOVERS_SHOWN = 5;

    private final DrConfig config;
    private final BackupStatusService backups;
    private final HealthMonitor health;
    private final StateStore state;
    private final Supplier<ActiveRegion> activeRegion;
    private final FailoverRecords failovers;
    private final ReplicationService replication;
    private final ReplicationControl control;
    private final Supplier<SystemStatus.Leadership> leadership;
    private final Function<Boolean, List<RecoveryObjectives.StoreObjectives>> objectives;
    private final Clock clock;

    public SystemStatusService(DrConfig config, BackupStatusService backups, HealthMonitor health, StateStore state,
                               Supplier<ActiveRegion> activeRegion, Optional<ReplicationService> replication,
                               Optional<ReplicationControl> control, Supplier<SystemStatus.Leadership> leadership,
                               Function<Boolean, List<RecoveryObjectives.StoreObjectives>> objectives, Clock clock) {
        this.config = config;
        this.activeRegion = activeRegion;
        this.backups = backups;
        this.health = health;
        this.state = state;
        this.failovers = new FailoverRecords(state);
        this.replication = replication.orElse(null);
        this.control = control.orElse(null);
        this.leadership = leadership;
        this.objectives = objectives;
        this.clock = clock;
    }

    /**
     * @param live whether replication figures come from this process's workers (the server) or from the
     *             report the server published (the CLI)
     */
    public SystemStatus status(boolean live) {
        HealthReport checked = live && health.latest() != null ? health.latest() : health.check();
        BackupStatusService.Status backupStatus = backups.status();
        List<String> problems = new ArrayList<>();
        ActiveRegion activeNow = activeRegion(problems);
        String active = activeNow.region().value();
        SystemStatus.Replication replicationStatus = replication(live, problems);
        SystemStatus.Conflicts conflicts = conflicts(problems);
        List<FailoverRecord> failovers = recentFailovers(problems);

        int severity = 0;
        for (HealthReport.Region region : checked.regions()) {
            if (!region.healthy()) {
                boolean isActive = region.region().equals(active);
                severity = Math.max(severity, isActive ? 2 : 1);
                region.checks().stream().filter(c -> !c.ok()).forEach(c -> problems.add(region.region() + " "
                        + c.component() + ": " + c.error()));
            }
        }
        if (replicationStatus.targets() != null) {
            for (ReplicationReport.Target target : replicationStatus.targets()) {
                if (target.status() == ReplicationHealth.FAILED) {
                    severity = Math.max(severity, 2);
                    problems.add("replication to " + target.region() + " failed");
                } else if (target.status() == ReplicationHealth.DEGRADED) {
                    severity = Math.max(severity, 1);
                    problems.add("replication to " + target.region() + " is degraded (lag "
                            + Math.round(target.lagSeconds()) + " s)");
                }
            }
        }
        if ("not reporting".equals(replicationStatus.state())) {
            severity = Math.max(severity, 1);
        }
        if (conflicts.open() > 0) {
            severity = Math.max(severity, 1);
            problems.add(conflicts.open() + " open conflict" + (conflicts.open() == 1 ? "" : "s"));
        }
        Instant lastBackup = backupStatus.stores().stream()
                .flatMap(s -> java.util.stream.Stream.of(s.lastFull(), s.lastIncremental()))
                .filter(Objects::nonNull).map(BackupStatusService.Last::completedAt).max(Comparator.naturalOrder()).orElse(null);
        String overall = switch (severity) {
            case 0 -> "healthy";
            case 1 -> "degraded";
            default -> "failed";
        };
        Map<String, String> roles = new LinkedHashMap<>();
        config.sortedRegions().keySet().forEach(r -> roles.put(r.value(), r.value().equals(active) ? "active" : "standby"));
        return new SystemStatus(new SystemStatus.System(config.primaryRegion().id().value(), active, activeNow.term(),
                activeNow.since(), activeNow.failoverId(), roles, overall, problems, checked.checkedAt(), lastBackup), checked.regions(), replicationStatus, conflicts, failovers,
                backupStatus, leadership.get(), autoFailover(problems), objectives(live, problems));
    }

    /** The measured RTO and RPO per store; the server's are refreshed in the background, the CLI reads them now. */
    private List<RecoveryObjectives.StoreObjectives> objectives(boolean live, List<String> problems) {
        try {
            return objectives.apply(live);
        } catch (RuntimeException e) {
            problems.add("measured recovery objectives unreadable: " + Failures.describe(e));
            return List.of();
        }
    }

    /** The automatic-failover controller's last verdict and its evidence, when it recorded one. */
    private SystemStatus.AutoFailover autoFailover(List<String> problems) {
        boolean enabled = config.recovery().autoFailover();
        try {
            return state.read(AutoFailoverController.LATEST_DECISION).map(StateDocument::content)
                    .map(d -> new SystemStatus.AutoFailover(enabled, d.path("action").asText(null), d.path("code").asText(null),
                            d.path("reason").asText(null), texts(d.path("evidence")), instant(d.path("since")),
                            instant(d.path("at")), d.path("failoverId").asText(null)))
                    .orElse(new SystemStatus.AutoFailover(enabled, null, null, null, List.of(), null, null, null));
        } catch (RuntimeException e) {
            problems.add("automatic failover's last decision is unreadable: " + Failures.describe(e));
            return new SystemStatus.AutoFailover(enabled, null, null, null, List.of(), null, null, null);
        }
    }

    private static List<String> texts(com.fasterxml.jackson.databind.JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }

    private static Instant instant(com.fasterxml.jackson.databind.JsonNode text) {
        return text.isTextual() ? Instant.parse(text.asText()) : null;
    }

    /** The active region recorded by a failover, or the configured primary (also when it cannot be read). */
    private ActiveRegion activeRegion(List<String> problems) {
        try {
            return activeRegion.get();
        } catch (RuntimeException e) {
            problems.add("active region unknown, the control state is unreadable: " + Failures.describe(e));
            return ActiveRegion.configured(config.primaryRegion().id());
        }
    }

    private SystemStatus.Replication replication(boolean live, List<String> problems) {
        if (replication == null) {
            return new SystemStatus.Replication("not configured", null, null, null, null, null, null, List.of());
        }
        List<SystemStatus.DesiredStore> desired = new ArrayList<>();
        try {
            control.desired().forEach((store, d) -> desired.add(new SystemStatus.DesiredStore(store.id(), d.running(),
                    d.changedAt(), d.changedBy())));
        } catch (RemoteOperationException e) {
            problems.add("control state unreachable: " + Failures.describe(e));
        }
        String source = replication.source().value();
        String strategy = replication.config().conflicts().strategy().id();
        if (live) {
            ReplicationReport report = replication.report();
            return new SystemStatus.Replication("running", source, strategy, report.generatedAt(), 0L,
                    report.reportedBy(), report.targets(), desired);
        }
        try {
            Optional<ReplicationReport> published = ReplicationReports.published(state);
            if (published.isEmpty()) {
                return new SystemStatus.Replication("not running", source, strategy, null, null, null, List.of(), desired);
            }
            ReplicationReport report = published.get();
            long age = Math.max(0, Duration.between(report.generatedAt(), clock.instant()).toSeconds());
            boolean stale = age >= replication.config().health().failedAfter().toSeconds();
            if (stale) {
                problems.add("replication status last reported " + age + " s ago by " + report.reportedBy()
                        + "; is dr server running?");
            }
            return new SystemStatus.Replication(stale ? "not reporting" : "running", source, strategy,
                    report.generatedAt(), age, report.reportedBy(), report.targets(), desired);
        } catch (RuntimeException e) {
            problems.add("replication status unreadable: " + Failures.describe(e));
            return new SystemStatus.Replication("unknown", source, strategy, null, null, null, List.of(), desired);
        }
    }

    private SystemStatus.Conflicts conflicts(List<String> problems) {
        if (replication == null) {
            return new SystemStatus.Conflicts(0, List.of());
        }
        try {
            List<Conflict> open = replication.openConflicts();
            return new SystemStatus.Conflicts(open.size(), open.subList(0, Math.min(CONFLICTS_SHOWN, open.size())));
        } catch (RemoteOperationException e) {
            problems.add("conflicts unreadable: " + Failures.describe(e));
            return new SystemStatus.Conflicts(0, List.of());
        }
    }

    /** Failovers recorded in the control state in the last 30 days, newest first, at most five. */
    private List<FailoverRecord> recentFailovers(List<String> problems) {
        try {
            Instant since = clock.instant().minus(Duration.ofDays(30));
            return failovers.newest(FAILOVERS_SHOWN).stream().filter(f -> f.startedAt().isAfter(since)).toList();
        } catch (RuntimeException e) {
            LOG.debug("failover history unreadable: {}", Failures.describe(e));
            problems.add("failover history unreadable: " + Failures.describe(e));
            return List.of();
        }
    }
}
