package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.store.redis.RedisVersion;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Reads keys in both regions of a direction, a database at a time and a batch per round trip on each connection:
 * pipelined DUMP and PTTL on each side, and the two sides' replication records.
 */
final class KeyStates {

    private KeyStates() {
    }

    /** What one side holds for a batch of keys: DUMPs (null when missing) and absolute expiries. */
    private record Side(List<byte[]> dumps, long[] expireAt) {
    }

    /**
     * The {@code read-target} step: the keys of a batch as both regions hold them, read per database.
     *
     * @param reverseQueued whether the reverse direction has a key queued
     */
    static ComparedKeys read(RedisSession session, RedisChanges changes, Predicate<RedisKey> reverseQueued, Clock clock) {
        Direction direction = changes.direction();
        Map<Integer, List<DirtyKeys.Pending>> byDatabase = new LinkedHashMap<>();
        changes.keys().forEach(p -> byDatabase.computeIfAbsent(p.key().database(), d -> new ArrayList<>()).add(p));
        List<KeyChange> compared = new ArrayList<>(changes.size());
        byDatabase.forEach((database, pending) -> {
            List<KeyState> states = read(session.pair, database, pending.stream().map(p -> p.key().key()).toList(),
                    direction.source(), direction.target(), clock);
            long now = clock.millis();
            for (int i = 0; i < states.size(); i++) {
                DirtyKeys.Pending key = pending.get(i);
                compared.add(new KeyChange(key, states.get(i), reverseQueued.test(key.key()), now));
            }
        });
        return new ComparedKeys(direction, compared, changes.reached(), changes.more());
    }

    static List<KeyState> read(RedisPair pair, int database, List<byte[]> keys, RegionId source, RegionId target,
                               Clock clock) {
        Side sourceSide = side(() -> pair.source(database), keys, clock,
                "reading " + keys.size() + " keys of database " + database + " of " + pair.sourceDisplay());
        Side targetSide = side(() -> pair.target(database), keys, clock,
                "reading " + keys.size() + " keys of database " + database + " of " + pair.targetDisplay());
        List<byte[]> reverseRecords = records(pair::sourceMetadata, keys, target, database,
                "reading replication records in " + pair.sourceDisplay());
        List<byte[]> records = records(pair::targetMetadata, keys, source, database,
                "reading replication records in " + pair.targetDisplay());
        List<KeyState> states = new ArrayList<>(keys.size());
        for (int i = 0; i < keys.size(); i++) {
            states.add(new KeyState(keys.get(i), sourceSide.dumps.get(i), sourceSide.expireAt[i],
                    RedisVersion.decode(reverseRecords.get(i)), targetSide.dumps.get(i), targetSide.expireAt[i],
                    RedisVersion.decode(records.get(i))));
        }
        return states;
    }

    private static Side side(Supplier<Jedis> connection, List<byte[]> keys, Clock clock, String description) {
        return Remote.execute(description, () -> {
            List<Response<byte[]>> dumps = new ArrayList<>(keys.size());
            List<Response<Long>> ttls = new ArrayList<>(keys.size());
            long now = clock.millis();
            Pipeline pipeline = connection.get().pipelined();
            for (byte[] key : keys) {
                dumps.add(pipeline.dump(key));
                ttls.add(pipeline.pttl(key));
            }
            pipeline.sync();
            List<byte[]> values = new ArrayList<>(keys.size());
            long[] expireAt = new long[keys.size()];
            for (int i = 0; i < keys.size(); i++) {
                long ttl = ttls.get(i).get();
                byte[] dump = dumps.get(i).get();
                // a key that went between the two commands is gone; one that came is read with its next change
                values.add(ttl == -2 ? null : dump);
                expireAt[i] = ttl < 0 ? RedisVersion.NO_EXPIRY : now + ttl;
            }
            return new Side(values, expireAt);
        });
    }

    private static List<byte[]> records(Supplier<Jedis> metadata, List<byte[]> keys, RegionId writer, int database,
                                        String description) {
        byte[][] names = new byte[keys.size()][];
        for (int i = 0; i < keys.size(); i++) {
            names[i] = RedisVersion.metadataKey(writer.value(), database, keys.get(i));
        }
        return Remote.execute(description, () -> metadata.get().mget(names));
    }
}
