package io.devflow.dr.alert;

import java.time.Instant;

/** What one evaluation tells the team of an alert: raised, still firing after the repeat interval, or resolved. */
public record AlertChange(Kind kind, AlertState alert, Instant at) {

    public enum Kind {
        FIRING("firing"), REPEAT("repeat"), RESOLVED("resolved");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
