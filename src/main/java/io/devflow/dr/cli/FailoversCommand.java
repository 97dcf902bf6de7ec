package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.support.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code dr failovers list|show}: the failovers recorded in the control state, read from any machine. */
@Command(name = "failovers", mixinStandardHelpOptions = true,
        description = "List recorded failovers, or show one with its steps and compensations.",
        subcommands = {FailoversCommand.ListCommand.class, FailoversCommand.ShowCommand.class})
final class FailoversCommand implements Runnable {

    @Override
    public void run() {
        throw new UsageException("a subcommand is required: dr failovers list | show <id>");
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest failovers first.")
    static final class ListCommand extends DrSubcommand {

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            try (DrServices services = new DrServices(loadConfig())) {
                List<FailoverRecord> failovers = services.failovers().list(limit);
                if (json()) {
                    Printer.json(out(), failovers);
                } else {
                    FailoverPrinter.table(out(), failovers);
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One failover: steps, changes, compensations.")
    static final class ShowCommand extends DrSubcommand {

        @Parameters(paramLabel = "ID", description = "A failover id (dr failovers list shows them).")
        String id;

        @Override
        public Integer call() {
            try (DrServices services = new DrServices(loadConfig())) {
                FailoverRecord record = services.failovers().get(id).orElseThrow(() -> new NotFoundException(
                        "no failover " + id + "; dr failovers list shows the recorded ones"));
                if (json()) {
                    Printer.json(out(), record);
                } else {
                    FailoverPrinter.record(out(), record);
                }
            }
            return ExitCode.OK;
        }
    }
}
