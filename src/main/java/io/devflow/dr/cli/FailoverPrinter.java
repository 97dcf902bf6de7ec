package io.devflow.dr.cli;

import io.devflow.dr.failover.FailoverPlan;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverStep;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** Failover plans and records as {@code dr failover}, {@code dr failovers} and {@code dr status} show them. */
final class FailoverPrinter {

    private static final int STEPS = FailoverStep.values().length;

    private FailoverPrinter() {
    }

    /** One line: when, from where to where, the state, how long, the loss bound, why. */
    static String summary(FailoverRecord f) {
        return String.format(Locale.ROOT, "%s  %-20s %s -> %s  %-11s %8s  loss bound %s  (%s, %s)",
                f.startedAt().truncatedTo(ChronoUnit.SECONDS), f.id(), f.plan().source(), f.plan().target(),
                f.state().id(), f.duration() == null ? "-" : Terminal.duration(f.duration().toMillis()),
                lossBound(f.plan()), f.request().trigger().id(), f.request().reason());
    }

    static void table(PrintWriter out, List<FailoverRecord> failovers) {
        if (failovers.isEmpty()) {
            out.println("No failovers recorded");
        }
        failovers.forEach(f -> out.println(summary(f)));
        out.flush();
    }

    static void plan(PrintWriter out, FailoverPlan plan) {
        out.println("Failover plan: " + plan.source() + " -> " + plan.target() + (plan.switchback() ? " (switchback)" : ""));
        for (FailoverPlan.PlannedStep step : plan.steps()) {
            out.printf(Locale.ROOT, "  %d. %-16s %s%n", step.step().ordinal() + 1, step.step().id(), step.changes());
        }
        out.println("  Replication lag (" + plan.source() + " -> " + plan.target() + "):");
        if (plan.lag().isEmpty()) {
            out.println("    none measured");
        }
        for (FailoverPlan.StoreLag lag : plan.lag()) {
            out.printf(Locale.ROOT, "    %-9s lag %-10s backlog %-8s %s%n", lag.store().id(), lag(lag.lag()),
                    lag.backlog() < 0 ? "unknown" : Long.toString(lag.backlog()), lag.caughtUp() ? "caught up" : "");
        }
        out.println("  Loss bound: " + lossBound(plan) + (plan.forced() ? " (lag check forced)" : ""));
        if (plan.runnable()) {
            out.println("  Would run: no refusals");
        } else {
            out.println("  Refused:");
            plan.refusals().forEach(r -> out.println("    " + r.code() + (r.overridable() ? " (--force overrides)" : "")
                    + ": " + r.message()));
        }
        out.flush();
    }

    /** The progress line of a step that ended. */
    static void step(PrintWriter out, FailoverRecord.StepRecord step) {
        Duration took = step.startedAt() == null || step.finishedAt() == null ? null
                : Duration.between(step.startedAt(), step.finishedAt());
        out.printf(Locale.ROOT, "  [%d/%d] %-16s %-7s %7s  %s%n", step.step().ordinal() + 1, STEPS, step.step().id(),
                step.outcome(), took == null ? "" : Terminal.duration(took.toMillis()),
                step.detail() == null ? "" : step.detail());
        out.flush();
    }

    static void record(PrintWriter out, FailoverRecord f) {
        out.println("Failover " + f.id() + " " + f.state().id());
        Printer.field(out, "From", f.plan().source());
        Printer.field(out, "To", f.plan().target() + (f.plan().switchback() ? " (switchback)" : ""));
        Printer.field(out, "Trigger", f.request().trigger().id());
        Printer.field(out, "By", f.request().by());
        Printer.field(out, "Reason", f.request().reason());
        Printer.field(out, "Forced", f.plan().forced() ? "yes: the lag check was set aside" : null);
        Printer.field(out, "Loss bound", lossBound(f.plan()));
        Printer.field(out, "Started", f.startedAt().truncatedTo(ChronoUnit.SECONDS));
        Printer.field(out, "Duration", f.duration() == null ? null : Terminal.duration(f.duration().toMillis()));
        Printer.field(out, "Controller", f.controller() == null ? null : f.controller() + " (term " + f.epoch() + ")");
        if (f.state() == FailoverRecord.State.REFUSED) {
            f.plan().refusals().forEach(r -> Printer.field(out, "Refused", r.code() + ": " + r.message()));
        }
        for (FailoverRecord.StepRecord step : f.steps()) {
            Printer.field(out, "Step " + (step.step().ordinal() + 1), step.step().id() + ": " + step.outcome()
                    + (step.detail() == null ? "" : " (" + step.detail() + ")")
                    + ("none".equals(step.compensation()) ? "" : "; compensation " + step.compensation()));
        }
        Printer.field(out, "Error", f.error());
        out.flush();
    }

    static String lossBound(FailoverPlan plan) {
        FailoverPlan.LossBound bound = plan.lossBound();
        return lag(bound.window()) + " of writes (" + bound.writes() + " known not replicated)";
    }

    private static String lag(Duration lag) {
        return lag == null ? "unknown" : Terminal.duration(lag.toMillis());
    }
}
