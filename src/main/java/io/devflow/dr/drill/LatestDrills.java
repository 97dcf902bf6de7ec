package io.devflow.dr.drill;

import io.devflow.dr.support.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last finished drill of each type as the control state holds it, read again at each refresh: a drill that a
 * CronJob's {@code dr test} ran in a process of its own counts as much as one this server ran.
 */
public final class LatestDrills {

    private static final Logger LOG = LoggerFactory.getLogger(LatestDrills.class);
    /** Results read per type to get past drills still running (or left running by a process that died). */
    private static final int LOOK_BACK = 5;

    private final DrillRecords records;
    private final Map<DrillType, DrillResult> latest = new ConcurrentHashMap<>();

    public LatestDrills(DrillRecords records) {
        this.records = records;
    }

    public Optional<DrillResult> of(DrillType type) {
        return Optional.ofNullable(latest.get(type));
    }

    /** Reads the results again; a type whose results cannot be read keeps its last value. */
    public void refresh() {
        for (DrillType type : DrillType.values()) {
            try {
                records.newest(LOOK_BACK, Optional.of(type)).stream().filter(r -> !r.running()).findFirst()
                        .ifPresent(r -> latest.put(type, r));
            } catch (RuntimeException e) {
                LOG.warn("the results of {} drills could not be read: {}", type.id(), Failures.describe(e));
            }
        }
    }
}
