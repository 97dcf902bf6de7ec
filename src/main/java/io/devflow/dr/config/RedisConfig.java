package io.devflow.dr.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A region's Redis.
 *
 * @param url {@code redis://host:port} or {@code rediss://} for TLS; a secret because it may carry a password
 * @param databases the logical databases to back up (default: 0)
 * @param password the AUTH password, when not in the URL
 * @param timeout connect and read timeout
 */
public record RedisConfig(Secret url, List<Integer> databases, Optional<Secret> password, Duration timeout) {

    public RedisConfig {
        databases = List.copyOf(databases);
    }
}
