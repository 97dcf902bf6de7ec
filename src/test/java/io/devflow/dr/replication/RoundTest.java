package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.devflow.dr.config.Direction;
import io.devflow.dr.control.ConflictRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When a worker's poll counts as busy (poll again at once) or idle (wait, then back off). */
class RoundTest {

    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");
    private static final Direction WEST_TO_EAST = Direction.of("us-west-2", "us-east-1");

    @Test
    void shouldBeIdleOnlyWhenNoDirectionFoundAnything() {
        Round idle = new Round("mongodb", List.of(Batch.idle(EAST_TO_WEST, "mongodb"), Batch.idle(WEST_TO_EAST, "mongodb")));

        assertThat(idle.foundWork()).isFalse();
        assertThat(idle.more()).isFalse();
    }

    @Test
    void shouldBeBusyWhenABatchAppliedChangesWithoutFillingUp() {
        Batch partial = new Batch(EAST_TO_WEST, "mongodb", 3, List.of(), List.of(), null, false);
        Round round = new Round("mongodb", List.of(partial, Batch.idle(WEST_TO_EAST, "mongodb")));

        assertThat(round.foundWork()).as("a partly filled batch is work: poll again before backing off").isTrue();
        assertThat(round.more()).isFalse();
        assertThat(round.applied()).isEqualTo(3);
    }

    @Test
    void shouldBeBusyWhenABatchIsFullOrFoundFailures() {
        Batch full = new Batch(EAST_TO_WEST, "redis", 0, List.of(), List.of(), null, true);
        ReplicationFailure refused = new ReplicationFailure("f1", "redis", "us-east-1", "us-west-2",
                new ConflictRecord("0", "keys", "\"k\""), Instant.EPOCH, "refused", JsonNodeFactory.instance.nullNode());
        Batch failed = new Batch(WEST_TO_EAST, "redis", 0, List.of(), List.of(refused), null, false);

        assertThat(new Round("redis", List.of(full)).foundWork()).isTrue();
        assertThat(new Round("redis", List.of(failed)).foundWork()).isTrue();
        assertThat(new Round("redis", List.of(failed)).failures()).containsExactly(refused);
    }
}
