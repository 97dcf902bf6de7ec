package io.devflow.dr.store.redis;

import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.Secret;
import io.devflow.dr.embedded.EmbeddedRedis;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisDataException;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Connections to a real Redis: one that cannot select its database is closed, not left to the server. */
class RedisConnectionsIT {

    @Test
    void shouldCloseAConnectionWhoseDatabaseCannotBeSelected() {
        try (EmbeddedRedis redis = EmbeddedRedis.start(null, TestEnvironment.freePort()); Jedis observer = new Jedis("127.0.0.1", redis.port())) {
            RedisConnections connections = new RedisConnections(new RedisConfig(
                    Secret.literal("redis.url", redis.url()), List.of(0), Optional.empty(), Duration.ofSeconds(5)));

            for (int i = 0; i < 20; i++) {
                assertThatThrownBy(() -> connections.open(99)).isInstanceOf(JedisDataException.class)
                        .hasMessageContaining("DB index is out of range");
            }
            try (Jedis good = connections.open(3)) {
                assertThat(good.getDB()).isEqualTo(3);
                assertThat(clients(observer)).as("the observer and the open connection only").isEqualTo(2);
            }
        }
    }

    private static long clients(Jedis observer) {
        return observer.clientList().lines().filter(line -> !line.isBlank()).count();
    }
}
