package io.devflow.dr.cli;

/** The command was called wrongly in a way picocli cannot see (a missing confirmation, say). Exit code 2. */
public class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}
