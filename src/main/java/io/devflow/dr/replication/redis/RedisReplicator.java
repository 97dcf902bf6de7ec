package io.devflow.dr.replication.redis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.Batch;
import io.devflow.dr.replication.ConflictResolver;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.ReplicationProgress;
import io.devflow.dr.replication.StoreReplicator;
import io.devflow.dr.store.redis.RedisConnections;
import io.devflow.dr.store.redis.RedisSizes;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.Json;
import io.devflow.dr.support.Remote;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.support.StateConflictException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.params.RestoreParams;
import redis.clients.jedis.params.SetParams;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Redis replication. Keyspace notifications of the source (delivered by the notification route to
 * {@link #notified}) queue the keys that changed; each poll copies a batch of them as DUMP and PTTL at the
 * source, RESTORE ... REPLACE with the time left to live (or DEL, for a key that is gone) at the target. A
 * walk over the whole keyspace copies whatever is out of step: as the initial sync, after every restart or
 * reset (notifications are not kept while no one listens), and when the queue overflowed. The periodic
 * {@link #reconcile} compares every key and queues those out of step as repairs.
 *
 * <p>What the direction wrote is recorded per key in the target's metadata database ({@link RedisVersion}):
 * digests of the source's DUMP that was copied and of the target's DUMP right after the copy. A target key
 * whose DUMP no longer matches changed since (a conflict, when the source changed too); a source key whose
 * DUMP matches what the reverse direction recorded writing there is an echo and is not sent back, so two
 * directions never loop. {@link KeyState} holds these rules.
 *
 * <p>Redis keeps no modification times: a conflict's target version has no change time, so
 * {@code last-write-wins} and {@code timestamp-based} give it to the source; {@code manual} holds the key.
 */
public final class RedisReplicator implements StoreReplicator {

    /** The channels the notification route subscribes to at the source. */
    public static final String NOTIFICATION_PATTERN = KeyspaceChannel.PATTERN;
    /** Keys queued per direction; beyond this, changes are found by a sweep instead. */
    static final int QUEUE_BOUND = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(RedisReplicator.class);
    private static final String STORE = StoreKind.REDIS.id();
    private static final String COMPLETE = "complete";
    /** Records of deleted keys and of keys that expire are kept at least this long after the fact. */
    private static final Duration MIN_RECORD_GRACE = Duration.ofMinutes(10);
    /** Error replies that say the server cannot take writes just now, rather than refusing this one for good. */
    private static final Set<String> BUSY_REPLIES = Set.of("OOM", "LOADING", "BUSY", "READONLY", "MASTERDOWN",
            "TRYAGAIN", "CLUSTERDOWN", "NOREPLICAS", "MISCONF");

    private final RegionDirectory regions;
    private final ReplicationConfig config;
    private final ConflictResolver resolver;
    private final ConflictStore conflicts;
    private final Checkpoints checkpoints;
    private final Clock clock;
    private final long recordGraceMillis;
    private final Set<Integer> notifiedDatabases;
    private final DirectionSessions<Session> sessions;
    private final Map<Direction, DirtyKeys> queues = new ConcurrentHashMap<>();
    private final Map<RegionId, RedisConnections> connections = new ConcurrentHashMap<>();
    private final Map<RegionId, Boolean> notifications = new ConcurrentHashMap<>();
    private final Map<Direction, Instant> reconciled = new ConcurrentHashMap<>();
    /** False once a source refused {@code MEMORY USAGE}: batches are then read whole. */
    private volatile boolean memoryUsageAllowed = true;

    public RedisReplicator(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts,
                           Checkpoints checkpoints, Clock clock) {
        this.regions = regions;
        this.config = config;
        this.resolver = new ConflictResolver(config.conflicts());
        this.conflicts = conflicts;
        this.checkpoints = checkpoints;
        this.sessions = new DirectionSessions<>(checkpoints, STORE, Session::new);
        this.clock = clock;
        Duration grace = config.redis().reconcileInterval().multipliedBy(2);
        this.recordGraceMillis = (grace.compareTo(MIN_RECORD_GRACE) > 0 ? grace : MIN_RECORD_GRACE).toMillis();
        this.notifiedDatabases = Set.copyOf(databases(config.source()));
    }

    @Override
    public StoreKind store() {
        return StoreKind.REDIS;
    }

    /** One direction's connections, its checkpoint, and the sweep under way. */
    private final class Session implements DirectionSessions.Session {
        final Direction direction;
        final RedisPair pair;
        final List<Integer> databases;
        final ObjectNode checkpoint;
        String savedInitialSync;
        boolean dirty;
        boolean notificationsChecked;
        volatile Sweep sweep;

        @Override
        public ObjectNode checkpoint() {
            return checkpoint;
        }

        @Override
        public boolean dirty() {
            return dirty;
        }

        @Override
        public void close() {
            pair.close();
        }

        Session(Direction direction) {
            this.direction = direction;
            this.pair = pair(direction);
            this.databases = databases(direction.source());
            Optional<JsonNode> saved = checkpoints.load(direction, STORE);
            if (saved.isPresent() && saved.get().isObject()) {
                this.checkpoint = (ObjectNode) saved.get().deepCopy();
                this.savedInitialSync = checkpoint.path("initialSync").asText();
            } else {
                this.checkpoint = Json.MAPPER.createObjectNode();
                checkpoint.put("initialSync", "in-progress");
                checkpoint.put("startedAt", clock.instant().toString());
                checkpoint.put("applied", 0L);
                checkpoint.put("bytes", 0L);
                this.dirty = true;
            }
            // Redis has no position to resume from: what changed while no one listened is found by comparing.
            this.sweep = new Sweep(initialSync(), clock.instant(), new KeyspaceWalk(databases, config.redis().batchSize()));
        }

        boolean initialSync() {
            return !COMPLETE.equals(checkpoint.path("initialSync").asText());
        }
    }

    /** A walk over the whole keyspace copying whatever is out of step: the initial sync, or a catch-up. */
    private static final class Sweep {
        final boolean initial;
        final Instant startedAt;
        final KeyspaceWalk walk;
        long copied;

        Sweep(boolean initial, Instant startedAt, KeyspaceWalk walk) {
            this.initial = initial;
            this.startedAt = startedAt;
            this.walk = walk;
        }
    }

    /** What one poll (or one part of it) did. */
    private static final class Outcome {
        int applied;
        long bytes;
        long echoes;
        long repaired;
        Instant newest;
        final List<Conflict> conflicts = new ArrayList<>();
        final List<ReplicationFailure> failures = new ArrayList<>();

        void wrote(DirtyKeys.Pending pending, long byteCount) {
            applied++;
            bytes += byteCount;
            if (pending.repair()) {
                repaired++;
            }
            if (newest == null || pending.changedAt().isAfter(newest)) {
                newest = pending.changedAt();
            }
        }
    }

    /** A key to copy, with why it is copied. */
    private record Write(KeyState state, DirtyKeys.Pending pending) {
    }

    /**
     * A record to write into the target.
     *
     * @param replacesReverse whether the reverse direction's record of the key, in the source, is out of date now
     */
    private record Recorded(byte[] key, RedisVersion version, boolean replacesReverse) {
    }

    // --- notifications ---

    /**
     * A keyspace notification from the source region's Redis (the notification route subscribes to
     * {@link #NOTIFICATION_PATTERN} there). Queues the key for every direction from that region; keys of
     * databases that are not replicated are ignored.
     *
     * @param channel {@code __keyspace@<db>__:<key>}, the key decoded as UTF-8
     * @param event what happened ({@code set}, {@code del}, {@code expired}, ...): any event means the key may
     *              have changed, and its state when copied is what counts, so the event itself is not needed
     */
    public void notified(String channel, String event) {
        Optional<KeyspaceChannel> parsed = KeyspaceChannel.parse(channel);
        if (parsed.isEmpty() || !notifiedDatabases.contains(parsed.get().database())) {
            return;
        }
        KeyspaceChannel change = parsed.get();
        Instant at = clock.instant();
        for (RegionId target : config.targets()) {
            DirtyKeys queue = queue(new Direction(config.source(), target));
            if (change.keyMangled()) {
                // the channel lost the key's bytes in decoding; a sweep finds the key by its real bytes
                queue.requestSweep();
            } else {
                queue.changed(new RedisKey(change.database(), change.key().getBytes(StandardCharsets.UTF_8)), at);
            }
        }
    }

    /**
     * Makes the source region's Redis publish keyspace notifications: adds {@code K} and {@code A} to its
     * {@code notify-keyspace-events}, keeping the flags it has. A server that refuses CONFIG (managed Redis)
     * is noted, not an error: replication then relies on the reconcile (see {@link #notificationsWarning}).
     * Checked again at every reconcile, since a restarted server forgets a setting made at runtime.
     */
    public void enableNotifications() {
        checkNotifications(config.source());
    }

    /** Whether the source region's Redis was found not to publish keyspace notifications and refused to turn them on. */
    public boolean notificationsOff() {
        return Boolean.FALSE.equals(notifications.get(config.source()));
    }

    @Override
    public Optional<String> warning() {
        return notificationsWarning();
    }

    /** For status: what to do when the source does not publish keyspace notifications. */
    public Optional<String> notificationsWarning() {
        if (!notificationsOff()) {
            return Optional.empty();
        }
        return Optional.of("keyspace notifications are off on " + config.source()
                + ": set notify-keyspace-events KA; replication heals by reconcile every "
                + config.redis().reconcileInterval().toSeconds() + " s");
    }

    private void checkNotifications(RegionId region) {
        RedisConnections redis = connections(region);
        String display = RedisPair.display(region, redis);
        String setting = KeyspaceChannel.SETTING;
        String refusal = Remote.execute("checking keyspace notifications of " + display, () -> {
            try (Jedis jedis = redis.open(0)) {
                String flags = jedis.configGet(setting).getOrDefault(setting, "");
                String missing = KeyspaceChannel.missingFlags(flags);
                if (!missing.isEmpty()) {
                    jedis.configSet(setting, flags + missing);
                    LOG.info("{}: {} was '{}', now '{}', so that Redis replication hears of every change", display,
                            setting, flags, flags + missing);
                }
                return null;
            } catch (JedisDataException e) {
                return e.getMessage();
            }
        });
        Boolean before = notifications.put(region, refusal == null);
        if (refusal != null && !Boolean.FALSE.equals(before)) {
            LOG.warn("keyspace notifications are off on {} and it refused to turn them on ({}): set {} KA there; until "
                    + "then Redis replication heals by reconcile every {} s", display, refusal, setting,
                    config.redis().reconcileInterval().toSeconds());
        }
    }

    // --- the worker ---

    @Override
    public Batch poll(Direction direction, ReplicationProgress progress) {
        Session session = session(direction);
        synchronized (session) {
            if (progress.appliedCount() == 0) {
                progress.restore(session.checkpoint.path("applied").asLong(), session.checkpoint.path("bytes").asLong());
            }
            if (!session.notificationsChecked) {
                checkNotifications(direction.source());
                session.notificationsChecked = true;
            }
            DirtyKeys queue = queue(direction);
            if (session.sweep == null && queue.takeSweepRequest()) {
                LOG.info("Redis replication {}: changes were not queued (queue full, or keys that are not UTF-8); "
                        + "comparing every key", direction);
                session.sweep = new Sweep(false, clock.instant(),
                        new KeyspaceWalk(session.databases, config.redis().batchSize()));
            }
            Instant started = clock.instant();
            Outcome outcome = new Outcome();
            if (session.sweep != null) {
                sweepStep(session, outcome);
            }
            List<DirtyKeys.Pending> batch = queue.drain(config.redis().batchSize());
            try {
                apply(session, batch, outcome);
            } catch (RuntimeException e) {
                queue.putBack(batch);
                throw e;
            }
            account(session, outcome, progress);
            boolean caughtUp = session.sweep == null && queue.isEmpty();
            progress.phase(session.initialSync() ? ReplicationProgress.Phase.INITIAL_SYNC
                    : ReplicationProgress.Phase.STREAMING);
            progress.polled(caughtUp, queue.size(), caughtUp ? started : null);
            return new Batch(direction, STORE, outcome.applied, outcome.conflicts, outcome.failures,
                    session.dirty ? session.checkpoint.deepCopy() : null, !caughtUp);
        }
    }

    /** One SCAN page of the sweep under way; ends the sweep after its last page. */
    private void sweepStep(Session session, Outcome outcome) {
        Sweep sweep = session.sweep;
        KeyspaceWalk.Page page = sweep.walk.next(session.pair);
        if (page == null) {
            session.sweep = null;
            reconciled.put(session.direction, sweep.startedAt);
            if (sweep.initial) {
                session.checkpoint.put("initialSync", COMPLETE);
                session.checkpoint.put("initialSyncCompletedAt", clock.instant().toString());
                LOG.info("Redis initial sync {} complete: {} keys read in both regions, {} copied; following keyspace "
                        + "notifications", session.direction, sweep.walk.visited(), sweep.copied);
            } else {
                LOG.info("Redis replication {}: every key compared ({} read in both regions), {} out of step copied",
                        session.direction, sweep.walk.visited(), sweep.copied);
            }
            session.dirty = true;
            return;
        }
        if (page.keys().isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        DirtyKeys queue = queue(session.direction);
        List<DirtyKeys.Pending> keys = new ArrayList<>(page.keys().size());
        for (byte[] key : page.keys()) {
            RedisKey found = new RedisKey(page.database(), key);
            // after the initial sync, what a sweep copies was missed, unless a notification is waiting for it
            keys.add(new DirtyKeys.Pending(found, now, !sweep.initial && !queue.contains(found)));
        }
        int before = outcome.applied;
        applyDatabase(session, page.database(), keys, outcome);
        sweep.copied += outcome.applied - before;
    }

    private void apply(Session session, List<DirtyKeys.Pending> batch, Outcome outcome) {
        Map<Integer, List<DirtyKeys.Pending>> byDatabase = new LinkedHashMap<>();
        for (DirtyKeys.Pending pending : batch) {
            byDatabase.computeIfAbsent(pending.key().database(), d -> new ArrayList<>()).add(pending);
        }
        byDatabase.forEach((database, pending) -> applyDatabase(session, database, pending, outcome));
    }

    /**
     * Reads the keys in both regions, decides each, and copies those that conflict with nothing: as many keys
     * at once as their values at the source fit in {@link RedisSizes#BATCH_BYTES}, so large values are read a
     * few at a time.
     */
    private void applyDatabase(Session session, int database, List<DirtyKeys.Pending> pending, Outcome outcome) {
        if (pending.size() > 1 && memoryUsageAllowed) {
            Optional<long[]> sizes = RedisSizes.of(session.pair.source(database),
                    pending.stream().map(p -> p.key().key()).toList(), "sizing " + pending.size() + " keys of database "
                            + database + " of " + session.pair.sourceDisplay());
            if (sizes.isPresent()) {
                for (int from = 0; from < pending.size(); ) {
                    int n = RedisSizes.fitting(sizes.get(), from);
                    applyChunk(session, database, pending.subList(from, from + n), outcome);
                    from += n;
                }
                return;
            }
            memoryUsageAllowed = false;
        }
        applyChunk(session, database, pending, outcome);
    }

    private void applyChunk(Session session, int database, List<DirtyKeys.Pending> pending, Outcome outcome) {
        Direction direction = session.direction;
        String source = direction.source().value();
        String target = direction.target().value();
        List<byte[]> keys = pending.stream().map(p -> p.key().key()).toList();
        List<KeyState> states = KeyStates.read(session.pair, database, keys, direction.source(), direction.target(), clock);
        long now = clock.millis();
        List<Write> writes = new ArrayList<>();
        List<Recorded> adopted = new ArrayList<>();
        DirtyKeys reverse = queues.get(direction.reverse());
        for (int i = 0; i < states.size(); i++) {
            KeyState state = states.get(i);
            boolean compared = session.initialSync() || pending.get(i).repair();
            if (compared && reverse != null && reverse.contains(pending.get(i).key()) && state.lostByTarget(target)) {
                continue; // deleted in the target, and the deletion is on its way the other way: no resurrection
            }
            switch (state.step(target, now, compared)) {
                case ECHO -> outcome.echoes++;
                case HELD -> holdLater(session, database, state, pending.get(i).changedAt());
                case SYNCED -> {
                    // nothing to do: a duplicate notification, or a change already copied
                }
                case ADOPT -> adopted.add(new Recorded(state.key(), new RedisVersion(state.sourceDigest(),
                        state.targetDigest(), state.sourceExpireAt(), state.targetExpireAt(), source, null, now),
                        replacesReverse(state, target)));
                case APPLY -> writes.add(new Write(state, pending.get(i)));
                case CONFLICT -> outcome.conflicts.add(detect(session, database, state, pending.get(i).changedAt()));
            }
        }
        copy(session, database, writes, outcome);
        writeRecords(session, database, adopted);
    }

    /** Copies the source's values into the target, pipelined, then records what the target holds now. */
    private void copy(Session session, int database, List<Write> writes, Outcome outcome) {
        if (writes.isEmpty()) {
            return;
        }
        RedisPair pair = session.pair;
        String source = session.direction.source().value();
        String target = session.direction.target().value();
        int n = writes.size();
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
                KeyState state = writes.get(i).state();
                long ttl = timeToLive(state.sourceExpireAt(), now);
                if (state.sourceDump() == null || ttl < 0) {
                    restores.add(null);
                    dumps.add(null);
                    deletes.add(pipeline.del(state.key()));
                    expireAt[i] = RedisVersion.NO_EXPIRY;
                } else {
                    restores.add(pipeline.restore(state.key(), ttl, state.sourceDump(), RestoreParams.restoreParams().replace()));
                    dumps.add(pipeline.dump(state.key()));
                    deletes.add(null);
                    expireAt[i] = ttl == 0 ? RedisVersion.NO_EXPIRY : now + ttl;
                }
            }
            pipeline.sync();
        });
        List<Recorded> records = new ArrayList<>(n);
        JedisDataException busy = null;
        for (int i = 0; i < n; i++) {
            Write write = writes.get(i);
            KeyState state = write.state();
            RedisVersion version;
            if (restores.get(i) != null) {
                try {
                    restores.get(i).get();
                } catch (JedisDataException e) {
                    if (busy(e)) {
                        busy = e;
                    } else {
                        outcome.failures.add(failure(session, database, state, e));
                    }
                    continue;
                }
                version = new RedisVersion(state.sourceDigest(), RedisValues.digest(dumps.get(i).get()),
                        state.sourceExpireAt(), expireAt[i], source, null, now);
                outcome.wrote(write.pending(), state.sourceDump().length);
            } else {
                version = new RedisVersion(null, null, RedisVersion.NO_EXPIRY, RedisVersion.NO_EXPIRY, source, null, now);
                if (deletes.get(i).get() > 0) {
                    outcome.wrote(write.pending(), 0);
                }
            }
            records.add(new Recorded(state.key(), version, replacesReverse(state, target)));
        }
        writeRecords(session, database, records);
        if (busy != null) {
            // the keys written are recorded; the rest are put back in the queue by the failed poll
            throw new RemoteOperationException(description + " failed: " + busy.getMessage(), busy, true);
        }
    }

    /**
     * Writes this direction's records into the target's metadata database, and removes the reverse
     * direction's records they supersede from the source's (so that an old record there cannot make a
     * later change look like an echo).
     */
    private void writeRecords(Session session, int database, List<Recorded> records) {
        if (records.isEmpty()) {
            return;
        }
        RedisPair pair = session.pair;
        String source = session.direction.source().value();
        String target = session.direction.target().value();
        long now = clock.millis();
        Remote.run("writing " + records.size() + " replication records into " + pair.targetDisplay(), () -> {
            Pipeline pipeline = pair.targetMetadata().pipelined();
            for (Recorded record : records) {
                byte[] name = RedisVersion.metadataKey(source, database, record.key());
                long keepFor = keepFor(record.version(), source, now);
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
     * How long a record is kept, in milliseconds; 0 for as long as its key. Records of deleted and of
     * expiring keys go some time after the key does (long enough to recognise the deletion's echo and an
     * expiry in the target); a hold, and a settled decision for the target's version, stay.
     */
    private long keepFor(RedisVersion version, String source, long now) {
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

    private static boolean replacesReverse(KeyState state, String target) {
        RedisVersion reverse = state.sourceRecord();
        return reverse != null && !reverse.held() && target.equals(reverse.origin());
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

    private void account(Session session, Outcome outcome, ReplicationProgress progress) {
        progress.echoesSkipped(outcome.echoes);
        progress.applied(outcome.applied, outcome.bytes, outcome.newest);
        progress.repaired(outcome.repaired);
        outcome.conflicts.forEach(c -> progress.conflictDetected());
        if (outcome.applied > 0) {
            session.checkpoint.put("applied", session.checkpoint.path("applied").asLong() + outcome.applied);
            session.checkpoint.put("bytes", session.checkpoint.path("bytes").asLong() + outcome.bytes);
            session.dirty = true;
        }
        Instant reconciledAt = reconciled.get(session.direction);
        if (reconciledAt != null && !reconciledAt.toString().equals(session.checkpoint.path("lastReconcileAt").asText())) {
            session.checkpoint.put("lastReconcileAt", reconciledAt.toString());
            session.dirty = true;
        }
    }

    // --- conflicts ---

    private Conflict detect(Session session, int database, KeyState state, Instant sourceChangedAt) {
        long now = clock.millis();
        RecordVersion source = version(() -> session.pair.source(database), session.pair.sourceDisplay(), state.key(),
                state.sourceDump(), state.sourceExpireAt(), state.sourceDigest(), sourceChangedAt, now);
        // Redis keeps no modification time: the target's version has none.
        RecordVersion target = version(() -> session.pair.target(database), session.pair.targetDisplay(), state.key(),
                state.targetDump(), state.targetExpireAt(), state.targetDigest(), null, now);
        ConflictResolver.Outcome outcome = resolver.decide(source, target);
        Instant at = clock.instant();
        return Conflict.detected(ConflictId.generate(at), STORE, session.direction, record(database, state.key()),
                resolver.strategy(), at, source, target, outcome.decision(), outcome.reason());
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

    /** A source change of a held key: kept with its open conflict for review, applied only by the resolution. */
    private void holdLater(Session session, int database, KeyState state, Instant changedAt) {
        String id = state.targetRecord().conflict();
        try {
            Optional<Conflict> open = conflicts.find(id).filter(Conflict::isOpen)
                    .filter(c -> !Objects.equals(c.sourceVersion().sha256(), state.sourceDigest()));
            if (open.isPresent()) {
                conflicts.save(open.get().withLaterSource(version(() -> session.pair.source(database),
                        session.pair.sourceDisplay(), state.key(), state.sourceDump(), state.sourceExpireAt(),
                        state.sourceDigest(), changedAt, clock.millis())));
            }
        } catch (RuntimeException e) {
            // the newest source version stays in the source; only the conflict's copy of it is behind
            LOG.warn("conflict {}: could not record a later source version: {}", id, Failures.describe(e));
        }
    }

    private ReplicationFailure failure(Session session, int database, KeyState state, JedisDataException e) {
        Instant at = clock.instant();
        RecordVersion change = version(() -> session.pair.source(database), session.pair.sourceDisplay(), state.key(),
                state.sourceDump(), state.sourceExpireAt(), state.sourceDigest(), at, at.toEpochMilli());
        ConflictRecord refused = record(database, state.key());
        return new ReplicationFailure(ReplicationFailure.id(STORE, session.direction, refused, state.sourceDigest()), STORE,
                session.direction.source().value(), session.direction.target().value(), refused,
                at, session.pair.targetDisplay() + " refused the key: " + e.getMessage() + hint(e), change.content());
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

    @Override
    public void settle(Conflict conflict) {
        Session session = session(conflict.direction());
        synchronized (session) {
            int database = database(conflict);
            KeyState state = readOne(session, database, RedisKey.parse(conflict.record().key()));
            String source = conflict.source();
            String target = conflict.target();
            long now = clock.millis();
            switch (conflict.decision()) {
                case SOURCE -> copyOne(session, database, state);
                case TARGET -> writeRecords(session, database, List.of(new Recorded(state.key(),
                        new RedisVersion(state.sourceDigest(), state.targetDigest(), state.sourceExpireAt(),
                                state.targetExpireAt(), target, null, now), replacesReverse(state, target))));
                case PENDING -> {
                    RedisVersion before = state.targetRecord() != null ? state.targetRecord()
                            : new RedisVersion(null, null, RedisVersion.NO_EXPIRY, RedisVersion.NO_EXPIRY, source, null, now);
                    writeRecords(session, database, List.of(new Recorded(state.key(), before.holding(conflict.id(), now), false)));
                    LOG.warn("conflict {}: a Redis key in database {} changed in both {} and {}; held until resolved with "
                            + "'dr resolve-conflict {} source|target'", conflict.id(), database, source, target, conflict.id());
                }
                default -> throw new IllegalArgumentException("a detected conflict cannot be settled as " + conflict.decision());
            }
        }
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        if (resolution.decision() == Decision.CUSTOM) {
            throw new InvalidRequestException("custom JSON resolutions apply to MongoDB documents; resolve Redis "
                    + "conflicts with source or target");
        }
        Session session = session(conflict.direction());
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
                    catchUp(session, database, state.key(), copyBack(session, database, state));
                    return conflict.resolved(Decision.TARGET, by, now, null, "resolved by " + by
                            + ": the target's version was written to " + conflict.source());
                }
                default -> throw new IllegalArgumentException("cannot resolve as " + resolution.decision());
            }
        }
    }

    /** Copies one key's source version into the target, whatever the target holds. */
    private void copyOne(Session session, int database, KeyState state) {
        Outcome outcome = new Outcome();
        copy(session, database, List.of(new Write(state, new DirtyKeys.Pending(new RedisKey(database, state.key()),
                clock.instant(), false))), outcome);
        if (!outcome.failures.isEmpty()) {
            throw new IllegalStateException(outcome.failures.get(0).error());
        }
    }

    /**
     * Once a resolution has lifted the hold: a source change made while it ran may have been read and held by
     * a worker in another process (a running {@code dr server} while the CLI resolves). Whatever the source
     * holds now, if it is not what the resolution saw or wrote there, is copied at once rather than at the next
     * reconcile; changes made after this read find the key free and replicate as usual.
     */
    private void catchUp(Session session, int database, byte[] key, String sourceDigest) {
        KeyState latest = readOne(session, database, key);
        if (!Objects.equals(latest.sourceDigest(), sourceDigest)) {
            copyOne(session, database, latest);
        }
    }

    /**
     * Writes the target's version of a key into the source, and records both regions as holding it.
     *
     * @return the digest of what the source holds now
     */
    private String copyBack(Session session, int database, KeyState state) {
        RedisPair pair = session.pair;
        String target = session.direction.target().value();
        long now = clock.millis();
        long ttl = timeToLive(state.targetExpireAt(), now);
        boolean delete = state.targetDump() == null || ttl < 0;
        List<Response<?>> replies = new ArrayList<>(2);
        Remote.run("writing the target's version of a key into database " + database + " of " + pair.sourceDisplay(), () -> {
            replies.clear();
            Pipeline pipeline = pair.source(database).pipelined();
            replies.add(delete ? pipeline.del(state.key())
                    : pipeline.restore(state.key(), ttl, state.targetDump(), RestoreParams.restoreParams().replace()));
            replies.add(pipeline.dump(state.key()));
            pipeline.sync();
        });
        try {
            replies.get(0).get();
        } catch (JedisDataException e) {
            throw new IllegalStateException(pair.sourceDisplay() + " refused the target's version of the key: "
                    + e.getMessage(), e);
        }
        byte[] written = (byte[]) replies.get(1).get();
        long expireAt = delete || ttl == 0 ? RedisVersion.NO_EXPIRY : now + ttl;
        String digest = RedisValues.digest(written);
        writeRecords(session, database, List.of(new Recorded(state.key(), new RedisVersion(digest,
                state.targetDigest(), expireAt, state.targetExpireAt(), target, null, now), replacesReverse(state, target))));
        return digest;
    }

    private KeyState readOne(Session session, int database, byte[] key) {
        return KeyStates.read(session.pair, database, List.of(key), session.direction.source(),
                session.direction.target(), clock).get(0);
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

    // --- reconcile ---

    /**
     * Compares every key of the direction's databases in both regions (SCAN, pipelined DUMPs) and queues
     * those out of step, each counted as a repair once it is copied; keys held by open conflicts are left
     * alone. Skipped until the worker has polled, and while a sweep is under way: the worker's first poll
     * begins with one, and a sweep compares everything anyway. Uses connections of its own, so the worker
     * goes on meanwhile.
     *
     * @return the number of keys found out of step
     */
    @Override
    public long reconcile(Direction direction) {
        Session session = sessions.current(direction);
        if (session == null || session.sweep != null) {
            return 0;
        }
        checkNotifications(direction.source());
        Instant started = clock.instant();
        DirtyKeys queue = queue(direction);
        String target = direction.target().value();
        long found = 0;
        long compared;
        try (RedisPair pair = pair(direction)) {
            KeyspaceWalk walk = new KeyspaceWalk(databases(direction.source()), config.redis().batchSize());
            for (KeyspaceWalk.Page page = walk.next(pair); page != null; page = walk.next(pair)) {
                if (page.keys().isEmpty()) {
                    continue;
                }
                for (KeyState state : KeyStates.read(pair, page.database(), page.keys(), direction.source(),
                        direction.target(), clock)) {
                    if (state.outOfStep(target)) {
                        found++;
                        queue.outOfStep(new RedisKey(page.database(), state.key()), started);
                    }
                }
            }
            compared = walk.visited();
        }
        reconciled.put(direction, started);
        if (found > 0) {
            LOG.info("Redis reconcile {}: {} of {} keys out of step, queued for repair", direction, found, compared);
        } else {
            LOG.debug("Redis reconcile {}: {} keys in step", direction, compared);
        }
        return found;
    }

    // --- lifecycle ---

    @Override
    public void commit(Batch batch) {
        Session session = sessions.current(batch.direction());
        if (session == null || batch.checkpoint() == null) {
            return;
        }
        synchronized (session) {
            String initialSync = batch.checkpoint().path("initialSync").asText();
            if (checkpoints.save(session.direction, STORE, batch.checkpoint(), !initialSync.equals(session.savedInitialSync))) {
                session.savedInitialSync = initialSync;
                session.dirty = false;
            }
        }
    }

    /** Closes the direction's connections. Queued keys stay queued, and the next poll begins with a sweep. */
    @Override
    public void reset(Direction direction) {
        sessions.reset(direction);
    }

    /** Writes the checkpoint, closes the connections and empties the queue: a restart begins with a sweep. */
    @Override
    public void stop(Direction direction) {
        sessions.stop(direction);
        queue(direction).clear();
    }

    @Override
    public Map<String, Long> targetCounts(Direction direction) {
        RedisConnections target = connections(direction.target());
        List<Integer> databases = databases(direction.source());
        long keys = Remote.execute("counting keys of " + RedisPair.display(direction.target(), target), () -> {
            long total = 0;
            try (Jedis jedis = target.open(0)) {
                for (int database : databases) {
                    jedis.select(database);
                    total += jedis.dbSize();
                }
            }
            return total;
        });
        return Map.of("keys", keys);
    }

    @Override
    public void close() {
        sessions.closeAll();
    }

    // --- helpers ---

    private Session session(Direction direction) {
        return sessions.open(direction);
    }

    private DirtyKeys queue(Direction direction) {
        return queues.computeIfAbsent(direction, d -> new DirtyKeys(QUEUE_BOUND));
    }

    private RedisConnections connections(RegionId region) {
        return connections.computeIfAbsent(region, r -> new RedisConnections(regions.get(r).config().requireRedis()));
    }

    private RedisPair pair(Direction direction) {
        return new RedisPair(direction.source(), connections(direction.source()), direction.target(),
                connections(direction.target()), config.redis().metadataDatabase());
    }

    /** The databases replicated from a region: its configured ones, never the metadata database. */
    private List<Integer> databases(RegionId source) {
        int metadata = config.redis().metadataDatabase();
        return regions.get(source).config().redis().map(RedisConfig::databases).orElse(List.of()).stream()
                .filter(d -> d != metadata).toList();
    }
}
