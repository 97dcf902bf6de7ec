package io.devflow.dr.cli;

import io.devflow.dr.archive.Progress;
import io.devflow.dr.recovery.plan.PlanListener;
import io.devflow.dr.recovery.plan.PlanStep;
import io.devflow.dr.recovery.plan.RecoveryPlan;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shows a running plan: on a terminal one status line on stderr, redrawn, with each running step's items, bytes and
 * ETA (from its share of the backup's items); otherwise a plain line when a step starts. A line on stdout when a step
 * ends, in text output; nothing but the final record in JSON output.
 */
final class PlanProgress implements PlanListener, AutoCloseable {

    private final RecoveryPlan plan;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean text;
    private final boolean terminal = Terminal.interactive();
    private final Map<PlanStep, Progress> running = new ConcurrentHashMap<>();
    private final Thread redraw;
    private volatile boolean open = true;

    PlanProgress(RecoveryPlan plan, PrintWriter out, PrintWriter err, boolean text) {
        this.plan = plan;
        this.out = out;
        this.err = err;
        this.text = text;
        this.redraw = new Thread(this::loop, "dr-recovery-progress");
        redraw.setDaemon(true);
        if (terminal) {
            redraw.start();
        }
    }

    @Override
    public void started(PlanStep step, Progress progress) {
        running.put(step, progress);
        if (text && !terminal) {
            synchronized (out) {
                out.println("started " + step.id() + " (estimated " + RecoveryPrinter.seconds(step.estimate().seconds()) + ")");
                out.flush();
            }
        }
    }

    @Override
    public void ended(PlanStep step) {
        running.keySet().removeIf(s -> s.id().equals(step.id()));
        if (text) {
            synchronized (out) {
                if (terminal) {
                    err.print("\r" + " ".repeat(120) + "\r");
                    err.flush();
                }
                RecoveryPrinter.ended(out, plan, step);
            }
        }
    }

    private void loop() {
        while (open) {
            StringBuilder line = new StringBuilder();
            running.forEach((step, progress) -> line.append(describe(step, progress)).append("  "));
            synchronized (out) {
                err.print("\r" + String.format(Locale.ROOT, "%-120.120s", line));
                err.flush();
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    static String describe(PlanStep step, Progress progress) {
        long items = progress.items();
        double elapsed = progress.elapsedSeconds();
        String eta = "ETA ?";
        if (step.items() > 0 && items > 0 && items <= step.items()) {
            double fraction = (double) items / step.items();
            eta = "ETA " + Terminal.duration((long) (elapsed * (1 - fraction) / fraction * 1000));
        }
        return String.format(Locale.ROOT, "%s %s/%s items %s %s", step.id(), Terminal.count(items),
                Terminal.count(step.items()), Terminal.bytes(progress.bytes()), eta);
    }

    @Override
    public void close() {
        open = false;
        if (redraw.isAlive()) {
            redraw.interrupt();
            try {
                redraw.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r" + " ".repeat(120) + "\r");
            err.flush();
        }
    }
}
