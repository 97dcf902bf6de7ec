package io.devflow.dr.failover;

import io.devflow.dr.notify.Notice;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the team is told of a failover: when it completed (step 6) and when it was rolled back or failed. */
public final class FailoverNotices {

    private final Clock clock;

    public FailoverNotices(Clock clock) {
        this.clock = clock;
    }

    public Notice of(FailoverRecord record) {
        FailoverPlan plan = record.plan();
        boolean running = record.state() == FailoverRecord.State.RUNNING;
        String outcome = running ? "completed" : record.state().id();
        Notice.Severity severity = running || record.state() == FailoverRecord.State.COMPLETED ? Notice.Severity.WARNING
                : Notice.Severity.CRITICAL;
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("From", plan.source());
        facts.put("To", plan.target());
        facts.put("Trigger", record.request().trigger().id());
        facts.put("By", record.request().by());
        facts.put("Reason", record.request().reason());
        facts.put("Loss bound", FailoverPlanner.describe(plan.lossBound().window()) + " (" + plan.lossBound().writes()
                + " writes known)" + (plan.forced() ? ", lag check forced" : ""));
        facts.put("Failover", record.id());
        StringBuilder text = new StringBuilder();
        for (FailoverRecord.StepRecord step : record.steps()) {
            text.append(step.step().id()).append(": ").append(step.outcome())
                    .append(step.detail() == null ? "" : " (" + step.detail() + ")")
                    .append("none".equals(step.compensation()) ? "" : "; compensation " + step.compensation()).append('\n');
        }
        if (record.error() != null) {
            text.append(record.error());
        }
        String title = "Failover from " + plan.source() + " to " + plan.target() + " " + switch (record.state()) {
            case ROLLED_BACK -> "rolled back; " + plan.source() + " stays active";
            case FAILED -> "failed and was not fully rolled back; an operator must look (dr failovers show " + record.id() + ")";
            default -> "completed";
        };
        return new Notice("failover." + outcome, severity, title, text.toString().strip(), facts, clock.instant());
    }
}
