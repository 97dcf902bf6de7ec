package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Opens each distinct wrapped key once per process: listing the catalog checks every manifest's seal, which
 * needs its data key, and a KMS round trip per manifest per listing would make listings slow and costly.
 * Opened keys stay in this process's memory only (never on disk), at most {@code capacity} of them, the
 * least recently used closed first. Failures are not remembered: a KMS that comes back, or a keyring that
 * gains a key, is used by the next call.
 */
public final class CachingKeyProvider implements KeyProvider {

    private record Entry(WrappedKey wrapped, KeyContext context) {
    }

    private final KeyProvider delegate;
    private final Map<Entry, DataKey> opened;

    public CachingKeyProvider(KeyProvider delegate, int capacity) {
        this.delegate = delegate;
        this.opened = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Entry, DataKey> eldest) {
                if (size() > capacity) {
                    eldest.getValue().close();
                    return true;
                }
                return false;
            }
        };
    }

    @Override
    public KeyProviderKind kind() {
        return delegate.kind();
    }

    @Override
    public String currentKeyId() {
        return delegate.currentKeyId();
    }

    /** A new key is remembered too, so the listing after a backup does not unwrap what this process made. */
    @Override
    public DataKey newDataKey(KeyContext context) {
        DataKey key = delegate.newDataKey(context);
        remember(new Entry(key.wrapped(), context), key.copy());
        return key;
    }

    /** A copy of the cached key, which the caller closes as it would a key from the provider. */
    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        Entry entry = new Entry(wrapped, context);
        synchronized (opened) {
            DataKey cached = opened.get(entry);
            if (cached != null) {
                return cached.copy();
            }
        }
        DataKey key = delegate.open(wrapped, context);
        remember(entry, key.copy());
        return key;
    }

    private void remember(Entry entry, DataKey key) {
        synchronized (opened) {
            DataKey previous = opened.put(entry, key);
            if (previous != null) {
                previous.close();
            }
        }
    }

    @Override
    public void close() {
        synchronized (opened) {
            opened.values().forEach(DataKey::close);
            opened.clear();
        }
        delegate.close();
    }
}
