package io.devflow.dr.replication.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.store.mongodb.ChangePosition;
import io.devflow.dr.support.Json;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The MongoDB replication checkpoint keeps the JSON shape earlier versions saved, so their checkpoints still load. */
class MongoCheckpointTest {

    /** As the previous version saved a direction in its initial sync. */
    private static final String OLD_INITIAL_SYNC = """
            {"phase": "initial-sync", "start": "1769509000.7", "startedAt": "2026-01-27T10:30:00.123456Z",
             "copied": ["devflow.events", "devflow.items"], "applied": 600, "bytes": 123456}""";

    /** As the previous version saved a direction following the change streams. */
    private static final String OLD_STREAMING = """
            {"phase": "streaming", "start": "1769509000.7", "startedAt": "2026-01-27T10:30:00.123456Z",
             "applied": 1234, "bytes": 654321,
             "positions": {"*": "1769509100.1",
                           "devflow.items": "1769509090.4:{\\"_data\\": \\"8265A0F2B4000000042B0229296E04\\"}"},
             "initialSyncCompletedAt": "2026-01-27T10:30:05Z"}""";

    @Test
    void shouldReadACheckpointThePreviousVersionSavedDuringTheInitialSync() throws Exception {
        MongoCheckpoint checkpoint = Json.MAPPER.readValue(OLD_INITIAL_SYNC, MongoCheckpoint.class);

        assertThat(checkpoint.copying()).isTrue();
        assertThat(checkpoint.startPosition()).isEqualTo(ChangePosition.decode("1769509000.7"));
        assertThat(checkpoint.startedAt()).isEqualTo(Instant.parse("2026-01-27T10:30:00.123456Z"));
        assertThat(checkpoint.copied()).containsExactly("devflow.events", "devflow.items");
        assertThat(checkpoint.positions()).isNull();
        assertThat(checkpoint.applied()).isEqualTo(600);
        assertThat(checkpoint.bytes()).isEqualTo(123456);
    }

    @Test
    void shouldReadACheckpointThePreviousVersionSavedWhileStreaming() throws Exception {
        MongoCheckpoint checkpoint = Json.MAPPER.readValue(OLD_STREAMING, MongoCheckpoint.class);

        assertThat(checkpoint.copying()).isFalse();
        assertThat(checkpoint.copied()).isNull();
        assertThat(ChangePosition.decodeAll(checkpoint.positions()))
                .containsEntry(ChangePosition.ALL_STREAMS, ChangePosition.decode("1769509100.1"))
                .hasEntrySatisfying("devflow.items", p -> assertThat(p.token().getString("_data").getValue())
                        .isEqualTo("8265A0F2B4000000042B0229296E04"));
        assertThat(checkpoint.initialSyncCompletedAt()).isEqualTo(Instant.parse("2026-01-27T10:30:05Z"));
        assertThat(checkpoint.applied()).isEqualTo(1234);
    }

    @Test
    void shouldWriteTheShapeThePreviousVersionWrote() throws Exception {
        for (String old : List.of(OLD_INITIAL_SYNC, OLD_STREAMING)) {
            JsonNode saved = Json.MAPPER.readTree(old);

            JsonNode written = Json.MAPPER.readTree(Json.MAPPER.writeValueAsString(
                    Json.MAPPER.treeToValue(saved, MongoCheckpoint.class)));

            assertThat(written).isEqualTo(saved);
        }
    }

    @Test
    void shouldRoundTripEveryPhase() throws Exception {
        MongoCheckpoint syncing = MongoCheckpoint.initialSync(ChangePosition.decode("1769509000.7"),
                Instant.parse("2026-01-27T10:30:00Z")).withCopied("devflow.items").plusApplied(3, 300);
        MongoCheckpoint streaming = syncing.streaming(Instant.parse("2026-01-27T10:31:00Z"))
                .at(Map.of("*", "1769509100.1", "devflow.items", "1769509090.4"));

        for (MongoCheckpoint checkpoint : List.of(syncing, streaming)) {
            assertThat(Json.MAPPER.treeToValue(Json.MAPPER.valueToTree(checkpoint), MongoCheckpoint.class))
                    .isEqualTo(checkpoint);
        }
        assertThat(Json.MAPPER.valueToTree(streaming).has("copied")).isFalse();
        assertThat(Json.MAPPER.valueToTree(syncing).has("positions")).isFalse();
        assertThat(Json.MAPPER.valueToTree(syncing).has("milestone")).isFalse();
    }

    @Test
    void shouldFollowEveryStreamFromTheSyncsStartOnceTheCopyIsComplete() {
        MongoCheckpoint streaming = MongoCheckpoint.initialSync(ChangePosition.decode("1769509000.7"),
                Instant.parse("2026-01-27T10:30:00Z")).plusApplied(5, 50).streaming(Instant.parse("2026-01-27T10:31:00Z"));

        assertThat(streaming.phase()).isEqualTo("streaming");
        assertThat(streaming.positions()).containsExactly(Map.entry(ChangePosition.ALL_STREAMS, "1769509000.7"));
        assertThat(streaming.initialSyncCompletedAt()).isEqualTo(Instant.parse("2026-01-27T10:31:00Z"));
        assertThat(streaming.applied()).isEqualTo(5);
        assertThat(streaming.syncStart()).isEqualTo(Instant.ofEpochSecond(1769509000));
    }

    @Test
    void shouldBeSavedAtOnceWhenACollectionIsCopiedOrThePhaseChanges() {
        MongoCheckpoint start = MongoCheckpoint.initialSync(ChangePosition.decode("1769509000.7"), Instant.EPOCH);
        MongoCheckpoint copied = start.withCopied("devflow.items");
        MongoCheckpoint streaming = copied.streaming(Instant.EPOCH);

        assertThat(start.plusApplied(500, 5000).milestone()).isEqualTo(start.milestone());
        assertThat(copied.milestone()).isNotEqualTo(start.milestone());
        assertThat(streaming.milestone()).isNotEqualTo(copied.milestone());
        assertThat(streaming.at(Map.of("*", "1769509100.1")).plusApplied(1, 1).milestone()).isEqualTo(streaming.milestone());
    }
}
