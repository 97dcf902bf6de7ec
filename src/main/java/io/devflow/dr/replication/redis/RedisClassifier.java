package io.devflow.dr.replication.redis;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.Outcome;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code classify} step of Redis replication as a pure function: what the direction does with each key read,
 * by the rules of {@link KeyState}, gathered into the outcomes the worker route handles, one group of writes per
 * database. Reads nothing, not even the clock: each key carries the time it was compared.
 */
final class RedisClassifier {

    /**
     * A classified batch.
     *
     * @param echoes keys the reverse direction wrote into the source: skipped, only counted
     */
    record Decided(Classified<RedisCheckpoint> batch, int echoes) {
    }

    /** What one database's keys come to. */
    private static final class Group {
        final List<KeyChange> copies = new ArrayList<>();
        final List<KeyState> adopted = new ArrayList<>();
        final List<Outcome> held = new ArrayList<>();
        final List<Outcome> conflicts = new ArrayList<>();
    }

    private RedisClassifier() {
    }

    static Decided classify(ComparedKeys read) {
        Direction direction = read.direction();
        String target = direction.target().value();
        boolean initialSync = !read.reached().initialSyncComplete();
        Map<Integer, Group> byDatabase = new LinkedHashMap<>();
        int echoes = 0;
        for (KeyChange change : read.keys()) {
            KeyState state = change.state();
            // a key from comparing the regions (initial sync, walk, reconcile) rather than from a notification
            boolean compared = initialSync || change.pending().repair();
            if (compared && change.reverseQueued() && state.lostByTarget(target)) {
                continue; // deleted in the target, and the deletion is on its way the other way: no resurrection
            }
            Group group = byDatabase.computeIfAbsent(change.database(), d -> new Group());
            switch (state.step(target, change.comparedAt(), compared)) {
                case ECHO -> echoes++;
                case HELD -> group.held.add(new Outcome.Held<>(direction, StoreKind.REDIS,
                        state.targetRecord().conflict(), change));
                case SYNCED -> {
                    // nothing to do: a duplicate notification, or a change already copied
                }
                case ADOPT -> group.adopted.add(state);
                case APPLY -> group.copies.add(change);
                case CONFLICT -> group.conflicts.add(new Outcome.Conflicting<>(direction, StoreKind.REDIS, change));
            }
        }
        List<Outcome> outcomes = new ArrayList<>();
        byDatabase.forEach((database, group) -> {
            if (!group.copies.isEmpty() || !group.adopted.isEmpty()) {
                outcomes.add(new Outcome.Apply<>(direction, StoreKind.REDIS,
                        new RedisWrites(database, group.copies, group.adopted), group.copies.size()));
            }
            outcomes.addAll(group.held);
            outcomes.addAll(group.conflicts);
        });
        return new Decided(new Classified<>(direction, StoreKind.REDIS, outcomes, read.reached(), read.size(),
                read.more()), echoes);
    }
}
