package io.devflow.dr.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The system clock, which runs an action once, when it is read for the n-th time after {@link #onRead}: a way
 * to land something (another process's write, say) at a known point inside code that reads the time.
 */
public final class TrippingClock extends Clock {

    private final AtomicReference<Runnable> action = new AtomicReference<>();
    private final AtomicInteger readsLeft = new AtomicInteger();
    private final AtomicBoolean tripped = new AtomicBoolean();

    /** Runs {@code then} when the clock is read for the {@code nth} time from now (1: the next read). */
    public void onRead(int nth, Runnable then) {
        readsLeft.set(nth);
        action.set(then);
    }

    public boolean tripped() {
        return tripped.get();
    }

    @Override
    public Instant instant() {
        if (action.get() != null && readsLeft.decrementAndGet() == 0) {
            Runnable then = action.getAndSet(null);
            tripped.set(true);
            then.run();
        }
        return Instant.now();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
