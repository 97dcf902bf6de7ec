package io.devflow.dr.compliance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Judges evidence that must recur within an interval (a drill every week, a copy every day): the gaps between the
 * start of what is observed, each passing event and now, and whether the newest attempt passed.
 *
 * @param observedFrom the later of the period's start and the deployment's first evidence: nothing was due before
 * @param interval     the policy's interval; a gap is longer than it plus a tenth (at least an hour) of slack
 */
record Periodic(Instant observedFrom, Instant now, Duration interval) {

    record Event(Instant at, boolean passed) {
    }

    record Judgement(Verdict verdict, String summary, List<Gap> gaps) {
    }

    Duration allowed() {
        Duration slack = interval.dividedBy(10);
        return interval.plus(slack.compareTo(Duration.ofHours(1)) < 0 ? Duration.ofHours(1) : slack);
    }

    /** {@code what} names the events in messages ("restore drill"). Events oldest first. */
    Judgement judge(String what, List<Event> events) {
        List<Instant> passes = events.stream().filter(Event::passed).map(Event::at).toList();
        List<Gap> gaps = new ArrayList<>();
        Instant from = observedFrom;
        for (Instant at : passes) {
            if (Duration.between(from, at).compareTo(allowed()) > 0) {
                gaps.add(Gap.of(from, at));
            }
            from = at.isAfter(from) ? at : from;
        }
        if (Duration.between(from, now).compareTo(allowed()) > 0) {
            gaps.add(Gap.of(from, now));
        }
        String every = "one is due every " + Durations.text(interval);
        if (events.isEmpty()) {
            return Duration.between(observedFrom, now).compareTo(allowed()) > 0
                    ? new Judgement(Verdict.FAIL, "no " + what + " in the period; " + every, gaps)
                    : new Judgement(Verdict.NOT_ENOUGH_EVIDENCE, "no " + what + " yet; the first is due by "
                    + observedFrom.plus(interval), List.of());
        }
        Event newest = events.get(events.size() - 1);
        if (!newest.passed()) {
            return new Judgement(Verdict.FAIL, "the newest " + what + " (" + newest.at() + ") failed", gaps);
        }
        if (!gaps.isEmpty()) {
            return new Judgement(Verdict.FAIL, gaps.size() + " gap(s) longer than the interval; " + every, gaps);
        }
        return new Judgement(Verdict.PASS, passes.size() + " passed " + what + "(s), the newest " + newest.at()
                + "; " + every, gaps);
    }
}
