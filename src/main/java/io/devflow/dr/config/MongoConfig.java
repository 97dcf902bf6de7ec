package io.devflow.dr.config;

import java.time.Duration;
import java.util.List;

/**
 * A region's MongoDB.
 *
 * @param url connection string; a secret because it may carry credentials
 * @param databases the databases to back up, in order
 * @param serverSelectionTimeout how long to wait for a reachable server before failing
 * @param connectTimeout how long to wait for a connection to open
 * @param socketTimeout how long to wait for the answer to any one request (a half-open server fails after it)
 */
public record MongoConfig(Secret url, List<String> databases, Duration serverSelectionTimeout, Duration connectTimeout,
                          Duration socketTimeout) {

    /** Defaults of the optional timeouts, in milliseconds. */
    public static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
    public static final int DEFAULT_SOCKET_TIMEOUT_MS = 300_000;

    public MongoConfig {
        databases = List.copyOf(databases);
    }
}
