package io.devflow.dr.config;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code recovery.drills}: how {@code dr test} drills run and when {@code dr server} runs them.
 *
 * @param failover {@code isolated}: a drill failover against scratch data in the target, nothing in production
 *                 changes; {@code planned}: a real failover to the target and a switchback
 * @param failoverTarget the region a failover drill goes to; empty for the first standby region
 * @param fullTestSchedule Quartz cron of the whole suite (the seed's monthly DR test)
 * @param restoreDrillSchedule Quartz cron of the backup drill alone (the seed's weekly restore drill)
 * @param redisScratchDatabase the logical database a Redis backup drill restores into; empty for the highest one
 *                             that holds no configured data and is not replication's metadata database
 */
public record DrillConfig(FailoverMode failover, Optional<RegionId> failoverTarget, String fullTestSchedule,
                          String restoreDrillSchedule, OptionalInt redisScratchDatabase) {

    /** Monthly, on the 1st at 04:00; weekly, Saturdays at 04:00 (after the 02:00 full backup). */
    public static final String FULL_TEST_SCHEDULE = "0 0 4 1 * ?";
    public static final String RESTORE_DRILL_SCHEDULE = "0 0 4 ? * SAT";

    public static final DrillConfig DEFAULT = new DrillConfig(FailoverMode.ISOLATED, Optional.empty(),
            FULL_TEST_SCHEDULE, RESTORE_DRILL_SCHEDULE, OptionalInt.empty());

    public enum FailoverMode {
        ISOLATED("isolated"), PLANNED("planned");

        private final String id;

        FailoverMode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }
}
