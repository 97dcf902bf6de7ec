package io.devflow.dr.replication;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lag and backlog of every replicated store over the last hour, sampled from each status report this process
 * publishes (every few seconds, on the leader). It is what the web console draws; Prometheus keeps the long history.
 * Held in memory: a new leader starts an empty hour.
 */
public final class LagHistory {

    /** How far back samples are kept. */
    public static final Duration KEPT = Duration.ofHours(1);
    /** A bound on the samples of one series, should reports come faster than the configured period. */
    private static final int MAX_SAMPLES = 3_600;

    /** One store's lag towards one target region at one moment. */
    public record Sample(Instant at, double lagSeconds, long backlog) {
    }

    /** One store replicated from {@code source} to {@code target}, its samples oldest first. */
    public record Series(String source, String target, String store, List<Sample> samples) {
    }

    private record Key(String source, String target, String store) {
    }

    private final Clock clock;
    private final Map<Key, Deque<Sample>> series = new LinkedHashMap<>();

    public LagHistory(Clock clock) {
        this.clock = clock;
    }

    /** Adds a report's figures: one sample per target region and store. */
    public synchronized void record(ReplicationReport report) {
        for (ReplicationReport.Target target : report.targets()) {
            for (ReplicationReport.Store store : target.stores()) {
                Deque<Sample> samples = series.computeIfAbsent(new Key(report.source(), target.region(), store.store()),
                        k -> new ArrayDeque<>());
                samples.addLast(new Sample(report.generatedAt(), store.lagSeconds(), store.backlog()));
                while (samples.size() > MAX_SAMPLES) {
                    samples.removeFirst();
                }
            }
        }
        prune(clock.instant().minus(KEPT));
    }

    /** Every series with its samples of the last {@code window} (at most an hour), oldest first. */
    public synchronized List<Series> since(Duration window) {
        Instant from = clock.instant().minus(window.compareTo(KEPT) > 0 ? KEPT : window);
        List<Series> all = new ArrayList<>();
        series.forEach((key, samples) -> all.add(new Series(key.source(), key.target(), key.store(),
                samples.stream().filter(s -> !s.at().isBefore(from)).toList())));
        return all;
    }

    private void prune(Instant oldest) {
        series.values().forEach(samples -> {
            while (!samples.isEmpty() && samples.peekFirst().at().isBefore(oldest)) {
                samples.removeFirst();
            }
        });
        series.values().removeIf(Deque::isEmpty);
    }
}
