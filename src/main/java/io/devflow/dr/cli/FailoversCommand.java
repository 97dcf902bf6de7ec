package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.auto.Acknowledgements;
import io.devflow.dr.support.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code dr failovers list|show|acknowledge}: the failovers recorded in the control state, read from any machine. */
@Command(name = "failovers", mixinStandardHelpOptions = true,
        description = "List recorded failovers, or show one with its steps and compensations.",
        subcommands = {FailoversCommand.ListCommand.class, FailoversCommand.ShowCommand.class,
                FailoversCommand.AcknowledgeCommand.class})
final class FailoversCommand implements Runnable {

    @Override
    public void run() {
        throw new UsageException("a subcommand is required: dr failovers list | show <id> | acknowledge");
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

    @Command(name = "acknowledge", mixinStandardHelpOptions = true,
            description = "Acknowledge the last automatic failover: lifts the cooldown that keeps the controller from "
                    + "failing over again by itself (recovery.failover.automatic.cooldownMinutes).")
    static final class AcknowledgeCommand extends DrSubcommand {

        @Override
        public Integer call() {
            try (DrServices services = new DrServices(loadConfig())) {
                Acknowledgements acknowledgements = new Acknowledgements(services.state(), services.failovers(),
                        services.audit(), services.clock());
                FailoverRecord record;
                try {
                    record = acknowledgements.acknowledge(Operator.name());
                } catch (IllegalStateException none) {
                    throw new NotFoundException(none.getMessage());
                }
                if (json()) {
                    Printer.json(out(), java.util.Map.of("acknowledged", record.id()));
                } else {
                    out().println("Acknowledged automatic failover " + record.id() + " (" + record.plan().source() + " -> "
                            + record.plan().target() + ", " + record.state().id() + "); the controller may fail over by "
                            + "itself again.");
                }
            }
            return ExitCode.OK;
        }
    }
}
