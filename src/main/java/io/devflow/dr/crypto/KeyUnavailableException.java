package io.devflow.dr.crypto;

/**
 * A data key cannot be produced or recovered: unknown key, wrong key, access denied. Permanent, unless its
 * cause says KMS itself failed (a 5xx), which {@link io.devflow.dr.support.Failures} counts as transient.
 */
public class KeyUnavailableException extends RuntimeException {

    public KeyUnavailableException(String message) {
        super(message);
    }

    public KeyUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
