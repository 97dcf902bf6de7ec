package io.devflow.dr.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A region's InfluxDB. Reads always use the v1 query API (InfluxQL), which InfluxDB 1.x, 2.x (v1
 * compatibility) and 3.x all serve; writes use the v1 write API, or with {@code version: 2} the native v2
 * write API with token, organisation and bucket.
 *
 * @param databases the databases to back up
 * @param buckets version 2: the bucket each database's points are written to (default: the database name)
 */
public record InfluxConfig(
        Secret url,
        int version,
        List<String> databases,
        Optional<Secret> username,
        Optional<Secret> password,
        Optional<Secret> token,
        Optional<String> org,
        Map<String, String> buckets,
        Duration timeout) {

    public InfluxConfig {
        databases = List.copyOf(databases);
        buckets = Map.copyOf(buckets);
    }

    public String bucketFor(String database) {
        return buckets.getOrDefault(database, database);
    }
}
