package io.devflow.dr.testing;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.replication.ChangeBatch;
import io.devflow.dr.replication.Classified;
import io.devflow.dr.replication.ConflictResolver;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.replication.Outcome;
import io.devflow.dr.replication.ReplicationCheckpoint;
import io.devflow.dr.replication.ReplicationFailure;
import io.devflow.dr.replication.RoundResult;
import io.devflow.dr.replication.StoreReplication;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One direction's round of a store's replication, driven step by step in the order the route
 * {@code replication-round-<store>} drives it: read changes, read the target, classify, then each outcome
 * (write, conflict described, decided, recorded and settled, or held), then the checkpoint. A failed step resets
 * the direction, as the route's error handling does, and is rethrown. For tests that drive replication without
 * Camel; the route tests check that the route does the same.
 */
public final class ReplicationRound {

    /**
     * What a round did.
     *
     * @param conflicts the conflicts recorded, as decided by the strategy
     * @param failures the changes the target refused for good
     */
    public record Result(Classified<?> batch, List<Conflict> conflicts, List<ReplicationFailure> failures,
                         RoundResult round) {

        public boolean more() {
            return batch.more();
        }

        /** How many records the round's apply groups wrote (refused ones included). */
        public int applied() {
            return batch.outcomes().stream().filter(o -> o instanceof Outcome.Apply<?>)
                    .mapToInt(o -> ((Outcome.Apply<?>) o).count()).sum();
        }

        public boolean foundWork() {
            return round.foundWork();
        }
    }

    private ReplicationRound() {
    }

    public static <B extends ChangeBatch, T extends ChangeBatch, W, K, P extends ReplicationCheckpoint> Result run(
            StoreReplication<B, T, W, K, P> replication, Direction direction, ReplicationConfig config,
            ConflictStore conflicts, Clock clock) {
        try {
            Classified<P> batch = replication.classify(replication.readTarget(replication.read(direction)));
            List<Conflict> recorded = new ArrayList<>();
            List<ReplicationFailure> refused = new ArrayList<>();
            for (Outcome outcome : batch.outcomes()) {
                switch (outcome.kind()) {
                    case "apply" -> refused.addAll(replication.write(cast(outcome)));
                    case "conflict" -> {
                        ConflictVersions versions = replication.describe(cast(outcome));
                        ConflictResolver.Outcome decision = new ConflictResolver(config.conflicts())
                                .decide(versions.source(), versions.target());
                        Instant now = clock.instant();
                        Conflict conflict = Conflict.detected(ConflictId.generate(now), versions.store().id(),
                                versions.direction(), versions.record(), config.conflicts().strategy(), now,
                                versions.source(), versions.target(), decision.decision(), decision.reason());
                        conflicts.save(conflict);
                        replication.settle(conflict);
                        recorded.add(conflict);
                    }
                    case "held" -> replication.hold(cast(outcome));
                    default -> throw new IllegalStateException("unknown outcome " + outcome.kind());
                }
            }
            return new Result(batch, recorded, refused, replication.checkpoint(batch));
        } catch (RuntimeException e) {
            replication.reset(direction);
            throw e;
        }
    }

    @SuppressWarnings("unchecked")
    private static <O> O cast(Outcome outcome) {
        return (O) outcome;
    }
}
