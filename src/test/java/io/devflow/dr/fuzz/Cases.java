package io.devflow.dr.fuzz;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * What the fuzz properties share besides jqwik: the bound on one case's time (a case that does not finish is a hang,
 * which jqwik alone would wait for forever), a case written as Java to paste into a regression test (each case's
 * {@code toString}, which jqwik prints with the seed of a failing run), and picking among values.
 *
 * <p>To repeat a failing run, put the seed jqwik printed on the property ({@code @Property(seed = "...")}); the next
 * run also tries the failing case first on its own (jqwik's database, under target/).
 */
final class Cases {

    /** A check of one generated case. */
    interface Check {
        void run() throws Exception;
    }

    private Cases() {
    }

    /**
     * Runs the check of one case on a thread of its own. Fails when it has not finished within {@code limit} (the
     * thread, a daemon, is left behind interrupted) and, when the check fails, with the case as Java before the
     * failure, so that the summary of a run shows what to paste into a regression test; jqwik adds its seed.
     */
    static void within(Duration limit, Object sample, Check check) throws Exception {
        FutureTask<Void> task = new FutureTask<>(() -> {
            check.run();
            return null;
        });
        Thread thread = new Thread(task, "fuzz-case");
        thread.setDaemon(true);
        thread.start();
        try {
            task.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            thread.interrupt();
            throw new AssertionError("did not finish within " + limit.toSeconds() + " s, a hang, on this case:\n" + sample);
        } catch (ExecutionException e) {
            throw new AssertionError("fails on this case:\n" + sample + "\n\n" + e.getCause().getMessage(), e.getCause());
        }
    }

    /** A new directory under the build directory for one test class's files. */
    static Path scratch(String name) throws IOException {
        Path target = Files.createDirectories(Path.of("target", "fuzz"));
        return Files.createTempDirectory(target, name).toAbsolutePath();
    }

    /** Deletes a scratch directory and what it holds. */
    static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** A Java string literal of any text: everything outside printable ASCII escaped. */
    static String javaString(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Any text as a Java expression: a string literal, with runs of a repeated unit (a huge value, deep nesting)
     * written as {@code "unit".repeat(n)}, so that even a large case can be pasted.
     */
    static String javaText(String text) {
        List<String> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int[] run = longestRun(text, i);
            if (run[1] >= 16) {
                if (!literal.isEmpty()) {
                    parts.add(javaString(literal.toString()));
                    literal.setLength(0);
                }
                parts.add(javaString(text.substring(i, i + run[0])) + ".repeat(" + run[1] + ")");
                i += run[0] * run[1];
            } else {
                literal.append(text.charAt(i++));
            }
        }
        if (!literal.isEmpty() || parts.isEmpty()) {
            parts.add(javaString(literal.toString()));
        }
        return String.join("\n        + ", parts);
    }

    /** The unit (1-12 characters) repeated most often from {@code start}: its length and the repeats. */
    private static int[] longestRun(String text, int start) {
        int[] best = {1, 1};
        for (int unit = 1; unit <= 12 && start + 2 * unit <= text.length(); unit++) {
            int repeats = 1;
            while (start + (repeats + 1) * unit <= text.length()
                    && text.regionMatches(start, text, start + repeats * unit, unit)) {
                repeats++;
            }
            if (repeats * unit > best[0] * best[1] && repeats >= 16) {
                best = new int[] {unit, repeats};
            }
        }
        return best;
    }

    /** Picks one of the values. */
    @SafeVarargs
    static <T> T oneOf(Random random, T... values) {
        return values[random.nextInt(values.length)];
    }

    static <T> T oneOf(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
