package io.devflow.dr.catalog;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackupIdTest {

    @Test
    void shouldGenerateAnIdFromTypeAndStartTime() {
        Instant start = Instant.parse("2026-01-25T02:03:04.987Z");

        BackupId id = BackupId.generate(BackupType.FULL, start);

        assertThat(id.value()).matches("backup-full-20260125-020304-[a-z0-9]{6}");
        assertThat(id.toString()).isEqualTo(id.value());
        assertThat(id.type()).isEqualTo(BackupType.FULL);
        assertThat(id.startedAt()).isEqualTo(Instant.parse("2026-01-25T02:03:04Z"));
        assertThat(id.day()).isEqualTo(LocalDate.of(2026, 1, 25));
        assertThat(BackupId.generate(BackupType.INCREMENTAL, start).value()).startsWith("backup-incremental-20260125-020304-");
    }

    @Test
    void shouldUseTheUtcDay() {
        BackupId id = BackupId.generate(BackupType.FULL, Instant.parse("2026-01-25T23:59:59Z"));

        assertThat(id.day()).isEqualTo(LocalDate.of(2026, 1, 25));
        assertThat(BackupId.generate(BackupType.FULL, Instant.parse("2026-01-26T00:00:00Z")).day())
                .isEqualTo(LocalDate.of(2026, 1, 26));
    }

    @Test
    void shouldGiveEachBackupItsOwnSuffix() {
        Instant start = Instant.parse("2026-01-25T02:00:00Z");
        Set<BackupId> ids = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            ids.add(BackupId.generate(BackupType.FULL, start));
        }

        assertThat(ids).hasSize(1_000);
    }

    @Test
    void shouldParseTheDocumentedExample() {
        assertThat(BackupId.parse(BackupId.EXAMPLE)).get().satisfies(id -> {
            assertThat(id.value()).isEqualTo("backup-full-20260125-020000-x7k2p9");
            assertThat(id.type()).isEqualTo(BackupType.FULL);
            assertThat(id.startedAt()).isEqualTo(Instant.parse("2026-01-25T02:00:00Z"));
        });
        assertThat(BackupId.parse("backup-incremental-20251231-235959-000000")).get()
                .extracting(BackupId::type).isEqualTo(BackupType.INCREMENTAL);
    }

    @Test
    void shouldRejectStringsThatAreNotBackupIds() {
        List<String> invalid = new ArrayList<>(List.of(
                "",
                "backup-full-20260125-020000",
                "backup-full-20260125-020000-x7k2p",
                "backup-full-20260125-020000-x7k2p9a",
                "backup-full-20260125-020000-X7K2P9",
                "backup-daily-20260125-020000-x7k2p9",
                "backup-full-2026012-020000-x7k2p9",
                "backup-full-20260125-0200-x7k2p9",
                " backup-full-20260125-020000-x7k2p9",
                "backup-full-20260125-020000-x7k2p9/",
                "backup-full-20261325-020000-x7k2p9",
                "backup-full-20260132-020000-x7k2p9",
                "backup-full-20260125-250000-x7k2p9",
                "backup-full-20260125-026000-x7k2p9"));
        invalid.add(null);

        for (String text : invalid) {
            assertThat(BackupId.parse(text)).as(String.valueOf(text)).isEmpty();
        }
        assertThatThrownBy(() -> new BackupId("backup-daily-20260125-020000-x7k2p9"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(BackupId.EXAMPLE);
        assertThatThrownBy(() -> new BackupId(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldSortByStartTime() {
        BackupId earlier = new BackupId("backup-full-20260124-235959-zzzzzz");
        BackupId later = new BackupId("backup-full-20260125-000000-aaaaaa");

        assertThat(earlier).isLessThan(later);
        assertThat(new BackupId(BackupId.EXAMPLE)).isEqualTo(BackupId.parse(BackupId.EXAMPLE).orElseThrow());
    }

    @Test
    void shouldRejectDatesThatDoNotExist() {
        assertThat(BackupId.parse("backup-full-20260230-020000-abc123")).isEmpty();
        assertThat(BackupId.parse("backup-full-20261301-020000-abc123")).isEmpty();
        assertThat(BackupId.parse("backup-full-20260101-250000-abc123")).isEmpty();
        assertThatThrownBy(() -> new BackupId("backup-full-20260230-020000-abc123"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no real date");
    }
}
