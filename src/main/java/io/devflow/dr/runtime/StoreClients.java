package io.devflow.dr.runtime;

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

/**
 * The clients the Camel store components of the routes use (spring-redis, influxdb, influxdb2), built from
 * a region's configuration. The bulk data paths use their own clients; these serve the routes' own steps.
 */
final class StoreClients {

    private StoreClients() {
    }

    /** A Spring Data Redis template for camel-spring-redis, with the region's address, password and timeout. */
    static RedisTemplate<Object, Object> redisTemplate(RedisConfig config, DrServices services) {
        RedisConnections connections = new RedisConnections(config);
        RedisStandaloneConfiguration server = new RedisStandaloneConfiguration(connections.host(), connections.port());
        config.password().ifPresent(p -> server.setPassword(RedisPassword.of(p.reveal())));
        JedisConnectionFactory factory = new JedisConnectionFactory(server, JedisClientConfiguration.builder()
                .connectTimeout(config.timeout()).readTimeout(config.timeout()).build());
        factory.afterPropertiesSet();
        factory.start();
        services.closeWithServices(factory::destroy);
        RedisTemplate<Object, Object> template = new RedisTemplate<>();
        template.setConnectionFactory(factory);
        template.afterPropertiesSet();
        return template;
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
