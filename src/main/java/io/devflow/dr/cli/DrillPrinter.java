package io.devflow.dr.cli;

import io.devflow.dr.drill.DrillResult;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Drill results for people (the seed's "Test Results" block), as a history table, and as JUnit XML for CI. */
final class DrillPrinter {

    private DrillPrinter() {
    }

    static void results(PrintWriter out, List<DrillResult> results) {
        boolean passed = results.stream().allMatch(DrillResult::passed);
        long millis = results.stream().filter(r -> r.endedAt() != null)
                .mapToLong(r -> Duration.between(r.startedAt(), r.endedAt()).toMillis()).sum();
        out.println("📊 Test Results:");
        out.println("  Overall Success: " + (passed ? "✅" : "❌"));
        out.println("  Duration: " + Terminal.duration(millis));
        out.println("  Tests Run: " + results.size());
        for (DrillResult r : results) {
            out.println();
            out.println("  " + icon(r.passed()) + " " + r.type().title() + " (" + r.id() + "):");
            out.println("    Duration: " + duration(r));
            for (DrillResult.StepResult step : r.steps()) {
                out.printf(Locale.ROOT, "    %s %-24s %7s  %s%n", icon(step.passed()), step.name(),
                        Terminal.duration(Math.round(step.seconds() * 1000)), step.detail());
            }
            for (Map.Entry<String, DrillResult.StoreResult> store : r.stores().entrySet()) {
                out.printf(Locale.ROOT, "    %s %-9s %7s  %s%n", icon(store.getValue().passed()), store.getKey(),
                        Terminal.duration(Math.round(store.getValue().seconds() * 1000)), store.getValue().detail());
            }
            if (r.failure() != null) {
                out.println("    Failure: " + r.failure());
            }
            if (!r.cleanup().isEmpty()) {
                out.println("    Cleaned up: " + String.join("; ", r.cleanup()));
            }
        }
    }

    static void history(PrintWriter out, List<DrillResult> results) {
        if (results.isEmpty()) {
            out.println("No drills recorded; run: dr test");
            return;
        }
        String format = "%-29s %-14s %-9s %-8s %-20s %-9s %s%n";
        out.printf(Locale.ROOT, format, "ID", "TYPE", "TRIGGER", "RESULT", "STARTED", "DURATION", "FAILURE");
        for (DrillResult r : results) {
            out.printf(Locale.ROOT, format, r.id(), r.type().id(), r.trigger(), r.status(),
                    r.startedAt().truncatedTo(ChronoUnit.SECONDS), duration(r), r.failure() == null ? "" : r.failure());
        }
    }

    /** One testsuite per drill, one testcase per step and per store; a failed one carries its detail. */
    static void junit(PrintWriter out, List<DrillResult> results) {
        out.println("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        long failures = results.stream().filter(r -> !r.passed()).count();
        out.println("<testsuites name=\"dr test\" tests=\"" + results.size() + "\" failures=\"" + failures + "\">");
        for (DrillResult r : results) {
            int cases = r.steps().size() + r.stores().size() + (r.stores().isEmpty() && r.steps().isEmpty() ? 1 : 0);
            long failed = r.steps().stream().filter(s -> !s.passed()).count()
                    + r.stores().values().stream().filter(s -> !s.passed()).count();
            out.println("  <testsuite name=\"" + xml(r.type().id()) + "\" id=\"" + xml(r.id()) + "\" tests=\"" + cases
                    + "\" failures=\"" + (cases == 1 && !r.passed() && failed == 0 ? 1 : failed) + "\" timestamp=\""
                    + r.startedAt().truncatedTo(ChronoUnit.SECONDS) + "\" time=\"" + seconds(r) + "\">");
            for (DrillResult.StepResult step : r.steps()) {
                testcase(out, r, "step " + step.name(), step.seconds(), step.passed(), step.detail());
            }
            r.stores().forEach((store, s) -> testcase(out, r, store, s.seconds(), s.passed(), s.detail()));
            if (r.stores().isEmpty() && r.steps().isEmpty()) {
                testcase(out, r, r.type().id(), 0, r.passed(), r.failure());
            } else if (!r.passed() && failed == 0) {
                out.println("    <system-err>" + xml(r.failure()) + "</system-err>");
            }
            out.println("  </testsuite>");
        }
        out.println("</testsuites>");
        out.flush();
    }

    private static void testcase(PrintWriter out, DrillResult r, String name, double seconds, boolean passed, String detail) {
        out.print("    <testcase classname=\"dr." + xml(r.type().id()) + "\" name=\"" + xml(name) + "\" time=\""
                + String.format(Locale.ROOT, "%.3f", seconds) + "\"");
        if (passed) {
            out.println("/>");
        } else {
            out.println(">");
            out.println("      <failure message=\"" + xml(detail) + "\"/>");
            out.println("    </testcase>");
        }
    }

    private static String icon(boolean passed) {
        return passed ? "✅" : "❌";
    }

    private static String duration(DrillResult r) {
        return r.endedAt() == null ? "running" : Terminal.duration(Duration.between(r.startedAt(), r.endedAt()).toMillis());
    }

    private static String seconds(DrillResult r) {
        return r.endedAt() == null ? "0" : String.format(Locale.ROOT, "%.3f",
                Duration.between(r.startedAt(), r.endedAt()).toMillis() / 1000.0);
    }

    private static String xml(String text) {
        if (text == null) {
            return "";
        }
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
