package io.devflow.dr.recovery.plan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.control.AuditLog;
import io.devflow.dr.recovery.plan.PlanEnums.PlanState;
import io.devflow.dr.recovery.plan.PlanEnums.StepState;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a plan in this process: every step whose dependencies have completed starts (stores side by side), the record
 * is saved on every step change and, while steps run, every heartbeat with their progress, so that a crash leaves a
 * record that says what completed. A failing step stops the plan: nothing new starts, the steps running finish, and
 * the plan ends failed naming the step. Each step's measured duration goes to the throughput history.
 */
final class PlanRunner {

    private final RecoveryPlans records;
    private final StepActions actions;
    private final ThroughputHistory history;
    private final AuditLog audit;
    private final Duration heartbeat;
    private final Clock clock;

    PlanRunner(RecoveryPlans records, StepActions actions, ThroughputHistory history, AuditLog audit, Duration heartbeat,
               Clock clock) {
        this.records = records;
        this.actions = actions;
        this.history = history;
        this.audit = audit;
        this.heartbeat = heartbeat;
        this.clock = clock;
    }

    /** One run of a plan, from its steps not completed yet; returns the record as the run left it. */
    RecoveryPlan run(RecoveryPlan plan, String by, boolean resumed, PlanListener listener) {
        Run run = new Run(records.save(plan.started(new RecoveryPlan.Run(clock.instant(), by, resumed, null, null),
                clock.instant())), listener);
        audit.record(resumed ? "recover-resume" : "recover-start", by, plan.id(), summary(plan));
        ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(named("dr-recovery-heartbeat"));
        ExecutorService workers = Executors.newCachedThreadPool(named("dr-recovery-step"));
        try {
            beat.scheduleWithFixedDelay(run::beat, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
            run.steps(workers);
        } finally {
            beat.shutdownNow();
            workers.shutdownNow();
        }
        RecoveryPlan ended = run.end();
        ObjectNode details = summary(ended);
        details.put("outcome", ended.state().id());
        if (ended.error() != null) {
            details.put("error", ended.error());
        }
        audit.record("recover", by, plan.id(), details);
        return ended;
    }

    private static ObjectNode summary(RecoveryPlan plan) {
        ObjectNode details = Json.MAPPER.createObjectNode();
        details.put("kind", plan.kind().id());
        details.put("targetRegion", plan.targetRegion());
        details.put("mode", plan.mode().id());
        if (plan.pointInTime() != null) {
            details.put("pointInTime", plan.pointInTime().toString());
        }
        return details;
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        AtomicInteger n = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The state of one run; every change of the record goes through {@link #change}, one at a time. */
    private final class Run {
        private RecoveryPlan plan;
        private final PlanListener listener;
        private final Map<String, Progress> running = new ConcurrentHashMap<>();
        private volatile String failure;

        Run(RecoveryPlan plan, PlanListener listener) {
            this.plan = plan;
            this.listener = listener;
        }

        void steps(ExecutorService workers) {
            ExecutorCompletionService<Void> done = new ExecutorCompletionService<>(workers);
            int inFlight = 0;
            while (true) {
                List<PlanStep> ready = failure == null ? PlanGraph.ready(snapshot().steps()).stream()
                        .filter(s -> !running.containsKey(s.id())).toList() : List.of();
                for (PlanStep step : ready) {
                    Progress progress = new Progress();
                    running.put(step.id(), progress);
                    PlanStep started = change(step.id(), s -> s.running(clock.instant()));
                    listener.started(started, progress);
                    done.submit(() -> execute(started, progress), null);
                    inFlight++;
                }
                if (inFlight == 0) {
                    return;
                }
                try {
                    done.take().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure = "interrupted; the steps that were running start again on 'dr recover resume " + plan.id() + "'";
                    return;
                } catch (ExecutionException e) {
                    failed(Failures.describe(e.getCause()));
                }
                inFlight--;
            }
        }

        private void execute(PlanStep step, Progress progress) {
            String outcome;
            try {
                outcome = actions.run(snapshot(), step, progress);
            } catch (RuntimeException | Error e) {
                String why = Failures.describe(e);
                PlanStep failed = change(step.id(), s -> s.progressed(progress.items(), progress.bytes())
                        .failed(clock.instant(), why));
                failed("step " + step.id() + " failed: " + why);
                audited(failed);
                listener.ended(failed);
                running.remove(step.id());
                return;
            }
            PlanStep completed = change(step.id(), s -> s.progressed(progress.items(), progress.bytes())
                    .completed(clock.instant(), outcome));
            measured(completed);
            audited(completed);
            listener.ended(completed);
            running.remove(step.id());
        }

        /** The first failure is the one the plan names. */
        private synchronized void failed(String why) {
            if (failure == null) {
                failure = why;
            }
        }

        private synchronized RecoveryPlan snapshot() {
            return plan;
        }

        private synchronized PlanStep change(String stepId, java.util.function.UnaryOperator<PlanStep> change) {
            plan = records.save(plan.withStep(stepId, change).alive(clock.instant()));
            return plan.step(stepId).orElseThrow();
        }

        /** The heartbeat: the running steps' progress, and proof that this process still runs the plan. */
        synchronized void beat() {
            try {
                RecoveryPlan next = plan;
                for (Map.Entry<String, Progress> entry : running.entrySet()) {
                    next = next.withStep(entry.getKey(), s -> s.state() == StepState.RUNNING
                            ? s.progressed(entry.getValue().items(), entry.getValue().bytes()) : s);
                }
                plan = records.save(next.alive(clock.instant()));
            } catch (RuntimeException e) {
                // the next beat, or the next step change, writes the record again
            }
        }

        synchronized RecoveryPlan end() {
            boolean all = plan.steps().stream().allMatch(PlanStep::isCompleted);
            Instant now = clock.instant();
            plan = records.save(all ? plan.ended(PlanState.COMPLETED, null, now)
                    : plan.ended(PlanState.FAILED, failure != null ? failure : "stopped before every step completed", now));
            return plan;
        }

        private void measured(PlanStep step) {
            if (step.durationMs() == null) {
                return;
            }
            String key = step.store() != null ? step.store() : step.id();
            try {
                history.record(key, new ThroughputHistory.Sample(step.finishedAt(), step.type().id(), step.bytes(),
                        step.itemsDone(), step.durationMs(), "plan " + snapshot().id()));
            } catch (RuntimeException e) {
                // an estimate without this sample is still an estimate; the recovery itself went on
            }
        }

        private void audited(PlanStep step) {
            ObjectNode details = Json.MAPPER.createObjectNode();
            details.put("step", step.id());
            details.put("type", step.type().id());
            details.put("outcome", step.state().id());
            details.put("durationMs", step.durationMs() == null ? 0 : step.durationMs());
            if (step.error() != null) {
                details.put("error", step.error());
            }
            RecoveryPlan now = snapshot();
            audit.record("recover-step", now.runs().get(now.runs().size() - 1).by(), now.id(), details);
        }
    }
}
