package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.control.ConflictRecord;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReplicationFailureTest {

    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");

    @Test
    void shouldNameTheSameRefusalAlikeAndEveryOtherOneApart() {
        ConflictRecord record = new ConflictRecord("devflow", "orders", "\"o-1\"");
        String id = ReplicationFailure.id("mongodb", EAST_TO_WEST, record, "digest-1");

        assertThat(id).matches("failure-[0-9a-f]{20}");
        assertThat(ReplicationFailure.id("mongodb", EAST_TO_WEST, record, "digest-1")).isEqualTo(id);
        assertThat(ReplicationFailure.id("mongodb", EAST_TO_WEST, record, "digest-2")).as("a later version").isNotEqualTo(id);
        assertThat(ReplicationFailure.id("mongodb", EAST_TO_WEST.reverse(), record, "digest-1")).isNotEqualTo(id);
        assertThat(ReplicationFailure.id("mongodb", EAST_TO_WEST, new ConflictRecord("devflow", "orders", "\"o-2\""),
                "digest-1")).isNotEqualTo(id);
    }
}
