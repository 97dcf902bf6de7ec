package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The drain of a handover: waits, polling the workers' progress, until the direction's target has everything its
 * source had when the drain began, for every replicated store, or until the bound passes. It reads; the workers
 * replicate as they always do, so the direction must be running (a stopped store never catches up, and the
 * drain says so when the bound passes).
 *
 * <p><b>Caught up</b>, for one store, means: the mark is the instant the drain began; the store's worker for the
 * direction has completed, without an error, a poll that began after the mark (the second poll counted after the
 * mark: polls of a direction run one after another, so the first may have begun before), that poll found nothing
 * more to read at the source (its change feed was drained, nothing waited in the queue, no initial sync or walk
 * ran), and the direction is streaming. So every change the source acknowledged before the mark and published to
 * its feed has been applied at the target or recorded as a conflict (a conflict is settled by the strategy, or
 * held for an operator, never lost). Per store, what "published to its feed" means:
 * <ul>
 * <li>MongoDB: in the change stream, i.e. majority-committed on a replica set.</li>
 * <li>Redis: its keyspace notification reached the subscription; the counted poll begins at least
 *     {@link #NOTIFICATION_ALLOWANCE} after the mark so that a notification in flight at the mark is queued by
 *     then. A write whose notification was lost is healed by the reconcile, not by the drain.</li>
 * <li>InfluxDB: has no feed; caught up additionally needs the copied windows to reach the mark (points with a
 *     time up to the mark, written before it), within the window overlap of decision 23.</li>
 * </ul>
 */
public final class ReplicationDrain implements ReplicationHandover {

    static final Duration NOTIFICATION_ALLOWANCE = Duration.ofSeconds(1);
    private static final long POLL_MILLIS = 50;

    private final ReplicationService replication;
    private final Clock clock;

    public ReplicationDrain(ReplicationService replication, Clock clock) {
        this.replication = replication;
        this.clock = clock;
    }

    @Override
    public Drained drain(RegionId source, RegionId target, Duration bound) {
        Direction direction = new Direction(source, target);
        long started = System.nanoTime();
        long deadline = started + bound.toNanos();
        Instant mark = clock.instant();
        List<StoreKind> stores = replication.config().stores().stream().sorted()
                .filter(s -> replication.replication(s).isPresent()).toList();
        Map<StoreKind, Long> baseline = new EnumMap<>(StoreKind.class);
        Map<StoreKind, StoreDrain> drained = new EnumMap<>(StoreKind.class);
        try {
            while (true) {
                long now = System.nanoTime();
                for (StoreKind store : stores) {
                    ReplicationProgress p = replication.progress(direction, store);
                    long waitFor = store == StoreKind.REDIS ? NOTIFICATION_ALLOWANCE.toNanos() : 0;
                    if (!baseline.containsKey(store) && now - started >= waitFor) {
                        baseline.put(store, p.polls());
                    }
                    drained.put(store, state(store, p, baseline.get(store), mark, clock.instant()));
                }
                if (drained.values().stream().allMatch(StoreDrain::caughtUp) || now >= deadline) {
                    return new Drained(drained, Duration.ofNanos(System.nanoTime() - started));
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Drained(drained, Duration.ofNanos(System.nanoTime() - started));
        }
    }

    /**
     * One store's state against the mark; {@code baseline} is its poll count at the mark (null: not taken yet).
     * Not caught up, its lag runs from the source time up to which the target is known complete (the worker's
     * own lag when that is not known) and its backlog is -1 while its polls fail.
     */
    static StoreDrain state(StoreKind store, ReplicationProgress p, Long baseline, Instant mark, Instant now) {
        Instant complete = p.completeUntil();
        boolean caughtUp = baseline != null && p.polls() >= baseline + 2 && p.caughtUp()
                && p.phase() == ReplicationProgress.Phase.STREAMING
                && (store != StoreKind.INFLUXDB || (complete != null && !complete.isBefore(mark)));
        if (caughtUp) {
            return new StoreDrain(store, true, Duration.ZERO, 0, mark);
        }
        Duration lag = complete == null ? p.lag() : Duration.between(complete, now);
        return new StoreDrain(store, false, lag.isNegative() ? Duration.ZERO : lag,
                p.consecutiveErrors() > 0 ? -1 : p.backlog(), complete);
    }
}
