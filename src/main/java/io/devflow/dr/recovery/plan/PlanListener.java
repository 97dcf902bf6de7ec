package io.devflow.dr.recovery.plan;

import io.devflow.dr.archive.Progress;

/** What the command line shows while a plan runs; called from the steps' threads. */
public interface PlanListener {

    /** A step started; {@code progress} counts its items and bytes as it goes. */
    void started(PlanStep step, Progress progress);

    /** A step completed or failed. */
    void ended(PlanStep step);
}
