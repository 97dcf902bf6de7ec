package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.store.redis.RedisVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static io.devflow.dr.replication.redis.KeyStateTest.EAST;
import static io.devflow.dr.replication.redis.KeyStateTest.NONE;
import static io.devflow.dr.replication.redis.KeyStateTest.NOW;
import static io.devflow.dr.replication.redis.KeyStateTest.WEST;
import static io.devflow.dr.replication.redis.KeyStateTest.copied;
import static io.devflow.dr.replication.redis.KeyStateTest.digest;
import static io.devflow.dr.replication.redis.KeyStateTest.dump;
import static org.assertj.core.api.Assertions.assertThat;

/** How the classify step turns the keys of a batch (east into west) into the outcomes the worker route handles. */
class RedisClassifierTest {

    static final Direction EAST_TO_WEST = Direction.of(EAST, WEST);
    static final Instant STARTED = Instant.ofEpochMilli(NOW - 3_600_000);
    static final RedisCheckpoint STREAMING = RedisCheckpoint.starting(STARTED).initialSyncCompleted(STARTED.plusSeconds(60));
    static final RedisCheckpoint SYNCING = RedisCheckpoint.starting(STARTED);

    @Test
    void shouldCopyKeysThatConflictWithNothingInOneWritePerDatabase() {
        KeyChange a = notified(0, "a", newKey("a"));
        KeyChange b = notified(0, "b", newKey("b"));
        KeyChange c = notified(3, "c", newKey("c"));

        RedisClassifier.Decided decided = classify(STREAMING, a, b, c);

        assertThat(decided.batch().outcomes()).hasSize(2);
        Outcome.Apply<RedisWrites> db0 = apply(decided.batch().outcomes().get(0));
        Outcome.Apply<RedisWrites> db3 = apply(decided.batch().outcomes().get(1));
        assertThat(db0.writes().database()).isZero();
        assertThat(db0.writes().copies()).containsExactly(a, b);
        assertThat(db0.count()).isEqualTo(2);
        assertThat(db3.writes().database()).isEqualTo(3);
        assertThat(db3.writes().copies()).containsExactly(c);
        assertThat(decided.echoes()).isZero();
    }

    @Test
    void shouldOnlyRecordEqualValuesReplicationHasNoRecordOf() {
        KeyState same = new KeyState(key("same"), dump("v", 1), NONE, null, dump("v", 2), NONE, null);

        RedisClassifier.Decided decided = classify(STREAMING, notified(0, "same", same));

        Outcome.Apply<RedisWrites> apply = apply(decided.batch().outcomes().get(0));
        assertThat(apply.writes().copies()).isEmpty();
        assertThat(apply.writes().adopted()).containsExactly(same);
        assertThat(apply.count()).as("nothing is copied").isZero();
    }

    @Test
    void shouldCountEchoesAndLeaveThemAndKeysInStepWithoutAnOutcome() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);
        KeyState echo = new KeyState(key("echo"), eastCopy, NONE, reverse, westOriginal, NONE, null);
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        KeyState synced = new KeyState(key("synced"), east, NONE, null, west, NONE, copied(east, west));

        RedisClassifier.Decided decided = classify(STREAMING, notified(0, "echo", echo), notified(0, "synced", synced));

        assertThat(decided.batch().outcomes()).isEmpty();
        assertThat(decided.echoes()).isEqualTo(1);
        assertThat(decided.batch().examined()).isEqualTo(2);
        assertThat(decided.batch().foundWork()).as("keys were looked at").isTrue();
    }

    @Test
    void shouldKeepAChangeOfAHeldKeyWithItsConflict() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        RedisVersion held = copied(east, west).holding("conflict-20260127-103001-k3m9qz", NOW);
        KeyChange change = notified(0, "held", new KeyState(key("held"), dump("v2", 1), NONE, null, dump("west", 2), NONE, held));

        RedisClassifier.Decided decided = classify(STREAMING, change);

        assertThat(decided.batch().outcomes()).singleElement().isInstanceOfSatisfying(Outcome.Held.class, h -> {
            assertThat(h.conflictId()).isEqualTo("conflict-20260127-103001-k3m9qz");
            assertThat(h.change()).isEqualTo(change);
            assertThat(h.direction()).isEqualTo(EAST_TO_WEST);
        });
    }

    @Test
    void shouldHandAKeyChangedInBothRegionsToTheConflictRouteAfterTheWrites() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        KeyChange conflicting = notified(0, "both", new KeyState(key("both"), dump("east", 1), NONE, null,
                dump("west", 2), NONE, copied(east, west)));
        KeyChange copy = notified(0, "new", newKey("new"));

        RedisClassifier.Decided decided = classify(STREAMING, conflicting, copy);

        assertThat(decided.batch().outcomes()).extracting(Outcome::kind).containsExactly("apply", "conflict");
        assertThat(decided.batch().outcomes().get(1)).isInstanceOfSatisfying(Outcome.Conflicting.class,
                c -> assertThat(c.change()).isEqualTo(conflicting));
    }

    @Test
    void shouldRepairAKeyTheTargetLostOnlyWhenTheRegionsWereCompared() {
        byte[] east = dump("v1", 1);
        KeyState lost = new KeyState(key("lost"), east, NONE, null, null, NONE, copied(east, dump("v1", 2)));

        assertThat(classify(STREAMING, notified(0, "lost", lost)).batch().outcomes())
                .as("notified: someone deleted it in the target").extracting(Outcome::kind).containsExactly("conflict");
        assertThat(classify(STREAMING, repair(0, "lost", lost, false)).batch().outcomes())
                .as("found by the reconcile").extracting(Outcome::kind).containsExactly("apply");
        assertThat(classify(SYNCING, notified(0, "lost", lost)).batch().outcomes())
                .as("during the initial sync").extracting(Outcome::kind).containsExactly("apply");
    }

    @Test
    void shouldLeaveALostKeyToTheReverseDirectionThatQueuedItsDeletion() {
        byte[] east = dump("v1", 1);
        KeyState lost = new KeyState(key("lost"), east, NONE, null, null, NONE, copied(east, dump("v1", 2)));

        RedisClassifier.Decided compared = classify(STREAMING, repair(0, "lost", lost, true));
        RedisClassifier.Decided notified = classify(STREAMING, change(0, "lost", lost, false, true, NOW));

        assertThat(compared.batch().outcomes()).as("not resurrected").isEmpty();
        assertThat(compared.echoes()).isZero();
        assertThat(notified.batch().outcomes()).extracting(Outcome::kind).containsExactly("conflict");
    }

    @Test
    void shouldJudgeExpiriesAtTheTimeEachKeyWasCompared() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        RedisVersion expiring = new RedisVersion(digest(east), digest(west), NOW - 200, NOW - 200, EAST, null, NOW - 5_000);
        KeyState state = new KeyState(key("k"), dump("v2", 1), NONE, null, null, NONE, expiring);

        assertThat(classify(STREAMING, change(0, "k", state, false, false, NOW)).batch().outcomes())
                .as("expired in the target as written").extracting(Outcome::kind).containsExactly("apply");
        assertThat(classify(STREAMING, change(0, "k", state, false, false, NOW - 60_000)).batch().outcomes())
                .as("gone before its time").extracting(Outcome::kind).containsExactly("conflict");
    }

    @Test
    void shouldHandOnWhereTheDirectionStands() {
        ComparedKeys keys = new ComparedKeys(EAST_TO_WEST, List.of(notified(0, "a", newKey("a"))), STREAMING, true);

        Classified<RedisCheckpoint> batch = RedisClassifier.classify(keys).batch();

        assertThat(batch.reached()).isEqualTo(STREAMING);
        assertThat(batch.more()).isTrue();
        assertThat(batch.examined()).isEqualTo(1);
        assertThat(batch.direction()).isEqualTo(EAST_TO_WEST);
    }

    // --- helpers ---

    static RedisClassifier.Decided classify(RedisCheckpoint reached, KeyChange... keys) {
        return RedisClassifier.classify(new ComparedKeys(EAST_TO_WEST, List.of(keys), reached, false));
    }

    @SuppressWarnings("unchecked")
    static Outcome.Apply<RedisWrites> apply(Outcome outcome) {
        assertThat(outcome).isInstanceOf(Outcome.Apply.class);
        return (Outcome.Apply<RedisWrites>) outcome;
    }

    static KeyState newKey(String name) {
        return new KeyState(key(name), dump("v1", 1), NONE, null, null, NONE, null);
    }

    static KeyChange notified(int database, String name, KeyState state) {
        return change(database, name, state, false, false, NOW);
    }

    static KeyChange repair(int database, String name, KeyState state, boolean reverseQueued) {
        return change(database, name, state, true, reverseQueued, NOW);
    }

    static KeyChange change(int database, String name, KeyState state, boolean repair, boolean reverseQueued,
                            long comparedAt) {
        DirtyKeys.Pending pending = new DirtyKeys.Pending(new RedisKey(database, key(name)), Instant.ofEpochMilli(NOW), repair);
        return new KeyChange(pending, state, reverseQueued, comparedAt);
    }

    static byte[] key(String name) {
        return name.getBytes(StandardCharsets.UTF_8);
    }
}
