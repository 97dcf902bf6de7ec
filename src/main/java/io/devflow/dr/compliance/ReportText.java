package io.devflow.dr.compliance;

import java.io.PrintWriter;
import java.util.Locale;

/** The report for people: an aligned summary for the terminal, or Markdown for a document. */
public final class ReportText {

    private ReportText() {
    }

    public static void text(PrintWriter out, ComplianceReport report) {
        out.println("Compliance report for " + report.deployment() + ": " + report.periodFrom() + " to "
                + report.periodTo() + " (" + report.period() + ")");
        out.println("Overall: " + report.verdict().id());
        out.println();
        String format = "%-9s %-22s %-20s %s%n";
        out.printf(Locale.ROOT, format, "STANDARD", "CONTROL", "VERDICT", "TITLE");
        for (ControlResult c : report.controls()) {
            out.printf(Locale.ROOT, format, c.standard(), c.control(), c.verdict().id(), c.title());
            c.reasons().forEach(reason -> out.println("          - " + reason));
        }
        out.println();
        for (CheckResult check : report.checks()) {
            out.println("Check " + check.id() + ": " + check.verdict().id() + " - " + check.summary());
            check.evidence().forEach(e -> out.println("    " + e.kind() + " " + e.id() + (e.at() == null ? "" : " "
                    + e.at()) + ": " + e.result() + (e.detail() == null ? "" : " - " + e.detail())));
            check.gaps().forEach(g -> out.println("    gap " + g.from() + " to " + g.to() + " (" + g.hours() + " h)"));
        }
        out.flush();
    }

    public static void markdown(PrintWriter out, ComplianceReport report) {
        out.println("# Compliance report: " + report.deployment());
        out.println();
        out.println("Period: " + report.periodFrom() + " to " + report.periodTo() + " (" + report.period()
                + "). Generated " + report.generatedAt() + ". Overall: **" + report.verdict().id() + "**.");
        out.println();
        out.println("| Standard | Control | Verdict | Title | Checks |");
        out.println("|---|---|---|---|---|");
        for (ControlResult c : report.controls()) {
            out.println("| " + c.standard() + " | " + c.control() + " | " + c.verdict().id() + " | " + cell(c.title())
                    + " | " + String.join(", ", c.checks()) + " |");
        }
        for (CheckResult check : report.checks()) {
            out.println();
            out.println("## " + check.title() + " (`" + check.id() + "`): " + check.verdict().id());
            out.println();
            out.println(check.summary());
            if (!check.evidence().isEmpty()) {
                out.println();
                out.println("| Kind | Id | At | Result | Detail |");
                out.println("|---|---|---|---|---|");
                check.evidence().forEach(e -> out.println("| " + e.kind() + " | " + cell(e.id()) + " | "
                        + (e.at() == null ? "" : e.at()) + " | " + cell(e.result()) + " | " + cell(e.detail()) + " |"));
            }
            if (!check.gaps().isEmpty()) {
                out.println();
                check.gaps().forEach(g -> out.println("- gap from " + g.from() + " to " + g.to() + " (" + g.hours()
                        + " h)"));
            }
        }
        out.flush();
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
