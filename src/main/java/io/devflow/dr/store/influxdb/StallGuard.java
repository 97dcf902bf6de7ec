package io.devflow.dr.store.influxdb;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A streamed response body that may not stall: when one read waits longer than the limit (a network
 * partition in the middle of an answer), the body is closed and the read fails. The HTTP client's request
 * timeout ends once the headers have arrived, and a body read has none of its own, so without this a reader
 * would wait for ever, holding whatever it holds.
 */
final class StallGuard extends FilterInputStream {

    /** Raised by a read that the guard cut off. */
    static final class StalledException extends IOException {
        StalledException(String message) {
            super(message);
        }
    }

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "influxdb-read-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final Duration limit;
    private final String what;
    private volatile long readingSince;
    private volatile boolean reading;
    private volatile boolean stalled;
    private final ScheduledFuture<?> check;

    /** @param what what the body answers, for the message ({@code "InfluxDB http://host:8086 answering SELECT ..."}) */
    StallGuard(InputStream in, Duration limit, String what) {
        super(in);
        this.limit = limit;
        this.what = what;
        long period = Math.max(50, limit.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    private void check() {
        if (reading && System.nanoTime() - readingSince > limit.toNanos() && !stalled) {
            stalled = true;
            try {
                in.close();
            } catch (IOException | RuntimeException e) {
                // closing is all that is wanted; the read fails either way
            }
        }
    }

    @Override
    public int read() throws IOException {
        begin();
        try {
            return after(in.read());
        } catch (IOException e) {
            throw stalled ? stalledException() : e;
        } finally {
            reading = false;
        }
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        begin();
        try {
            return after(in.read(buffer, offset, length));
        } catch (IOException e) {
            throw stalled ? stalledException() : e;
        } finally {
            reading = false;
        }
    }

    private void begin() throws IOException {
        if (stalled) {
            throw stalledException();
        }
        readingSince = System.nanoTime();
        reading = true;
    }

    /** A body closed by the guard may read as ended: that is no end. */
    private int after(int result) throws IOException {
        if (stalled) {
            throw stalledException();
        }
        return result;
    }

    private StalledException stalledException() {
        return new StalledException(what + " sent nothing for " + limit.toSeconds() + " s and was cut off");
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }
}
