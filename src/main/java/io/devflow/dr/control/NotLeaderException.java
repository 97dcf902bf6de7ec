package io.devflow.dr.control;

import io.devflow.dr.support.StateConflictException;

/**
 * This instance may not change anything: it is a standby, or a leader that can no longer be sure it leads. The
 * message names the leader to ask instead when one is known. HTTP 409.
 */
public class NotLeaderException extends StateConflictException {

    public NotLeaderException(String message) {
        super(message);
    }
}
