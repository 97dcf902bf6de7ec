package io.devflow.dr.fuzz;

import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.control.ConflictId;
import io.devflow.dr.crypto.LocalKeyring;
import io.devflow.dr.support.Printable;
import io.devflow.dr.testing.TestEnvironment;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code dr} command line with generated arguments: each known command called with a fault put in (an unknown or
 * repeated option, a missing or bad value, an odd region or store, a configuration file that is not there, a stray
 * argument), and some called as they should be. Whatever the arguments, the exit code is 0, 1 or 2, standard error is
 * a short message without a stack trace, and a refusal names the option or argument at fault.
 *
 * <p>The configuration points at servers that are not there and at S3 credentials that are not set, so that a
 * command called correctly fails fast (exit code 1 or 2) instead of working; commands that would start servers
 * ({@code demo}) or Camel ({@code backup}) are only called with a fault.
 */
class CliFuzzTest {

    private static final List<String> REGIONS = List.of("us-east-1", "us-west-2");
    private static final List<String> STORES = List.of("mongodb", "redis", "influxdb");
    private static final Map<String, String> ENVIRONMENT = Map.of();

    private static final Duration CASE_LIMIT = Duration.ofSeconds(20);

    private static Path dir;
    private static Path config;

    /** An option: its name, a valid value (null for a flag) and a value it refuses. */
    private record Option(String name, Function<Random, String> valid, Function<Random, String> invalid,
                          boolean required) {
    }

    /** A positional argument: a valid value and one refused, and how it is named in messages. */
    private record Positional(String label, Function<Random, String> valid, Function<Random, String> invalid,
                              boolean required) {
    }

    /**
     * A command: its words, arguments and options; {@code runs} when a correct call is cheap and has no effect
     * (it fails for want of servers).
     */
    private record Command(List<String> words, List<Positional> positionals, List<Option> options, boolean runs) {
    }

    /** Arguments to run, and what a refusal of them must name (any one of them); none when they are correct. */
    record Arguments(List<String> args, List<String> culprits, String made) {

        @Override
        public String toString() {
            return "// " + made + "\nCliRun.of(" + args.stream().map(Cases::javaText).collect(Collectors.joining(", ")) + ");";
        }
    }

    private static final List<Command> COMMANDS = List.of(
            new Command(List.of("backup"), List.of(), List.of(
                    new Option("--type", r -> Cases.oneOf(r, "full", "incremental"), CliFuzzTest::odd, true),
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false),
                    new Option("--region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, false)), false),
            new Command(List.of("backups", "list"), List.of(), List.of(
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false),
                    new Option("--region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, false)), true),
            new Command(List.of("verify"), List.of(new Positional("BACKUP-ID", r -> BackupId.EXAMPLE, CliFuzzTest::odd, true)),
                    List.of(new Option("--level", r -> Cases.oneOf(r, "quick", "full", "restore"), CliFuzzTest::odd, false)), true),
            new Command(List.of("restore"), List.of(new Positional("BACKUP-ID", r -> BackupId.EXAMPLE, CliFuzzTest::odd, true)),
                    List.of(new Option("--target-region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, true),
                            // SOURCE=TARGET is checked against the backup's manifest, after reading it: no fault here
                            new Option("--target-database", r -> Cases.oneOf(r, "devflow", "devflow=copy", "0=3,1=4"),
                                    null, false),
                            new Option("--yes", null, null, true)), true),
            new Command(List.of("restore"), List.of(), List.of(
                    new Option("--point-in-time", r -> Cases.oneOf(r, "2026-01-27T10:00:00Z", "2026-01-27T11:00:00+01:00"),
                            r -> Cases.oneOf(r, "yesterday", "2026-01-27", "2026-13-01T00:00:00Z", "1e9", odd(r)), true),
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false),
                    new Option("--target-region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, true),
                    new Option("--yes", null, null, true)), true),
            new Command(List.of("retention", "apply"), List.of(), List.of(new Option("--dry-run", null, null, false)), true),
            new Command(List.of("status"), List.of(), List.of(), true),
            new Command(List.of("replication", "start"), List.of(), List.of(
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false)), true),
            new Command(List.of("replication", "stop"), List.of(), List.of(
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false)), true),
            new Command(List.of("conflicts", "list"), List.of(), List.of(
                    new Option("--status", r -> Cases.oneOf(r, "open", "resolved", "all"), CliFuzzTest::odd, false),
                    new Option("--store", r -> Cases.oneOf(r, STORES), CliFuzzTest::odd, false),
                    new Option("--limit", r -> String.valueOf(1 + r.nextInt(500)),
                            r -> Cases.oneOf(r, "0", "-1", "abc", "1.5", "99999999999", "0x10", ""), false)), true),
            new Command(List.of("conflicts", "show"), List.of(new Positional("CONFLICT-ID", r -> ConflictId.EXAMPLE,
                    CliFuzzTest::odd, true)), List.of(), true),
            new Command(List.of("resolve-conflict"), List.of(
                    new Positional("CONFLICT-ID", r -> ConflictId.EXAMPLE, CliFuzzTest::odd, true),
                    new Positional("RESOLUTION", r -> Cases.oneOf(r, "source", "target", "{\"_id\": 7, \"total\": 3}"),
                            r -> Cases.oneOf(r, "sauce", "{", "{\"a\": 1} x", "[1]", "[".repeat(5_000), "{\"a\":".repeat(3_000),
                                    odd(r)), true)), List.of(), true),
            new Command(List.of("recover", "full"), List.of(), List.of(
                    new Option("--target-region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, true),
                    new Option("--store", r -> "mongodb", CliFuzzTest::odd, false),
                    new Option("--mode", r -> Cases.oneOf(r, "merge", "replace"), CliFuzzTest::odd, false),
                    new Option("--dry-run", null, null, false)), false),
            new Command(List.of("recover", "point-in-time"), List.of(), List.of(
                    new Option("--point-in-time", r -> "2026-12-01T10:00:00Z", CliFuzzTest::odd, true),
                    new Option("--target-region", r -> Cases.oneOf(r, REGIONS), CliFuzzTest::odd, false),
                    new Option("--dry-run", null, null, false)), false),
            new Command(List.of("recover", "resume"), List.of(new Positional("PLAN-ID",
                    r -> "recovery-1796000000-abc123", CliFuzzTest::odd, true)), List.of(), false),
            new Command(List.of("recover", "list"), List.of(), List.of(
                    new Option("--limit", r -> "5", CliFuzzTest::odd, false)), true),
            new Command(List.of("test"), List.of(), List.of(
                    new Option("--type", r -> Cases.oneOf(r, "backup", "replication", "failover", "all"),
                            CliFuzzTest::odd, false)), false),
            new Command(List.of("test", "history"), List.of(), List.of(
                    new Option("--type", r -> Cases.oneOf(r, "backup", "replication", "failover"), CliFuzzTest::odd, false),
                    new Option("--limit", r -> "5", CliFuzzTest::odd, false)), true),
            new Command(List.of("keys", "init"), List.of(), List.of(), true),
            new Command(List.of("keys", "describe"), List.of(), List.of(), true),
            new Command(List.of("keys", "create"), List.of(), List.of(
                    new Option("--description", r -> "rotated by the fuzz test", null, false)), false),
            new Command(List.of("config", "validate"), List.of(), List.of(), true),
            new Command(List.of("server"), List.of(), List.of(), true),
            new Command(List.of("demo"), List.of(), List.of(
                    new Option("--data-dir", r -> dir.resolve("demo").toString(), null, false),
                    new Option("--once", null, null, false),
                    new Option("--http-port", r -> String.valueOf(TestEnvironment.freePort()),
                            r -> Cases.oneOf(r, "0", "-1", "65536", "99999999999", "http", "8080.5", ""), false)), false));

    @BeforeContainer
    static void writeConfiguration() throws Exception {
        dir = Cases.scratch("cli-fuzz");
        Path keyring = dir.resolve("keyring.json");
        LocalKeyring.create(keyring, Clock.systemUTC());
        config = dir.resolve("dr-config.json");
        Files.writeString(config, """
                {
                  "disasterRecovery": {
                    "deploymentId": "devflow-fuzz",
                    "regions": {
                      "us-east-1": {
                        "role": "primary",
                        "mongodb": {"url": "mongodb://127.0.0.1:1", "databases": ["devflow"],
                                    "serverSelectionTimeoutMs": 100, "connectTimeoutMs": 100},
                        "storage": {"bucket": "fuzz-east", "endpoint": "http://127.0.0.1:1",
                                    "credentials": {"accessKeyId": "${env:DR_FUZZ_UNSET}", "secretAccessKey": "${env:DR_FUZZ_UNSET}"}}
                      },
                      "us-west-2": {
                        "role": "secondary",
                        "mongodb": {"url": "mongodb://127.0.0.1:2", "databases": ["devflow"],
                                    "serverSelectionTimeoutMs": 100, "connectTimeoutMs": 100},
                        "storage": {"bucket": "fuzz-west", "endpoint": "http://127.0.0.1:2",
                                    "credentials": {"accessKeyId": "${env:DR_FUZZ_UNSET}", "secretAccessKey": "${env:DR_FUZZ_UNSET}"}}
                      }
                    },
                    "backup": {"encryption": {"provider": "local", "keyFile": "KEYRING"}},
                    "replication": {"source": "us-east-1", "targets": ["us-west-2"], "stores": ["mongodb"],
                                    "conflictResolution": "manual"}
                  }
                }
                """.replace("KEYRING", keyring.toString()));
    }

    @AfterContainer
    static void deleteScratch() throws Exception {
        Cases.delete(dir);
    }

    @Property
    void shouldAnswerAnyArgumentsWithAnExitCodeAndAShortMessageNamingTheFault(@ForAll("arguments") Arguments a)
            throws Exception {
        Cases.within(CASE_LIMIT, a, () -> {
            DrRun run = DrRun.of(ENVIRONMENT, a.args().toArray(String[]::new));
            assertThat(run.code()).as(run.toString()).isIn(0, 1, 2);
            assertThat(run.err()).as(run.toString()).doesNotContain("\tat ", "Caused by:", "Exception in thread")
                    .doesNotContainPattern("\\b(java|javax|io\\.devflow|com\\.fasterxml|picocli)\\.[a-z]+\\.");
            if (run.code() != 0) {
                assertThat(run.errIsOneMessage()).as("one message on standard error\n" + run).isTrue();
            }
            if (!a.culprits().isEmpty()) {
                assertThat(run.code()).as(run.toString()).isEqualTo(2);
                // a long value is quoted by its first 40 characters
                assertThat(a.culprits()).as("the message names one of these\n" + run).anyMatch(c -> run.err().lines()
                        .findFirst().orElse("").contains(Printable.of(c.length() > 40 ? c.substring(0, 40) : c)));
            }
        });
    }

    @Provide
    Arbitrary<Arguments> arguments() {
        return Arbitraries.randomValue(CliFuzzTest::arguments);
    }

    /** Arguments of a command: correct (when calling it correctly is harmless) or with one to three faults. */
    private static Arguments arguments(Random random) {
        Command command = Cases.oneOf(random, COMMANDS);
        List<String> args = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            args.addAll(List.of("--config", config.toString()));
        }
        args.addAll(command.words());
        if (args.get(0).equals(command.words().get(0))) {
            args.addAll(List.of("--config", config.toString()));
        }
        for (Positional positional : command.positionals()) {
            args.add(positional.valid().apply(random));
        }
        for (Option option : command.options()) {
            if (option.required() || random.nextBoolean()) {
                args.add(option.name());
                if (option.valid() != null) {
                    args.add(option.valid().apply(random));
                }
            }
        }
        if (random.nextInt(5) == 0) {
            args.addAll(List.of("--output", Cases.oneOf(random, "text", "json", "JSON")));
        }
        if (command.runs() && random.nextInt(6) == 0) {
            return new Arguments(args, List.of(), "called correctly");
        }
        List<String> culprits = new ArrayList<>();
        List<String> made = new ArrayList<>();
        int faults = 1 + (random.nextInt(4) == 0 ? random.nextInt(2) : 0);
        for (int i = 0; i < faults; i++) {
            made.add(fault(random, command, args, culprits));
        }
        return new Arguments(args, culprits, String.join("; ", made));
    }

    private static String fault(Random random, Command command, List<String> args, List<String> culprits) {
        int first = args.indexOf(command.words().get(command.words().size() - 1)) + 1;
        switch (random.nextInt(11)) {
            case 0 -> {
                String unknown = Cases.oneOf(random, "--colour", "--stor", "--dry_run", "-x", "--Type", "--regions",
                        "--x" + odd(random).replace("=", ""));
                // never between an option and its value, which would take an unknown option as the value
                args.add(random.nextBoolean() ? first : args.size(), unknown);
                culprits.add(unknown.length() > 200 ? unknown.substring(0, 200) : unknown);
                return "unknown option " + Cases.javaString(unknown);
            }
            case 1 -> {
                Option option = valued(random, command);
                if (option == null) {
                    return fault(random, command, args, culprits);
                }
                removeOption(args, option);
                args.add(option.name());
                culprits.add(option.name());
                return "no value for " + option.name();
            }
            case 2 -> {
                Option option = valued(random, command);
                if (option == null || option.invalid() == null) {
                    return fault(random, command, args, culprits);
                }
                removeOption(args, option);
                String value = option.invalid().apply(random);
                args.add(option.name());
                args.add(value);
                culprits.add(option.name());
                culprits.add(option.name().substring(option.name().lastIndexOf('-') + 1));
                if (!value.isBlank()) {
                    culprits.add(value.length() > 200 ? value.substring(0, 200) : value);
                }
                return "bad value for " + option.name();
            }
            case 3 -> {
                Option option = valued(random, command);
                if (option == null || option.name().equals("--target-database")) {
                    return fault(random, command, args, culprits);
                }
                removeOption(args, option);
                args.addAll(List.of(option.name(), option.valid().apply(random), option.name(), option.valid().apply(random)));
                culprits.add(option.name());
                return "twice " + option.name();
            }
            case 4 -> {
                if (command.positionals().isEmpty()) {
                    return fault(random, command, args, culprits);
                }
                Positional positional = Cases.oneOf(random, command.positionals());
                String value = positional.invalid().apply(random);
                int at = args.indexOf(positional.valid().apply(random));
                if (at < 0 || value.equals("--")) {
                    // '--' is no argument: it ends the options, and the words after it are the arguments
                    return fault(random, command, args, culprits);
                }
                args.set(at, value);
                culprits.add(positional.label());
                culprits.add(positional.label().toLowerCase(java.util.Locale.ROOT).replace('-', ' '));
                if (!value.isBlank()) {
                    culprits.add(value.length() > 200 ? value.substring(0, 200) : value);
                }
                return "bad " + positional.label();
            }
            case 5 -> {
                String extra = Cases.oneOf(random, "extra", "us-east-1", "now", "full");
                // right after the command: at the end it could be the value of an option left without one
                args.add(first, extra);
                culprits.add(extra);
                // one argument too many: the parser may name any of them as the one left over
                command.positionals().forEach(p -> args.stream().skip(first).filter(a -> !a.startsWith("-"))
                        .forEach(culprits::add));
                culprits.add("BACKUP-ID");
                return "stray argument " + extra;
            }
            case 6 -> {
                if (command.words().get(0).equals("demo")) {
                    // the demo writes a configuration of its own
                    return fault(random, command, args, culprits);
                }
                Path missing = Cases.oneOf(random, dir.resolve("no-such-config.json"), dir, Path.of("/dev/null"),
                        Path.of("/dev/zero"), dir.resolve("keyring.json"), Path.of("relative/dr-config.json"));
                int at = args.indexOf(config.toString());
                if (at >= 0) {
                    args.set(at, missing.toString());
                } else {
                    args.addAll(List.of("--config", missing.toString()));
                }
                culprits.add(missing.toString());
                culprits.add("--config");
                return "configuration " + missing;
            }
            case 7 -> {
                Option required = command.options().stream().filter(Option::required)
                        .filter(o -> !o.name().equals("--yes")).findFirst().orElse(null);
                if (required == null) {
                    return fault(random, command, args, culprits);
                }
                removeOption(args, required);
                culprits.add(required.name());
                culprits.add("give either a backup id or --point-in-time");
                return "without " + required.name();
            }
            case 8 -> {
                String word = command.words().get(random.nextInt(command.words().size()));
                if (!args.contains(word)) {
                    return fault(random, command, args, culprits);
                }
                String typo = Cases.oneOf(random, word + "z", word.substring(1), word.toUpperCase(java.util.Locale.ROOT));
                args.set(args.indexOf(word), typo);
                culprits.add(typo);
                return "command word " + typo;
            }
            case 9 -> {
                // a group that is a command itself (dr test) runs without the word after it
                if (command.words().size() < 2
                        || COMMANDS.stream().anyMatch(c -> c.words().equals(command.words().subList(0, 1)))) {
                    return fault(random, command, args, culprits);
                }
                String sub = command.words().get(1);
                int at = args.indexOf(sub);
                if (at < 0) {
                    return fault(random, command, args, culprits);
                }
                args.subList(at, args.size()).clear();
                culprits.add(sub);
                return "without the command after " + command.words().get(0);
            }
            default -> {
                String output = Cases.oneOf(random, "xml", "yaml", "", "j");
                int at = args.indexOf("--output");
                if (at >= 0) {
                    args.remove(at + 1);
                    args.remove(at);
                }
                args.addAll(List.of("--output", output));
                culprits.add("--output");
                return "--output " + output;
            }
        }
    }

    private static Option valued(Random random, Command command) {
        List<Option> valued = command.options().stream().filter(o -> o.valid() != null).toList();
        return valued.isEmpty() ? null : Cases.oneOf(random, valued);
    }

    private static void removeOption(List<String> args, Option option) {
        int at;
        while ((at = args.indexOf(option.name())) >= 0) {
            if (option.valid() != null && at + 1 < args.size()) {
                args.remove(at + 1);
            }
            args.remove(at);
        }
    }

    /** Odd text for a value: empty, control characters, unicode, paths, very long. */
    private static String odd(Random random) {
        return switch (random.nextInt(3)) {
            case 0 -> Cases.oneOf(random, "x", "é", "-").repeat(1 + random.nextInt(random.nextInt(8) == 0 ? 100_000 : 50));
            default -> Cases.oneOf(random, "", " ", "us-east-2", "US-EAST-1", "us_east_1", "mongo", "MongoDB", "redis ",
                    "\u0000", "a\u0000b", "\u001b[31m", "日本", "😀", "\uD800", "../../etc/passwd", "-", "--", "=",
                    "null", "-1", "full,incremental", "${env:HOME}", "%s%n", "'", "\"", "\n");
        };
    }
}
