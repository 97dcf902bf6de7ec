package io.devflow.dr.recovery.plan;

import io.devflow.dr.config.RecoveryPlansConfig.Hook;
import io.devflow.dr.recovery.plan.RecoveryPlan.StorePart;
import io.devflow.dr.recovery.plan.ThroughputHistory.Sample;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The steps of a plan and their dependencies: per store, restore-store, then replay-increments when the store has
 * increments to replay, then verify-fingerprints when a backup's manifest describes the result (a full backup restored
 * alone); the stores side by side; then the hooks one after another, after every store's last step.
 */
final class PlanSteps {

    private PlanSteps() {
    }

    /**
     * One store's part with the sizes of what it reads.
     *
     * @param verifiable whether a manifest describes the state the part leaves (no increments replayed over it)
     */
    record Sized(StorePart part, long fullBytes, long fullItems, long incrementBytes, long incrementItems,
                 boolean verifiable) {
    }

    /**
     * @param samples the measured samples of a store or hook ({@code hook-<name>}) for a kind of step
     */
    static List<PlanStep> of(List<Sized> parts, List<Hook> hooks, BiFunction<String, String, List<Sample>> samples) {
        List<PlanStep> steps = new ArrayList<>();
        List<String> dataEnds = new ArrayList<>();
        for (Sized sized : parts) {
            StorePart part = sized.part();
            String store = part.store();
            String restore = "restore-" + store;
            steps.add(data(PlanStep.planned(restore, StepType.RESTORE_STORE, store, "restore " + store + " from "
                    + part.backups().get(0) + " (" + part.sourceRegion() + ")", part.backups().subList(0, 1), List.of(),
                    sized.fullBytes(), sized.fullItems()), samples));
            String last = restore;
            if (part.backups().size() > 1) {
                String replay = "replay-" + store;
                steps.add(data(PlanStep.planned(replay, StepType.REPLAY_INCREMENTS, store, "replay "
                        + (part.backups().size() - 1) + " " + store + " increment(s) up to " + part.restoredAsOf(),
                        part.backups().subList(1, part.backups().size()), List.of(last), sized.incrementBytes(),
                        sized.incrementItems()), samples));
                last = replay;
            }
            if (sized.verifiable()) {
                String verify = "verify-" + store;
                steps.add(data(PlanStep.planned(verify, StepType.VERIFY_FINGERPRINTS, store, "compare " + store
                        + "'s fingerprints with " + part.backups().get(0) + "'s", part.backups().subList(0, 1),
                        List.of(last), sized.fullBytes(), sized.fullItems()), samples));
                last = verify;
            }
            dataEnds.add(last);
        }
        List<String> before = dataEnds;
        for (Hook hook : hooks) {
            String id = "hook-" + hook.name();
            PlanStep step = PlanStep.planned(id, StepType.HOOK, null, "hook " + hook.name() + ": " + (hook.url().isPresent()
                    ? "POST " + hook.url().get().getHost() : String.join(" ", hook.command())), List.of(), before, 0, 0);
            steps.add(step.estimated(Estimator.hook(hook.timeout(), samples.apply(id, StepType.HOOK.id()))));
            before = List.of(id);
        }
        return steps;
    }

    private static PlanStep data(PlanStep step, BiFunction<String, String, List<Sample>> samples) {
        return step.estimated(Estimator.data(step.bytes(), samples.apply(step.store(), step.type().id())));
    }
}
