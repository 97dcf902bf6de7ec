package io.devflow.dr.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the browser tests of the web console need: node on the PATH, playwright-core installed in {@link #TESTS}
 * ({@code npm ci} there) and Debian's Chromium at {@link #CHROMIUM}.
 */
public final class BrowserTests {

    /** The browser tests: package.json, its lock file and the scripts. */
    public static final Path TESTS = Path.of("src", "test", "console");
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    /** What is missing for the browser tests, in words with the remedy; empty when nothing is. */
    public static Optional<String> missing() {
        List<String> missing = new ArrayList<>();
        if (node().isEmpty()) {
            missing.add("node is not on the PATH (Debian: apt-get install nodejs npm)");
        }
        if (!Files.isDirectory(TESTS.resolve("node_modules").resolve("playwright-core"))) {
            missing.add("playwright-core is not installed (run 'npm ci' in " + TESTS + ")");
        }
        if (!Files.isExecutable(CHROMIUM)) {
            missing.add(CHROMIUM + " is missing (Debian: apt-get install chromium)");
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("browser tests cannot run: " + String.join("; ", missing)
                + "; .ci/run installs them");
    }

    public static Optional<Path> node() {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            Path node = Path.of(dir, "node");
            if (Files.isExecutable(node)) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    /** Fails the test, in CI, when something the browser tests need is missing. */
    public static void require() {
        missing().ifPresent(message -> {
            throw new AssertionError(message);
        });
    }

    private BrowserTests() {
    }
}
