package io.devflow.dr.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.devflow.dr.config.AlertRule;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The leader's evaluation of the service's own alerts: the rules are evaluated, the state machine decides what to
 * tell, and the firing alerts are written to the control state ({@value #PATH}) before anything is sent. The write is
 * a compare-and-set fenced by the leader's term, so a deposed leader sends nothing, and a new leader starts from what
 * its predecessor told. Counts {@code dr_alerts_firing{alert}} and {@code dr_alert_notifications_total{alert, kind}}.
 */
public final class Alerts {

    static final String PATH = "alerts/firing";
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);

    private final AlertRules rules;
    private final AlertBook book;
    private final StateStore state;
    private final BooleanSupplier leads;
    private final String instance;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Map<AlertRule, AtomicInteger> firing = new EnumMap<>(AlertRule.class);

    public Alerts(AlertRules rules, AlertBook book, StateStore state, BooleanSupplier leads, String instance,
                  MeterRegistry meters, Clock clock) {
        this.rules = rules;
        this.book = book;
        this.state = state;
        this.leads = leads;
        this.instance = instance;
        this.meters = meters;
        this.clock = clock;
        for (AlertRule rule : AlertRule.values()) {
            AtomicInteger count = new AtomicInteger();
            firing.put(rule, count);
            Gauge.builder("dr.alerts.firing", count, AtomicInteger::get).tag("alert", rule.id())
                    .description("How many alerts of this rule fire, as the leader last evaluated them (0 on a standby)")
                    .register(meters);
        }
    }

    /** Evaluates the alerts and returns what to tell the team, in order; nothing unless this instance leads. */
    public List<Notice> evaluate() {
        if (!leads.getAsBoolean()) {
            firing.values().forEach(c -> c.set(0));
            return List.of();
        }
        AlertBook.Evaluation evaluation = rules.evaluate();
        AtomicReference<AlertBook.Step> step = new AtomicReference<>(book.advance(decode(state.read(PATH)),
                evaluation, clock.instant()));
        if (!step.get().changes().isEmpty()) {
            // applied again to a fresh read when another writer got there first: only the stored alerts count
            state.update(PATH, current -> {
                step.set(book.advance(decode(current), evaluation, clock.instant()));
                return encode(step.get().firing());
            });
        }
        meters.counter("dr_alert_evaluations_total").increment();
        firing.forEach((rule, count) -> count.set((int) step.get().firing().values().stream()
                .filter(a -> a.rule() == rule).count()));
        return step.get().changes().stream().map(change -> {
            meters.counter("dr_alert_notifications_total", "alert", change.alert().rule().id(), "kind",
                    change.kind().id()).increment();
            LOG.info("alert {} {}: {}", change.alert().key(), change.kind().id(), change.alert().value());
            return AlertNotices.notice(change, instance);
        }).toList();
    }

    /** An evaluation that failed (the control state refused the write, this instance was deposed): nothing was sent. */
    public void failed(Throwable failure) {
        meters.counter("dr_alert_evaluations_failed_total").increment();
        LOG.warn("alerts not evaluated, nothing sent; the next evaluation tries again: {}",
                Failures.describe(failure));
    }

    static Map<String, AlertState> decode(Optional<StateDocument> document) {
        Map<String, AlertState> alerts = new TreeMap<>();
        document.map(StateDocument::content).map(c -> c.path("alerts")).ifPresent(list -> {
            for (JsonNode node : list) {
                try {
                    AlertState alert = Json.MAPPER.treeToValue(node, AlertState.class);
                    alerts.put(alert.key(), alert);
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException("the firing alerts in the control state (" + PATH
                            + ") are unreadable: " + e.getOriginalMessage(), e);
                }
            }
        });
        return alerts;
    }

    static JsonNode encode(Map<String, AlertState> alerts) {
        var document = Json.MAPPER.createObjectNode();
        ArrayNode list = document.putArray("alerts");
        alerts.values().forEach(a -> list.add(Json.MAPPER.valueToTree(a)));
        return document;
    }
}
