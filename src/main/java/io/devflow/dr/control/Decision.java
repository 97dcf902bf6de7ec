package io.devflow.dr.control;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** What happened, or is to happen, to a conflicting record. */
public enum Decision {
    /** The source's version is written to the target. */
    SOURCE("source"),
    /** The target keeps its version. */
    TARGET("target"),
    /** An operator's own version is written to both regions. */
    CUSTOM("custom"),
    /** Nothing is overwritten until an operator decides ({@code manual}). */
    PENDING("pending");

    private final String id;

    Decision(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static Decision parse(String text) {
        return Arrays.stream(values()).filter(d -> d.id.equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown decision '" + text + "'"));
    }

    @Override
    public String toString() {
        return id;
    }
}
