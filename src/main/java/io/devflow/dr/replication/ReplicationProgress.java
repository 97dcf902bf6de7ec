package io.devflow.dr.replication;

import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one store's worker in one direction has done: the live numbers behind lag, health, status and the
 * metrics. Written by the worker's thread, read by anyone.
 */
public final class ReplicationProgress {

    /** Where a worker is. */
    public enum Phase { STOPPED, INITIAL_SYNC, STREAMING }

    private static final int WINDOW_SECONDS = 60;
    /**
     * How long after its last poll a caught-up worker's lag counts from that poll: beyond the longest idle wait
     * between polls (InfluxDB's 10 s poll backs off to 50 s on an idle source; MongoDB's and Redis' to 0.5 s).
     */
    static final Duration STALLED_AFTER = Duration.ofSeconds(60);

    private final Direction direction;
    private final String store;
    private final Clock clock;
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong echoes = new AtomicLong();
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong repairs = new AtomicLong();
    private final AtomicLong polls = new AtomicLong();
    private final long[] perSecond = new long[WINDOW_SECONDS];
    private final long[] secondOf = new long[WINDOW_SECONDS];
    private volatile Phase phase = Phase.STOPPED;
    private volatile Instant syncingSince;
    private volatile Instant completeUntil;
    private volatile boolean caughtUp;
    private volatile Instant lastSync;
    private volatile long backlog;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile int consecutiveErrors;

    public ReplicationProgress(Direction direction, String store, Clock clock) {
        this.direction = direction;
        this.store = store;
        this.clock = clock;
    }

    public Direction direction() {
        return direction;
    }

    public String store() {
        return store;
    }

    /** Totals carried over from the checkpoint, so counts survive restarts. */
    public void restore(long appliedBefore, long bytesBefore) {
        applied.set(appliedBefore);
        bytes.set(bytesBefore);
    }

    public void phase(Phase phase) {
        if (phase == Phase.INITIAL_SYNC && this.phase != Phase.INITIAL_SYNC) {
            syncingSince = clock.instant();
        }
        this.phase = phase;
        if (phase == Phase.STOPPED) {
            caughtUp = false;
            backlog = 0;
        }
    }

    public Phase phase() {
        return phase;
    }

    /** Changes applied to the target; {@code sourceTime} is when the newest of them happened at the source. */
    public void applied(long count, long byteCount, Instant sourceTime) {
        applied.addAndGet(count);
        bytes.addAndGet(byteCount);
        if (sourceTime != null && (completeUntil == null || sourceTime.isAfter(completeUntil))) {
            completeUntil = sourceTime;
        }
        long second = clock.millis() / 1000;
        synchronized (perSecond) {
            int slot = (int) (second % WINDOW_SECONDS);
            if (secondOf[slot] != second) {
                secondOf[slot] = second;
                perSecond[slot] = 0;
            }
            perSecond[slot] += count;
        }
    }

    public void echoesSkipped(long count) {
        echoes.addAndGet(count);
    }

    public void conflictDetected() {
        conflicts.incrementAndGet();
    }

    public void repaired(long count) {
        repairs.addAndGet(count);
    }

    /**
     * A poll went well.
     *
     * @param caughtUp whether the worker found nothing more to read at the source
     * @param completeUntil the source time everything before which is in the target (null: unchanged)
     */
    public void polled(boolean caughtUp, long backlog, Instant completeUntil) {
        this.caughtUp = caughtUp;
        this.backlog = backlog;
        this.lastSync = clock.instant();
        this.consecutiveErrors = 0;
        polls.incrementAndGet();
        if (completeUntil != null && (this.completeUntil == null || completeUntil.isAfter(this.completeUntil))) {
            this.completeUntil = completeUntil;
        }
    }

    public void failed(String message) {
        lastError = message;
        lastErrorAt = clock.instant();
        consecutiveErrors++;
        caughtUp = false;
    }

    /**
     * Now minus the source time of the last applied change; zero while nothing is waiting and polls keep coming
     * (a caught-up worker whose round hangs lags from its last poll). During an initial sync the target holds no
     * consistent copy yet, so the lag is the time since the sync began.
     */
    public Duration lag() {
        if (phase == Phase.STOPPED) {
            return Duration.ZERO;
        }
        Instant syncing = syncingSince;
        if (phase == Phase.INITIAL_SYNC && syncing != null) {
            Duration sinceStart = Duration.between(syncing, clock.instant());
            return sinceStart.isNegative() ? Duration.ZERO : sinceStart;
        }
        if (caughtUp && consecutiveErrors == 0) {
            return sinceOverduePoll();
        }
        Instant until = completeUntil;
        if (until == null) {
            return Duration.ZERO;
        }
        Duration lag = Duration.between(until, clock.instant());
        return lag.isNegative() ? Duration.ZERO : lag;
    }

    /**
     * A caught-up worker had everything its source held at its last poll in the target; whatever came since may not
     * be. While polls keep coming that is no lag at all, but a round that hangs (a driver waiting out its timeouts on
     * a dead server) records neither a poll nor an error: once its next poll is {@link #STALLED_AFTER} overdue, the
     * time since the last one is the lag.
     */
    private Duration sinceOverduePoll() {
        Instant synced = lastSync;
        if (synced == null) {
            return Duration.ZERO;
        }
        Duration since = Duration.between(synced, clock.instant());
        return since.compareTo(STALLED_AFTER) >= 0 ? since : Duration.ZERO;
    }

    /** Changes applied per second over the last minute. */
    public double throughput() {
        long now = clock.millis() / 1000;
        long sum = 0;
        synchronized (perSecond) {
            for (int i = 0; i < WINDOW_SECONDS; i++) {
                if (now - secondOf[i] < WINDOW_SECONDS) {
                    sum += perSecond[i];
                }
            }
        }
        return sum / (double) WINDOW_SECONDS;
    }

    public ReplicationHealth health(ReplicationConfig.Health thresholds) {
        if (phase == Phase.STOPPED) {
            return ReplicationHealth.STOPPED;
        }
        if (consecutiveErrors > 0) {
            return ReplicationHealth.FAILED;
        }
        Duration lag = lag();
        Instant synced = lastSync;
        if (synced != null && Duration.between(synced, clock.instant()).compareTo(thresholds.failedAfter()) >= 0) {
            return ReplicationHealth.FAILED;
        }
        if (lag.compareTo(thresholds.failedAfter()) >= 0) {
            return ReplicationHealth.FAILED;
        }
        return lag.compareTo(thresholds.degradedAfter()) >= 0 ? ReplicationHealth.DEGRADED : ReplicationHealth.HEALTHY;
    }

    public long appliedCount() {
        return applied.get();
    }

    public long bytes() {
        return bytes.get();
    }

    public long echoes() {
        return echoes.get();
    }

    public long conflicts() {
        return conflicts.get();
    }

    public long repairs() {
        return repairs.get();
    }

    /**
     * How many polls went well so far. Polls of a direction run one after another, so the second poll counted
     * after a moment began after that moment: what the source had then, that poll read.
     */
    public long polls() {
        return polls.get();
    }

    public long backlog() {
        return backlog;
    }

    public boolean caughtUp() {
        return caughtUp && consecutiveErrors == 0;
    }

    public Instant lastSync() {
        return lastSync;
    }

    public Instant completeUntil() {
        return completeUntil;
    }

    public String lastError() {
        return lastError;
    }

    public Instant lastErrorAt() {
        return lastErrorAt;
    }

    public int consecutiveErrors() {
        return consecutiveErrors;
    }
}
