package io.devflow.dr.config;

import java.nio.file.Path;

/**
 * The seed's {@code recovery} block: recovery objectives in minutes, whether the controller may fail over by itself,
 * how a failover is carried out ({@code recovery.failover}), what recovery plans add ({@code recovery.plans}) and
 * how DR drills run ({@code recovery.drills}).
 */
public record RecoveryConfig(int rtoMinutes, int rpoMinutes, boolean autoFailover, FailoverConfig failover,
                             RecoveryPlansConfig plans, DrillConfig drills) {

    /** The objectives given, everything else as when the block is left out. */
    public static RecoveryConfig of(int rtoMinutes, int rpoMinutes, boolean autoFailover, Path configFile) {
        return new RecoveryConfig(rtoMinutes, rpoMinutes, autoFailover, FailoverConfig.defaultFor(configFile),
                RecoveryPlansConfig.DEFAULT, DrillConfig.DEFAULT);
    }
}
