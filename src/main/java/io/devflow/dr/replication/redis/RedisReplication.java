package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ProgressBoard;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.RoundResult;
import io.devflow.dr.replication.StoreReplication;
import io.devflow.dr.store.redis.RedisPair;
import io.devflow.dr.store.redis.RedisTargetWriter;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Redis replication, as the steps of its worker round. Keyspace notifications of the source (delivered by the
 * notification route to {@link #notified}) queue the keys that changed; each round reads a batch of them, and
 * the next page of a walk over the whole keyspace when one runs: the initial sync, after every restart or reset
 * (notifications are not kept while no one listens), and when the queue overflowed. Both regions' DUMPs are read
 * and compared with the records replication keeps beside the target's data ({@link KeyState} holds the rules);
 * keys that conflict with nothing are copied (RESTORE ... REPLACE with the time left to live, or DEL) by the
 * target writer. The periodic {@link #reconcile} compares every key and queues those out of step as repairs.
 */
public final class RedisReplication
        implements StoreReplication<RedisChanges, ComparedKeys, RedisWrites, KeyChange, RedisCheckpoint> {

    /** The channels the notification route subscribes to at the source. */
    public static final String NOTIFICATION_PATTERN = KeyspaceChannel.PATTERN;
    /** Keys queued per direction; beyond this, changes are found by a walk instead. */
    static final int QUEUE_BOUND = 1_000_000;

    /** Records of deleted keys and of keys that expire are kept at least this long after the fact. */
    private static final Duration MIN_RECORD_GRACE = Duration.ofMinutes(10);

    private final ProgressBoard progress;
    private final Clock clock;
    private final Duration recordGrace;
    private final DirectionSessions<RedisCheckpoint, RedisSession> sessions;
    private final RedisChangeReader reader;
    private final RedisConflicts conflicts;
    private final RedisNotifications notifications;
    private final RedisReconcile reconcile;
    private final RedisRegions redis;

    public RedisReplication(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts,
                            Checkpoints checkpoints, ProgressBoard progress, Clock clock) {
        this.redis = new RedisRegions(regions, config.redis().metadataDatabase());
        this.progress = progress;
        this.clock = clock;
        Duration grace = config.redis().reconcileInterval().multipliedBy(2);
        this.recordGrace = grace.compareTo(MIN_RECORD_GRACE) > 0 ? grace : MIN_RECORD_GRACE;
        this.sessions = new DirectionSessions<>(checkpoints, StoreKind.REDIS, RedisCheckpoint.class, this::open);
        this.reader = new RedisChangeReader(config.redis().batchSize(), this::progress, clock);
        this.conflicts = new RedisConflicts(conflicts, sessions, clock);
        this.notifications = new RedisNotifications(config, redis, d -> sessions.current(d) != null, QUEUE_BOUND, clock);
        this.reconcile = new RedisReconcile(redis, notifications, reader, config.redis().batchSize(), clock);
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    // --- notifications ---

    /**
     * A keyspace notification from a replicated region's Redis (a notification route per region subscribes to
     * {@link #NOTIFICATION_PATTERN} there). Queues the key for every running direction from that region; keys of
     * databases that are not replicated are ignored.
     *
     * @param region the region whose Redis published it
     * @param channel {@code __keyspace@<db>__:<key>}, the key decoded as UTF-8
     * @param event what happened ({@code set}, {@code del}, {@code expired}, ...): any event means the key may
     *              have changed, and its state when copied is what counts, so the event itself is not needed
     */
    public void notified(String region, String channel, String event) {
        notifications.notified(RegionId.of(region), channel);
    }

    /** Makes the source region's Redis publish keyspace notifications, when it allows it. */
    public void enableNotifications() {
        notifications.check(notifications.source());
    }

    /** Whether the source region's Redis was found not to publish keyspace notifications and refused to turn them on. */
    public boolean notificationsOff() {
        return notifications.off(notifications.source());
    }

    /** For status: what to do when the source does not publish keyspace notifications. */
    public Optional<String> notificationsWarning() {
        return notifications.warning(notifications.source());
    }

    @Override
    public Optional<String> warning() {
        return notificationsWarning();
    }

    // --- the worker round ---

    @Override
    public RedisChanges read(Direction direction) {
        RedisSession session = session(direction);
        synchronized (session) {
            if (!session.notificationsChecked) {
                notifications.check(direction.source());
                session.notificationsChecked = true;
            }
            return reader.read(session);
        }
    }

    @Override
    public ComparedKeys readTarget(RedisChanges changes) {
        Direction direction = changes.direction();
        RedisSession session = session(direction);
        synchronized (session) {
            return KeyStates.read(session, changes, key -> notifications.isQueued(direction.reverse(), key), clock);
        }
    }

    @Override
    public Classified<RedisCheckpoint> classify(ComparedKeys compared) {
        RedisClassifier.Decided decided = RedisClassifier.classify(compared);
        progress(compared.direction()).echoesSkipped(decided.echoes());
        return decided.batch();
    }

    @Override
    public List<ReplicationFailure> write(Outcome.Apply<RedisWrites> apply) {
        Direction direction = apply.direction();
        String target = direction.target().value();
        RedisWrites writes = apply.writes();
        int database = writes.database();
        RedisSession session = session(direction);
        synchronized (session) {
            List<KeyChange> copies = writes.copies();
            List<RedisTargetWriter.Written> written = session.writer.copy(database,
                    copies.stream().map(c -> c.state().sourceCopy(target)).toList());
            List<ReplicationFailure> refused = new ArrayList<>();
            long applied = 0;
            long bytes = 0;
            long repaired = 0;
            Instant newest = null;
            for (int i = 0; i < copies.size(); i++) {
                DirtyKeys.Pending pending = copies.get(i).pending();
                RedisTargetWriter.Written result = written.get(i);
                if (result.refused()) {
                    refused.add(conflicts.failure(session, database, copies.get(i).state(), result.refusal()));
                } else if (result.changed()) {
                    applied++;
                    bytes += result.bytes();
                    repaired += pending.repair() ? 1 : 0;
                    newest = newest == null || pending.changedAt().isAfter(newest) ? pending.changedAt() : newest;
                }
            }
            long now = clock.millis();
            session.writer.record(database, writes.adopted().stream()
                    .map(state -> state.asReplicated(direction.source().value(), target, now)).toList());
            ReplicationProgress p = progress(direction);
            p.applied(applied, bytes, newest);
            p.repaired(repaired);
            return refused;
        }
    }

    @Override
    public void hold(Outcome.Held<KeyChange> held) {
        conflicts.hold(held.direction(), held.conflictId(), held.change());
    }

    /**
     * Saves where the direction stands, with the totals the progress counted (restored from the checkpoint when
     * the direction opened), and reports the round: caught up when no walk runs and nothing is queued.
     */
    @Override
    public RoundResult checkpoint(Classified<RedisCheckpoint> batch) {
        Direction direction = batch.direction();
        ReplicationProgress p = progress(direction);
        RedisCheckpoint reached = batch.reached().counting(p.appliedCount(), p.bytes());
        RoundResult result = sessions.checkpoint(new Classified<>(direction, batch.store(), batch.outcomes(), reached,
                batch.examined(), batch.more()));
        RedisSession session = sessions.current(direction);
        if (result.failed() || session == null) {
            return result;
        }
        synchronized (session) {
            session.roundHandled();
        }
        DirtyKeys queue = queue(direction);
        boolean caughtUp = !batch.more() && queue.isEmpty();
        p.phase(reached.initialSyncComplete() ? ReplicationProgress.Phase.STREAMING : ReplicationProgress.Phase.INITIAL_SYNC);
        p.polled(caughtUp, queue.size(), caughtUp ? clock.instant() : null);
        return result;
    }

    // --- conflicts ---

    @Override
    public ConflictVersions describe(Outcome.Conflicting<KeyChange> conflicting) {
        return conflicts.describe(conflicting.direction(), conflicting.change());
    }

    @Override
    public void settle(Conflict conflict) {
        conflicts.settle(conflict);
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        return conflicts.resolve(conflict, resolution, by);
    }

    // --- reconcile ---

    /**
     * Compares every key in both regions and queues those out of step as repairs. Skipped until the worker has
     * read, and while a walk is under way: a direction's first round begins one, and a walk compares everything
     * anyway.
     *
     * @return the number of keys found out of step
     */
    @Override
    public long reconcile(Direction direction) {
        RedisSession session = sessions.current(direction);
        return session == null || session.sweep != null ? 0 : reconcile.run(session);
    }

    // --- lifecycle ---

    /** Closes the direction's connections; the keys of its round go back to the queue, and the next round begins a walk. */
    @Override
    public void reset(Direction direction) {
        sessions.reset(direction);
    }

    /** Writes the checkpoint, closes the connections and empties the queue: a restart begins with a walk. */
    @Override
    public void stop(Direction direction) {
        sessions.stop(direction);
        queue(direction).clear();
    }

    @Override
    public Map<String, Long> targetCounts(Direction direction) {
        return Map.of("keys", redis.targetKeys(direction));
    }

    @Override
    public void close() {
        sessions.closeAll();
    }

    // --- helpers ---

    private RedisSession session(Direction direction) {
        return sessions.open(direction);
    }

    /** A direction's session from its saved checkpoint: the totals counted so far, and a walk to begin with. */
    private RedisSession open(Direction direction, Optional<RedisCheckpoint> saved) {
        ReplicationProgress p = progress(direction);
        if (saved.isPresent() && p.appliedCount() == 0) {
            p.restore(saved.get().applied(), saved.get().bytes());
        }
        RedisCheckpoint position = saved.orElseGet(() -> RedisCheckpoint.starting(clock.instant()));
        RedisPair pair = redis.pair(direction);
        RedisSession session = new RedisSession(direction, pair, new RedisTargetWriter(pair, direction.source().value(),
                direction.target().value(), recordGrace, clock), queue(direction), redis.databases(direction.source()), position);
        // Redis has no position to resume from: what changed while no one listened is found by comparing.
        session.sweep = reader.sweep(session, !position.initialSyncComplete());
        return session;
    }

    private ReplicationProgress progress(Direction direction) {
        return progress.of(direction, StoreKind.REDIS);
    }

    private DirtyKeys queue(Direction direction) {
        return notifications.queue(direction);
    }
}
