package io.devflow.dr.replication.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.store.redis.RedisTargetWriter;
import io.devflow.dr.store.redis.RedisValues;
import io.devflow.dr.store.redis.RedisVersion;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Redis keys changed in both regions: both versions described for the conflict's record, a decision carried out
 * in the target, later source changes of a held key kept with its conflict, and an operator's resolution. Redis
 * keeps no modification times: a conflict's target version has no change time, so {@code last-write-wins} and
 * {@code timestamp-based} give it to the source; {@code manual} holds the key until it is resolved with
 * {@code source} or {@code target} (custom JSON versions are for MongoDB documents). Each call holds the
 * direction's session while it reads and writes, so a resolution never interleaves with a step of a round.
 */
final class RedisConflicts {

    private static final Logger LOG = LoggerFactory.getLogger(RedisConflicts.class);
    private static final String STORE = StoreKind.REDIS.id();

    private final ConflictStore conflicts;
    private final DirectionSessions<RedisCheckpoint, RedisSession> sessions;
    private final Clock clock;

    RedisConflicts(ConflictStore conflicts, DirectionSessions<RedisCheckpoint, RedisSession> sessions, Clock clock) {
        this.conflicts = conflicts;
        this.sessions = sessions;
        this.clock = clock;
    }

    /** Both versions of a conflicting key, as the round read them. */
    ConflictVersions describe(Direction direction, KeyChange change) {
        RedisSession session = sessions.open(direction);
        synchronized (session) {
            int database = change.database();
            KeyState state = change.state();
            long now = clock.millis();
            RecordVersion source = version(() -> session.pair.source(database), session.pair.sourceDisplay(),
                    state.key(), state.sourceDump(), state.sourceExpireAt(), state.sourceDigest(),
                    change.pending().changedAt(), now);
            // Redis keeps no modification time: the target's version has none.
            RecordVersion target = version(() -> session.pair.target(database), session.pair.targetDisplay(),
                    state.key(), state.targetDump(), state.targetExpireAt(), state.targetDigest(), null, now);
            return new ConflictVersions(direction, StoreKind.REDIS, record(database, state.key()), source, target);
        }
    }

    /** A source change of a held key: kept with its open conflict for review, applied only by the resolution. */
    void hold(Direction direction, String conflictId, KeyChange change) {
        RedisSession session = sessions.open(direction);
        synchronized (session) {
            KeyState state = change.state();
            try {
                Optional<Conflict> open = conflicts.find(conflictId).filter(Conflict::isOpen)
                        .filter(c -> !Objects.equals(c.sourceVersion().sha256(), state.sourceDigest()));
                if (open.isPresent()) {
                    conflicts.save(open.get().withLaterSource(version(() -> session.pair.source(change.database()),
                            session.pair.sourceDisplay(), state.key(), state.sourceDump(), state.sourceExpireAt(),
                            state.sourceDigest(), change.pending().changedAt(), clock.millis())));
                }
            } catch (RuntimeException e) {
                // the newest source version stays in the source; only the conflict's copy of it is behind
                LOG.warn("conflict {}: could not record a later source version: {}", conflictId, Failures.describe(e));
            }
        }
    }

    /** A key the target refused for good, kept with the source's version under an id of its own. */
    ReplicationFailure failure(RedisSession session, int database, KeyState state, String error) {
        Instant at = clock.instant();
        RecordVersion change = version(() -> session.pair.source(database), session.pair.sourceDisplay(), state.key(),
                state.sourceDump(), state.sourceExpireAt(), state.sourceDigest(), at, at.toEpochMilli());
        ConflictRecord refused = record(database, state.key());
        Direction direction = session.direction;
        return new ReplicationFailure(ReplicationFailure.id(STORE, direction, refused, state.sourceDigest()), STORE,
                direction.source().value(), direction.target().value(), refused, at, error, change.content());
    }

    /** Carries out a recorded conflict's decision in the target, or holds the key for an operator. */
    void settle(Conflict conflict) {
        RedisSession session = sessions.open(conflict.direction());
        synchronized (session) {
            int database = database(conflict);
            KeyState state = readOne(session, database, RedisKey.parse(conflict.record().key()));
            String source = conflict.source();
            String target = conflict.target();
            long now = clock.millis();
            switch (conflict.decision()) {
                case SOURCE -> copyOne(session, database, state);
                case TARGET -> session.writer.record(database, List.of(state.asReplicated(target, target, now)));
                case PENDING -> {
                    RedisVersion before = state.targetRecord() != null ? state.targetRecord()
                            : new RedisVersion(null, null, RedisVersion.NO_EXPIRY, RedisVersion.NO_EXPIRY, source, null, now);
                    session.writer.record(database, List.of(new RedisTargetWriter.Recorded(state.key(),
                            before.holding(conflict.id(), now), false)));
                    LOG.warn("conflict {}: a Redis key in database {} changed in both {} and {}; held until resolved with "
                            + "'dr resolve-conflict {} source|target'", conflict.id(), database, source, target, conflict.id());
                }
                default -> throw new IllegalArgumentException("a detected conflict cannot be settled as " + conflict.decision());
            }
        }
    }

    /** An operator's resolution: the chosen version written where it is missing, the key released. */
    Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        if (resolution.decision() == Decision.CUSTOM) {
            throw new InvalidRequestException("custom JSON resolutions apply to MongoDB documents; resolve Redis "
                    + "conflicts with source or target");
        }
        RedisSession session = sessions.open(conflict.direction());
        synchronized (session) {
            int database = database(conflict);
            KeyState state = readOne(session, database, RedisKey.parse(conflict.record().key()));
            Instant now = clock.instant();
            switch (resolution.decision()) {
                case SOURCE -> {
                    // A source change that arrived while the key was held is in the source now, and is what is copied.
                    copyOne(session, database, state);
                    catchUp(session, database, state.key(), state.sourceDigest());
                    return conflict.resolved(Decision.SOURCE, by, now, null, "resolved by " + by
                            + ": the source's version was written to " + conflict.target());
                }
                case TARGET -> {
                    if (!Objects.equals(state.sourceDigest(), conflict.sourceVersion().sha256())) {
                        throw new StateConflictException("conflict " + conflict.id() + ": " + conflict.record()
                                + " changed in " + conflict.source() + " since the conflict was recorded; 'dr conflicts show "
                                + conflict.id() + "' shows the latest version once replication has seen it; resolve with "
                                + "source, or again once you have reviewed it");
                    }
                    String copied = session.writer.copyBack(database, state.key(), state.targetDump(),
                            state.targetExpireAt(), state.targetDigest(), state.replacesReverse(conflict.target()));
                    catchUp(session, database, state.key(), copied);
                    return conflict.resolved(Decision.TARGET, by, now, null, "resolved by " + by
                            + ": the target's version was written to " + conflict.source());
                }
                default -> throw new IllegalArgumentException("cannot resolve as " + resolution.decision());
            }
        }
    }

    /** Copies one key's source version into the target, whatever the target holds. */
    private void copyOne(RedisSession session, int database, KeyState state) {
        RedisTargetWriter.Written written = session.writer.copy(database,
                List.of(state.sourceCopy(session.direction.target().value()))).get(0);
        if (written.refused()) {
            throw new IllegalStateException(written.refusal());
        }
    }

    /**
     * Once a resolution has lifted the hold: a source change made while it ran may have been read and held by a
     * worker in another process (a running {@code dr server} while the CLI resolves). Whatever the source holds
     * now, if it is not what the resolution saw or wrote there, is copied at once rather than at the next
     * reconcile; changes made after this read find the key free and replicate as usual.
     */
    private void catchUp(RedisSession session, int database, byte[] key, String sourceDigest) {
        KeyState latest = readOne(session, database, key);
        if (!Objects.equals(latest.sourceDigest(), sourceDigest)) {
            copyOne(session, database, latest);
        }
    }

    private KeyState readOne(RedisSession session, int database, byte[] key) {
        return KeyStates.read(session.pair, database, List.of(key), session.direction.source(),
                session.direction.target(), clock).get(0);
    }

    private static RecordVersion version(Supplier<Jedis> connection, String display, byte[] key, byte[] dump,
                                         long expireAt, String digest, Instant changedAt, long now) {
        if (dump == null) {
            return RecordVersion.deleted(changedAt);
        }
        long ttl = expireAt == RedisVersion.NO_EXPIRY ? -1 : Math.max(0, expireAt - now);
        ObjectNode content = Remote.execute("describing a key of " + display,
                () -> RedisValues.content(connection.get(), key, dump, ttl));
        return new RecordVersion(true, content, changedAt, null, digest);
    }

    private static int database(Conflict conflict) {
        try {
            return Integer.parseInt(conflict.record().database());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("conflict " + conflict.id() + " names Redis database '"
                    + conflict.record().database() + "', which is not a number");
        }
    }

    private static ConflictRecord record(int database, byte[] key) {
        return new ConflictRecord(Integer.toString(database), null, RedisKey.display(key));
    }
}
