package io.devflow.dr.drill;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.testing.MemoryStateStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class LatestDrillsTest {

    static final Instant T0 = Instant.parse("2026-11-02T03:00:00Z");

    final MemoryStateStore memory = new MemoryStateStore();
    final AtomicBoolean unreachable = new AtomicBoolean();
    final DrillRecords records = new DrillRecords(new FlakyStore());
    final LatestDrills latest = new LatestDrills(records);

    @Test
    void shouldTakeTheNewestFinishedDrillOfEachTypeAndPassOverOneStillRunning() {
        records.save(ended("drill-20261102-030000-aaaaaa", DrillType.REPLICATION, T0, true));
        records.save(ended("drill-20261102-040000-bbbbbb", DrillType.REPLICATION, T0.plusSeconds(3600), false));
        records.save(running("drill-20261102-050000-cccccc", DrillType.REPLICATION, T0.plusSeconds(7200)));
        records.save(ended("drill-20261102-033000-dddddd", DrillType.BACKUP, T0.plusSeconds(1800), true));

        latest.refresh();

        assertThat(latest.of(DrillType.REPLICATION)).map(DrillResult::id).contains("drill-20261102-040000-bbbbbb");
        assertThat(latest.of(DrillType.REPLICATION)).map(DrillResult::passed).contains(false);
        assertThat(latest.of(DrillType.BACKUP)).map(DrillResult::id).contains("drill-20261102-033000-dddddd");
        assertThat(latest.of(DrillType.FAILOVER)).isEmpty();
    }

    @Test
    void shouldKeepTheLastResultsWhileTheControlStateCannotBeRead() {
        records.save(ended("drill-20261102-030000-aaaaaa", DrillType.FAILOVER, T0, true));
        latest.refresh();
        records.save(ended("drill-20261102-040000-bbbbbb", DrillType.FAILOVER, T0.plusSeconds(3600), false));
        unreachable.set(true);

        latest.refresh();

        assertThat(latest.of(DrillType.FAILOVER)).map(DrillResult::id).contains("drill-20261102-030000-aaaaaa");
    }

    private static DrillResult ended(String id, DrillType type, Instant endedAt, boolean passed) {
        return new DrillResult(id, type, id, "schedule", "schedule", passed ? "passed" : "failed",
                endedAt.minusSeconds(60), endedAt, passed, Map.of(), List.of(), List.of(), passed ? null : "not seen");
    }

    private static DrillResult running(String id, DrillType type, Instant startedAt) {
        return new DrillResult(id, type, id, "schedule", "schedule", "running", startedAt, null, false, Map.of(),
                List.of(), List.of(), null);
    }

    /** The memory store, as a bucket that stops answering when {@link #unreachable} is set. */
    private final class FlakyStore implements StateStore {
        @Override
        public Optional<StateDocument> read(String path) {
            check();
            return memory.read(path);
        }

        @Override
        public StateDocument write(String path, JsonNode content) {
            return memory.write(path, content);
        }

        @Override
        public void delete(String path) {
            memory.delete(path);
        }

        @Override
        public List<String> list(String folder) {
            check();
            return memory.list(folder);
        }

        private void check() {
            if (unreachable.get()) {
                throw new IllegalStateException("the bucket of us-east-1 is unreachable");
            }
        }
    }
}
