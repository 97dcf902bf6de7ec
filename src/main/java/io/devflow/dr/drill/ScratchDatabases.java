package io.devflow.dr.drill;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.support.InvalidRequestException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

/** The databases drills may restore into: new MongoDB and InfluxDB databases, spare Redis logical databases. */
final class ScratchDatabases {

    private ScratchDatabases() {
    }

    /** The databases of a region's MongoDB or InfluxDB, to refuse scratch names that exist. */
    static List<String> existing(StoreOperations operations, RegionContext region) {
        if (operations.store() == StoreKind.MONGODB) {
            return region.mongo().listDatabaseNames().into(new ArrayList<>());
        }
        InfluxHttp http = new InfluxHttp(region.config().requireInfluxdb());
        List<String> names = new ArrayList<>();
        http.series(region.config().requireInfluxdb().databases().get(0), "SHOW DATABASES").forEach(series -> series.path("values")
                .forEach(row -> names.add(row.path(0).asText())));
        return names;
    }

    /**
     * {@code wanted} Redis logical databases to restore into: the configured scratch database (which serves one only),
     * or the highest ones that no region's configuration keeps data in and that replication does not keep its record
     * versions in.
     */
    static List<Integer> redis(DrConfig config, RegionDirectory regions, int wanted) {
        List<Integer> taken = new ArrayList<>();
        regions.all().forEach(r -> r.config().redis().ifPresent(redis -> taken.addAll(redis.databases())));
        config.replication().ifPresent(r -> taken.add(r.redis().metadataDatabase()));
        Optional<Integer> configured = config.recovery().drills().redisScratchDatabase().stream().boxed().findFirst();
        if (configured.isPresent()) {
            if (taken.contains(configured.get())) {
                throw new InvalidRequestException("recovery.drills.redisScratchDatabase " + configured.get()
                        + " holds configured data or replication's record versions; choose an unused database");
            }
            if (wanted > 1) {
                throw new InvalidRequestException("the Redis backup holds " + wanted + " databases, restored side by "
                        + "side into as many spare ones, but recovery.drills.redisScratchDatabase names one; remove it "
                        + "to let the drill take the highest unused databases");
            }
            return List.of(configured.get());
        }
        List<Integer> free = IntStream.iterate(15, i -> i >= 0, i -> i - 1).filter(i -> !taken.contains(i)).limit(wanted)
                .boxed().toList();
        if (free.size() < wanted) {
            throw new InvalidRequestException("a drill needs " + wanted + " spare Redis logical database(s), and "
                    + (16 - taken.size()) + " hold no configured data (recovery.drills.redisScratchDatabase)");
        }
        return free;
    }
}
