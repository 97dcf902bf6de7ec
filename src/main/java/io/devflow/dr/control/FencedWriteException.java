package io.devflow.dr.control;

/**
 * A leader's write refused because a later term has already written the document: this instance was deposed
 * and does not know it yet. Nothing was written.
 */
public class FencedWriteException extends NotLeaderException {

    public FencedWriteException(String message) {
        super(message);
    }
}
