package io.devflow.dr.failover.canary;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.failover.StoreCanary;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.influxdb.InfluxSource;

import java.time.Clock;
import java.util.List;
import java.util.UUID;

/**
 * InfluxDB's canary: a point written to the measurement {@code dr_canary} of the region's first configured
 * database, read back by its tag and the measurement dropped. Backups and replication never read that measurement.
 */
public final class InfluxCanary implements StoreCanary {

    private final RegionDirectory regions;
    private final Clock clock;

    public InfluxCanary(RegionDirectory regions, Clock clock) {
        this.regions = regions;
        this.clock = clock;
    }

    @Override
    public StoreKind store() {
        return StoreKind.INFLUXDB;
    }

    @Override
    public CanaryResult check(RegionId region) {
        long started = System.nanoTime();
        InfluxConfig config = regions.get(region).config().requireInfluxdb();
        String database = config.databases().get(0);
        InfluxHttp http = new InfluxHttp(config);
        String id = UUID.randomUUID().toString();
        long nanos = clock.millis() * 1_000_000;
        String measurement = InfluxSource.CANARY_MEASUREMENT;
        http.write(database, List.of(measurement + ",canary=" + id + " value=1i " + nanos));
        try {
            List<JsonNode> read = http.series(database, "SELECT \"value\" FROM \"" + measurement + "\" WHERE \"canary\" = '"
                    + id + "'");
            long points = read.stream().mapToLong(series -> series.path("values").size()).sum();
            if (points != 1) {
                return Canaries.failed(store(), region, started, points + " canary points read back from " + database
                        + "." + measurement + ", not 1");
            }
        } finally {
            http.execute(database, "DROP MEASUREMENT \"" + measurement + "\"");
        }
        return Canaries.passed(store(), region, started, "written, read back and dropped in " + database + "." + measurement);
    }
}
