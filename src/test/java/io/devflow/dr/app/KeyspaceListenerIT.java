package io.devflow.dr.app;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.data.redis.listener.PatternTopic;
import org.springframework.data.redis.listener.RedisMessageListenerContainer;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The subscriber of replication's keyspace-notification route, against a real redis-server: every message is
 * delivered, on the region's one dispatch thread. Spring's default would start a thread per message.
 */
class KeyspaceListenerIT {

    private static final int MESSAGES = 3_000;

    @Test
    void shouldDeliverEveryNotificationOnTheRegionsOneDispatchThread(@TempDir Path dir) throws Exception {
        try (TestEnvironment env = TestEnvironment.startWith(dir, Set.of(StoreKind.REDIS), "us-east-1")) {
            DrConfig config = env.config();
            try (DrServices services = new DrServices(config)) {
                RedisMessageListenerContainer container = StoreClients.listenerContainer("us-east-1",
                        config.region(RegionId.of("us-east-1")).orElseThrow().requireRedis(), services);
                Set<String> received = ConcurrentHashMap.newKeySet();
                Set<String> threads = ConcurrentHashMap.newKeySet();
                CountDownLatch all = new CountDownLatch(MESSAGES);
                CountDownLatch subscribed = new CountDownLatch(1);
                container.addMessageListener((message, pattern) -> {
                    String body = new String(message.getBody(), StandardCharsets.UTF_8);
                    if (body.equals("ready")) {
                        subscribed.countDown();
                        return;
                    }
                    received.add(body);
                    threads.add(Thread.currentThread().getName());
                    all.countDown();
                }, new PatternTopic("__keyspace@0__:*"));

                try (Jedis jedis = new Jedis(URI.create(env.redis("us-east-1").url()))) {
                    do {
                        jedis.publish("__keyspace@0__:probe", "ready");
                    } while (!subscribed.await(100, TimeUnit.MILLISECONDS));
                    for (int i = 0; i < MESSAGES; i++) {
                        jedis.publish("__keyspace@0__:key-" + i, "set-" + i);
                    }
                }

                assertThat(all.await(30, TimeUnit.SECONDS)).as("every notification delivered").isTrue();
                assertThat(received).hasSize(MESSAGES).contains("set-0", "set-" + (MESSAGES - 1));
                assertThat(threads).containsExactly("dr-redis-keyspace-us-east-1");
            }
        }
    }
}
