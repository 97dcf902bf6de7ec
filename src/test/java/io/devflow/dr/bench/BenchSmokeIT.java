package io.devflow.dr.bench;

import io.devflow.dr.testing.Ports;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

/**
 * Every benchmark at its smoke size ({@code bench/NAME.sh --smoke}), run as an operator runs it, so that a benchmark
 * that no longer runs at HEAD fails the build rather than the next person who measures.
 * <p>
 * The scripts take this JVM's class path instead of building (BENCH_BUILT), listen on a block of this JVM's ports
 * (BENCH_PORT_BASE: the other test JVM and a benchmark running on the machine keep theirs) and write their results
 * under {@code target/bench-smoke/NAME}. A script that lacks a tool on this machine (it exits with status 3, naming
 * the Debian package) is skipped; {@code .ci/run} installs them.
 */
class BenchSmokeIT {

    private static final Path BENCH = Path.of("bench");
    private static final Path WORK = Path.of("target", "bench-smoke").toAbsolutePath();
    private static final Duration LIMIT = Duration.ofMinutes(4);
    private static final int TOOL_MISSING = 3;

    /** The modes each benchmark's smoke run must report a RESULT line of: every mode, end to end. */
    private static final Map<String, Set<String>> MODES = Map.of(
            "backup-pipeline", Set.of("archive", "floor-zstd3", "floor-zstd1", "restic", "pipeline-quick",
                    "pipeline-full"),
            "capture-throughput", Set.of("capture", "baseline"),
            "catalog-list", Set.of("scan", "indexed", "archived"),
            "failover", Set.of("manual", "automatic"),
            "influx-export", Set.of("query", "extract", "pipeline-quick"),
            "redis-backup", Set.of("rdb", "rdb-diskless", "extract", "pipeline-quick"),
            "replication-lag", Set.of("baseline", "replication"),
            "restore", Set.of("backup", "restore", "restore-merge"));

    /** Benchmarks whose smoke also runs with other arguments: each list is one more run, with the same modes. */
    private static final Map<String, List<List<String>>> VARIANTS = Map.of(
            "replication-lag", List.of(List.of("--store", "redis")));

    @TestFactory
    Stream<DynamicTest> everyBenchmarkRunsAtItsSmokeSize() throws IOException {
        List<String> names = benchmarks();
        assertThat(names).as("benchmarks in bench/ (a new one needs its modes here)")
                .containsExactlyInAnyOrderElementsOf(MODES.keySet());
        Path built = build();
        return names.stream().flatMap(name -> Stream.concat(Stream.of(List.<String>of()),
                        VARIANTS.getOrDefault(name, List.of()).stream())
                .map(arguments -> DynamicTest.dynamicTest(String.join(" ", Stream.concat(Stream.of(name),
                        arguments.stream()).toList()), () -> smoke(name, arguments, built))));
    }

    private static List<String> benchmarks() throws IOException {
        try (Stream<Path> scripts = Files.list(BENCH)) {
            return scripts.map(script -> script.getFileName().toString())
                    .filter(file -> file.endsWith(".sh"))
                    .map(file -> file.substring(0, file.length() - ".sh".length()))
                    .filter(name -> !name.equals("lib") && !name.equals("smoke"))
                    .sorted().toList();
        }
    }

    /**
     * The files bench_build would write, from this JVM's class path: the scripts then build nothing. The project's
     * jar gives way to its classes, as in bench_build: the jar's manifest adds every dependency a second time from
     * target/lib, and Camel then loads each route configuration twice.
     */
    private static Path build() throws IOException {
        Path dir = Files.createDirectories(WORK.resolve("build"));
        Path target = Path.of("target").toAbsolutePath();
        String classPath = Arrays.stream(System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")).split(File.pathSeparator))
                .map(entry -> Path.of(entry).getParent() != null && Path.of(entry).getParent().equals(target)
                        && entry.endsWith(".jar") ? target.resolve("classes").toString() : entry)
                .collect(Collectors.joining(File.pathSeparator));
        Files.writeString(dir.resolve("classpath.txt"), classPath);
        Files.writeString(dir.resolve("java.args"), "-cp " + classPath + "\n");
        return dir;
    }

    private static void smoke(String name, List<String> arguments, Path built) throws Exception {
        Path work = WORK.resolve(String.join("-", Stream.concat(Stream.of(name), arguments.stream()
                .map(a -> a.replace("-", ""))).toList()));
        deleteTree(work);
        Path results = Files.createDirectories(work.resolve("results"));
        Path log = work.resolve("smoke.log");
        List<String> command = new ArrayList<>(List.of("bash", BENCH.resolve(name + ".sh").toString(),
                "--smoke", "--work-dir", work.resolve("work").toString()));
        command.addAll(arguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("BENCH_BUILT", built.toString());
        builder.environment().put("BENCH_PORT_BASE", Integer.toString(Ports.block(100)));
        builder.environment().put("BENCH_RESULTS", results.toString());
        builder.redirectErrorStream(true);
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            stop(process);
            fail("bench/%s.sh --smoke did not end within %s; its output: %s\n%s", name, LIMIT, log, tail(log));
        }
        if (process.exitValue() == TOOL_MISSING) {
            // CI installs every tool (.ci/run): there a missing one is a failure, on a workstation a skip
            assertThat(System.getenv("CI")).as("bench/%s.sh needs a tool CI lacks: %s", name, tail(log).strip()).isNull();
            abort("bench/" + name + ".sh needs a tool this machine lacks: " + tail(log).strip());
        }
        assertThat(process.exitValue()).as("exit status of bench/%s.sh --smoke; its output: %s\n%s", name, log, tail(log))
                .isZero();

        List<Map<String, String>> lines = resultLines(results);
        assertThat(lines).as("RESULT lines of bench/%s.sh --smoke in %s", name, results).isNotEmpty();
        Set<String> modes = lines.stream().map(line -> line.get("mode")).collect(Collectors.toCollection(TreeSet::new));
        assertThat(modes).as("modes measured by bench/%s.sh --smoke", name).containsExactlyInAnyOrderElementsOf(MODES.get(name));
        for (Map<String, String> line : lines) {
            assertThat(line.values()).as("figures of %s", line).anyMatch(BenchSmokeIT::positiveNumber);
        }
    }

    /** The RESULT lines of the one results file the run wrote, each as its name=value fields. */
    private static List<Map<String, String>> resultLines(Path results) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(results)) {
            files = listing.toList();
        }
        assertThat(files).as("results files in %s", results).hasSize(1);
        return Files.readAllLines(files.get(0)).stream()
                .filter(line -> line.startsWith("RESULT "))
                .map(line -> Arrays.stream(line.substring("RESULT ".length()).split(" "))
                        .filter(field -> field.contains("="))
                        .collect(Collectors.toMap(field -> field.substring(0, field.indexOf('=')),
                                field -> field.substring(field.indexOf('=') + 1), (first, second) -> second)))
                .toList();
    }

    private static boolean positiveNumber(String value) {
        try {
            return Double.parseDouble(value) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The script and what it started (servers, measured JVMs): asked to stop, then killed. */
    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> started = process.descendants().toList();
        started.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        started.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
