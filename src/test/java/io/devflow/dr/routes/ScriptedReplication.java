package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Checkpoints;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.replication.ChangeBatch;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.DirectionSessions;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ReplicationCheckpoint;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.RoundResult;
import io.devflow.dr.replication.StoreReplication;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A store replication whose source and target are a script, for tests of the replication routes themselves:
 * each direction's first round reads one batch of records (again after a reset: nothing was checkpointed); {@code apply-*} records are applied (those in
 * {@link #refused} are refused by the target), {@code conflict-*} ones conflict, {@code held-*} ones are held by an
 * open conflict. Later rounds find nothing. Checkpoints go through the real {@link DirectionSessions} into the
 * control state, so a test reads them there. Every call is logged in {@link #calls}.
 */
final class ScriptedReplication implements StoreReplication<ScriptedReplication.Records, ScriptedReplication.Records,
        List<String>, String, ScriptedReplication.Position> {

    static final Instant SOURCE_TIME = Instant.parse("2026-01-27T10:00:00Z");
    static final Instant TARGET_TIME = Instant.parse("2026-01-27T10:00:05Z");

    /** The scripted checkpoint: how many records a direction has read. */
    record Position(long read) implements ReplicationCheckpoint {
        @Override
        public String milestone() {
            return "";
        }
    }

    /** A batch of scripted records and the position after them. */
    record Records(Direction direction, List<String> keys, Position reached) implements ChangeBatch {
        @Override
        public int size() {
            return keys.size();
        }

        @Override
        public boolean more() {
            return false;
        }
    }

    final List<String> calls = new CopyOnWriteArrayList<>();
    final Set<String> refused = ConcurrentHashMap.newKeySet();
    /** When set, a direction's read waits for it: the round is then in progress until the test opens it. */
    volatile CountDownLatch readGate;
    private final List<String> script;
    private final Map<Direction, Boolean> delivered = new ConcurrentHashMap<>();
    private final DirectionSessions<Position, DirectionSessions.Session> sessions;

    ScriptedReplication(Checkpoints checkpoints, List<String> script) {
        this.script = List.copyOf(script);
        this.sessions = new DirectionSessions<>(checkpoints, StoreKind.MONGODB, Position.class,
                (direction, saved) -> () -> { });
    }

    private void call(String what, Direction direction) {
        calls.add(what + " " + direction.target());
    }

    /** The calls made for one direction, in order. */
    List<String> calls(Direction direction) {
        String suffix = " " + direction.target();
        return calls.stream().filter(c -> c.endsWith(suffix)).map(c -> c.substring(0, c.length() - suffix.length())).toList();
    }

    @Override
    public StoreKind store() {
        return StoreKind.MONGODB;
    }

    @Override
    public Records read(Direction direction) {
        sessions.open(direction);
        CountDownLatch gate = readGate;
        if (gate != null) {
            call("read-waiting", direction);
            try {
                if (!gate.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the read gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        boolean first = delivered.putIfAbsent(direction, true) == null;
        List<String> keys = first ? script : List.of();
        if (first) {
            call("read", direction);
        }
        return new Records(direction, keys, new Position(keys.size()));
    }

    @Override
    public Records readTarget(Records changes) {
        if (!changes.keys().isEmpty()) {
            call("read-target", changes.direction());
        }
        return changes;
    }

    @Override
    public Classified<Position> classify(Records compared) {
        List<Outcome> outcomes = new ArrayList<>();
        List<String> applied = compared.keys().stream().filter(k -> k.startsWith("apply-")).toList();
        if (!applied.isEmpty()) {
            outcomes.add(new Outcome.Apply<>(compared.direction(), StoreKind.MONGODB, applied, applied.size()));
        }
        for (String key : compared.keys()) {
            if (key.startsWith("conflict-")) {
                outcomes.add(new Outcome.Conflicting<>(compared.direction(), StoreKind.MONGODB, key));
            } else if (key.startsWith("held-")) {
                outcomes.add(new Outcome.Held<>(compared.direction(), StoreKind.MONGODB, "conflict-held", key));
            }
        }
        if (!compared.keys().isEmpty()) {
            call("classify", compared.direction());
        }
        return new Classified<>(compared.direction(), StoreKind.MONGODB, outcomes, compared.reached(),
                compared.size(), compared.more());
    }

    @Override
    public List<ReplicationFailure> write(Outcome.Apply<List<String>> apply) {
        call("write " + apply.writes(), apply.direction());
        List<ReplicationFailure> failures = new ArrayList<>();
        for (String key : apply.writes()) {
            if (refused.contains(key)) {
                ConflictRecord record = record(key);
                failures.add(new ReplicationFailure(ReplicationFailure.id("mongodb", apply.direction(), record, key),
                        "mongodb", apply.direction().source().value(), apply.direction().target().value(), record,
                        SOURCE_TIME, "the target's validation refused " + key,
                        JsonNodeFactory.instance.objectNode().put("_id", key)));
            }
        }
        return failures;
    }

    @Override
    public void hold(Outcome.Held<String> held) {
        call("hold " + held.change(), held.direction());
    }

    @Override
    public RoundResult checkpoint(Classified<Position> batch) {
        if (batch.examined() > 0) {
            call("checkpoint", batch.direction());
        }
        return sessions.checkpoint(batch);
    }

    @Override
    public ConflictVersions describe(Outcome.Conflicting<String> conflicting) {
        call("describe " + conflicting.change(), conflicting.direction());
        return new ConflictVersions(conflicting.direction(), StoreKind.MONGODB, record(conflicting.change()),
                new RecordVersion(true, JsonNodeFactory.instance.objectNode().put("v", "source"), SOURCE_TIME, null, "s1"),
                new RecordVersion(true, JsonNodeFactory.instance.objectNode().put("v", "target"), TARGET_TIME, null, "t1"));
    }

    @Override
    public void settle(Conflict conflict) {
        call("settle " + conflict.record().key() + " " + conflict.decision().id(), conflict.direction());
    }

    @Override
    public Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        throw new IllegalStateException("not scripted");
    }

    @Override
    public void reset(Direction direction) {
        call("reset", direction);
        delivered.remove(direction);
        sessions.reset(direction);
    }

    @Override
    public void stop(Direction direction) {
        call("stop", direction);
        sessions.stop(direction);
    }

    @Override
    public Map<String, Long> targetCounts(Direction direction) {
        return Map.of();
    }

    @Override
    public void close() {
        sessions.closeAll();
    }

    private static ConflictRecord record(String key) {
        return new ConflictRecord("devflow", "things", "\"" + key + "\"");
    }
}
