package io.devflow.dr.replication.redis;

import io.devflow.dr.store.redis.RedisValues;
import io.devflow.dr.store.redis.RedisVersion;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.devflow.dr.replication.redis.KeyState.Step.ADOPT;
import static io.devflow.dr.replication.redis.KeyState.Step.APPLY;
import static io.devflow.dr.replication.redis.KeyState.Step.CONFLICT;
import static io.devflow.dr.replication.redis.KeyState.Step.ECHO;
import static io.devflow.dr.replication.redis.KeyState.Step.HELD;
import static io.devflow.dr.replication.redis.KeyState.Step.SYNCED;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules by which one direction (east into west) treats a key, on DUMP payloads made up for the purpose:
 * the two servers are told apart by their footers, as real ones are by RDB version and checksum.
 */
class KeyStateTest {

    static final String EAST = "us-east-1";
    static final String WEST = "us-west-2";
    static final long NOW = 1_800_000_000_000L;
    static final long NONE = RedisVersion.NO_EXPIRY;
    static final byte[] KEY = "user:42".getBytes(StandardCharsets.UTF_8);

    /** A DUMP of {@code value} as a server would frame it: payload, then 10 bytes of version and checksum. */
    static byte[] dump(String value, int server) {
        byte[] payload = value.getBytes(StandardCharsets.UTF_8);
        byte[] dump = new byte[payload.length + 10];
        System.arraycopy(payload, 0, dump, 0, payload.length);
        dump[payload.length] = (byte) server;
        return dump;
    }

    static String digest(byte[] dump) {
        return RedisValues.digest(dump);
    }

    /** What east-to-west recorded after copying {@code copied} from east, leaving {@code written} in west. */
    static RedisVersion copied(byte[] copied, byte[] written) {
        return new RedisVersion(digest(copied), digest(written), NONE, NONE, EAST, null, NOW - 1_000);
    }

    @Test
    void shouldApplyANewKeyToATargetThatNeverHadIt() {
        KeyState state = new KeyState(KEY, dump("v1", 1), NONE, null, null, NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
        assertThat(state.outOfStep(WEST)).isTrue();
    }

    @Test
    void shouldApplyAChangeWhenTheTargetStillHoldsWhatReplicationWrote() {
        byte[] oldEast = dump("v1", 1);
        byte[] oldWest = dump("v1", 2);
        KeyState state = new KeyState(KEY, dump("v2", 1), NONE, null, oldWest, NONE, copied(oldEast, oldWest));

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldCallItAConflictWhenBothRegionsChangedTheKey() {
        byte[] oldEast = dump("v1", 1);
        byte[] oldWest = dump("v1", 2);
        KeyState state = new KeyState(KEY, dump("east", 1), NONE, null, dump("west", 2), NONE, copied(oldEast, oldWest));

        assertThat(state.step(WEST, NOW)).isEqualTo(CONFLICT);
    }

    @Test
    void shouldCallATargetKeyReplicationNeverSawAConflictWhenItsValueDiffers() {
        KeyState differs = new KeyState(KEY, dump("east", 1), NONE, null, dump("west", 2), NONE, null);
        KeyState onlyInTarget = new KeyState(KEY, null, NONE, null, dump("west", 2), NONE, null);

        assertThat(differs.step(WEST, NOW)).isEqualTo(CONFLICT);
        assertThat(onlyInTarget.step(WEST, NOW)).isEqualTo(CONFLICT);
    }

    @Test
    void shouldAdoptEqualValuesFromDifferentServersWithoutCopying() {
        KeyState state = new KeyState(KEY, dump("same", 1), NOW + 60_000, null, dump("same", 2), NOW + 60_400, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(ADOPT);
        assertThat(state.outOfStep(WEST)).isFalse();
    }

    @Test
    void shouldSeeNothingToDoWhenBothRegionsHoldWhatWasRecorded() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);

        KeyState state = new KeyState(KEY, east, NONE, null, west, NONE, copied(east, west));

        assertThat(state.step(WEST, NOW)).isEqualTo(SYNCED);
        assertThat(state.outOfStep(WEST)).isFalse();
    }

    @Test
    void shouldSeeAnExpiryChangeAtTheSourceAsOutOfStep() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);

        KeyState state = new KeyState(KEY, east, NOW + 30_000, null, west, NONE, copied(east, west));

        assertThat(state.outOfStep(WEST)).isTrue();
        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldDeleteInTheTargetWhatTheSourceDeleted() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);

        KeyState state = new KeyState(KEY, null, NONE, null, west, NONE, copied(east, west));

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
        assertThat(state.outOfStep(WEST)).isTrue();
    }

    @Test
    void shouldNotCallAKeyThatExpiredInTheTargetAsWrittenAChange() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        RedisVersion expiring = new RedisVersion(digest(east), digest(west), NOW - 200, NOW - 200, EAST, null, NOW - 5_000);

        KeyState state = new KeyState(KEY, dump("v2", 1), NONE, null, null, NONE, expiring);

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldCallAKeyDeletedInTheTargetBeforeItsExpiryAChange() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        RedisVersion expiring = new RedisVersion(digest(east), digest(west), NOW + 60_000, NOW + 60_000, EAST, null, NOW - 5_000);

        KeyState state = new KeyState(KEY, dump("v2", 1), NONE, null, null, NONE, expiring);

        assertThat(state.step(WEST, NOW)).isEqualTo(CONFLICT);
    }

    @Test
    void shouldSkipWhatTheReverseDirectionWroteIntoTheSource() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);

        KeyState state = new KeyState(KEY, eastCopy, NONE, reverse, westOriginal, NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(ECHO);
        assertThat(state.outOfStep(WEST)).isFalse();
    }

    @Test
    void shouldSendAnEchoBackInAnInitialSyncWhenTheTargetLostIt() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);

        KeyState lost = new KeyState(KEY, eastCopy, NONE, reverse, null, NONE, null);
        KeyState kept = new KeyState(KEY, eastCopy, NONE, reverse, westOriginal, NONE, null);

        assertThat(lost.step(WEST, NOW, false)).as("notified").isEqualTo(ECHO);
        assertThat(lost.step(WEST, NOW, true)).as("compared, in a region that lost the key: a repair").isEqualTo(APPLY);
        assertThat(lost.outOfStep(WEST)).as("the reconcile queues it").isTrue();
        assertThat(kept.step(WEST, NOW, true)).as("compared, the target still holds it").isEqualTo(ECHO);
        assertThat(kept.outOfStep(WEST)).isFalse();
    }

    @Test
    void shouldRepairAKeyTheTargetLostWhileTheSourceKeptIt() {
        // as after a FLUSHDB, an eviction or a restart without persistence in the target
        byte[] east = dump("v1", 1);
        RedisVersion record = copied(east, dump("v1", 2));

        KeyState lost = new KeyState(KEY, east, NONE, null, null, NONE, record);
        KeyState changedToo = new KeyState(KEY, dump("v2", 1), NONE, null, null, NONE, record);

        assertThat(lost.step(WEST, NOW, true)).as("compared").isEqualTo(APPLY);
        assertThat(lost.outOfStep(WEST)).isTrue();
        assertThat(lost.step(WEST, NOW, false)).as("notified: someone deleted it in the target").isEqualTo(CONFLICT);
        assertThat(changedToo.step(WEST, NOW, true)).as("both changed").isEqualTo(CONFLICT);
    }

    @Test
    void shouldSkipTheEchoOfADeletion() {
        RedisVersion tombstone = new RedisVersion(null, null, NONE, NONE, WEST, null, NOW - 10);

        KeyState state = new KeyState(KEY, null, NONE, tombstone, null, NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(ECHO);
    }

    @Test
    void shouldSendBackAnExpiryChangeOfAKeyTheReverseDirectionWrote() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);

        KeyState state = new KeyState(KEY, eastCopy, NOW + 30_000, reverse, westOriginal, NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldApplyAChangeOfAKeyThatCameFromTheTargetWhenTheTargetStillHoldsIt() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);

        KeyState state = new KeyState(KEY, dump("changed in east", 1), NONE, reverse, westOriginal, NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldCallItAConflictWhenTheTargetChangedAKeyItHadSentAndTheSourceChangedItToo() {
        byte[] westOriginal = dump("from west", 2);
        byte[] eastCopy = dump("from west", 1);
        RedisVersion reverse = new RedisVersion(digest(westOriginal), digest(eastCopy), NONE, NONE, WEST, null, NOW - 10);

        KeyState state = new KeyState(KEY, dump("changed in east", 1), NONE, reverse, dump("changed in west", 2), NONE, null);

        assertThat(state.step(WEST, NOW)).isEqualTo(CONFLICT);
    }

    @Test
    void shouldHoldAKeyWithAnOpenConflictAndKeepItOutOfTheReconcile() {
        byte[] east = dump("v1", 1);
        byte[] west = dump("v1", 2);
        RedisVersion held = copied(east, west).holding("conflict-20260127-103001-k3m9qz", NOW);

        KeyState state = new KeyState(KEY, dump("v2", 1), NONE, null, dump("west", 2), NONE, held);

        assertThat(state.step(WEST, NOW)).isEqualTo(HELD);
        assertThat(state.outOfStep(WEST)).isFalse();
    }

    @Test
    void shouldKeepTheTargetsVersionOnceAConflictWasSettledForIt() {
        byte[] east = dump("east", 1);
        byte[] west = dump("west", 2);
        RedisVersion settled = new RedisVersion(digest(east), digest(west), NONE, NONE, WEST, null, NOW);

        assertThat(new KeyState(KEY, east, NONE, null, west, NONE, settled).outOfStep(WEST)).isFalse();
        assertThat(new KeyState(KEY, dump("east again", 1), NONE, null, west, NONE, settled).step(WEST, NOW)).isEqualTo(APPLY);
    }

    @Test
    void shouldSeeAKeyMissingInBothRegionsAsSynced() {
        assertThat(new KeyState(KEY, null, NONE, null, null, NONE, null).step(WEST, NOW)).isEqualTo(SYNCED);
    }
}
