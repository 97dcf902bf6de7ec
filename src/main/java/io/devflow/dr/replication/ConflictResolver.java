package io.devflow.dr.replication;

import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;

import java.time.Instant;

/**
 * Decides a conflict by the configured strategy. Ties, and versions whose times are unknown, go to the
 * source: replication exists to carry the source's changes, and the conflict keeps the target's version
 * for review either way.
 */
public final class ConflictResolver {

    private final ReplicationConfig.ConflictConfig config;

    public ConflictResolver(ReplicationConfig.ConflictConfig config) {
        this.config = config;
    }

    public ConflictStrategy strategy() {
        return config.strategy();
    }

    /** The configured timestamp field ({@code timestamp-based}). */
    public String timestampField() {
        return config.timestampField();
    }

    public record Outcome(Decision decision, String reason) {
    }

    public Outcome decide(RecordVersion source, RecordVersion target) {
        return switch (config.strategy()) {
            case MANUAL -> new Outcome(Decision.PENDING, "manual: waiting for an operator");
            case LAST_WRITE_WINS -> byTime("last write", source.changedAt(), target.changedAt());
            case TIMESTAMP_BASED -> byField(source, target);
        };
    }

    private Outcome byField(RecordVersion source, RecordVersion target) {
        String field = config.timestampField();
        // A deleted record has no field; the time of its deletion stands in for it.
        Instant sourceTime = source.exists() ? source.fieldTime() : source.changedAt();
        Instant targetTime = target.exists() ? target.fieldTime() : target.changedAt();
        if (sourceTime == null && targetTime == null) {
            Outcome byChange = byTime("last write", source.changedAt(), target.changedAt());
            return new Outcome(byChange.decision(), "neither version has " + field + "; " + byChange.reason());
        }
        return byTime(field, sourceTime, targetTime);
    }

    private static Outcome byTime(String what, Instant source, Instant target) {
        if (target == null || source == null) {
            return new Outcome(Decision.SOURCE, "source wins: the " + (target == null ? "target" : "source") + "'s "
                    + what + " time is unknown");
        }
        if (target.isAfter(source)) {
            return new Outcome(Decision.TARGET, "target wins: its " + what + " (" + target + ") is later than the source's ("
                    + source + ")");
        }
        return new Outcome(Decision.SOURCE, "source wins: its " + what + " (" + source + ") is "
                + (source.equals(target) ? "the same as" : "later than") + " the target's (" + target + ")");
    }
}
