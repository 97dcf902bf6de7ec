package io.devflow.dr.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bin/dr} as an operator runs it, on the jar {@code package} built, in a copy of the repository's layout (so
 * the repository's own class-data archive is not touched): which commands leave an archive of their classes, that a
 * command mapping the archive prints what it prints without one, and that a new jar is archived again.
 */
class BinDrIT {

    @TempDir
    Path home;
    Path config;

    @BeforeEach
    void layOut() throws IOException {
        Path repository = Path.of("").toAbsolutePath();
        Files.createDirectories(home.resolve("bin"));
        Files.createDirectories(home.resolve("target"));
        Files.copy(repository.resolve("bin/dr"), home.resolve("bin/dr"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(repository.resolve("target/devflow-dr.jar"), home.resolve("target/devflow-dr.jar"));
        Files.createSymbolicLink(home.resolve("target/lib"), repository.resolve("target/lib"));
        Files.createSymbolicLink(home.resolve("routes"), repository.resolve("routes"));
        config = home.resolve("dr-config.json");
        Files.writeString(config, """
                {"disasterRecovery": {
                  "deploymentId": "bin-dr-test",
                  "regions": {"us-east-1": {"role": "primary",
                    "mongodb": {"url": "mongodb://127.0.0.1:9", "databases": ["app"]},
                    "storage": {"type": "s3", "bucket": "dr-backups", "region": "us-east-1",
                                "endpoint": "http://127.0.0.1:9",
                                "credentials": {"accessKeyId": "dr", "secretAccessKey": "not-a-secret"}}}},
                  "backup": {"encryption": {"provider": "local", "keyFile": "%s"}}}}
                """.formatted(home.resolve("keyring.json")));
    }

    @Test
    void shouldArchiveTheClassesOfTheFirstCommandThatEndsWellAndMapThemAfterwards() throws Exception {
        assertThat(dr(Map.of(), "--version").exit).isZero();
        Run refused = dr(Map.of(), "--config", config.toString(), "config", "validate");
        assertThat(refused.exit).as("the keyring does not exist yet: " + refused).isEqualTo(2);
        assertThat(archives()).as("help, version and a failed command leave no archive").isEmpty();

        Run init = dr(Map.of(), "--config", config.toString(), "keys", "init");
        assertThat(init.exit).as(init.toString()).isZero();
        assertThat(archives()).as("the first command that ended well").hasSize(1);
        Path archive = archives().get(0);
        FileTime archived = Files.getLastModifiedTime(archive);

        Run mapped = dr(Map.of(), "--config", config.toString(), "config", "validate");
        Run plain = dr(Map.of("DR_CDS", "off"), "--config", config.toString(), "config", "validate");
        assertThat(mapped.exit).as(mapped.toString()).isZero();
        assertThat(mapped.out).isEqualTo(plain.out).isNotEmpty();
        assertThat(mapped.err).as("no message of the JVM's about the archive").isEqualTo(plain.err);
        assertThat(archives()).containsExactly(archive);
        assertThat(Files.getLastModifiedTime(archive)).as("mapped, not made again").isEqualTo(archived);

        Path jar = home.resolve("target/devflow-dr.jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        Run rebuilt = dr(Map.of(), "--config", config.toString(), "config", "validate");
        assertThat(rebuilt.exit).as(rebuilt.toString()).isZero();
        assertThat(rebuilt.out).isEqualTo(plain.out);
        assertThat(archives()).containsExactly(archive);
        assertThat(Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)))
                .as("archived again after the jar changed").isPositive();
    }

    @Test
    void shouldNeverArchiveFromTheServerOrTheDemo() throws Exception {
        Run server = dr(Map.of(), "--config", home.resolve("missing.json").toString(), "server");
        Run demo = dr(Map.of(), "demo", "--no-such-option");

        assertThat(server.exit).as(server.toString()).isNotZero();
        assertThat(demo.exit).as(demo.toString()).isNotZero();
        assertThat(home.resolve("target/cds")).doesNotExist();
    }

    private List<Path> archives() throws IOException {
        Path folder = home.resolve("target/cds");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.toList();
        }
    }

    private record Run(int exit, String out, String err) {
    }

    private Run dr(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/dr").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("DR_CDS");
        builder.environment().remove("DR_JAVA_OPTS");
        builder.environment().putAll(environment);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("bin/dr " + String.join(" ", args) + " did not end within 3 minutes");
        }
        return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
