package io.devflow.dr.drill;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.support.Failures;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The replication drill: per replicated store, a canary written into the active region's data must appear in every
 * region replication writes to within {@code replication.health.degradedLagSeconds} (the healthy bound), and its
 * removal must follow it there (MongoDB, Redis; InfluxDB replication carries no deletes). The seconds per store are the
 * slowest arrival. The stores are drilled at the same time. Whatever happens, the canary is removed from every region
 * before the drill ends.
 */
public final class ReplicationDrill implements Drill {

    private static final long POLL_MILLIS = 100;

    private final Optional<ReplicationConfig> config;
    private final Supplier<List<Direction>> directions;
    private final RegionDirectory regions;
    private final Clock clock;

    /** @param directions the directions replication runs now: from the active region to every other one */
    public ReplicationDrill(Optional<ReplicationConfig> config, Supplier<List<Direction>> directions,
                            RegionDirectory regions, Clock clock) {
        this.config = config;
        this.directions = directions;
        this.regions = regions;
        this.clock = clock;
    }

    @Override
    public DrillType type() {
        return DrillType.REPLICATION;
    }

    @Override
    public void run(String id, DrillOutcome outcome) {
        if (config.isEmpty()) {
            outcome.failed("replication is not configured (disasterRecovery.replication): nothing to drill");
            return;
        }
        List<Direction> now = directions.get();
        if (now.isEmpty()) {
            outcome.failed("replication has no target region: nothing to drill");
            return;
        }
        RegionId source = now.get(0).source();
        Duration bound = config.get().health().degradedAfter();
        Map<StoreKind, List<RegionId>> drilled = new EnumMap<>(StoreKind.class);
        for (StoreKind store : StoreKind.values()) {
            List<RegionId> targets = now.stream().map(Direction::target)
                    .filter(t -> regions.get(t).config().has(store)).toList();
            if (config.get().replicates(store) && regions.get(source).config().has(store) && !targets.isEmpty()) {
                drilled.put(store, targets);
            }
        }
        drillAtOnce(id, source, drilled, bound, outcome);
    }

    /**
     * Drills the stores at the same time, so a drill of broken replication takes one bound, not one per store; each
     * store's findings are added to the outcome in store order, whichever finished first.
     */
    private void drillAtOnce(String id, RegionId source, Map<StoreKind, List<RegionId>> drilled, Duration bound,
                             DrillOutcome outcome) {
        Map<StoreKind, DrillOutcome> parts = new EnumMap<>(StoreKind.class);
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, drilled.size()), runnable -> {
            Thread thread = new Thread(runnable, "dr-drill-replication");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>();
            drilled.forEach((store, targets) -> {
                DrillOutcome part = new DrillOutcome();
                parts.put(store, part);
                running.add(workers.submit(() -> drill(id, canary(store, source), source, targets, bound, part)));
            });
            for (Future<?> store : running) {
                store.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.failed("the replication drill was interrupted; its canaries may be left: run it again");
        } catch (ExecutionException e) {
            outcome.failed(Failures.describe(e.getCause()));
        } finally {
            workers.shutdown();
        }
        parts.values().forEach(outcome::include);
    }

    private ReplicationCanary canary(StoreKind store, RegionId source) {
        return switch (store) {
            case MONGODB -> new MongoReplicationCanary(regions, source, clock);
            case REDIS -> new RedisReplicationCanary(regions, source);
            case INFLUXDB -> new InfluxReplicationCanary(regions, source, clock);
        };
    }

    private void drill(String id, ReplicationCanary canary, RegionId source, List<RegionId> targets, Duration bound,
                       DrillOutcome outcome) {
        String store = canary.store().id();
        long started = System.nanoTime();
        try {
            String where = canary.write(source, id);
            Map<RegionId, Double> arrived = await(targets, t -> canary.present(t, id), bound);
            List<RegionId> missing = targets.stream().filter(t -> !arrived.containsKey(t)).toList();
            double slowest = arrived.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            if (!missing.isEmpty()) {
                outcome.store(store, false, DrillOutcome.seconds(started), "canary written to " + source + " " + where
                        + " not seen in " + names(missing) + " within " + bound.toSeconds()
                        + " s (replication.health.degradedLagSeconds)" + (arrived.isEmpty() ? "" : "; seen in "
                        + describe(arrived)));
                return;
            }
            String removal = "";
            if (canary.store() != StoreKind.INFLUXDB) {
                canary.remove(source, id);
                Map<RegionId, Double> removed = await(targets, t -> !canary.present(t, id), bound);
                List<RegionId> kept = targets.stream().filter(t -> !removed.containsKey(t)).toList();
                if (!kept.isEmpty()) {
                    outcome.store(store, false, slowest, "canary seen in " + describe(arrived) + ", but its removal "
                            + "did not reach " + names(kept) + " within " + bound.toSeconds() + " s");
                    return;
                }
                removal = "; its removal replicated too";
            }
            outcome.store(store, true, slowest, "canary written to " + source + " " + where + ", seen in "
                    + describe(arrived) + removal);
        } catch (RuntimeException e) {
            outcome.store(store, false, DrillOutcome.seconds(started), Failures.describe(e));
        } finally {
            removeEverywhere(canary, id, source, targets, outcome);
        }
    }

    private static void removeEverywhere(ReplicationCanary canary, String id, RegionId source, List<RegionId> targets,
                                         DrillOutcome outcome) {
        List<RegionId> all = new ArrayList<>();
        all.add(source);
        all.addAll(targets);
        for (RegionId region : all) {
            try {
                canary.remove(region, id);
                outcome.cleaned("removed the " + canary.store().id() + " replication canary from " + region);
            } catch (RuntimeException e) {
                outcome.failed("the " + canary.store().id() + " replication canary " + id + " could not be removed from "
                        + region + " (" + Failures.describe(e) + "); remove it by hand");
            }
        }
    }

    /** Polls every region until the condition holds there or the bound passes; when each first held, in seconds. */
    private static Map<RegionId, Double> await(List<RegionId> regions, Predicate<RegionId> condition, Duration bound) {
        long started = System.nanoTime();
        long deadline = started + bound.toNanos();
        Map<RegionId, Double> held = new LinkedHashMap<>();
        while (true) {
            for (RegionId region : regions) {
                if (!held.containsKey(region) && holds(condition, region)) {
                    held.put(region, DrillOutcome.seconds(started));
                }
            }
            if (held.size() == regions.size() || System.nanoTime() > deadline) {
                return held;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return held;
            }
        }
    }

    /** A region that cannot be asked just now has not seen the canary yet (a target's database may not exist yet). */
    private static boolean holds(Predicate<RegionId> condition, RegionId region) {
        try {
            return condition.test(region);
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static String describe(Map<RegionId, Double> arrived) {
        return String.join(", ", arrived.entrySet().stream().map(e -> e.getKey() + " after " + e.getValue() + " s").toList());
    }

    private static String names(List<RegionId> regions) {
        return String.join(", ", regions.stream().map(RegionId::value).toList());
    }
}
