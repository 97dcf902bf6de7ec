package io.devflow.dr.backup;

/** No backup with the id exists in any reachable region. */
public class BackupNotFoundException extends RuntimeException {

    public BackupNotFoundException(String message) {
        super(message);
    }
}
