package io.devflow.dr.catalog;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.KeyRefusedException;
import io.devflow.dr.support.Json;

import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The data keys of stored backups, as this deployment may use them: a backup another deployment wrote is
 * refused before its key is asked for; every other key is bound to this deployment's id (or, for manifests
 * written before that binding, to the legacy context) when it is opened. Also seals and checks the
 * verification records kept beside backups, under a key derived from each backup's data key.
 */
public final class BackupKeys {

    private final KeyProvider keys;
    private final String deploymentId;

    /** @param keys the key provider; a {@link io.devflow.dr.crypto.CachingKeyProvider} keeps listings cheap */
    public BackupKeys(KeyProvider keys, String deploymentId) {
        this.keys = keys;
        this.deploymentId = deploymentId;
    }

    public String deploymentId() {
        return deploymentId;
    }

    /** What the data key of a new backup is bound to. */
    public KeyContext newBackup(String backupId, String store, String region) {
        return KeyContext.backup(backupId, store, region, deploymentId);
    }

    /**
     * The data key of a stored backup; the caller closes it.
     *
     * @throws KeyRefusedException when another deployment wrote the backup, or its wrapped key is refused
     * @throws io.devflow.dr.crypto.KeyUnavailableException when the key cannot be had (wrong key, access denied)
     * @throws io.devflow.dr.support.RemoteOperationException when KMS cannot be reached
     */
    public DataKey open(Manifest manifest) {
        Manifest.Encryption encryption = manifest.encryption();
        KeyContext context;
        if (manifest.isLegacy()) {
            context = KeyContext.legacyBackup(manifest.id(), manifest.store(), manifest.region());
        } else if (deploymentId.equals(encryption.deploymentId())) {
            context = KeyContext.backup(manifest.id(), manifest.store(), manifest.region(), deploymentId);
        } else {
            throw new KeyRefusedException("backup " + manifest.id() + " was written by deployment '"
                    + encryption.deploymentId() + "', not by this one ('" + deploymentId
                    + "', disasterRecovery.deploymentId): it was copied in from another deployment and is refused");
        }
        return keys.open(encryption.wrapped(), context);
    }

    /**
     * Proves the manifest is the one written with its backup's data key.
     *
     * @throws ArchiveIntegrityException when the seal does not match
     */
    public void checkSeal(Manifest manifest, String what) {
        try (DataKey key = open(manifest)) {
            ManifestCodec.checkSeal(manifest, key, what);
        }
    }

    /** The record sealed under the backup's key, as {@code dr verify} stores it. */
    public VerificationRecord seal(Manifest manifest, VerificationRecord record) {
        try (DataKey key = open(manifest)) {
            return record.withSeal(Base64.getEncoder().encodeToString(key.sealVerification(canonical(record))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal the verification record of " + manifest.id(), e);
        }
    }

    /** Whether the record was sealed with this backup's key: not edited, not another backup's, not forged. */
    public boolean isAuthentic(Manifest manifest, VerificationRecord record) {
        if (record.seal() == null || !manifest.id().equals(record.id())) {
            return false;
        }
        byte[] tag;
        try {
            tag = Base64.getDecoder().decode(record.seal());
        } catch (IllegalArgumentException e) {
            return false;
        }
        try (DataKey key = open(manifest)) {
            return key.verifyVerificationSeal(tag, canonical(record));
        }
    }

    private static byte[] canonical(VerificationRecord record) {
        try {
            return Json.MAPPER.writeValueAsBytes(record.withSeal(null));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
