package io.devflow.dr.app;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.store.redis.RedisConnections;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import java.time.Duration;

/**
 * The clients the Camel store components of the routes use (spring-redis, influxdb, influxdb2), built from
 * a region's configuration. The bulk data paths use their own clients; these serve the routes' own steps.
 */
final class StoreClients {

    private StoreClients() {
    }

    /** A Spring Data Redis template for camel-spring-redis, with the region's address, password and timeout. */
    static RedisTemplate<Object, Object> redisTemplate(RedisConfig config, DrServices services) {
        RedisTemplate<Object, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(connectionFactory(config, config.timeout(), services));
        template.afterPropertiesSet();
        return template;
    }

    /**
     * The subscriber of the replication's keyspace-notification route (camel-spring-redis PSUBSCRIBE) on a
     * region's Redis. A subscription waits for messages, so its connection has no read timeout.
     */
    static RedisMessageListenerContainer listenerContainer(RedisConfig config, DrServices services) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory(config, Duration.ZERO, services));
        container.afterPropertiesSet();
        container.start();
        services.closeWithServices(container::destroy);
        return container;
    }

    /** A Jedis connection factory with the region's address, password (configured or in the URL), TLS and timeout. */
    private static JedisConnectionFactory connectionFactory(RedisConfig config, Duration readTimeout, DrServices services) {
        RedisConnections connections = new RedisConnections(config);
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(connections.host(), connections.port());
        if (connections.password() != null) {
            server.setPassword(RedisPassword.of(connections.password()));
        }
        JedisClientConfiguration.JedisClientConfigurationBuilder client = JedisClientConfiguration.builder()
                .connectTimeout(config.timeout()).readTimeout(readTimeout);
        if (connections.ssl()) {
            client.useSsl();
        }
        JedisConnectionFactory factory = new JedisConnectionFactory(server, client.build());
        factory.afterPropertiesSet();
        factory.start();
        services.closeWithServices(factory::destroy);
        return factory;
    }

    /** An influxdb-java connection for camel-influxdb (the v1 API). */
    static InfluxDB influxV1(InfluxConfig config, DrServices services) {
        InfluxDB influx = config.username().isPresent()
                ? InfluxDBFactory.connect(config.url().reveal(), config.username().get().reveal(),
                config.password().orElseThrow().reveal())
                : InfluxDBFactory.connect(config.url().reveal());
        return services.closeWithServices(influx);
    }

    /** An influxdb-client-java client for camel-influxdb2 (the v2 API with token and organisation). */
    static InfluxDBClient influxV2(InfluxConfig config, DrServices services) {
        return services.closeWithServices(InfluxDBClientFactory.create(config.url().reveal(),
                config.token().orElseThrow().reveal().toCharArray(), config.org().orElseThrow()));
    }
}
