package io.devflow.dr.support;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class NewestFirstTest {

    private static final Instant T = Instant.parse("2026-12-03T18:51:05Z");

    record Entry(String id, String kind, Instant created) {
    }

    private final Map<String, Entry> folder = Map.of(
            "drills/drill-20261203-185104-ffffff", new Entry("a", "backup", T.minusSeconds(1)),
            "drills/drill-20261203-185105-ffffff", new Entry("b", "backup", T.plusMillis(100)),
            "drills/drill-20261203-185105-000000", new Entry("c", "failover", T.plusMillis(900)),
            "drills/drill-20261203-185105-7a7a7a", new Entry("d", "backup", T.plusMillis(500)));
    private final List<String> reads = new ArrayList<>();

    private List<String> newest(int limit, String kind) {
        return NewestFirst.read(List.copyOf(folder.keySet()), NewestFirst::stampedSecond, path -> {
            reads.add(path);
            return Optional.ofNullable(folder.get(path));
        }, e -> kind == null || e.kind().equals(kind), Entry::created, limit).stream().map(Entry::id).toList();
    }

    @Test
    void shouldOrderRecordsOfOneSecondByTheTimeInsideThemNotByTheirRandomSuffix() {
        assertThat(newest(1, null)).containsExactly("c");
        assertThat(newest(2, null)).containsExactly("c", "d");
        assertThat(newest(10, null)).containsExactly("c", "d", "b", "a");
    }

    @Test
    void shouldCountOnlyWantedRecordsTowardsTheLimit() {
        assertThat(newest(1, "backup")).containsExactly("d");
        assertThat(newest(3, "backup")).containsExactly("d", "b", "a");
    }

    @Test
    void shouldStopReadingAtTheFirstOlderSecondOnceTheLimitIsMet() {
        newest(1, null);

        assertThat(reads).hasSize(3).allMatch(p -> p.contains("-185105-"));
    }

    @Test
    void shouldReadTheSecondOfAStampedIdAndTreatAnyOtherShapeAsTheOldest() {
        assertThat(NewestFirst.stampedSecond("failovers/failover-20261203-185105-abcdef")).isEqualTo(20261203185105L);
        assertThat(NewestFirst.stampedSecond("failovers/not-an-id")).isZero();
    }
}
