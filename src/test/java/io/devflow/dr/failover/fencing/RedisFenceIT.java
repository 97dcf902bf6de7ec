package io.devflow.dr.failover.fencing;

import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.Secret;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.embedded.EmbeddedRedis;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.ScanParams;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Redis fence against a real Redis: a write from another client waits, and does not land, while the fence holds;
 * reads (what replication does at a fenced source) keep answering; renewing extends the pause, lifting releases the
 * waiting writer (and a renewal that comes after the lift does not pause again), and a pause that is not renewed lapses
 * by itself.
 */
class RedisFenceIT {

    static final RegionId EAST = RegionId.of("us-east-1");
    static final RegionId WEST = RegionId.of("us-west-2");

    EmbeddedRedis redis;
    RedisFence fence;
    Jedis reader;
    final ExecutorService writers = Executors.newSingleThreadExecutor();

    @BeforeEach
    void start() {
        redis = EmbeddedRedis.start(null, TestEnvironment.freePort());
        RedisConfig config = new RedisConfig(Secret.literal("redis.url", redis.url()), List.of(0), Optional.empty(),
                Duration.ofSeconds(5));
        fence = new RedisFence(region -> Optional.of(config).filter(c -> region.equals(EAST)), Clock.systemUTC());
        reader = new Jedis("127.0.0.1", redis.port());
        reader.set("existing", "before");
    }

    @AfterEach
    void stop() {
        writers.shutdownNow();
        reader.close();
        redis.close();
    }

    @Test
    void shouldHoldWritesButAnswerReadsUntilLifted() throws Exception {
        Fence held = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(held.fenced()).isTrue();
        assertThat(held.method()).isEqualTo("CLIENT PAUSE WRITE");
        assertThat(held.until()).isAfter(Instant.now().plusSeconds(20));
        CompletableFuture<String> write = writeFromAnotherClient("written", "during the fence");
        awaitWriterWaiting();
        assertThat(reader.get("written")).as("the write has not landed").isNull();
        assertThat(reader.get("existing")).isEqualTo("before");
        assertThat(reader.dump("existing")).isNotEmpty();
        assertThat(reader.pttl("existing")).isEqualTo(-1);
        assertThat(reader.scan(ScanParams.SCAN_POINTER_START).getResult()).contains("existing");

        fence.lift(held);

        assertThat(write.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(reader.get("written")).isEqualTo("during the fence");
        fence.lift(held);
    }

    @Test
    void shouldKeepWritesWaitingPastTheFirstHoldWhenRenewed() throws Exception {
        Fence first = fence.fence(EAST, Duration.ofSeconds(2));
        Fence renewed = fence.renew(first, Duration.ofSeconds(30));
        CompletableFuture<String> write = writeFromAnotherClient("written", "after renewal");

        Poll.until("the first hold has passed", Duration.ofSeconds(10),
                () -> Instant.now().isAfter(first.until().plusMillis(500)));

        assertThat(renewed.until()).isAfter(first.until().plusSeconds(20));
        awaitWriterWaiting();
        assertThat(write).isNotDone();
        assertThat(reader.get("written")).isNull();
        fence.lift(renewed);
        assertThat(write.get(10, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("OK");
    }

    @Test
    void shouldNotPauseAgainForARenewalThatComesAfterTheLift() throws Exception {
        Fence held = fence.fence(EAST, Duration.ofSeconds(30));
        fence.lift(held);

        Fence late = fence.renew(held, Duration.ofSeconds(30));

        assertThat(late).isSameAs(held);
        assertThat(writeFromAnotherClient("written", "after the lift").get(5, java.util.concurrent.TimeUnit.SECONDS))
                .isEqualTo("OK");
        Fence next = fence.fence(EAST, Duration.ofSeconds(30));
        assertThat(fence.renew(next, Duration.ofSeconds(30))).as("a later fence is renewed").isNotSameAs(next);
        fence.lift(next);
    }

    @Test
    void shouldLetWritesThroughWhenThePauseLapses() throws Exception {
        Fence held = fence.fence(EAST, Duration.ofSeconds(1));
        CompletableFuture<String> write = writeFromAnotherClient("written", "after the lapse");

        assertThat(write.get(15, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo("OK");
        assertThat(reader.get("written")).isEqualTo("after the lapse");
        assertThat(Instant.now()).isAfterOrEqualTo(held.until().minusMillis(50));
    }

    @Test
    void shouldRecordTheRiskWhenRedisCannotBePaused() {
        redis.close();

        Fence failed = fence.fence(EAST, Duration.ofSeconds(30));

        assertThat(failed.fenced()).isFalse();
        assertThat(failed.store()).isEqualTo(StoreKind.REDIS);
        assertThat(failed.residualRisk()).startsWith("writes to Redis in us-east-1 are not stopped: CLIENT PAUSE failed at "
                + "Redis redis://127.0.0.1:" + redis.port());
        redis = EmbeddedRedis.start(null, TestEnvironment.freePort());
    }

    @Test
    void shouldHaveNothingToFenceInARegionWithoutRedis() {
        Fence none = fence.fence(WEST, Duration.ofSeconds(30));

        assertThat(none.fenced()).isFalse();
        assertThat(none.method()).isEqualTo("none");
        assertThat(none.residualRisk()).isNull();
        assertThatThrownBy(() -> fence.renew(new Fence(StoreKind.REDIS, "us-west-2", true, "CLIENT PAUSE WRITE", null,
                Instant.now(), null), Duration.ofSeconds(1))).hasMessageContaining("no longer configured");
    }

    private CompletableFuture<String> writeFromAnotherClient(String key, String value) {
        return CompletableFuture.supplyAsync(() -> {
            try (Jedis writer = new Jedis("127.0.0.1", redis.port(), 60_000)) {
                writer.clientSetname("fenced-writer");
                return writer.set(key, value);
            }
        }, writers);
    }

    /** The writer's SET has reached the server and waits there (flag b: blocked by the pause). */
    private void awaitWriterWaiting() throws InterruptedException {
        Poll.until("the writer's SET waiting at the server", Duration.ofSeconds(10), () -> reader.clientList().lines()
                .map(RedisFenceIT::fields)
                .anyMatch(c -> "fenced-writer".equals(c.get("name")) && "set".equals(c.get("cmd"))
                        && c.getOrDefault("flags", "").contains("b")));
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> fields = new java.util.HashMap<>();
        for (String pair : line.split(" ")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return fields;
    }
}
