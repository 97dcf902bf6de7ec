package io.devflow.dr.catalog;

/** No backup with the id exists in any reachable region. */
public class BackupNotFoundException extends RuntimeException {

    public BackupNotFoundException(String message) {
        super(message);
    }
}
