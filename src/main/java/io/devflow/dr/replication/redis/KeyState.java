package io.devflow.dr.replication.redis;

import io.devflow.dr.store.redis.RedisTargetWriter;
import io.devflow.dr.store.redis.RedisValues;
import io.devflow.dr.store.redis.RedisVersion;

import java.util.Objects;

/**
 * One key as both regions hold it, read together for one direction, with the two replication records that
 * speak about it: the target's (written by this direction) and the source's (written by the reverse
 * direction, when the regions replicate both ways). Everything replication decides about a key is decided
 * here, from digests of DUMP payloads, so the rules are testable without a server.
 *
 * @see RedisVersion for why a digest is only ever compared with the same server's DUMPs
 */
final class KeyState {

    /** Expiry times read at different moments on different servers agree within this. */
    static final long EXPIRY_TOLERANCE_MS = 1_000;

    /** What to do with the key in this direction. */
    enum Step {
        /** The source holds exactly what the reverse direction wrote there: nothing new to copy. */
        ECHO,
        /** An open conflict holds the key until an operator resolves it. */
        HELD,
        /** Both regions hold what replication last recorded: nothing to do. */
        SYNCED,
        /** The regions hold equal values that replication has no (current) record of: record them. */
        ADOPT,
        /** The target has not changed since replication last wrote it: copy the source. */
        APPLY,
        /** The target changed since replication last wrote it, and so did the source. */
        CONFLICT
    }

    private final byte[] key;
    private final byte[] sourceDump;
    private final long sourceExpireAt;
    private final RedisVersion sourceRecord;
    private final byte[] targetDump;
    private final long targetExpireAt;
    private final RedisVersion targetRecord;
    private final String sourceDigest;
    private final String targetDigest;

    /**
     * @param sourceDump the source's DUMP, null when the key does not exist there
     * @param sourceExpireAt absolute expiry in epoch milliseconds, or {@link RedisVersion#NO_EXPIRY}
     * @param sourceRecord the reverse direction's record in the source, or null
     * @param targetRecord this direction's record in the target, or null
     */
    KeyState(byte[] key, byte[] sourceDump, long sourceExpireAt, RedisVersion sourceRecord,
             byte[] targetDump, long targetExpireAt, RedisVersion targetRecord) {
        this.key = key;
        this.sourceDump = sourceDump;
        this.sourceExpireAt = sourceDump == null ? RedisVersion.NO_EXPIRY : sourceExpireAt;
        this.sourceRecord = sourceRecord;
        this.targetDump = targetDump;
        this.targetExpireAt = targetDump == null ? RedisVersion.NO_EXPIRY : targetExpireAt;
        this.targetRecord = targetRecord;
        this.sourceDigest = RedisValues.digest(sourceDump);
        this.targetDigest = RedisValues.digest(targetDump);
    }

    byte[] key() {
        return key;
    }

    byte[] sourceDump() {
        return sourceDump;
    }

    long sourceExpireAt() {
        return sourceExpireAt;
    }

    String sourceDigest() {
        return sourceDigest;
    }

    RedisVersion sourceRecord() {
        return sourceRecord;
    }

    byte[] targetDump() {
        return targetDump;
    }

    long targetExpireAt() {
        return targetExpireAt;
    }

    String targetDigest() {
        return targetDigest;
    }

    RedisVersion targetRecord() {
        return targetRecord;
    }

    /**
     * What the direction into {@code target} does with the key at {@code now}, while streaming.
     */
    Step step(String target, long now) {
        return step(target, now, false);
    }

    /**
     * What the direction into {@code target} does with the key at {@code now}.
     *
     * <p>A notified key changed at the source. A compared key (initial sync, reconcile) may not have: when
     * the source is as replication last left it and only the target lost the key (a region back empty or older
     * after a failover, a FLUSHDB, an eviction), the key is sent again as a repair, not held as a conflict.
     * An echo is skipped for a compared key only when the target holds the same value.
     *
     * @param compared the key comes from comparing the regions rather than from a notification
     */
    Step step(String target, long now, boolean compared) {
        if (echo(target) && (!compared || sameContent())) {
            return Step.ECHO;
        }
        if (held()) {
            return Step.HELD;
        }
        if (synced(target)) {
            return Step.SYNCED;
        }
        if (sameContent()) {
            return Step.ADOPT;
        }
        if (compared && lostByTarget(target)) {
            return Step.APPLY;
        }
        return targetUnchanged(target, now) ? Step.APPLY : Step.CONFLICT;
    }

    /** The target lacks a key whose source value replication last copied (in either direction) unchanged. */
    boolean lostByTarget(String target) {
        if (targetDump != null || sourceDump == null) {
            return false;
        }
        RedisVersion record = targetRecord;
        return echo(target) || record != null && !record.held() && Objects.equals(sourceDigest, record.sourceDigest())
                && expiresAlike(sourceDump, sourceExpireAt, record.sourceExpireAt());
    }

    /**
     * Whether a reconcile should queue the key: neither held, nor in step, nor an echo the worker would skip
     * anyway (queuing it would count a repair at every reconcile) unless the target lost it. Equal values count as in step when
     * replication has no record of the key (a target seeded from a backup, say).
     */
    boolean outOfStep(String target) {
        return !held() && !synced(target) && !(echo(target) && !lostByTarget(target))
                && !(targetRecord == null && sameContent());
    }

    boolean held() {
        return targetRecord != null && targetRecord.held();
    }

    /** The source's value is the one the reverse direction wrote into it: copying it back would loop. */
    boolean echo(String target) {
        RedisVersion reverse = reverseRecord(target);
        return reverse != null && Objects.equals(sourceDigest, reverse.targetDigest())
                && expiresAlike(sourceDump, sourceExpireAt, reverse.targetExpireAt());
    }

    /** Both regions hold what one of the two records says replication left there. */
    boolean synced(String target) {
        if (sourceDump == null && targetDump == null) {
            return true;
        }
        RedisVersion record = targetRecord;
        if (record != null && !record.held() && Objects.equals(sourceDigest, record.sourceDigest())
                && Objects.equals(targetDigest, record.targetDigest())
                && expiresAlike(sourceDump, sourceExpireAt, record.sourceExpireAt())
                && expiresAlike(targetDump, targetExpireAt, record.targetExpireAt())) {
            return true;
        }
        RedisVersion reverse = reverseRecord(target);
        return reverse != null && Objects.equals(sourceDigest, reverse.targetDigest())
                && Objects.equals(targetDigest, reverse.sourceDigest())
                && expiresAlike(sourceDump, sourceExpireAt, reverse.targetExpireAt())
                && expiresAlike(targetDump, targetExpireAt, reverse.sourceExpireAt());
    }

    /** The two regions hold the same value with the same expiry (both absent included). */
    boolean sameContent() {
        return RedisValues.sameValue(sourceDump, targetDump)
                && expiresAlike(sourceDump, sourceExpireAt, targetExpireAt);
    }

    /**
     * Whether the target still holds what replication knows it to hold: the value this direction wrote,
     * or the value the reverse direction last copied from it, or nothing for a key replication never saw
     * there; a key that expired there as written counts as unchanged. A target that already holds the
     * source's new value is unchanged too.
     */
    boolean targetUnchanged(String target, long now) {
        RedisVersion record = targetRecord;
        if (record != null && (Objects.equals(targetDigest, record.targetDigest())
                || expiredAsWritten(record.targetExpireAt(), now))) {
            return true;
        }
        RedisVersion reverse = reverseRecord(target);
        if (reverse != null && (Objects.equals(targetDigest, reverse.sourceDigest())
                || expiredAsWritten(reverse.sourceExpireAt(), now))) {
            return true;
        }
        if (record == null && targetDump == null && (reverse == null || reverse.sourceDigest() == null)) {
            return true;
        }
        return RedisValues.sameValue(sourceDump, targetDump);
    }

    /**
     * Whether writing the key in this direction makes the reverse direction's record of it, in the source, out of
     * date: it must go, or a later source change could look like an echo.
     */
    boolean replacesReverse(String target) {
        return reverseRecord(target) != null;
    }

    /** The source's version, as the direction into {@code target} copies it. */
    RedisTargetWriter.Copy sourceCopy(String target) {
        return new RedisTargetWriter.Copy(key, sourceDump, sourceExpireAt, sourceDigest, replacesReverse(target));
    }

    /**
     * A record that both regions hold what replication left there, on behalf of {@code origin}: the source when
     * they already agree, the target when a conflict was settled for its version.
     */
    RedisTargetWriter.Recorded asReplicated(String origin, String target, long now) {
        return new RedisTargetWriter.Recorded(key, new RedisVersion(sourceDigest, targetDigest, sourceExpireAt,
                targetExpireAt, origin, null, now), replacesReverse(target));
    }

    /** The reverse direction's record, when it speaks for the target's version and holds nothing. */
    private RedisVersion reverseRecord(String target) {
        RedisVersion reverse = sourceRecord;
        return reverse != null && !reverse.held() && target.equals(reverse.origin()) ? reverse : null;
    }

    private boolean expiredAsWritten(long expireAt, long now) {
        return targetDump == null && expireAt != RedisVersion.NO_EXPIRY && expireAt - EXPIRY_TOLERANCE_MS <= now;
    }

    private static boolean expiresAlike(byte[] dump, long expireAt, long recorded) {
        if (dump == null) {
            return true;
        }
        if (expireAt == RedisVersion.NO_EXPIRY || recorded == RedisVersion.NO_EXPIRY) {
            return expireAt == recorded;
        }
        return Math.abs(expireAt - recorded) <= EXPIRY_TOLERANCE_MS;
    }
}
