package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;

/** What a step of a recovery plan does. */
public enum StepType {
    /** Writes a store's full backup into the target (emptying the target's databases first in replace mode). */
    RESTORE_STORE("restore-store"),
    /** Replays the increments after a full backup, up to the point in time. */
    REPLAY_INCREMENTS("replay-increments"),
    /** Compares the target's fingerprints with the backup's. */
    VERIFY_FINGERPRINTS("verify-fingerprints"),
    /** A configured command or HTTP call, after the data (deploy apps, switch the load balancer, smoke test). */
    HOOK("hook");

    private final String id;

    StepType(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    @JsonCreator
    public static StepType parse(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown step type " + id));
    }
}
