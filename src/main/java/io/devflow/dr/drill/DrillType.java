package io.devflow.dr.drill;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of DR drill, in the order a whole suite runs them. */
public enum DrillType {
    BACKUP("backup", "Backup and Restore Test"),
    REPLICATION("replication", "Cross-Region Replication Test"),
    FAILOVER("failover", "Failover Simulation Test"),
    RECOVERY_TIME("recovery-time", "Recovery Time Test");

    private final String id;
    private final String title;

    DrillType(String id, String title) {
        this.id = id;
        this.title = title;
    }

    @JsonValue
    public String id() {
        return id;
    }

    public String title() {
        return title;
    }

    public static Optional<DrillType> find(String id) {
        return Arrays.stream(values()).filter(t -> t.id.equals(id)).findFirst();
    }

    @JsonCreator
    static DrillType of(String id) {
        return find(id).orElseThrow(() -> new IllegalArgumentException("unknown drill type '" + id + "'"));
    }
}
