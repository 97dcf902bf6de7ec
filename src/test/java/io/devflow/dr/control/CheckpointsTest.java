package io.devflow.dr.control;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointsTest {

    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");

    private final MemoryStateStore state = new MemoryStateStore();
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-27T10:30:00Z"));
    private final Checkpoints checkpoints = new Checkpoints(state, Duration.ofSeconds(5), clock);

    @Test
    void shouldKeepACheckpointPerDirectionAndStore() {
        checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(1), false);
        checkpoints.save(EAST_TO_WEST.reverse(), StoreKind.MONGODB, position(2), false);
        checkpoints.save(EAST_TO_WEST, StoreKind.REDIS, position(3), false);

        assertThat(state.paths()).containsExactly(
                "replication/checkpoints/us-east-1--us-west-2/mongodb",
                "replication/checkpoints/us-east-1--us-west-2/redis",
                "replication/checkpoints/us-west-2--us-east-1/mongodb");
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.MONGODB, Position.class)).contains(position(1));
        assertThat(checkpoints.load(EAST_TO_WEST.reverse(), StoreKind.MONGODB, Position.class)).contains(position(2));
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.INFLUXDB, Position.class)).isEmpty();
    }

    @Test
    void shouldSpaceWritesByTheInterval() {
        assertThat(checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(1), false)).isTrue();
        clock.advance(Duration.ofMillis(4_999));

        assertThat(checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(2), false)).isFalse();
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.MONGODB, Position.class)).contains(position(1));
        assertThat(checkpoints.save(EAST_TO_WEST, StoreKind.REDIS, position(9), false)).isTrue();

        clock.advance(Duration.ofMillis(1));

        assertThat(checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(3), false)).isTrue();
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.MONGODB, Position.class)).contains(position(3));
    }

    @Test
    void shouldWriteAForcedCheckpointAtOnce() {
        checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(1), false);

        assertThat(checkpoints.save(EAST_TO_WEST, StoreKind.MONGODB, position(2), true)).isTrue();
        assertThat(checkpoints.load(EAST_TO_WEST, StoreKind.MONGODB, Position.class)).contains(position(2));
    }

    @Test
    void shouldSayWhatToDoWithACheckpointItCannotRead() {
        state.write("replication/checkpoints/us-east-1--us-west-2/mongodb",
                Json.MAPPER.createObjectNode().put("applied", "many"));

        assertThatThrownBy(() -> checkpoints.load(EAST_TO_WEST, StoreKind.MONGODB, Position.class))
                .hasMessageContaining("replication/checkpoints/us-east-1--us-west-2/mongodb")
                .hasMessageContaining("deleting it makes replication of mongodb start again with an initial sync");
    }

    /** A checkpoint record as the stores keep theirs. */
    record Position(long applied, String resumeToken) {
    }

    private static Position position(long applied) {
        return new Position(applied, "82" + applied);
    }
}
