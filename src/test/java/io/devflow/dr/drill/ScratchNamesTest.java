package io.devflow.dr.drill;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ScratchNamesTest {

    @Test
    void shouldNameScratchDatabasesAfterTheDrillAndTheSourceAndFallBackToANumber() {
        String id = "drill-20260301-040000-a1b2c3";

        assertThat(ScratchNames.of(id, List.of("devflow", "metrics", "x".repeat(60), "odd name")))
                .containsExactly(
                        java.util.Map.entry("devflow", "dr_drill_a1b2c3_devflow"),
                        java.util.Map.entry("metrics", "dr_drill_a1b2c3_metrics"),
                        java.util.Map.entry("x".repeat(60), "dr_drill_a1b2c3_2"),
                        java.util.Map.entry("odd name", "dr_drill_a1b2c3_3"));
    }

    @Test
    void shouldMakeIdsThatSortByTimeAndCarryARandomTag() {
        String id = DrillRecords.newId(java.time.Instant.parse("2026-03-01T04:00:00Z"));

        assertThat(id).matches("drill-20260301-040000-[0-9a-f]{6}");
        assertThat(DrillRecords.isId(id)).isTrue();
        assertThat(DrillRecords.isId("drill-2026")).isFalse();
        assertThat(DrillRecords.scratchTag(id)).isEqualTo(id.substring(22));
    }
}
