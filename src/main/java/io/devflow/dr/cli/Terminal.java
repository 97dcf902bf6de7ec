package io.devflow.dr.cli;

import io.devflow.dr.archive.Progress;

import java.io.PrintWriter;
import java.util.Locale;

/** Human output helpers: sizes, durations, and the progress line shown on a terminal. */
final class Terminal {

    private Terminal() {
    }

    static boolean interactive() {
        return System.console() != null && !"dumb".equals(System.getenv("TERM"));
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(long millis) {
        long seconds = millis / 1000;
        if (seconds < 60) {
            return String.format(Locale.ROOT, "%.1fs", millis / 1000.0);
        }
        long minutes = seconds / 60;
        if (minutes < 60) {
            return minutes + "m " + (seconds % 60) + "s";
        }
        return (minutes / 60) + "h " + (minutes % 60) + "m";
    }

    /**
     * Redraws one status line on stderr while work runs, when stderr is a terminal; otherwise does nothing.
     */
    static final class ProgressLine implements AutoCloseable {
        private final Progress progress;
        private final PrintWriter err;
        private final Thread thread;
        private final String unit;
        private volatile boolean running = true;

        ProgressLine(Progress progress, PrintWriter err) {
            this(progress, err, "items");
        }

        /** @param unit what the counted items are: docs, keys, points */
        ProgressLine(Progress progress, PrintWriter err, String unit) {
            this.progress = progress;
            this.unit = unit;
            this.err = err;
            this.thread = new Thread(this::loop, "dr-progress");
            this.thread.setDaemon(true);
            if (interactive()) {
                thread.start();
            }
        }

        private void loop() {
            while (running) {
                draw();
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void draw() {
            double seconds = Math.max(progress.elapsedSeconds(), 0.001);
            String line = String.format(Locale.ROOT, "%-40.40s %12s %-6s %10s %9s/s %6.1fs",
                    progress.phase(), count(progress.items()), unit, bytes(progress.bytes()),
                    bytes((long) (progress.bytes() / seconds)), seconds);
            err.print("\r" + line);
            err.flush();
        }

        @Override
        public void close() {
            if (!thread.isAlive()) {
                return;
            }
            running = false;
            thread.interrupt();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r" + " ".repeat(90) + "\r");
            err.flush();
        }
    }
}
