package io.devflow.dr.drill;

import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.influxdb.InfluxHttp;

import java.time.Clock;
import java.util.List;

/**
 * InfluxDB's replication canary: a point of the measurement {@code dr_drill}, tagged with the drill's id, in the
 * source's first database. Replication does not carry deletes, so it is removed from every region.
 */
final class InfluxReplicationCanary implements ReplicationCanary {

    static final String MEASUREMENT = "dr_drill";

    private final RegionDirectory regions;
    private final RegionId databaseOf;
    private final Clock clock;

    InfluxReplicationCanary(RegionDirectory regions, RegionId databaseOf, Clock clock) {
        this.regions = regions;
        this.databaseOf = databaseOf;
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.INFLUXDB;
    }

    @Override
    public String write(RegionId region, String drillId) {
        http(region).write(database(), List.of(MEASUREMENT + ",drill=" + drillId + " value=1i " + clock.millis() * 1_000_000));
        return database() + "." + MEASUREMENT;
    }

    @Override
    public boolean present(RegionId region, String drillId) {
        return http(region).series(database(), "SELECT \"value\" FROM \"" + MEASUREMENT + "\" WHERE \"drill\" = '"
                + drillId + "'").stream().anyMatch(series -> series.path("values").size() > 0);
    }

    @Override
    public void remove(RegionId region, String drillId) {
        http(region).execute(database(), "DROP SERIES FROM \"" + MEASUREMENT + "\" WHERE \"drill\" = '" + drillId + "'");
    }

    private String database() {
        return regions.get(databaseOf).config().requireInfluxdb().databases().get(0);
    }

    private InfluxHttp http(RegionId region) {
        return new InfluxHttp(regions.get(region).config().requireInfluxdb());
    }
}
