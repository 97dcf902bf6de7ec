package io.devflow.dr.cli;

import io.devflow.dr.recovery.plan.PlanStep;
import io.devflow.dr.recovery.plan.RecoveryPlan;

import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;

/** Recovery plans as text: the plan before it runs (the seed's layout), its steps as they end, a table of plans. */
final class RecoveryPrinter {

    private RecoveryPrinter() {
    }

    static void plan(PrintWriter out, RecoveryPlan plan) {
        out.println("📋 Recovery Plan " + (plan.runs().isEmpty() ? "Created" : plan.state().id()) + ":");
        field(out, "Plan ID", plan.id());
        field(out, "Type", plan.kind().id());
        if (plan.drill() != null) {
            field(out, "Drill", plan.drill() + " (recovery-time: restored into scratch databases, removed afterwards)");
        }
        field(out, "Target Region", plan.targetRegion() + (plan.inPlace()
                ? " (the active region: recovery in place, over its live data)" : ""));
        if (plan.pointInTime() != null) {
            field(out, "Point in Time", plan.pointInTime());
        }
        field(out, "Mode", plan.mode().id());
        field(out, "Estimated Duration", seconds(plan.estimatedSeconds()) + " (RTO " + seconds(plan.rtoSeconds())
                + ": " + (plan.withinRto() ? "within" : "exceeds it by " + seconds(plan.estimatedSeconds() - plan.rtoSeconds()))
                + ")");
        field(out, "Steps", plan.steps().size());
        out.println();
        for (int i = 0; i < plan.steps().size(); i++) {
            PlanStep step = plan.steps().get(i);
            out.printf(Locale.ROOT, "  %d. %s (%s)%s%n", i + 1, step.id(), step.type().id(),
                    plan.runs().isEmpty() ? "" : "  " + step.state().id());
            out.println("     Description: " + step.description());
            if (step.bytes() > 0) {
                out.println("     Reads: " + Terminal.bytes(step.bytes()) + " stored, " + Terminal.count(step.items()) + " items");
            }
            out.println("     Duration: " + seconds(step.estimate().seconds()) + " (" + step.estimate().basis() + ")");
            out.println("     Dependencies: " + (step.dependsOn().isEmpty() ? "None" : String.join(", ", step.dependsOn())));
            if (step.durationMs() != null) {
                out.println("     Took: " + Terminal.duration(step.durationMs()) + " (attempt " + step.attempts() + ")");
            }
            if (step.detail() != null) {
                out.println("     Result: " + step.detail());
            }
            if (step.error() != null) {
                out.println("     Error: " + step.error());
            }
        }
        plan.notes().forEach(note -> out.println("  Note: " + note));
        if (plan.error() != null) {
            out.println("  Error: " + plan.error());
        }
        out.flush();
    }

    /** One line when a step ends: {@code [2/5] verify-mongodb completed in 1.2s: ...}. */
    static void ended(PrintWriter out, RecoveryPlan plan, PlanStep step) {
        int index = plan.steps().stream().map(PlanStep::id).toList().indexOf(step.id()) + 1;
        out.printf(Locale.ROOT, "[%d/%d] %-24s %s in %s: %s%n", index, plan.steps().size(), step.id(), step.state().id(),
                Terminal.duration(step.durationMs() == null ? 0 : step.durationMs()),
                step.error() != null ? step.error() : step.detail());
        out.flush();
    }

    static void table(PrintWriter out, List<RecoveryPlan> plans) {
        String format = "%-28s %-13s %-10s %-8s %-10s %-21s %s%n";
        out.printf(Locale.ROOT, format, "ID", "TYPE", "TARGET", "MODE", "STATE", "CREATED", "STEPS DONE");
        for (RecoveryPlan p : plans) {
            long done = p.steps().stream().filter(s -> s.state().id().equals("completed")).count();
            out.printf(Locale.ROOT, format, p.id(), p.kind().id() + (p.drill() != null ? " (drill)" : ""), p.targetRegion(), p.mode().id(), p.state().id(),
                    p.createdAt().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), done + "/" + p.steps().size());
        }
        out.flush();
    }

    /** The seed's layout: {@code   Plan ID: recovery-...}. */
    private static void field(PrintWriter out, String label, Object value) {
        out.println("  " + label + ": " + value);
    }

    static String seconds(long seconds) {
        return Terminal.duration(seconds * 1000);
    }
}
