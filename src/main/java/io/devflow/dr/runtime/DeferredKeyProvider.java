package io.devflow.dr.runtime;

import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.WrappedKey;

import java.util.function.Supplier;

/**
 * A key provider resolved at its first use, so a long-running server starts (and serves health and
 * status) even while its keyring or KMS is not yet reachable, and reports that when a backup needs a key.
 */
final class DeferredKeyProvider implements KeyProvider {

    private final Supplier<KeyProvider> delegate;

    DeferredKeyProvider(Supplier<KeyProvider> delegate) {
        this.delegate = delegate;
    }

    @Override
    public KeyProviderKind kind() {
        return delegate.get().kind();
    }

    @Override
    public String currentKeyId() {
        return delegate.get().currentKeyId();
    }

    @Override
    public DataKey newDataKey(KeyContext context) {
        return delegate.get().newDataKey(context);
    }

    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        return delegate.get().open(wrapped, context);
    }
}
