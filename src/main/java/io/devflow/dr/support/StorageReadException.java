package io.devflow.dr.support;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reading the stored object itself failed (network, storage service). Kept apart from integrity failures,
 * which look alike to the decryption layer: this one is transient and may be retried.
 */
public class StorageReadException extends UncheckedIOException {

    public StorageReadException(String message, IOException cause) {
        super(message, cause);
    }
}
