package io.devflow.dr.replication;

import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** Which way replication runs as the active region changes. */
class ReplicationDirectionsTest {

    private static final RegionId EAST = RegionId.of("us-east-1");
    private static final RegionId WEST = RegionId.of("us-west-2");
    private static final RegionId EU = RegionId.of("eu-west-1");
    private static final RegionId AP = RegionId.of("ap-south-1");

    private final AtomicReference<Object> active = new AtomicReference<>(EAST);
    private final ReplicationDirections directions = new ReplicationDirections(config(EAST, WEST, EU), () -> {
        Object now = active.get();
        if (now instanceof RuntimeException e) {
            throw e;
        }
        return (RegionId) now;
    });

    @Test
    void shouldRunTheConfiguredDirectionsWhileTheConfiguredSourceIsActive() {
        assertThat(directions.current()).containsExactly(new Direction(EAST, WEST), new Direction(EAST, EU));
        assertThat(directions.source()).isEqualTo(EAST);
        assertThat(directions.regions()).containsExactly(EAST, WEST, EU);
    }

    @Test
    void shouldReplicateFromTheActiveRegionToEveryOtherReplicatedRegion() {
        active.set(WEST);

        assertThat(directions.current()).containsExactly(new Direction(WEST, EAST), new Direction(WEST, EU));
        assertThat(directions.source()).isEqualTo(WEST);
    }

    @Test
    void shouldKeepTheConfiguredDirectionsWhenTheActiveRegionIsNotReplicated() {
        active.set(AP);

        assertThat(directions.current()).containsExactly(new Direction(EAST, WEST), new Direction(EAST, EU));
    }

    @Test
    void shouldHandTheDirectionsOfThePreviousRoundToStopAtTheNextRoundBoundary() {
        ReplicationDirections.Turn first = directions.enter(StoreKind.MONGODB);
        assertThat(first.left()).isEmpty();

        active.set(WEST);
        ReplicationDirections.Turn turned = directions.enter(StoreKind.MONGODB);

        assertThat(turned.now()).containsExactly(new Direction(WEST, EAST), new Direction(WEST, EU));
        assertThat(turned.left()).containsExactly(new Direction(EAST, WEST), new Direction(EAST, EU));
        assertThat(directions.ran(StoreKind.MONGODB)).isEqualTo(turned.now());
        assertThat(directions.ran(StoreKind.REDIS)).as("another store's worker has not turned yet").isEmpty();
        assertThat(directions.enter(StoreKind.MONGODB).left()).as("nothing more to stop").isEmpty();
    }

    @Test
    void shouldStopEveryDirectionAStoppingStoreMayHaveOpen() {
        directions.enter(StoreKind.REDIS);
        active.set(WEST);

        assertThat(directions.leave(StoreKind.REDIS)).containsExactlyInAnyOrder(new Direction(EAST, WEST),
                new Direction(EAST, EU), new Direction(WEST, EAST), new Direction(WEST, EU));
        assertThat(directions.ran(StoreKind.REDIS)).isEmpty();
    }

    @Test
    void shouldGoOnFromTheLastKnownActiveRegionWhileTheControlStateCannotBeRead() {
        active.set(WEST);
        assertThat(directions.source()).isEqualTo(WEST);

        active.set(new IllegalStateException("every region's bucket is unreachable"));

        assertThat(directions.current()).containsExactly(new Direction(WEST, EAST), new Direction(WEST, EU));
    }

    static ReplicationConfig config(RegionId source, RegionId... targets) {
        return new ReplicationConfig(true, source, List.of(targets), Set.of(StoreKind.MONGODB, StoreKind.REDIS),
                new ReplicationConfig.ConflictConfig(ConflictStrategy.LAST_WRITE_WINS, "updatedAt"),
                new ReplicationConfig.Health(Duration.ofMinutes(1), Duration.ofMinutes(5)), Duration.ofSeconds(1),
                new ReplicationConfig.Mongo("devflow_dr", 500, Duration.ofMillis(50)), new ReplicationConfig.Redis(15, Duration.ofSeconds(60), 200),
                new ReplicationConfig.Influx(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    }
}
