package io.devflow.dr.failover;

/**
 * A failover step failed; carries the record as the step left it (what it had changed before it failed), so that
 * the compensations undo exactly that.
 */
public final class FailoverStepException extends RuntimeException {

    private final transient FailoverRecord record;

    public FailoverStepException(FailoverRecord record, FailoverStep step, Throwable cause) {
        super(step.id() + " failed: " + io.devflow.dr.support.Failures.describe(cause), cause);
        this.record = record;
    }

    public FailoverStepException(FailoverRecord record, FailoverStep step, String why) {
        super(step.id() + " failed: " + why);
        this.record = record;
    }

    public FailoverRecord record() {
        return record;
    }
}
