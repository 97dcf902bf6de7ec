package io.devflow.dr.config;

import io.devflow.dr.control.Decision;
import io.devflow.dr.replication.ReplicationHealth;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DirectionTest {

    private final Direction eastToWest = Direction.of("us-east-1", "us-west-2");

    @Test
    void shouldNameADirectionBySourceAndTarget() {
        assertThat(eastToWest.source()).isEqualTo(RegionId.of("us-east-1"));
        assertThat(eastToWest.target()).isEqualTo(RegionId.of("us-west-2"));
        assertThat(eastToWest.id()).isEqualTo("us-east-1--us-west-2");
        assertThat(eastToWest).hasToString("us-east-1 -> us-west-2");
    }

    @Test
    void shouldReverse() {
        assertThat(eastToWest.reverse()).isEqualTo(Direction.of("us-west-2", "us-east-1"));
        assertThat(eastToWest.reverse().id()).isEqualTo("us-west-2--us-east-1");
        assertThat(eastToWest.reverse().reverse()).isEqualTo(eastToWest);
    }

    @Test
    void shouldRefuseARegionReplicatingToItself() {
        assertThatThrownBy(() -> Direction.of("us-east-1", "us-east-1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a region cannot replicate to itself: us-east-1");
    }

    @Test
    void shouldRefuseAMissingOrMalformedRegion() {
        assertThatThrownBy(() -> new Direction(null, RegionId.of("us-west-2"))).isInstanceOf(NullPointerException.class)
                .hasMessage("source");
        assertThatThrownBy(() -> new Direction(RegionId.of("us-east-1"), null)).isInstanceOf(NullPointerException.class)
                .hasMessage("target");
        assertThatThrownBy(() -> Direction.of("US East", "us-west-2")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("'US East' is not a region name");
    }

    @Test
    void shouldNameDecisionsAsTheApiDoes() {
        assertThat(Decision.values()).extracting(Decision::id).containsExactly("source", "target", "custom", "pending");
        assertThat(Decision.parse("custom")).isEqualTo(Decision.CUSTOM);
        assertThatThrownBy(() -> Decision.parse("SOURCE")).hasMessage("unknown decision 'SOURCE'");
    }

    @Test
    void shouldNameHealthAsTheSeedDoes() {
        assertThat(ReplicationHealth.values()).extracting(ReplicationHealth::id)
                .containsExactly("healthy", "degraded", "failed", "stopped");
        assertThat(ReplicationHealth.parse("degraded")).isEqualTo(ReplicationHealth.DEGRADED);
        assertThatThrownBy(() -> ReplicationHealth.parse("ok")).hasMessage("unknown health 'ok'");
    }

    @Test
    void shouldCombineHealthsIntoTheWorstOfTheRunningOnes() {
        assertThat(ReplicationHealth.HEALTHY.worst(ReplicationHealth.DEGRADED)).isEqualTo(ReplicationHealth.DEGRADED);
        assertThat(ReplicationHealth.DEGRADED.worst(ReplicationHealth.HEALTHY)).isEqualTo(ReplicationHealth.DEGRADED);
        assertThat(ReplicationHealth.FAILED.worst(ReplicationHealth.DEGRADED)).isEqualTo(ReplicationHealth.FAILED);
        assertThat(ReplicationHealth.STOPPED.worst(ReplicationHealth.HEALTHY)).isEqualTo(ReplicationHealth.HEALTHY);
        assertThat(ReplicationHealth.FAILED.worst(ReplicationHealth.STOPPED)).isEqualTo(ReplicationHealth.FAILED);
        assertThat(ReplicationHealth.STOPPED.worst(ReplicationHealth.STOPPED)).isEqualTo(ReplicationHealth.STOPPED);
    }
}
