package io.devflow.dr.alert;

import io.devflow.dr.config.AlertRule;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The alerts' state machine, pure: from the alerts firing before and what an evaluation found, the alerts firing now
 * and what to tell the team. A condition that newly holds is raised once; one that still holds is sent again once
 * {@code repeatEvery} has passed since it was last sent; one that no longer holds is resolved. An alert whose rule
 * could not be evaluated (its source unreachable) is neither resolved nor repeated: nothing is known of it.
 */
public final class AlertBook {

    private final Duration repeatEvery;

    public AlertBook(Duration repeatEvery) {
        this.repeatEvery = repeatEvery;
    }

    /**
     * @param firing the conditions that hold now
     * @param unknown the rules that could not be evaluated
     */
    public record Evaluation(List<Firing> firing, Set<AlertRule> unknown) {

        public Evaluation {
            firing = List.copyOf(firing);
            unknown = Set.copyOf(unknown);
        }
    }

    /** The alerts firing after this evaluation, by key, and the changes to tell, in key order. */
    public record Step(Map<String, AlertState> firing, List<AlertChange> changes) {
    }

    public Step advance(Map<String, AlertState> before, Evaluation evaluation, Instant now) {
        Map<String, Firing> holding = new LinkedHashMap<>();
        evaluation.firing().forEach(f -> holding.putIfAbsent(f.key(), f));
        Map<String, AlertState> after = new TreeMap<>();
        List<AlertChange> changes = new ArrayList<>();
        for (Firing firing : holding.values()) {
            AlertState known = before.get(firing.key());
            if (known == null) {
                AlertState raised = AlertState.raised(firing, now);
                after.put(raised.key(), raised);
                changes.add(new AlertChange(AlertChange.Kind.FIRING, raised, now));
            } else if (!now.isBefore(known.lastSent().plus(repeatEvery))) {
                AlertState repeated = known.repeated(firing, now);
                after.put(repeated.key(), repeated);
                changes.add(new AlertChange(AlertChange.Kind.REPEAT, repeated, now));
            } else {
                after.put(known.key(), known);
            }
        }
        for (AlertState known : before.values()) {
            if (holding.containsKey(known.key())) {
                continue;
            }
            if (evaluation.unknown().contains(known.rule())) {
                after.put(known.key(), known);
            } else {
                changes.add(new AlertChange(AlertChange.Kind.RESOLVED, known, now));
            }
        }
        changes.sort(Comparator.comparing((AlertChange c) -> c.alert().key()));
        return new Step(after, changes);
    }
}
