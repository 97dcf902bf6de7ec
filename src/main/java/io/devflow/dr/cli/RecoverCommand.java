package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.KeyUnavailableException;
import io.devflow.dr.recovery.plan.PlanEnums.Mode;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.recovery.plan.PlanListener;
import io.devflow.dr.recovery.plan.Recoveries;
import io.devflow.dr.recovery.plan.RecoveryPlan;
import io.devflow.dr.recovery.plan.RecoveryPlanner;
import io.devflow.dr.support.NotFoundException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code dr recover full|point-in-time|resume|list|show}: recovery plans. A plan is shown (steps, dependencies,
 * estimates from measured history, the total against the RTO), confirmed, then run in this process with its record in
 * the control state after every step change, so that {@code dr recover resume} continues it after a crash.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
        description = {"Recovery plans: restore every store (or one) into a region from full backups, or as of a point "
                + "in time, verify the result against the backups' fingerprints, then run the configured hooks "
                + "(recovery.plans.hooks).",
                "Exit codes: 0 completed (or a dry run), 1 a step failed (resume with 'dr recover resume ID'), "
                        + "2 refused, cancelled, usage or configuration."},
        subcommands = {RecoverCommand.Full.class, RecoverCommand.PointInTime.class, RecoverCommand.Resume.class,
                RecoverCommand.ListPlans.class, RecoverCommand.Show.class})
final class RecoverCommand implements Runnable {

    @Override
    public void run() {
        throw new UsageException("a subcommand is required: dr recover full | point-in-time | resume <id> | list | show <id>");
    }

    /** What full and point-in-time share: the mode, the dry run, the confirmation, the run. */
    abstract static class Planning extends DrSubcommand {

        @Option(names = "--store", paramLabel = "STORE", converter = Arguments.StoreConverter.class,
                description = "Only this store (default: every store configured in the target region).")
        StoreKind store;

        @Option(names = "--mode", paramLabel = "MODE", defaultValue = "merge",
                description = "merge: write over what the target holds, by identity; replace: empty the target's "
                        + "databases first, so the result is exactly the backup's state (default: ${DEFAULT-VALUE}).")
        String mode;

        @Option(names = "--dry-run", description = "Show the plan; change nothing.")
        boolean dryRun;

        @Option(names = "--yes", description = "Do not ask for confirmation (for scripts).")
        boolean yes;

        abstract RecoveryPlan plan(DrServices services, DrConfig config, Mode mode);

        @Override
        public Integer call() {
            Mode chosen = switch (mode) {
                case "merge" -> Mode.MERGE;
                case "replace" -> Mode.REPLACE;
                default -> throw new UsageException("--mode is merge or replace, not '" + mode + "'");
            };
            DrConfig config = loadConfig();
            try (DrServices services = new DrServices(config)) {
                RecoveryPlan plan = plan(services, config, chosen);
                if (json() && (dryRun || !yes)) {
                    Printer.json(out(), plan);
                } else if (!json()) {
                    RecoveryPrinter.plan(out(), plan);
                }
                if (dryRun) {
                    return ExitCode.OK;
                }
                confirm(plan);
                return execute(this, plan, progress -> services.recoveries().run(plan, Operator.name(), progress));
            } catch (ArchiveIntegrityException | KeyUnavailableException e) {
                throw new OperationFailedException("recovery stopped: " + e.getMessage());
            }
        }

        private void confirm(RecoveryPlan plan) {
            if (yes) {
                return;
            }
            if (plan.inPlace()) {
                out().println("This recovers " + plan.targetRegion() + ", the active region, in place: its live data "
                        + "is overwritten" + (plan.mode() == Mode.REPLACE ? " after it is emptied." : " where the backups hold it."));
            }
            if (plan.mode() == Mode.REPLACE) {
                List<String> emptied = plan.stores().stream().map(p -> p.store() + " databases "
                        + String.join(", ", p.databases().values())).toList();
                out().println("Replace mode first empties, in " + plan.targetRegion() + ": " + String.join("; ", emptied) + ".");
            }
            out().flush();
            Optional<String> answer = root().prompt.ask("Do you want to execute this recovery plan? (yes/no): ");
            if (answer.isEmpty()) {
                throw new UsageException("refusing to run recovery plan " + plan.id() + " without confirmation: pass "
                        + "--yes to run it non-interactively; nothing was written");
            }
            if (!answer.get().strip().equalsIgnoreCase("yes")) {
                throw new UsageException("recovery cancelled; nothing was written");
            }
        }
    }

    /** Runs a plan and reports it; a failed step is exit code 1, naming the step and the remedy. */
    static int execute(DrSubcommand command, RecoveryPlan plan, Function<PlanListener, RecoveryPlan> run) {
        RecoveryPlan ended;
        try (PlanProgress progress = new PlanProgress(plan, command.out(), command.err(), !command.json())) {
            ended = run.apply(progress);
        }
        if (command.json()) {
            Printer.json(command.out(), ended);
        } else {
            command.out().println("Recovery plan " + ended.id() + " " + ended.state().id() + " in "
                    + Terminal.duration(ended.runs().get(ended.runs().size() - 1).endedAt().toEpochMilli()
                    - ended.runs().get(ended.runs().size() - 1).startedAt().toEpochMilli())
                    + " (estimated " + RecoveryPrinter.seconds(ended.estimatedSeconds()) + ")");
            command.out().flush();
        }
        if (ended.state() != PlanState.COMPLETED) {
            throw new OperationFailedException("recovery plan " + ended.id() + ": " + ended.error() + "; fix the cause "
                    + "and run 'dr recover resume " + ended.id() + "' (completed steps are not run again)");
        }
        return ExitCode.OK;
    }

    @Command(name = "full", mixinStandardHelpOptions = true,
            description = "Restore full backups of every store (or --store) into a region, verify their fingerprints, run the hooks.")
    static final class Full extends Planning {

        @Option(names = "--target-region", required = true, paramLabel = "REGION", description = "Region to recover into.")
        String targetRegion;

        @Option(names = "--at", paramLabel = "latest|STORE=BACKUP-ID", split = ",", defaultValue = "latest",
                description = "latest (the newest completed full backup of each store, in any region's bucket), or "
                        + "the backup per store, e.g. mongodb=backup-full-20260125-020000-x7k2p9 (others: latest).")
        List<String> at = new ArrayList<>();

        @Override
        RecoveryPlan plan(DrServices services, DrConfig config, Mode mode) {
            RegionId target = config.requireRegion(targetRegion).id();
            return services.recoveries().planner().full(new RecoveryPlanner.FullRequest(target, backups(),
                    Optional.ofNullable(store), mode, Operator.name()));
        }

        private Map<StoreKind, BackupId> backups() {
            Map<StoreKind, BackupId> chosen = new EnumMap<>(StoreKind.class);
            for (String item : at) {
                if (item.equals("latest")) {
                    continue;
                }
                String[] parts = item.split("=", 2);
                Optional<StoreKind> kind = StoreKind.parse(parts[0]);
                Optional<BackupId> id = parts.length == 2 ? BackupId.parse(parts[1]) : Optional.empty();
                if (kind.isEmpty() || id.isEmpty()) {
                    throw new UsageException("--at '" + item + "' is neither latest nor STORE=BACKUP-ID (e.g. mongodb="
                            + BackupId.EXAMPLE + "; 'dr backups list' shows them)");
                }
                if (chosen.put(kind.get(), id.get()) != null) {
                    throw new UsageException("--at names two " + kind.get() + " backups; name one per store");
                }
            }
            return chosen;
        }
    }

    @Command(name = "point-in-time", mixinStandardHelpOptions = true,
            description = "Restore every store (or --store) as of an instant: the newest full backup before it and its "
                    + "increments up to it (Redis: the newest snapshot before it). Default target: the active region, "
                    + "in place.")
    static final class PointInTime extends Planning {

        @Option(names = "--point-in-time", required = true, paramLabel = "TIME", converter = Arguments.InstantConverter.class,
                description = "The instant, with its zone, e.g. 2026-01-27T10:00:00Z.")
        Instant pointInTime;

        @Option(names = "--target-region", paramLabel = "REGION",
                description = "Region to recover into (default: the active region, a recovery in place).")
        String targetRegion;

        @Override
        RecoveryPlan plan(DrServices services, DrConfig config, Mode mode) {
            Optional<RegionId> target = Optional.ofNullable(targetRegion).map(r -> config.requireRegion(r).id());
            return services.recoveries().planner().pointInTime(new RecoveryPlanner.PointInTimeRequest(pointInTime,
                    target, Optional.ofNullable(store), mode, Operator.name()));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Run the steps of a recorded plan that have not completed (after a failed step was fixed, or "
                    + "after the process running it died); completed steps are not run again.")
    static final class Resume extends DrSubcommand {

        @Parameters(paramLabel = "PLAN-ID", converter = Arguments.PlanIdConverter.class,
                description = "The plan (dr recover list shows them).")
        String id;

        @Override
        public Integer call() {
            try (DrServices services = new DrServices(loadConfig())) {
                Recoveries recoveries = services.recoveries();
                RecoveryPlan plan = recoveries.resumable(id);
                if (!json()) {
                    out().println("Resuming recovery plan " + id + ": " + plan.steps().stream()
                            .filter(s -> !s.state().id().equals("completed")).count() + " of " + plan.steps().size()
                            + " steps to run");
                    out().flush();
                }
                return execute(this, plan, progress -> recoveries.resume(id, Operator.name(), progress));
            } catch (ArchiveIntegrityException | KeyUnavailableException e) {
                throw new OperationFailedException("recovery stopped: " + e.getMessage());
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "The newest recovery plans first.")
    static final class ListPlans extends DrSubcommand {

        @Option(names = "--limit", paramLabel = "N", defaultValue = "20", description = "At most N (default: ${DEFAULT-VALUE}).")
        int limit;

        @Override
        public Integer call() {
            if (limit < 1) {
                throw new UsageException("--limit must be at least 1");
            }
            try (DrServices services = new DrServices(loadConfig())) {
                List<RecoveryPlan> plans = services.recoveries().list(limit);
                if (json()) {
                    Printer.json(out(), plans);
                } else {
                    RecoveryPrinter.table(out(), plans);
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "One recovery plan with its steps as they ran.")
    static final class Show extends DrSubcommand {

        @Parameters(paramLabel = "PLAN-ID", converter = Arguments.PlanIdConverter.class,
                description = "The plan (dr recover list shows them).")
        String id;

        @Override
        public Integer call() {
            try (DrServices services = new DrServices(loadConfig())) {
                RecoveryPlan plan = services.recoveries().get(id).orElseThrow(() -> new NotFoundException(
                        "no recovery plan " + id + "; dr recover list shows the recorded ones"));
                if (json()) {
                    Printer.json(out(), plan);
                } else {
                    RecoveryPrinter.plan(out(), plan);
                }
            }
            return ExitCode.OK;
        }
    }
}
