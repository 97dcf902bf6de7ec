package io.devflow.dr.catalog;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

public enum BackupStatus {
    /** Its manifest is committed: restorable. */
    COMPLETED,
    /** It failed and says why in failure.json. */
    FAILED,
    /** Data without a manifest or a failure record: still running elsewhere, or its process died. */
    INCOMPLETE,
    /**
     * Its manifest is unreadable, or belongs to another backup: never restorable as it is, and never deleted
     * by retention either (its data object may be intact, and the damage wants a look).
     */
    DAMAGED,
    /** Running in this process. */
    RUNNING;

    @JsonValue
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
