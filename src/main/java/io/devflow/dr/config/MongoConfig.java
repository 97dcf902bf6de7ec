package io.devflow.dr.config;

import java.time.Duration;
import java.util.List;

/**
 * A region's MongoDB.
 *
 * @param url connection string; a secret because it may carry credentials
 * @param databases the databases to back up, in order
 * @param serverSelectionTimeout how long to wait for a reachable server before failing
 */
public record MongoConfig(Secret url, List<String> databases, Duration serverSelectionTimeout) {

    public MongoConfig {
        databases = List.copyOf(databases);
    }
}
