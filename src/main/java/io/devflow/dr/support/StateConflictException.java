package io.devflow.dr.support;

/**
 * The request is valid but the thing it acts on is no longer in the state it needs (a conflict already
 * resolved, a record changed since it was reviewed): exit code 2, HTTP 409.
 */
public class StateConflictException extends InvalidRequestException {

    public StateConflictException(String message) {
        super(message);
    }
}
