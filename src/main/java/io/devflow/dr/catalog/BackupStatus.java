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
     * Its manifest is unreadable, belongs to another backup or deployment, or its seal does not verify: never
     * restorable as it is, never a parent or a base, and never deleted by retention either (its data object
     * may be intact, and the damage wants a look).
     */
    DAMAGED,
    /**
     * Its manifest's seal cannot be checked now (KMS unreachable, the key not accessible, a wrong keyring): not
     * counted as completed until it can be, and retention deletes no completed backup of its store and region
     * meanwhile.
     */
    UNVERIFIED,
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
