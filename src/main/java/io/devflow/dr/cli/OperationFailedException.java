package io.devflow.dr.cli;

/** A command ran and its operation failed; the message is the one line the user sees. Exit code 1. */
public class OperationFailedException extends RuntimeException {

    public OperationFailedException(String message) {
        super(message);
    }
}
