package io.devflow.dr.app;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.store.redis.RedisConnections;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBFactory;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.jedis.JedisClientConfiguration;
import org.springframework.data.redis.connection.jedis.JedisConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The clients the Camel store components of the routes use (spring-redis, influxdb, influxdb2), built from
 * a region's configuration. The bulk data paths use their own clients; these serve the routes' own steps.
 */
final class StoreClients {

    /** Notifications waiting for the dispatch thread of a region's subscription, at most. */
    private static final int KEYSPACE_QUEUE = 10_000;

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
     *
     * <p>Messages are handed to one dispatch thread of the region's, through a bounded queue; the subscription
     * itself reads on a thread of its own (with only the dispatch executor set, Spring would run the blocking
     * subscription on the dispatch thread, and nothing would be delivered). Spring's default executor
     * starts a new thread for every message: at 5,000 notifications a second that was most of the process's
     * CPU (thread creation, and the JVM's monitor deflation behind it). When the queue is full, the subscription's
     * own thread delivers, which slows its reading and leaves the backlog in Redis's output buffer for the
     * subscriber, not in this heap; notifications carry no order replication relies on (any event means the
     * key may have changed).
     */
    static RedisMessageListenerContainer listenerContainer(String region, RedisConfig config, DrServices services) {
        RedisMessageListenerContainer container = new RedisMessageListenerContainer();
        container.setConnectionFactory(connectionFactory(config, Duration.ZERO, services));
        ThreadPoolExecutor dispatch = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(KEYSPACE_QUEUE), runnable -> {
                    Thread thread = new Thread(runnable, "dr-redis-keyspace-" + region);
                    thread.setDaemon(true);
                    return thread;
                }, new ThreadPoolExecutor.CallerRunsPolicy());
        container.setTaskExecutor(dispatch);
        // the subscription blocks its thread for as long as it lasts: a thread of its own, started per (re)subscribe
        container.setSubscriptionExecutor(new SimpleAsyncTaskExecutor("dr-redis-subscription-" + region + "-"));
        container.afterPropertiesSet();
        container.start();
        services.closeWithServices(container::destroy);
        services.closeWithServices(dispatch::shutdownNow);
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
