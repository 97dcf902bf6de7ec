package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.config.ConflictStrategy;
import io.devflow.dr.config.Direction;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.TestKeys;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Conflict records hold whole documents of both regions: they are stored encrypted, records written in the clear
 * by the previous version stay readable and are encrypted when next saved, and resolved ones are pruned.
 */
class ConflictStoreTest {

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");
    private static final String SECRET = "card-4111-1111-1111-1111";
    private static final String OPEN = "replication/conflicts/open/";
    private static final String RESOLVED = "replication/conflicts/resolved/";

    private final MemoryStateStore state = new MemoryStateStore();
    private final KeyProvider keys = TestKeys.inMemory();
    private final ConflictStore store = new ConflictStore(state, cipher("devflow-test"));

    @Test
    void shouldKeepNoDocumentOfEitherRegionInTheClear() {
        Conflict conflict = open(NOW.minus(Duration.ofMinutes(5)));

        store.save(conflict);

        JsonNode stored = state.read(OPEN + conflict.id()).orElseThrow().content();
        assertThat(stored.toString()).doesNotContain(SECRET).doesNotContain("us-west-2").doesNotContain("qty");
        assertThat(stored.path("encrypted").asText()).isEqualTo("devflow-dr-conflict/v1");
        assertThat(stored.path("key").path("wrappedKey").asText()).isNotBlank();
        assertThat(store.get(conflict.id())).isEqualTo(conflict);
        assertThat(store.open()).containsExactly(conflict);
    }

    @Test
    void shouldReadAConflictThePreviousVersionWroteInTheClearAndEncryptItWhenSaved() {
        Conflict legacy = open(NOW.minus(Duration.ofMinutes(5)));
        state.write(OPEN + legacy.id(), Json.MAPPER.valueToTree(legacy));

        assertThat(store.get(legacy.id())).isEqualTo(legacy);
        assertThat(store.open()).containsExactly(legacy);

        Conflict held = legacy.withLaterSource(version("{\"qty\": 9, \"note\": \"" + SECRET + "\"}"));
        store.save(held);
        assertThat(state.read(OPEN + legacy.id()).orElseThrow().content().toString()).doesNotContain(SECRET);
        assertThat(store.get(legacy.id())).isEqualTo(held);

        Conflict resolved = held.resolved(Decision.TARGET, "cli", NOW, null, "kept the target");
        store.save(resolved);
        assertThat(state.read(OPEN + legacy.id())).isEmpty();
        assertThat(state.read(RESOLVED + legacy.id()).orElseThrow().content().toString()).doesNotContain(SECRET);
        assertThat(store.resolved(10)).containsExactly(resolved);
    }

    @Test
    void shouldRefuseARecordMovedUnderAnotherIdOrReadByAnotherDeployment() {
        Conflict first = open(NOW.minus(Duration.ofMinutes(5)));
        Conflict second = open(NOW.minus(Duration.ofMinutes(4)));
        store.save(first);
        store.save(second);
        state.write(OPEN + second.id(), state.read(OPEN + first.id()).orElseThrow().content());

        assertThatThrownBy(() -> store.get(second.id()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(second.id()).hasMessageContaining("does not decrypt");
        ConflictStore otherDeployment = new ConflictStore(state, cipher("devflow-staging"));
        assertThatThrownBy(() -> otherDeployment.get(first.id())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void shouldDeleteOnlyConflictsResolvedBeforeTheCutOff() {
        Instant longAgo = NOW.minus(Duration.ofDays(120));
        Conflict resolvedLongAgo = open(longAgo).resolved(Decision.SOURCE, "cli", longAgo.plusSeconds(60), null, "ok");
        Conflict resolvedLately = open(longAgo.plusSeconds(1)).resolved(Decision.SOURCE, "cli", NOW.minus(Duration.ofDays(10)),
                null, "ok");
        Conflict stillOpen = open(longAgo.plusSeconds(2));
        Conflict legacyResolved = open(longAgo.plusSeconds(3)).resolved(Decision.TARGET, "api", longAgo.plusSeconds(90),
                null, "ok");
        Conflict recent = open(NOW.minus(Duration.ofDays(1))).resolved(Decision.SOURCE, "strategy",
                NOW.minus(Duration.ofDays(1)), null, "later");
        List.of(resolvedLongAgo, resolvedLately, stillOpen, recent).forEach(store::save);
        state.write(RESOLVED + legacyResolved.id(), Json.MAPPER.valueToTree(legacyResolved));
        state.write(OPEN + legacyResolved.id(), Json.MAPPER.valueToTree(open(longAgo.plusSeconds(3))));
        Instant cutOff = NOW.minus(Duration.ofDays(90));

        List<String> wouldGo = store.pruneResolved(cutOff, true);
        List<String> paths = state.paths();
        List<String> gone = store.pruneResolved(cutOff, false);

        assertThat(wouldGo).containsExactly(resolvedLongAgo.id(), legacyResolved.id());
        assertThat(paths).contains(RESOLVED + resolvedLongAgo.id());
        assertThat(gone).isEqualTo(wouldGo);
        assertThat(state.paths()).containsExactlyInAnyOrder(OPEN + stillOpen.id(), RESOLVED + resolvedLately.id(),
                RESOLVED + recent.id());
    }

    private ConflictCipher cipher(String deployment) {
        return new ConflictCipher(keys, deployment, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Conflict open(Instant detected) {
        return Conflict.detected(ConflictId.generate(detected), "mongodb", EAST_TO_WEST,
                new ConflictRecord("devflow", "orders", "{\"$oid\": \"65b4f0c2a1e3f9b0c4d5e6f7\"}"),
                ConflictStrategy.MANUAL, detected, version("{\"qty\": 2, \"note\": \"" + SECRET + "\"}"),
                version("{\"qty\": 5}"), Decision.PENDING, "manual");
    }

    private static RecordVersion version(String content) {
        try {
            return new RecordVersion(true, Json.MAPPER.readTree(content), null, null, "00".repeat(32));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
