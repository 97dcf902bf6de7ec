package io.devflow.dr.control;

import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.NotFoundException;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConflictIdTest {

    private static final Instant AT = Instant.parse("2026-01-27T10:30:01.999Z");

    @Test
    void shouldStampTheDetectionTimeInUtcFollowedBySixRandomCharacters() {
        String id = ConflictId.generate(AT);

        assertThat(id).matches("conflict-20260127-103001-[a-z0-9]{6}");
        assertThat(ConflictId.isValid(id)).isTrue();
    }

    @Test
    void shouldTellIdsOfTheSameSecondApart() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            ids.add(ConflictId.generate(AT));
        }

        assertThat(ids).hasSize(50);
    }

    @Test
    void shouldSortIdsByDetectionTime() {
        String earlier = ConflictId.generate(Instant.parse("2026-01-27T09:59:59Z"));
        String later = ConflictId.generate(Instant.parse("2026-01-27T10:00:00Z"));

        assertThat(earlier).isLessThan(later);
    }

    @Test
    void shouldAcceptTheDocumentedExample() {
        assertThat(ConflictId.isValid(ConflictId.EXAMPLE)).isTrue();
    }

    @Test
    void shouldRefuseIdsOfAnotherShape() {
        assertThat(ConflictId.isValid(null)).isFalse();
        assertThat(ConflictId.isValid("")).isFalse();
        assertThat(ConflictId.isValid("conflict-20260127-103001-K3M9QZ")).isFalse();
        assertThat(ConflictId.isValid("conflict-20260127-103001-k3m9q")).isFalse();
        assertThat(ConflictId.isValid("conflict-20260127-103001-k3m9qz7")).isFalse();
        assertThat(ConflictId.isValid("conflict-2026012-103001-k3m9qz")).isFalse();
        assertThat(ConflictId.isValid(" conflict-20260127-103001-k3m9qz")).isFalse();
        assertThat(ConflictId.isValid("failure-20260127-103001-k3m9qz")).isFalse();
        assertThat(ConflictId.isValid("backup-full-20260125-020000-x7k2p9")).isFalse();
        assertThat(ConflictId.isValid("conflict-20260127-103001-k3m9qz/../x")).isFalse();
    }

    @Test
    void shouldRefuseAMalformedIdAsAUsageErrorNamingAnExample() {
        ConflictStore store = new ConflictStore(new MemoryStateStore(), TestKeys.conflictCipher());

        assertThatThrownBy(() -> store.get("k3m9qz"))
                .isExactlyInstanceOf(InvalidRequestException.class)
                .hasMessage("'k3m9qz' is not a conflict id (for example conflict-20260127-103001-k3m9qz); "
                        + "'dr conflicts list' shows them");
    }

    @Test
    void shouldReportAWellFormedIdThatIsNotStoredAsNotFound() {
        ConflictStore store = new ConflictStore(new MemoryStateStore(), TestKeys.conflictCipher());

        assertThatThrownBy(() -> store.get(ConflictId.EXAMPLE))
                .isInstanceOf(NotFoundException.class)
                .hasMessageStartingWith("no conflict conflict-20260127-103001-k3m9qz in the control state");
    }
}
