package io.devflow.dr.crypto;

import io.devflow.dr.config.KeyProviderKind;

import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.function.Function;

/**
 * Wraps data keys with a master key held locally: a keyring file or a single key from a secret.
 */
public final class LocalKeyProvider implements KeyProvider {

    private final String currentKeyId;
    private final Function<String, KeyMaterial> masterKeys;
    private final String description;

    private LocalKeyProvider(String currentKeyId, Function<String, KeyMaterial> masterKeys, String description) {
        this.currentKeyId = currentKeyId;
        this.masterKeys = masterKeys;
        this.description = description;
    }

    /** Uses the keyring's key {@code keyId}, or its primary key when keyId is null. */
    public static LocalKeyProvider fromKeyring(LocalKeyring keyring, String keyId) {
        String current = keyId != null ? keyId : keyring.primaryId();
        if (!keyring.contains(current)) {
            throw new LocalKeyring.KeyringException("configured keyId '" + current + "' is not in keyring "
                    + keyring.file() + "; 'dr keys describe' lists its keys");
        }
        return new LocalKeyProvider(current, keyring::material, "keyring " + keyring.file());
    }

    /** A single master key, base64, known under {@code keyId}. */
    public static LocalKeyProvider fromMasterKey(String keyId, String base64) {
        KeyMaterial.fromBase64(base64).close();
        return new LocalKeyProvider(keyId, id -> {
            if (!id.equals(keyId)) {
                throw new KeyUnavailableException("local key '" + id + "' is not configured: only '" + keyId
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
        return currentKeyId;
    }

    @Override
    public DataKey newDataKey(KeyContext context) {
        KeyMaterial dataKey = KeyMaterial.random();
        try (KeyMaterial master = masterKeys.apply(currentKeyId)) {
            byte[] wrapped = master.wrap(dataKey, context.associatedData());
            return new DataKey(dataKey, new WrappedKey(KeyProviderKind.LOCAL.configName(), currentKeyId,
                    Base64.getEncoder().encodeToString(wrapped)));
        } catch (GeneralSecurityException e) {
            dataKey.close();
            throw new KeyUnavailableException("cannot wrap a data key with local key '" + currentKeyId + "'", e);
        }
    }

    @Override
    public DataKey open(WrappedKey wrapped, KeyContext context) {
        if (!KeyProviderKind.LOCAL.configName().equals(wrapped.provider())) {
            throw new KeyUnavailableException("backup " + context.backupId() + " was encrypted with the "
                    + wrapped.provider() + " provider, but this configuration uses local ("
                    + description + ")");
        }
        try (KeyMaterial master = masterKeys.apply(wrapped.keyId())) {
            KeyMaterial dataKey = master.unwrap(Base64.getDecoder().decode(wrapped.ciphertext()), context.associatedData());
            return new DataKey(dataKey, wrapped);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new KeyUnavailableException("the data key of backup " + context.backupId()
                    + " does not open with local key '" + wrapped.keyId() + "' from " + description
                    + ": wrong key, or the manifest's key was altered or copied from another backup");
        }
    }
}
