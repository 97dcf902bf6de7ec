package io.devflow.dr.recovery.plan;

import io.devflow.dr.recovery.plan.PlanEnums.StepState;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The dependencies between a plan's steps: which may run now, and how long the longest chain takes. */
final class PlanGraph {

    private PlanGraph() {
    }

    /** The pending steps whose dependencies have all completed, in plan order. */
    static List<PlanStep> ready(List<PlanStep> steps) {
        Set<String> completed = new HashSet<>();
        steps.stream().filter(PlanStep::isCompleted).forEach(s -> completed.add(s.id()));
        return steps.stream().filter(s -> s.state() == StepState.PENDING && completed.containsAll(s.dependsOn())).toList();
    }

    /**
     * The estimated seconds of the longest chain of dependent steps: independent steps (stores) run side by side.
     *
     * @throws IllegalArgumentException when a step depends on one that is not in the plan or on itself through others
     */
    static long criticalPathSeconds(List<PlanStep> steps) {
        Map<String, PlanStep> byId = new HashMap<>();
        steps.forEach(s -> byId.put(s.id(), s));
        Map<String, Long> finish = new HashMap<>();
        long longest = 0;
        for (PlanStep step : steps) {
            longest = Math.max(longest, finish(step, byId, finish, new HashSet<>()));
        }
        return longest;
    }

    private static long finish(PlanStep step, Map<String, PlanStep> byId, Map<String, Long> finish, Set<String> visiting) {
        Long known = finish.get(step.id());
        if (known != null) {
            return known;
        }
        if (!visiting.add(step.id())) {
            throw new IllegalArgumentException("step " + step.id() + " depends on itself");
        }
        long start = 0;
        for (String dependency : step.dependsOn()) {
            PlanStep before = byId.get(dependency);
            if (before == null) {
                throw new IllegalArgumentException("step " + step.id() + " depends on " + dependency + ", which is not in the plan");
            }
            start = Math.max(start, finish(before, byId, finish, visiting));
        }
        long end = start + (step.estimate() == null ? 0 : step.estimate().seconds());
        finish.put(step.id(), end);
        return end;
    }
}
