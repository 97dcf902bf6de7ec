package io.devflow.dr.support;

/** A call to a server failed; the message says what was being done and against which server. */
public class RemoteOperationException extends RuntimeException {

    private final boolean transientFailure;

    public RemoteOperationException(String message, Throwable cause, boolean transientFailure) {
        super(message, cause);
        this.transientFailure = transientFailure;
    }

    public boolean isTransient() {
        return transientFailure;
    }
}
