package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Wraps data keys with a master key held locally: a keyring file or a single key from a secret. The keys it
 * holds are the only ones it opens with. Each wrapped key records the check value of the master key that
 * wrapped it, so a keyring holding other material under the same id reports the wrong key (the key is
 * unavailable), while a wrapped key that does not open under the right one is refused as altered or copied.
 * Keys wrapped before check values were recorded cannot tell the two apart and are refused.
 */
public final class LocalKeyProvider implements KeyProvider {

    private final Supplier<String> currentKeyId;
    private final Function<String, KeyMaterial> masterKeys;
    private final String description;

    private LocalKeyProvider(Supplier<String> currentKeyId, Function<String, KeyMaterial> masterKeys,
                             String description) {
        this.currentKeyId = currentKeyId;
        this.masterKeys = masterKeys;
        this.description = description;
    }

    /** Uses the keyring's key {@code keyId}, or its primary key when keyId is null. */
    public static LocalKeyProvider fromKeyring(LocalKeyring keyring, String keyId) {
        return over(() -> keyring, keyring, keyId);
    }

    /**
     * Uses the keyring file as it is at each use: a key added to it later (a rotation by {@code dr keys create})
     * is used by a running server without a restart; with no {@code keyId}, new backups follow the primary key.
     */
    public static LocalKeyProvider fromKeyringFile(Path file, String keyId) {
        KeyringWatch watch = new KeyringWatch(file);
        return over(watch, watch.get(), keyId);
    }

    private static LocalKeyProvider over(Supplier<LocalKeyring> keyrings, LocalKeyring first, String keyId) {
        String configured = keyId != null ? keyId : first.primaryId();
        if (!first.contains(configured)) {
            throw new LocalKeyring.KeyringException("configured keyId '" + configured + "' is not in keyring "
                    + first.file() + "; 'dr keys describe' lists its keys");
        }
        Supplier<String> current = keyId != null ? () -> keyId : () -> keyrings.get().primaryId();
        return new LocalKeyProvider(current, id -> keyrings.get().material(id), "keyring " + first.file());
    }

    /** A single master key, base64, known under {@code keyId}. */
    public static LocalKeyProvider fromMasterKey(String keyId, String base64) {
        KeyMaterial.fromBase64(base64).close();
        return new LocalKeyProvider(() -> keyId, id -> {
            if (!id.equals(keyId)) {
                throw new KeyRefusedException("local key '" + id + "' is not configured: only '" + keyId
                        + "' is (encryption.masterKey)");
            }
            return KeyMaterial.fromBase64(base64);
        }, "master key '" + keyId + "'");
    }

    @Override
    public KeyProviderKind kind() {
        return KeyProviderKind.LOCAL;
    }

    @Override
    public String currentKeyId() {
        return currentKeyId.get();
    }

    @Override
    public DataKey newDataKey(KeyContext context) {
        String keyId = currentKeyId();
        KeyMaterial dataKey = KeyMaterial.random();
        try (KeyMaterial master = masterKeys.apply(keyId)) {
            byte[] wrapped = master.wrap(dataKey, context.associatedDataBytes());
            return new DataKey(dataKey, new WrappedKey(KeyProviderKind.LOCAL.configName(), keyId,
                    Base64.getEncoder().encodeToString(wrapped), master.checkValue()));
        } catch (GeneralSecurityException | RuntimeException e) {
            dataKey.close();
            if (e instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new KeyUnavailableException("cannot wrap a data key with local key '" + keyId + "'", e);
        }
    }

    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        if (!KeyProviderKind.LOCAL.configName().equals(wrapped.provider())) {
            throw new KeyUnavailableException(context.subject() + " was encrypted with the "
                    + wrapped.provider() + " provider, but this configuration uses local ("
                    + description + ")");
        }
        try (KeyMaterial master = masterKeys.apply(wrapped.keyId())) {
            boolean rightKey = wrapped.keyCheck() != null && wrapped.keyCheck().equals(master.checkValue());
            if (wrapped.keyCheck() != null && !rightKey) {
                throw new KeyUnavailableException("the data key of " + context.subject() + " was wrapped by other "
                        + "material than local key '" + wrapped.keyId() + "' in " + description
                        + " holds: wrong key (a keyring from elsewhere, or a damaged one)");
            }
            try {
                KeyMaterial dataKey = master.unwrap(Base64.getDecoder().decode(wrapped.ciphertext()),
                        context.associatedDataBytes());
                return new DataKey(dataKey, wrapped);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new KeyRefusedException("the data key of " + context.subject() + " does not open with local key '"
                        + wrapped.keyId() + "' from " + description + ": " + (rightKey ? "" : "wrong key, or ")
                        + "the manifest's key was altered or copied from another backup or deployment");
            }
        } catch (GeneralSecurityException e) {
            throw new KeyUnavailableException("cannot check local key '" + wrapped.keyId() + "'", e);
        }
    }
}
