package io.devflow.dr.replication.mongodb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.store.mongodb.ChangePosition;
import io.devflow.dr.store.mongodb.MongoChange;
import io.devflow.dr.store.mongodb.MongoJson;
import io.devflow.dr.store.mongodb.MongoVersions;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonTimestamp;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every rule by which a MongoDB change is applied, skipped, held or found in conflict. */
class MongoClassifierTest {

    private static final Direction EAST_TO_WEST = Direction.of("us-east-1", "us-west-2");
    private static final String THINGS = "devflow.things";
    private static final Instant NOW = Instant.parse("2026-01-27T10:30:00Z");
    private static final Instant CHANGED = Instant.parse("2026-01-27T10:29:59.250Z");
    private static final MongoCheckpoint STREAMING = new MongoCheckpoint("streaming", "1769509000.1", NOW, null,
            Map.of(ChangePosition.ALL_STREAMS, "1769509000.1"), NOW, 10, 1_000);

    private final Map<String, RawBsonDocument> documents = new HashMap<>();
    private final Map<String, MongoVersions.Version> versions = new HashMap<>();
    private final Map<String, MongoVersions.Version> sourceVersions = new HashMap<>();
    private final Set<String> interrupted = new HashSet<>();

    @Test
    void shouldApplyAChangeToARecordTheTargetHoldsAsReplicationLastWroteIt() {
        targetHas("a", doc("a", 1), replicatedFromSource(doc("a", 1)));

        MongoClassifier.Classification result = classify(change("a", doc("a", 2)));

        MongoApply apply = onlyApply(result);
        assertThat(apply.writes().changes()).extracting(MongoChange::document).containsExactly(doc("a", 2));
        assertThat(apply.writes().present()).containsExactly(id("a"));
        assertThat(apply.bytes()).isEqualTo(doc("a", 2).getByteBuffer().remaining());
        assertThat(apply.newest()).isEqualTo(CHANGED);
        BsonDocument version = single(apply.writes().versions());
        assertThat(version.getString("h").getValue()).isEqualTo(MongoJson.digest(doc("a", 2)));
        assertThat(version.getString("o").getValue()).isEqualTo("us-east-1");
        assertThat(version.getDateTime("t").getValue()).isEqualTo(CHANGED.toEpochMilli());
        assertThat(version.containsKey("c")).isFalse();
        assertThat(apply.writes().versionsPresent()).containsExactly(id("a"));
        assertThat(appliedCount(result)).isEqualTo(1);
    }

    @Test
    void shouldApplyARecordTheTargetNeverHad() {
        MongoClassifier.Classification result = classify(change("new", doc("new", 1)));

        MongoApply apply = onlyApply(result);
        assertThat(apply.writes().changes()).hasSize(1);
        assertThat(apply.writes().present()).isEmpty();
        assertThat(apply.writes().versionsPresent()).isEmpty();
    }

    @Test
    void shouldOnlyRecordTheVersionWhenTheTargetAlreadyHoldsTheChange() {
        targetHas("a", doc("a", 2), replicatedFromSource(doc("a", 1)));

        MongoApply apply = onlyApply(classify(change("a", doc("a", 2))));

        assertThat(apply.writes().changes()).as("nothing to write").isEmpty();
        assertThat(apply.bytes()).isZero();
        assertThat(single(apply.writes().versions()).getString("h").getValue()).isEqualTo(MongoJson.digest(doc("a", 2)));
    }

    @Test
    void shouldWriteADeletionAndKeepItsTombstoneFromNow() {
        targetHas("a", doc("a", 1), replicatedFromSource(doc("a", 1)));

        MongoApply apply = onlyApply(classify(deletion("a")));

        assertThat(apply.writes().changes()).singleElement().satisfies(c -> assertThat(c.deleted()).isTrue());
        BsonDocument tombstone = single(apply.writes().versions());
        assertThat(tombstone.isNull("h")).isTrue();
        assertThat(tombstone.getDateTime("d").getValue()).isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void shouldFindAConflictWhenTheTargetChangedTheRecordSinceReplicationWroteIt() {
        targetHas("a", doc("a", "target"), replicatedFromSource(doc("a", 1)));

        Classified<MongoCheckpoint> batch = classify(change("a", doc("a", "source"))).batch();

        RecordChange conflict = conflicting(batch);
        assertThat(conflict.change().document()).isEqualTo(doc("a", "source"));
        assertThat(conflict.digest()).isEqualTo(MongoJson.digest(doc("a", "source")));
        assertThat(conflict.existing()).isEqualTo(doc("a", "target"));
        assertThat(conflict.existingDigest()).isEqualTo(MongoJson.digest(doc("a", "target")));
        assertThat(apply(batch).writes().changes()).isEmpty();
        assertThat(apply(batch).writes().versions()).isEmpty();
    }

    @Test
    void shouldFindAConflictWhenTheTargetHasARecordReplicationNeverWrote() {
        documents.put(id("a"), doc("a", "target"));

        assertThat(conflicting(classify(change("a", doc("a", "source"))).batch()).existing()).isEqualTo(doc("a", "target"));
    }

    @Test
    void shouldFindAConflictWhenTheTargetDeletedARecordReplicationWrote() {
        versions.put(id("a"), replicatedFromSource(doc("a", 1)));

        assertThat(conflicting(classify(change("a", doc("a", 2))).batch()).existing()).isNull();
    }

    @Test
    void shouldFindAConflictWhenTheTargetWroteARecordReplicationDeleted() {
        targetHas("a", doc("a", "target"), new MongoVersions.Version(null, CHANGED, "us-east-1", null));

        assertThat(conflicting(classify(change("a", doc("a", "source"))).batch()).existing()).isEqualTo(doc("a", "target"));
    }

    @Test
    void shouldTakeARecordMissingAfterAnInterruptedRewriteAsReplicationsOwn() {
        versions.put(id("cut"), replicatedFromSource(doc("cut", 1)));
        interrupted.add(id("cut"));

        MongoApply apply = onlyApply(classify(change("cut", doc("cut", 2))));

        assertThat(apply.writes().changes()).extracting(MongoChange::document).containsExactly(doc("cut", 2));
        assertThat(apply.writes().wasInterrupted()).isTrue();
        assertThat(apply.writes().stillInterrupted()).as("restored by this batch").isEmpty();
    }

    @Test
    void shouldKeepTheInterruptedRecordsABatchDoesNotReachMarked() {
        interrupted.add(id("other"));

        MongoApply apply = onlyApply(classify(change("a", doc("a", 1))));

        assertThat(apply.writes().wasInterrupted()).isTrue();
        assertThat(apply.writes().stillInterrupted()).containsExactly(id("other"));
    }

    @Test
    void shouldNotMarkACollectionWhoseRewritesWereNeverCutOff() {
        MongoApply apply = onlyApply(classify(change("a", doc("a", 1))));

        assertThat(apply.writes().wasInterrupted()).isFalse();
        assertThat(apply.writes().stillInterrupted()).isEmpty();
    }

    @Test
    void shouldHoldAChangeOfARecordAnOpenConflictHolds() {
        targetHas("a", doc("a", "target"), new MongoVersions.Version(MongoJson.digest(doc("a", 1)), CHANGED,
                "us-east-1", "conflict-1"));

        Classified<MongoCheckpoint> batch = classify(change("a", doc("a", "later"))).batch();

        Outcome.Held<?> held = (Outcome.Held<?>) batch.outcomes().get(0);
        assertThat(held.conflictId()).isEqualTo("conflict-1");
        assertThat(((RecordChange) held.change()).change().document()).isEqualTo(doc("a", "later"));
        assertThat(batch.outcomes()).filteredOn(o -> o instanceof Outcome.Apply<?>)
                .singleElement().satisfies(o -> assertThat(((Outcome.Apply<?>) o).count()).as("not applied").isZero());
        assertThat(apply(batch).writes().versions()).isEmpty();
    }

    @Test
    void shouldSkipAnEchoWhileStreaming() {
        targetHas("a", doc("a", 1), replicatedFromSource(doc("a", 1)));
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "us-west-2", null));

        MongoClassifier.Classification result = classify(change("a", doc("a", 5)));

        assertThat(result.echoes()).isEqualTo(1);
        MongoApply apply = onlyApply(result);
        assertThat(apply.writes().changes()).isEmpty();
        assertThat(apply.writes().versions()).isEmpty();
        assertThat(apply.newest()).as("an echo still moves the lag on").isEqualTo(CHANGED);
        assertThat(appliedCount(result)).isZero();
    }

    @Test
    void shouldNotTakeAChangeForAnEchoWhenItIsNotWhatTheReverseDirectionWrote() {
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "us-west-2", null));

        MongoClassifier.Classification result = classify(change("a", doc("a", 6)));

        assertThat(result.echoes()).isZero();
        assertThat(onlyApply(result).writes().changes()).hasSize(1);
    }

    @Test
    void shouldNotTakeAChangeForAnEchoWhenItsSourceVersionCameFromElsewhere() {
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "eu-west-1", null));

        assertThat(classify(change("a", doc("a", 5))).echoes()).isZero();
    }

    @Test
    void shouldNotTakeAChangeForAnEchoWhileAConflictHoldsItsSourceVersion() {
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "us-west-2",
                "conflict-2"));

        assertThat(classify(change("a", doc("a", 5))).echoes()).isZero();
    }

    @Test
    void shouldSendBackInAnInitialSyncWhatTheTargetNoLongerHolds() {
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "us-west-2", null));

        MongoClassifier.Classification result = classify(copying(), copied("a", doc("a", 5)));

        assertThat(result.echoes()).isZero();
        assertThat(onlyApply(result).writes().changes()).extracting(MongoChange::document).containsExactly(doc("a", 5));
    }

    @Test
    void shouldSkipAnEchoInAnInitialSyncWhenTheTargetHoldsIt() {
        sourceVersions.put(id("a"), new MongoVersions.Version(MongoJson.digest(doc("a", 5)), CHANGED, "us-west-2", null));
        documents.put(id("a"), doc("a", 5));

        assertThat(classify(copying(), copied("a", doc("a", 5))).echoes()).isEqualTo(1);
    }

    @Test
    void shouldApplyOnlyARecordsLastChangeInABatchAndCountTheOthersWithIt() {
        MongoClassifier.Classification result = classify(change("a", doc("a", 1)), change("b", doc("b", 1)),
                change("a", doc("a", 2)), deletion("b"), change("a", doc("a", 3)));

        MongoApply apply = onlyApply(result);
        assertThat(apply.writes().changes()).as("b, created and deleted, is not written")
                .extracting(MongoChange::document).containsExactly(doc("a", 3));
        assertThat(apply.writes().versions()).extracting(v -> v.getString("_id").getValue())
                .containsExactly(id("b"), id("a"));
        assertThat(apply.writes().versions().get(0).isNull("h")).as("b's tombstone").isTrue();
        assertThat(result.superseded()).isEqualTo(3);
        assertThat(appliedCount(result)).as("every change counts as applied").isEqualTo(5);
        assertThat(result.batch().examined()).isEqualTo(5);
    }

    @Test
    void shouldCountEventsWithoutAChangeAsApplied() {
        MongoChanges read = new MongoChanges(EAST_TO_WEST, List.of(), 3, false, STREAMING, false);

        MongoClassifier.Classification result = MongoClassifier.classify(new MongoCompared(read, Map.of()), NOW);

        assertThat(result.superseded()).isEqualTo(3);
        assertThat(result.batch().outcomes()).isEmpty();
        assertThat(result.batch().reached().applied()).isEqualTo(STREAMING.applied() + 3);
    }

    @Test
    void shouldWriteEachCollectionOfABatchInOneGo() {
        MongoChange other = new MongoChange("devflow.others", new BsonString("x"), doc("x", 1),
                new BsonTimestamp(1_769_509_000, 2), CHANGED, token());
        MongoCompared.Target empty = new MongoCompared.Target(Map.of(), Map.of(), Map.of(), Set.of());
        MongoChanges read = new MongoChanges(EAST_TO_WEST, List.of(change("a", doc("a", 1)), other,
                change("b", doc("b", 1))), 0, false, STREAMING, false);

        Classified<MongoCheckpoint> batch = MongoClassifier.classify(new MongoCompared(read,
                Map.of(THINGS, empty, "devflow.others", empty)), NOW).batch();

        assertThat(batch.outcomes()).extracting(o -> ((MongoApply) ((Outcome.Apply<?>) o).writes()).writes().namespace())
                .containsExactly(THINGS, "devflow.others");
        assertThat(batch.outcomes()).extracting(o -> ((Outcome.Apply<?>) o).count()).containsExactly(2, 1);
    }

    @Test
    void shouldHandHeldChangesFirstThenTheWritesThenTheConflicts() {
        targetHas("held", doc("held", "target"), new MongoVersions.Version("x", CHANGED, "us-east-1", "conflict-1"));
        targetHas("conflict", doc("conflict", "target"), replicatedFromSource(doc("conflict", 1)));

        Classified<MongoCheckpoint> batch = classify(change("conflict", doc("conflict", 2)), change("free", doc("free", 1)),
                change("held", doc("held", 2))).batch();

        assertThat(batch.outcomes()).extracting(Outcome::kind).containsExactly("held", "apply", "conflict");
    }

    @Test
    void shouldReachTheBatchsPositionWithItsCounts() {
        MongoChanges read = new MongoChanges(EAST_TO_WEST, List.of(change("a", doc("a", 1))), 0, false,
                STREAMING.at(Map.of(ChangePosition.ALL_STREAMS, "1769509000.1", THINGS, "1769509005.3")), true);

        Classified<MongoCheckpoint> batch = MongoClassifier.classify(new MongoCompared(read, Map.of(THINGS,
                new MongoCompared.Target(documents, versions, sourceVersions, interrupted))), NOW).batch();

        assertThat(batch.reached().positions()).containsEntry(THINGS, "1769509005.3");
        assertThat(batch.reached().applied()).isEqualTo(STREAMING.applied() + 1);
        assertThat(batch.reached().bytes()).isEqualTo(STREAMING.bytes() + doc("a", 1).getByteBuffer().remaining());
        assertThat(batch.more()).isTrue();
        assertThat(batch.direction()).isEqualTo(EAST_TO_WEST);
    }

    private MongoClassifier.Classification classify(MongoChange... changes) {
        return classify(STREAMING, changes);
    }

    private MongoClassifier.Classification classify(MongoCheckpoint from, MongoChange... changes) {
        MongoChanges read = new MongoChanges(EAST_TO_WEST, List.of(changes), 0, from.copying(), from, false);
        return MongoClassifier.classify(new MongoCompared(read, Map.of(THINGS,
                new MongoCompared.Target(documents, versions, sourceVersions, interrupted))), NOW);
    }

    private static MongoCheckpoint copying() {
        return MongoCheckpoint.initialSync(ChangePosition.decode("1769509000.1"), NOW);
    }

    private void targetHas(String key, RawBsonDocument document, MongoVersions.Version version) {
        documents.put(id(key), document);
        versions.put(id(key), version);
    }

    private static MongoVersions.Version replicatedFromSource(RawBsonDocument document) {
        return new MongoVersions.Version(MongoJson.digest(document), CHANGED, "us-east-1", null);
    }

    private static MongoApply onlyApply(MongoClassifier.Classification result) {
        assertThat(result.batch().outcomes()).singleElement().extracting(Outcome::kind).isEqualTo("apply");
        return apply(result.batch());
    }

    private static MongoApply apply(Classified<MongoCheckpoint> batch) {
        return batch.outcomes().stream().filter(o -> o instanceof Outcome.Apply<?>)
                .map(o -> (MongoApply) ((Outcome.Apply<?>) o).writes()).findFirst().orElseThrow();
    }

    private static RecordChange conflicting(Classified<MongoCheckpoint> batch) {
        List<RecordChange> conflicts = new ArrayList<>();
        batch.outcomes().stream().filter(o -> o instanceof Outcome.Conflicting<?>)
                .forEach(o -> conflicts.add((RecordChange) ((Outcome.Conflicting<?>) o).change()));
        assertThat(conflicts).hasSize(1);
        return conflicts.get(0);
    }

    private static long appliedCount(MongoClassifier.Classification result) {
        return result.batch().reached().applied() - STREAMING.applied();
    }

    private static BsonDocument single(List<BsonDocument> documents) {
        assertThat(documents).hasSize(1);
        return documents.get(0);
    }

    private static String id(String key) {
        return MongoVersions.id(THINGS, MongoJson.key(new BsonString(key)));
    }

    private static MongoChange change(String key, RawBsonDocument document) {
        return new MongoChange(THINGS, new BsonString(key), document, new BsonTimestamp(1_769_509_000, 2), CHANGED, token());
    }

    private static MongoChange deletion(String key) {
        return new MongoChange(THINGS, new BsonString(key), null, new BsonTimestamp(1_769_509_000, 3), CHANGED, token());
    }

    private static MongoChange copied(String key, RawBsonDocument document) {
        return MongoChange.copied(THINGS, document, new BsonTimestamp(1_769_509_000, 1));
    }

    private static BsonDocument token() {
        return new BsonDocument("_data", new BsonString("8265"));
    }

    private static RawBsonDocument doc(String key, Object value) {
        BsonDocument document = new BsonDocument("_id", new BsonString(key));
        document.append("v", value instanceof Integer i ? new BsonInt32(i) : new BsonString(value.toString()));
        return RawBsonDocument.parse(document.toJson());
    }
}
