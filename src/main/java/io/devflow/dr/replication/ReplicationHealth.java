package io.devflow.dr.replication;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** The seed's replication health: healthy, degraded, failed; plus stopped when it is not running. */
public enum ReplicationHealth {
    HEALTHY("healthy"), DEGRADED("degraded"), FAILED("failed"), STOPPED("stopped");

    private final String id;

    ReplicationHealth(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static ReplicationHealth parse(String text) {
        return Arrays.stream(values()).filter(h -> h.id.equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown health '" + text + "'"));
    }

    /** The worse of two; a stopped store does not make a running one look better or worse. */
    public ReplicationHealth worst(ReplicationHealth other) {
        if (this == STOPPED) {
            return other;
        }
        if (other == STOPPED) {
            return this;
        }
        return ordinal() >= other.ordinal() ? this : other;
    }

    @Override
    public String toString() {
        return id;
    }
}
