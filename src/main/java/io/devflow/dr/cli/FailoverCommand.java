package io.devflow.dr.cli;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.failover.FailoverPlan;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.Console;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code dr failover <region>}: makes another region the active one, through the six steps with rollback. Only the
 * DR controller fails over (decision 40): when a {@code dr server} leads, the failover runs there (through its API,
 * with an admin token) and this command follows its record; when none leads, this command takes the leadership
 * through the configured election engine for the run, or refuses.
 */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = {"Fail over to a region: validate it, stop traffic to the active region, promote the target, "
                + "update routing, verify and notify; a failing step rolls back the ones before it.",
                "Exit codes: 0 completed (or a dry run that would run), 1 rolled back or failed, 2 refused or usage."})
final class FailoverCommand extends DrSubcommand {

    private static final Duration LEADERSHIP_WAIT = Duration.ofSeconds(15);
    private static final long POLL_MILLIS = 200;

    @Parameters(paramLabel = "TARGET-REGION", description = "The region to make active.")
    String target;

    @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "Why (kept in the record and the audit log).")
    String reason;

    @Option(names = "--dry-run", description = "Print the plan (steps, lag per store, loss bound, refusals); change nothing.")
    boolean dryRun;

    @Option(names = "--force", description = "Fail over although replication lag exceeds the RPO (only that check; recorded).")
    boolean force;

    @Option(names = "--yes", description = "Do not ask for confirmation (needed without a terminal).")
    boolean yes;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "An admin API token, when a dr server leads (default: $DR_API_TOKEN).")
    Path tokenFile;

    @Override
    public Integer call() {
        if (reason.isBlank()) {
            throw new UsageException("--reason must say why, in a few words");
        }
        DrConfig config = loadConfig();
        RegionId region = config.requireRegion(target).id();
        try (DrServices services = new DrServices(config)) {
            Optional<Leadership.Term> leading = services.terms().current()
                    .filter(term -> new FailoverClient(term.apiUrl(), null).answers());
            if (leading.isEmpty()) {
                return inProcess(services, region);
            }
            Leadership.Term leader = leading.get();
            String token = token().orElseThrow(() -> new UsageException("dr server " + leader.instance() + " leads (API "
                    + leader.apiUrl() + "), so the failover runs there: pass --token-file FILE or set DR_API_TOKEN to an "
                    + "admin token of its API"));
            return throughServer(new FailoverClient(leader.apiUrl(), token));
        }
    }

    private int throughServer(FailoverClient server) {
        FailoverClient.Answer planned = server.post(target, reason, force, true);
        if (dryRun || !planned.plan().runnable()) {
            return planned(planned.plan());
        }
        confirm(planned.plan());
        FailoverClient.Answer started = server.post(target, reason, force, false);
        if (started.record().state() == FailoverRecord.State.REFUSED) {
            return refused(started.record());
        }
        return follow(started.record(), () -> server.get(started.record().id()));
    }

    private int inProcess(DrServices services, RegionId region) {
        FailoverRequest request = new FailoverRequest(region, reason.strip(), force, FailoverRequest.Trigger.MANUAL,
                Operator.name());
        FailoverPlan plan = services.failovers().plan(request);
        if (dryRun || !plan.runnable()) {
            return planned(plan);
        }
        confirm(plan);
        try (DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.CONTROLLER, Map.of())) {
            awaitLeadership(services);
            FailoverRecord record = services.failovers().start(request);
            if (record.state() == FailoverRecord.State.REFUSED) {
                return refused(record);
            }
            return follow(record, () -> services.failovers().get(record.id()).orElse(record));
        } catch (UsageException | OperationFailedException e) {
            throw e;
        } catch (Exception e) {
            throw new OperationFailedException("the failover could not run here: " + io.devflow.dr.support.Failures.describe(e));
        }
    }

    private void awaitLeadership(DrServices services) throws InterruptedException {
        long deadline = System.nanoTime() + LEADERSHIP_WAIT.toNanos();
        while (!services.leadership().leads() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS);
        }
        if (!services.leadership().leads()) {
            String holder = services.leadership().currentTerm().map(t -> t.instance() + " (" + t.apiUrl() + ")")
                    .orElse("another instance");
            throw new UsageException("no dr server answers for the leader, and this command could not take the DR "
                    + "controller's leadership through " + services.leadership().engine() + " within "
                    + LEADERSHIP_WAIT.toSeconds() + " s: " + holder + " holds it; run the failover where the leader "
                    + "runs (its API must be reachable from here), or stop that instance and try again");
        }
    }

    /** Prints each step as it ends, then the record; exit 0 when completed. */
    private int follow(FailoverRecord started, Supplier<FailoverRecord> read) {
        Set<String> shown = new HashSet<>();
        FailoverRecord record = started;
        if (!json()) {
            out().println("Failover " + started.id() + ": " + started.plan().source() + " -> " + started.plan().target());
        }
        while (true) {
            for (FailoverRecord.StepRecord step : record.steps()) {
                boolean ended = step.finishedAt() != null && !"running".equals(step.outcome());
                if (ended && shown.add(step.step().id() + "/" + step.outcome()) && !json()) {
                    FailoverPrinter.step(out(), step);
                }
            }
            if (record.state().finished()) {
                break;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OperationFailedException("stopped following failover " + started.id()
                        + "; it goes on: dr failovers show " + started.id());
            }
            record = read.get();
        }
        print(record);
        if (record.state() != FailoverRecord.State.COMPLETED) {
            throw new OperationFailedException("failover " + record.id() + " " + record.state().id() + ": " + record.error());
        }
        return ExitCode.OK;
    }

    private int planned(FailoverPlan plan) {
        if (json()) {
            Printer.json(out(), plan);
        } else {
            FailoverPrinter.plan(out(), plan);
        }
        return plan.runnable() ? ExitCode.OK : ExitCode.USAGE;
    }

    private int refused(FailoverRecord record) {
        print(record);
        return ExitCode.USAGE;
    }

    private void print(FailoverRecord record) {
        if (json()) {
            Printer.json(out(), record);
        } else {
            FailoverPrinter.record(out(), record);
        }
    }

    private void confirm(FailoverPlan plan) {
        if (yes) {
            return;
        }
        Console console = System.console();
        if (console == null) {
            throw new UsageException("refusing to fail over from " + plan.source() + " to " + plan.target()
                    + " without confirmation: pass --yes to run it non-interactively");
        }
        String answer = console.readLine("Fail over from %s to %s? Clients move to %s; %s stops taking traffic. "
                + "(yes/no): ", plan.source(), plan.target(), plan.target(), plan.source());
        if (answer == null || !answer.strip().equalsIgnoreCase("yes")) {
            throw new UsageException("failover cancelled; nothing was changed");
        }
    }

    private Optional<String> token() {
        String token;
        if (tokenFile != null) {
            try {
                token = Files.readString(tokenFile).strip();
            } catch (IOException e) {
                throw new UsageException("cannot read the API token file " + tokenFile + ": " + e.getMessage());
            }
        } else {
            token = System.getenv("DR_API_TOKEN");
        }
        return Optional.ofNullable(token).filter(t -> !t.isBlank());
    }
}
