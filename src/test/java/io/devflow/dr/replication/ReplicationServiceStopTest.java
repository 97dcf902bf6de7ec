package io.devflow.dr.replication;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.metrics.ReplicationMetrics;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestConfigs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stopping a store while its worker route is between the poll and the commit of a round: the stop waits for the
 * commit, so the final checkpoint never passes conflicts the route has not recorded yet, and a poll after the
 * stop reads nothing.
 */
class ReplicationServiceStopTest {

    private final MemoryStateStore state = new MemoryStateStore();
    private final RecordingReplicator replicator = new RecordingReplicator();
    private final ReplicationService service = service(replicator);

    @Test
    void shouldWaitForTheRoundInProgressBeforeStopping() throws Exception {
        service.start(StoreKind.MONGODB);
        Round round = service.poll("mongodb");
        assertThat(round.batches()).hasSize(1);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> service.stop(StoreKind.MONGODB));
        Thread.sleep(300);
        assertThat(stopping).as("the stop waits while the round is not committed").isNotDone();
        assertThat(replicator.calls).containsExactly("poll");

        service.commit(round);
        stopping.get(5, TimeUnit.SECONDS);
        assertThat(replicator.calls).containsExactly("poll", "commit", "stop");

        assertThat(service.poll("mongodb").batches()).as("a poll after the stop reads nothing").isEmpty();
        assertThat(replicator.calls).containsExactly("poll", "commit", "stop");
    }

    @Test
    void shouldStopAtOnceWhenNoRoundIsInProgress() throws Exception {
        service.start(StoreKind.MONGODB);
        service.commit(service.poll("mongodb"));

        CompletableFuture.runAsync(() -> service.stop(StoreKind.MONGODB)).get(5, TimeUnit.SECONDS);
        assertThat(replicator.calls).containsExactly("poll", "commit", "stop");
    }

    private ReplicationService service(StoreReplicator replicator) {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("replication");
        ReplicationConfig config = TestConfigs.load(root).replication().orElseThrow();
        Map<StoreKind, StoreReplicator> replicators = new EnumMap<>(StoreKind.class);
        replicators.put(StoreKind.MONGODB, replicator);
        return new ReplicationService(config, replicators, new ConflictStore(state), state,
                new AuditLog(state, Clock.systemUTC()), new ReplicationMetrics(new SimpleMeterRegistry()), Clock.systemUTC());
    }

    /** A replicator that only records what it is asked to do. */
    private static final class RecordingReplicator implements StoreReplicator {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public StoreKind store() {
            return StoreKind.MONGODB;
        }

        @Override
        public Batch poll(Direction direction, ReplicationProgress progress) {
            calls.add("poll");
            return new Batch(direction, "mongodb", 1, List.of(), List.of(), JsonNodeFactory.instance.objectNode(), false);
        }

        @Override
        public void commit(Batch batch) {
            calls.add("commit");
        }

        @Override
        public void settle(Conflict conflict) {
            calls.add("settle");
        }

        @Override
        public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
            throw new UnsupportedOperationException("no conflicts here");
        }

        @Override
        public void reset(Direction direction) {
            calls.add("reset");
        }

        @Override
        public void stop(Direction direction) {
            calls.add("stop");
        }

        @Override
        public Map<String, Long> targetCounts(Direction direction) {
            return Map.of();
        }

        @Override
        public void close() {
        }
    }
}
