package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;

import java.util.function.Supplier;

/**
 * A key provider created at its first use, so a long-running server starts (and serves health and status)
 * even while its keyring or KMS is not yet reachable, and reports that when a backup needs a key. A failed
 * creation is not remembered: a keyring fixed meanwhile is picked up by the next backup.
 */
public final class DeferredKeyProvider implements KeyProvider {

    private final Supplier<KeyProvider> factory;
    private volatile KeyProvider delegate;

    public DeferredKeyProvider(Supplier<KeyProvider> factory) {
        this.factory = factory;
    }

    private KeyProvider delegate() {
        KeyProvider provider = delegate;
        if (provider == null) {
            synchronized (this) {
                if (delegate == null) {
                    delegate = factory.get();
                }
                provider = delegate;
            }
        }
        return provider;
    }

    private java.util.Optional<KeyProvider> created() {
        return java.util.Optional.ofNullable(delegate);
    }

    @Override
    public KeyProviderKind kind() {
        return delegate().kind();
    }

    @Override
    public String currentKeyId() {
        return delegate().currentKeyId();
    }

    @Override
    public DataKey newDataKey(KeyContext context) {
        return delegate().newDataKey(context);
    }

    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        return delegate().open(wrapped, context);
    }

    @Override
    public void close() {
        created().ifPresent(KeyProvider::close);
    }
}
