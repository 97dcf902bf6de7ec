package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.drill.DrillRequest;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillSuite;
import io.devflow.dr.drill.DrillType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

/**
 * {@code dr test}: the DR test suite of the seed. Runs drills here, against the configured regions (scratch databases,
 * canaries; nothing production serves changes unless a planned failover drill is configured), records each result in
 * the control state and prints them; {@code dr test history} lists the recorded ones.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run DR drills: backup (restore the newest full backups into scratch databases and compare "
                + "fingerprints), replication (a canary per store seen in every other region within the lag "
                + "threshold), failover (a drill failover to a scratch target, steps timed), or all of them. "
                + "Exit code 1 when a drill failed. --output junit writes a JUnit XML report.",
        subcommands = TestCommand.HistoryCommand.class)
final class TestCommand extends DrSubcommand {

    @Option(names = "--type", paramLabel = "TYPE", defaultValue = "all",
            description = "backup, replication, failover, recovery-time or all (default: ${DEFAULT-VALUE}).")
    String type;

    @Override
    public Integer call() {
        List<DrillResult> results;
        try (DrServices services = new DrServices(loadConfig())) {
            DrillSuite suite = services.drills().suite();
            List<DrillType> types = "all".equals(type) ? suite.available() : List.of(parse(type));
            results = suite.runAll(new DrillRequest(types, DrillRequest.Trigger.MANUAL, Operator.name()));
        }
        if (common().output == OutputFormat.junit) {
            DrillPrinter.junit(out(), results);
        } else if (json()) {
            Printer.json(out(), results);
        } else {
            DrillPrinter.results(out(), results);
        }
        out().flush();
        return results.stream().allMatch(DrillResult::passed) ? ExitCode.OK : ExitCode.FAILED;
    }

    static DrillType parse(String text) {
        return DrillType.find(text).orElseThrow(() -> new UsageException("--type must be backup, replication, failover, "
                + "recovery-time or all, not '" + text + "'"));
    }

    @Command(name = "history", mixinStandardHelpOptions = true, description = "The recorded drill results, newest first.")
    static final class HistoryCommand extends DrSubcommand {

        @Option(names = "--type", paramLabel = "TYPE", description = "Only drills of this type.")
        String type;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            Optional<DrillType> only = Optional.ofNullable(type).map(TestCommand::parse);
            List<DrillResult> results;
            try (DrServices services = new DrServices(loadConfig())) {
                results = services.drills().records().newest(limit, only);
            }
            if (common().output == OutputFormat.junit) {
                DrillPrinter.junit(out(), results);
            } else if (json()) {
                Printer.json(out(), results);
            } else {
                DrillPrinter.history(out(), results);
            }
            return ExitCode.OK;
        }
    }
}
