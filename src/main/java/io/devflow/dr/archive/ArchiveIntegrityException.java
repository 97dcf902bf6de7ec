package io.devflow.dr.archive;

/**
 * A stored backup is not what its manifest says: tampered, truncated, swapped or encrypted under another
 * key. Never transient and never worth a retry.
 */
public class ArchiveIntegrityException extends RuntimeException {

    public ArchiveIntegrityException(String message) {
        super(message);
    }

    public ArchiveIntegrityException(String message, Throwable cause) {
        super(message, cause);
    }
}
