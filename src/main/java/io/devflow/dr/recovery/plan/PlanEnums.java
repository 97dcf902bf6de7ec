package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** The small vocabularies of a recovery plan, each written to the record by its id. */
public final class PlanEnums {

    private PlanEnums() {
    }

    /** Which recovery: full backups as they are, or every store as of an instant. */
    public enum Kind {
        FULL("full"), POINT_IN_TIME("point-in-time");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static Kind parse(String id) {
            return Arrays.stream(values()).filter(k -> k.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown plan kind " + id));
        }
    }

    /** Merge writes over what the target holds (by identity); replace empties the target's databases first. */
    public enum Mode {
        MERGE("merge"), REPLACE("replace");

        private final String id;

        Mode(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static Mode parse(String id) {
            return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown mode " + id + " (merge or replace)"));
        }
    }

    /** A plan: shown and not run yet, running, or ended. */
    public enum PlanState {
        PLANNED("planned"), RUNNING("running"), COMPLETED("completed"), FAILED("failed");

        private final String id;

        PlanState(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static PlanState parse(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown plan state " + id));
        }
    }

    public enum StepState {
        PENDING("pending"), RUNNING("running"), COMPLETED("completed"), FAILED("failed");

        private final String id;

        StepState(String id) {
            this.id = id;
        }

        @JsonValue
        public String id() {
            return id;
        }

        @JsonCreator
        public static StepState parse(String id) {
            return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown step state " + id));
        }
    }
}
