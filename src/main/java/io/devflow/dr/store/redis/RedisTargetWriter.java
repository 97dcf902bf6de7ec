package io.devflow.dr.store.redis;

import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.params.SetParams;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes one direction's copies into the target's Redis: DUMP payloads restored with the time they have left
 * ({@code RESTORE ... REPLACE}), or keys deleted, pipelined per database; then the target's DUMP of each key
 * written, recorded per key in the target's metadata database ({@link RedisVersion}), with the reverse
 * direction's records they supersede removed from the source's. A busy server (out of memory, loading, a
 * replica, ...) fails the write as a transient fault; a key the server refuses for another reason is reported
 * back, with what an operator can do about it.
 */
public final class RedisTargetWriter {

    /** Error replies that say the server cannot take writes just now, rather than refusing this one for good. */
    private static final Set<String> BUSY_REPLIES = Set.of("OOM", "LOADING", "BUSY", "READONLY", "MASTERDOWN",
            "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS", "MISCONF");

    /**
     * A source version to write into the target.
     *
     * @param dump the source's DUMP; null when the key is gone at the source, so it is deleted in the target
     * @param expireAt when the source's value expires (epoch milliseconds), or {@link RedisVersion#NO_EXPIRY}
     * @param digest the digest of {@code dump}
     * @param replacesReverse whether the reverse direction's record of the key, in the source, is out of date once
     *                        this is written
     */
    public record Copy(byte[] key, byte[] dump, long expireAt, String digest, boolean replacesReverse) {
    }

    /** A record to write into the target's metadata database, without touching the key itself. */
    public record Recorded(byte[] key, RedisVersion version, boolean replacesReverse) {
    }

    /**
     * What became of a copy.
     *
     * @param changed whether the target changed: the value was restored, or a key that was there was deleted
     * @param bytes the size of the value restored (0 for a deletion)
     * @param refusal why the target refused the key for good (with the remedy when there is one), else null
     */
    public record Written(boolean changed, long bytes, String refusal) {

        public boolean refused() {
            return refusal != null;
        }
    }

    private final RedisPair pair;
    private final String source;
    private final String target;
    private final long recordGraceMillis;
    private final Clock clock;

    /**
     * @param recordGrace how long records of deleted and of expiring keys are kept after the fact: long enough to
     *                    recognise a deletion's echo and an expiry in the target
     */
    public RedisTargetWriter(RedisPair pair, String source, String target, Duration recordGrace, Clock clock) {
        this.pair = pair;
        this.source = source;
        this.target = target;
        this.recordGraceMillis = recordGrace.toMillis();
        this.clock = clock;
    }

    /**
     * Writes the copies into one database of the target, pipelined, then records what the target holds now.
     *
     * @return what became of each copy, in order
     * @throws RemoteOperationException (transient) when the target was too busy to take some of them; the copies
     *                                  written are recorded first
     */
    public List<Written> copy(int database, List<Copy> copies) {
        if (copies.isEmpty()) {
            return List.of();
        }
        int n = copies.size();
        List<Response<String>> restores = new ArrayList<>(n);
        List<Response<Long>> deletes = new ArrayList<>(n);
        List<Response<byte[]>> dumps = new ArrayList<>(n);
        long[] expireAt = new long[n];
        String description = "writing " + n + " keys into database " + database + " of " + pair.targetDisplay();
        long now = clock.millis();
        Remote.run(description, () -> {
            restores.clear();
            deletes.clear();
            dumps.clear();
            Pipeline pipeline = pair.target(database).pipelined();
            for (int i = 0; i < n; i++) {
                Copy copy = copies.get(i);
                long ttl = timeToLive(copy.expireAt(), now);
                if (copy.dump() == null || ttl < 0) {
                    restores.add(null);
                    dumps.add(null);
                    deletes.add(pipeline.del(copy.key()));
                    expireAt[i] = RedisVersion.NO_EXPIRY;
                } else {
                    restores.add(pipeline.restore(copy.key(), ttl, copy.dump(), RestoreParams.restoreParams().replace()));
                    dumps.add(pipeline.dump(copy.key()));
                    deletes.add(null);
                    expireAt[i] = ttl == 0 ? RedisVersion.NO_EXPIRY : now + ttl;
                }
            }
            pipeline.sync();
        });
        List<Written> written = new ArrayList<>(n);
        List<Recorded> records = new ArrayList<>(n);
        JedisDataException busy = null;
        for (int i = 0; i < n; i++) {
            Copy copy = copies.get(i);
            RedisVersion version;
            if (restores.get(i) != null) {
                try {
                    restores.get(i).get();
                } catch (JedisDataException e) {
                    if (busy(e)) {
                        busy = e;
                        written.add(new Written(false, 0, null));
                    } else {
                        written.add(new Written(false, 0, pair.targetDisplay() + " refused the key: " + e.getMessage()
                                + hint(e)));
                    }
                    continue;
                }
                version = new RedisVersion(copy.digest(), RedisValues.digest(dumps.get(i).get()), copy.expireAt(),
                        expireAt[i], source, null, now);
                written.add(new Written(true, copy.dump().length, null));
            } else {
                version = new RedisVersion(null, null, RedisVersion.NO_EXPIRY, RedisVersion.NO_EXPIRY, source, null, now);
                written.add(new Written(deletes.get(i).get() > 0, 0, null));
            }
            records.add(new Recorded(copy.key(), version, copy.replacesReverse()));
        }
        record(database, records);
        if (busy != null) {
            // the keys written are recorded; the rest are read and written again by the next round
            throw new RemoteOperationException(description + " failed: " + busy.getMessage(), busy, true);
        }
        return written;
    }

    /**
     * Writes the target's version of a key into the source, and records both regions as holding it.
     *
     * @param replacesReverse whether the reverse direction's record of the key, in the source, is out of date then
     * @return the digest of what the source holds now
     */
    public String copyBack(int database, byte[] key, byte[] targetDump, long targetExpireAt, String targetDigest,
                           boolean replacesReverse) {
        long now = clock.millis();
        long ttl = timeToLive(targetExpireAt, now);
        boolean delete = targetDump == null || ttl < 0;
        List<Response<?>> replies = new ArrayList<>(2);
        Remote.run("writing the target's version of a key into database " + database + " of " + pair.sourceDisplay(), () -> {
            replies.clear();
            Pipeline pipeline = pair.source(database).pipelined();
            replies.add(delete ? pipeline.del(key)
                    : pipeline.restore(key, ttl, targetDump, RestoreParams.restoreParams().replace()));
            replies.add(pipeline.dump(key));
            pipeline.sync();
        });
        try {
            replies.get(0).get();
        } catch (JedisDataException e) {
            throw new IllegalStateException(pair.sourceDisplay() + " refused the target's version of the key: "
                    + e.getMessage(), e);
        }
        byte[] copied = (byte[]) replies.get(1).get();
        long expireAt = delete || ttl == 0 ? RedisVersion.NO_EXPIRY : now + ttl;
        String digest = RedisValues.digest(copied);
        record(database, List.of(new Recorded(key, new RedisVersion(digest, targetDigest, expireAt, targetExpireAt,
                target, null, now), replacesReverse)));
        return digest;
    }

    /**
     * Writes this direction's records into the target's metadata database, and removes the reverse direction's
     * records they supersede from the source's (so that an old record there cannot make a later change look like
     * an echo).
     */
    public void record(int database, List<Recorded> records) {
        if (records.isEmpty()) {
            return;
        }
        long now = clock.millis();
        Remote.run("writing " + records.size() + " replication records into " + pair.targetDisplay(), () -> {
            Pipeline pipeline = pair.targetMetadata().pipelined();
            for (Recorded record : records) {
                byte[] name = RedisVersion.metadataKey(source, database, record.key());
                long keepFor = keepFor(record.version(), now);
                if (keepFor > 0) {
                    pipeline.set(name, record.version().encode(), SetParams.setParams().px(keepFor));
                } else {
                    pipeline.set(name, record.version().encode());
                }
            }
            pipeline.sync();
        });
        byte[][] superseded = records.stream().filter(Recorded::replacesReverse)
                .map(r -> RedisVersion.metadataKey(target, database, r.key())).toArray(byte[][]::new);
        if (superseded.length > 0) {
            Remote.run("removing " + superseded.length + " superseded replication records from " + pair.sourceDisplay(),
                    () -> pair.sourceMetadata().del(superseded));
        }
    }

    /**
     * How long a record is kept, in milliseconds; 0 for as long as its key. Records of deleted and of expiring
     * keys go some time after the key does; a hold, and a settled decision for the target's version, stay.
     */
    private long keepFor(RedisVersion version, long now) {
        if (version.held() || !source.equals(version.origin())) {
            return 0;
        }
        if (version.targetDigest() == null) {
            return recordGraceMillis;
        }
        if (version.targetExpireAt() != RedisVersion.NO_EXPIRY) {
            return Math.max(0, version.targetExpireAt() - now) + recordGraceMillis;
        }
        return 0;
    }

    /** The RESTORE TTL for a value expiring at {@code expireAt}: 0 for none, -1 when it has expired already. */
    private static long timeToLive(long expireAt, long now) {
        if (expireAt == RedisVersion.NO_EXPIRY) {
            return 0;
        }
        long ttl = expireAt - now;
        return ttl > 0 ? ttl : -1;
    }

    private static boolean busy(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        int space = message.indexOf(' ');
        return BUSY_REPLIES.contains(space < 0 ? message : message.substring(0, space));
    }

    /** What an operator can do about a refusal whose cause is the target server itself. */
    private static String hint(JedisDataException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("DUMP payload version or checksum are wrong") || message.contains("Bad data format")) {
            return " (the target's Redis is older than the source's, or lacks a module the value needs: "
                    + "upgrade it, or load the module)";
        }
        return "";
    }
}
