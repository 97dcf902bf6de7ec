package io.devflow.dr.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.ReplicationService;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/** Replication as tests run it inside {@code dr server}: fast control settings, and waits for its phases. */
public final class ServerReplication {

    /** Control, status and MongoDB polls that react in a fraction of a second. */
    public static final Map<String, String> FAST = Map.of(
            "dr.replication.controlPeriodMs", "200",
            "dr.replication.statusPeriodMs", "500",
            "dr.replication.mongodb.pollMs", "20");

    private ServerReplication() {
    }

    /** A replication block with the given strategy, checkpoints every second, and no capture worker. */
    public static void replication(ObjectNode dr, String strategy) {
        dr.with("backup").with("incremental").put("captureWorker", false);
        ObjectNode replication = dr.putObject("replication");
        replication.put("conflictResolution", strategy);
        replication.put("checkpointIntervalSeconds", 1);
    }

    /** Waits for the MongoDB initial sync to finish: from then on every write is a change event. */
    public static void awaitStreaming(DrServices services, Duration timeout) throws InterruptedException {
        ReplicationProgress progress = services.replication().orElseThrow().progress(Direction.of(EAST, WEST), StoreKind.MONGODB);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (progress.phase() != ReplicationProgress.Phase.STREAMING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(progress.phase()).as("replication phase").isEqualTo(ReplicationProgress.Phase.STREAMING);
    }

    /**
     * Waits until a store's workers have stopped in every direction: checkpoint written and readers closed, so no
     * round in flight can still replicate a change made afterwards.
     */
    public static void awaitStopped(DrServices services, StoreKind store, Duration timeout) throws InterruptedException {
        ReplicationService replication = services.replication().orElseThrow();
        BooleanSupplier stopped = () -> !replication.isRunning(store) && replication.directions().stream()
                .allMatch(d -> replication.progress(d, store).phase() == ReplicationProgress.Phase.STOPPED);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stopped.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(stopped.getAsBoolean()).as(store + " replication stopped in every direction").isTrue();
    }
}
