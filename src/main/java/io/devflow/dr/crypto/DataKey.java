package io.devflow.dr.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.StreamingAead;

import java.security.GeneralSecurityException;

/** The key of one backup: its cleartext form (for this process only) and its wrapped form (for the manifest). */
public final class DataKey implements AutoCloseable {

    private final KeyMaterial material;
    private final WrappedKey wrapped;

    public DataKey(KeyMaterial material, WrappedKey wrapped) {
        this.material = material;
        this.wrapped = wrapped;
    }

    public WrappedKey wrapped() {
        return wrapped;
    }

    /** An independent copy that the caller closes. */
    public DataKey copy() {
        return new DataKey(material.copy(), wrapped);
    }

    public StreamingAead streamingAead() throws GeneralSecurityException {
        return material.streamingAead();
    }

    /** AEAD for records encrypted whole (conflicts), under a key of its own derived from this one. */
    public Aead recordAead() throws GeneralSecurityException {
        return material.recordAead();
    }

    public byte[] seal(byte[] manifest) throws GeneralSecurityException {
        return material.manifestMac().computeMac(manifest);
    }

    /** @return false when the tag does not match: the manifest was changed or belongs to another key */
    public boolean verifySeal(byte[] tag, byte[] manifest) {
        try {
            return verify(material.manifestMac(), tag, manifest);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    public byte[] sealVerification(byte[] record) throws GeneralSecurityException {
        return material.verificationMac().computeMac(record);
    }

    /** @return false when the tag does not match: the verification record was changed or is another backup's */
    public boolean verifyVerificationSeal(byte[] tag, byte[] record) {
        try {
            return verify(material.verificationMac(), tag, record);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static boolean verify(Mac mac, byte[] tag, byte[] data) {
        try {
            mac.verifyMac(tag, data);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The MAC that authenticates control-plane documents, when this is the deployment's control key. */
    public Mac controlMac() throws GeneralSecurityException {
        return material.controlMac();
    }

    /** The MAC that seals the catalog's month indexes, when this is the deployment's control key. */
    public Mac catalogMac() throws GeneralSecurityException {
        return material.catalogMac();
    }

    /** The Ed25519 key that signs compliance evidence, when this is the deployment's control key. */
    public EvidenceSigner evidenceSigner() throws GeneralSecurityException {
        return material.evidenceSigner();
    }

    @Override
    public void close() {
        material.close();
    }
}
