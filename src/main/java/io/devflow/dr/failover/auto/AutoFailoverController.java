package io.devflow.dr.failover.auto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.AutoFailoverConfig;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.ActiveRegions;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverService;
import io.devflow.dr.failover.HealthMonitor;
import io.devflow.dr.failover.HealthReport;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.replication.ReplicationService;
import io.devflow.dr.support.Json;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The automatic failover: every {@code checkInterval} the leader checks the regions, the replication lag and the
 * applications' health URLs, asks the {@link AutoFailoverPolicy}, and acts on its verdict. Every change of verdict
 * is kept in the control state ({@code failover-decisions/}) with its evidence, acted on or not; a refusal while a
 * trigger holds becomes a notice to the team, once per change of verdict.
 */
public final class AutoFailoverController {

    static final String DECISIONS = "failover-decisions";
    /** The newest decision, for dr status's health block. */
    public static final String LATEST_DECISION = "failover-decision-latest";
    private static final String BY = "controller";

    private final DrConfig config;
    private final HealthMonitor health;
    private final ActiveRegions active;
    private final Optional<ReplicationService> replication;
    private final Leadership leadership;
    private final FailoverService failovers;
    private final StateStore state;
    private final AuditLog audit;
    private final ApplicationChecks applications;
    private final Acknowledgements acknowledgements;
    private final Clock clock;
    private final AutoFailoverPolicy policy;
    private Verdict last = null;

    public AutoFailoverController(DrConfig config, HealthMonitor health, ActiveRegions active,
                                  Optional<ReplicationService> replication, Leadership leadership,
                                  FailoverService failovers, StateStore state, AuditLog audit,
                                  ApplicationChecks applications, Clock clock) {
        this.config = config;
        this.health = health;
        this.active = active;
        this.replication = replication;
        this.leadership = leadership;
        this.failovers = failovers;
        this.state = state;
        this.audit = audit;
        this.applications = applications;
        this.acknowledgements = new Acknowledgements(state, failovers, audit, clock);
        this.clock = clock;
        AutoFailoverConfig auto = config.recovery().failover().automatic();
        this.policy = new AutoFailoverPolicy(auto, config.recovery().autoFailover(),
                Duration.ofMinutes(config.recovery().rpoMinutes()));
    }

    /**
     * One check: observes, decides, acts. Returns the notice to send when the verdict changed to a refusal or to a
     * failover (the route sends it); empty otherwise.
     */
    public synchronized Optional<Notice> check() {
        Observation observation = observe();
        // read from the control state only when the cooldown decides, and then once
        Supplier<Optional<FailoverRecord>> lastAutomatic = new Supplier<>() {
            private Optional<FailoverRecord> read;

            @Override
            public Optional<FailoverRecord> get() {
                if (read == null) {
                    read = acknowledgements.lastAutomatic();
                }
                return read;
            }
        };
        Verdict verdict = policy.observe(observation, () -> lastAutomatic.get().map(FailoverRecord::startedAt),
                () -> lastAutomatic.get().map(acknowledgements::acknowledged).orElse(false));
        if (verdict.action() == Verdict.Action.FAIL_OVER) {
            return Optional.of(failOver(verdict));
        }
        boolean changed = last == null || last.action() != verdict.action() || !last.code().equals(verdict.code());
        last = verdict;
        if (!changed || verdict.action() == Verdict.Action.WATCHING && verdict.evidence().isEmpty()) {
            return Optional.empty();
        }
        decided(verdict, null);
        return verdict.action() == Verdict.Action.REFUSED ? Optional.of(notice(verdict, null)) : Optional.empty();
    }

    private Notice failOver(Verdict verdict) {
        String reason = "automatic: " + verdict.reason() + "; " + String.join("; ", verdict.evidence());
        FailoverRecord record = failovers.start(new FailoverRequest(verdict.target(), reason, false,
                FailoverRequest.Trigger.AUTOMATIC, BY));
        Verdict outcome = verdict;
        if (record.state() == FailoverRecord.State.REFUSED) {
            List<String> refusals = record.plan().refusals().stream().map(r -> r.code() + ": " + r.message()).toList();
            outcome = new Verdict(Verdict.Action.REFUSED, verdict.target(), "plan-refused", "the failover to "
                    + verdict.target() + " was refused: " + String.join("; ", refusals), verdict.evidence(), verdict.since());
        } else {
            policy.reset();
        }
        last = outcome;
        decided(outcome, record.id());
        return notice(outcome, record.id());
    }

    private Observation observe() {
        HealthReport report = health.check();
        RegionId current = active.current().region();
        Map<RegionId, Map<StoreKind, String>> down = new LinkedHashMap<>();
        List<RegionId> checked = new ArrayList<>();
        for (HealthReport.Region region : report.regions()) {
            RegionId id = RegionId.of(region.region());
            checked.add(id);
            Map<StoreKind, String> failed = new EnumMap<>(StoreKind.class);
            for (HealthReport.Check check : region.checks()) {
                StoreKind.parse(check.component()).filter(s -> !check.ok())
                        .ifPresent(store -> failed.put(store, check.error()));
            }
            down.put(id, failed);
        }
        Map<RegionId, Map<StoreKind, Duration>> lag = new LinkedHashMap<>();
        replication.ifPresent(service -> {
            for (RegionId other : checked) {
                if (other.equals(current)) {
                    continue;
                }
                Map<StoreKind, Duration> perStore = new EnumMap<>(StoreKind.class);
                for (StoreKind store : service.config().stores()) {
                    perStore.put(store, service.progress(new Direction(current, other), store).lag());
                }
                lag.put(other, perStore);
            }
        });
        Map<String, String> appsFailed = applications.failing(config.recovery().failover().automatic().healthUrls());
        return new Observation(report.checkedAt(), current, down, checked, lag, appsFailed, leadership.leads());
    }

    private void decided(Verdict verdict, String failoverId) {
        Instant now = clock.instant();
        ObjectNode doc = Json.MAPPER.createObjectNode()
                .put("at", now.toString())
                .put("action", verdict.action().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'))
                .put("code", verdict.code())
                .put("reason", verdict.reason())
                .put("target", verdict.target() == null ? null : verdict.target().value())
                .put("since", verdict.since() == null ? null : verdict.since().toString())
                .put("failoverId", failoverId);
        verdict.evidence().forEach(doc.putArray("evidence")::add);
        state.write(DECISIONS + "/" + DecisionIds.next(now), doc);
        state.write(LATEST_DECISION, doc);
        audit.record("failover.automatic." + doc.get("action").asText(), BY, verdict.code(), doc);
    }

    private Notice notice(Verdict verdict, String failoverId) {
        boolean acted = verdict.action() == Verdict.Action.FAIL_OVER;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("active region", active.current().region().value());
        if (verdict.target() != null) {
            facts.put("target", verdict.target().value());
        }
        facts.put("failing since", String.valueOf(verdict.since()));
        if (failoverId != null) {
            facts.put("failover", failoverId);
        }
        return new Notice(acted ? "failover.automatic.started" : "failover.automatic.refused",
                acted ? Notice.Severity.WARNING : Notice.Severity.CRITICAL,
                acted ? "Automatic failover to " + verdict.target() + " started"
                        : "Automatic failover refused (" + verdict.code() + ")",
                verdict.reason() + "\n" + String.join("\n", verdict.evidence()), facts, clock.instant());
    }

    /** Decision ids that sort by time: {@code 20261203T100000.123Z-3fa9}. */
    static final class DecisionIds {

        private DecisionIds() {
        }

        static String next(Instant at) {
            return at.toString().replace(":", "").replace("-", "") + "-"
                    + String.format("%04x", java.util.concurrent.ThreadLocalRandom.current().nextInt(0x10000));
        }
    }

    /** Checks the applications' health URLs: each failing one with why. */
    public interface ApplicationChecks {
        Map<String, String> failing(List<URI> urls);
    }
}
