package io.devflow.dr.drill;

import java.util.List;

/**
 * A run of drills: which types, on whose behalf, and why.
 *
 * @param by the operator, the API token's name, or {@code schedule}
 */
public record DrillRequest(List<DrillType> types, Trigger trigger, String by) {

    public DrillRequest {
        types = List.copyOf(types);
        if (types.isEmpty()) {
            throw new IllegalArgumentException("a drill request needs at least one type");
        }
    }

    public enum Trigger {
        MANUAL("manual"), SCHEDULE("schedule");

        private final String id;

        Trigger(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
