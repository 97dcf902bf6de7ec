package io.devflow.dr.failover.auto;

import io.devflow.dr.config.RegionId;

import java.time.Instant;
import java.util.List;

/**
 * What the automatic-failover policy concluded from the checks so far.
 *
 * @param action what to do
 * @param target the region to fail over to ({@link Action#FAIL_OVER}), or the one that would have been chosen
 * @param reason one line, for the record and the notice
 * @param evidence the failed checks behind it, each with since when
 * @param since when the first of the failing checks in a row was seen
 */
public record Verdict(Action action, RegionId target, String code, String reason, List<String> evidence, Instant since) {

    public Verdict {
        evidence = List.copyOf(evidence);
    }

    public enum Action {
        /** Nothing is failing. */
        HEALTHY,
        /** Something fails, but not yet for long enough: keep watching. */
        WATCHING,
        /** Fail over to {@link #target}. */
        FAIL_OVER,
        /** A trigger holds, but failing over is not allowed now ({@link #code} says why); the team is alerted. */
        REFUSED
    }

    static Verdict healthy(Instant at) {
        return new Verdict(Action.HEALTHY, null, "healthy", "every check passes", List.of(), at);
    }
}
