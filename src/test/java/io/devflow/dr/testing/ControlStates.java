package io.devflow.dr.testing;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.control.ControlKeys;
import io.devflow.dr.control.RegionalStateStore;
import io.devflow.dr.control.WriteAuthority;
import io.devflow.dr.region.RegionDirectory;

import java.time.Clock;

/** A control state over the regions' buckets, written as an operator, signed with the deployment's control key. */
public final class ControlStates {

    private ControlStates() {
    }

    public static RegionalStateStore of(DrServices services, Clock clock) {
        return of(services.regions(), services, clock);
    }

    public static RegionalStateStore of(RegionDirectory regions, DrServices services, Clock clock) {
        return new RegionalStateStore(regions, new ControlKeys(regions, services.keys(), services.config().deploymentId(), clock),
                WriteAuthority.operator("test"), (region, path, reason) -> { }, clock);
    }
}
