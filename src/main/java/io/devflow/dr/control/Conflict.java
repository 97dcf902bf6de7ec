package io.devflow.dr.control;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;

import java.time.Instant;

/**
 * A target record that changed since the last version replicated to it, with both versions and what was
 * decided. Stored durably in the control state when detected; an open ({@code manual}) conflict holds its
 * record until an operator resolves it.
 *
 * @param strategy the configured strategy's name when detected
 * @param reason why the decision went the way it did, in words
 * @param resolvedBy {@code strategy} for an automatic decision, otherwise who resolved it
 * @param resolution the version written by an operator's {@code custom} resolution
 * @param laterSourceVersions source changes of the record that arrived while it was held
 */
public record Conflict(
        String id,
        String store,
        String source,
        String target,
        ConflictRecord record,
        String strategy,
        Status status,
        Instant detectedAt,
        RecordVersion sourceVersion,
        RecordVersion targetVersion,
        Decision decision,
        String reason,
        Instant resolvedAt,
        String resolvedBy,
        JsonNode resolution,
        int laterSourceVersions) {

    public enum Status {
        OPEN, RESOLVED;

        @com.fasterxml.jackson.annotation.JsonValue
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        @com.fasterxml.jackson.annotation.JsonCreator
        public static Status parse(String text) {
            return valueOf(text.toUpperCase(java.util.Locale.ROOT));
        }
    }

    /** A conflict just detected, decided by the strategy (or left pending by {@code manual}). */
    public static Conflict detected(String id, String store, Direction direction, ConflictRecord record,
                                    ConflictStrategy strategy, Instant at, RecordVersion sourceVersion,
                                    RecordVersion targetVersion, Decision decision, String reason) {
        boolean pending = decision == Decision.PENDING;
        return new Conflict(id, store, direction.source().value(), direction.target().value(), record, strategy.id(),
                pending ? Status.OPEN : Status.RESOLVED, at, sourceVersion, targetVersion, decision, reason,
                pending ? null : at, pending ? null : "strategy", null, 0);
    }

    @JsonIgnore
    public boolean isOpen() {
        return status == Status.OPEN;
    }

    @JsonIgnore
    public Direction direction() {
        return Direction.of(source, target);
    }

    public Conflict resolved(Decision how, String by, Instant at, JsonNode custom, String why) {
        return new Conflict(id, store, source, target, record, strategy, Status.RESOLVED, detectedAt, sourceVersion,
                targetVersion, how, why, at, by, custom, laterSourceVersions);
    }

    /** A newer source version of a held record: kept for review, applied only by the resolution. */
    public Conflict withLaterSource(RecordVersion latest) {
        return new Conflict(id, store, source, target, record, strategy, status, detectedAt, latest, targetVersion,
                decision, reason, resolvedAt, resolvedBy, resolution, laterSourceVersions + 1);
    }

    public Conflict withTarget(RecordVersion latestTarget, Decision how, String why) {
        return new Conflict(id, store, source, target, record, strategy, status, detectedAt, sourceVersion, latestTarget,
                how, why, resolvedAt, resolvedBy, resolution, laterSourceVersions);
    }
}
