package io.devflow.dr.replication.redis;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class RedisCheckpointTest {

    static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");
    static final String PATH = "replication/checkpoints/us-east-1--us-west-2/redis";
    static final Instant STARTED = Instant.parse("2026-01-27T10:30:00.123456Z");

    final MemoryStateStore state = new MemoryStateStore();
    final Checkpoints checkpoints = new Checkpoints(state, Duration.ofSeconds(5), new MutableClock(STARTED));

    @Test
    void shouldReadACheckpointTheReplicatorWroteDuringAnInitialSync() throws Exception {
        state.write(PATH, Json.MAPPER.readTree("""
                {"initialSync":"in-progress","startedAt":"2026-01-27T10:30:00.123456Z","applied":0,"bytes":0}"""));

        RedisCheckpoint loaded = checkpoints.load(EAST_TO_WEST, StoreKind.REDIS, RedisCheckpoint.class).orElseThrow();

        assertThat(loaded).isEqualTo(RedisCheckpoint.starting(STARTED));
        assertThat(loaded.initialSyncComplete()).isFalse();
    }

    @Test
    void shouldReadACheckpointTheReplicatorWroteOnceStreaming() throws Exception {
        state.write(PATH, Json.MAPPER.readTree("""
                {"initialSync":"complete","startedAt":"2026-01-27T10:30:00.123456Z","applied":1542,"bytes":880112,
                 "initialSyncCompletedAt":"2026-01-27T10:31:07Z","lastReconcileAt":"2026-01-27T11:00:00.5Z"}"""));

        RedisCheckpoint loaded = checkpoints.load(EAST_TO_WEST, StoreKind.REDIS, RedisCheckpoint.class).orElseThrow();

        assertThat(loaded).isEqualTo(new RedisCheckpoint("complete", STARTED, 1542, 880112,
                Instant.parse("2026-01-27T10:31:07Z"), Instant.parse("2026-01-27T11:00:00.5Z")));
        assertThat(loaded.initialSyncComplete()).isTrue();
        assertThat(loaded.milestone()).isEqualTo("complete");
    }

    @Test
    void shouldWriteTheShapeTheReplicatorWrote() {
        RedisCheckpoint starting = RedisCheckpoint.starting(STARTED);
        RedisCheckpoint streaming = starting.counting(12, 3456)
                .initialSyncCompleted(Instant.parse("2026-01-27T10:31:07Z"))
                .reconciled(Instant.parse("2026-01-27T11:00:00Z"));

        assertThat(Json.MAPPER.valueToTree(starting).toString()).isEqualTo(
                "{\"initialSync\":\"in-progress\",\"startedAt\":\"2026-01-27T10:30:00.123456Z\",\"applied\":0,\"bytes\":0}");
        assertThat(Json.MAPPER.valueToTree(streaming).toString()).isEqualTo(
                "{\"initialSync\":\"complete\",\"startedAt\":\"2026-01-27T10:30:00.123456Z\",\"applied\":12,"
                        + "\"bytes\":3456,\"initialSyncCompletedAt\":\"2026-01-27T10:31:07Z\","
                        + "\"lastReconcileAt\":\"2026-01-27T11:00:00Z\"}");
    }

    @Test
    void shouldReadBackWhatItWrites() {
        RedisCheckpoint checkpoint = RedisCheckpoint.starting(STARTED).counting(7, 70)
                .initialSyncCompleted(STARTED.plusSeconds(60)).reconciled(STARTED.plusSeconds(90));

        checkpoints.save(EAST_TO_WEST, StoreKind.REDIS, checkpoint, true);

        JsonNode saved = state.read(PATH).orElseThrow().content();
        assertThat(saved.path("initialSync").asText()).isEqualTo("complete");
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.REDIS, RedisCheckpoint.class)).contains(checkpoint);
    }

    @Test
    void shouldMarkOnlyTheInitialSyncsEndAsAMilestone() {
        RedisCheckpoint starting = RedisCheckpoint.starting(STARTED);

        assertThat(starting.counting(5, 50).reconciled(STARTED.plusSeconds(1)).milestone()).isEqualTo(starting.milestone());
        assertThat(starting.initialSyncCompleted(STARTED.plusSeconds(2)).milestone()).isNotEqualTo(starting.milestone());
    }

    @Test
    void shouldKeepTheLastReconcileWhenNoneHappenedSince() {
        RedisCheckpoint reconciled = RedisCheckpoint.starting(STARTED).reconciled(STARTED.plusSeconds(30));

        assertThat(reconciled.reconciled(null)).isEqualTo(reconciled);
    }
}
