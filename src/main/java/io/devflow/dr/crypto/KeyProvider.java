package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;

/** Wraps and unwraps per-backup data keys: the envelope half of envelope encryption. */
public interface KeyProvider extends AutoCloseable {

    KeyProviderKind kind();

    /** The key new backups are wrapped with. */
    String currentKeyId();

    /** A fresh random data key for one backup, wrapped under {@link #currentKeyId()}. */
    DataKey newDataKey(KeyContext context);

    /**
     * Recovers the data key recorded in a manifest.
     *
     * @throws KeyUnavailableException when the wrapping key is unknown, wrong or not accessible
     */
    DataKey open(WrappedKey wrapped, KeyContext context);

    /** Releases clients the provider holds (a KMS connection pool, say). */
    @Override
    default void close() {
    }
}
