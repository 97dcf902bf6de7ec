package io.devflow.dr.crypto;

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

    public StreamingAead streamingAead() throws GeneralSecurityException {
        return material.streamingAead();
    }

    public byte[] seal(byte[] manifest) throws GeneralSecurityException {
        return material.manifestMac().computeMac(manifest);
    }

    /** @return false when the tag does not match: the manifest was changed or belongs to another key */
    public boolean verifySeal(byte[] tag, byte[] manifest) {
        try {
            material.manifestMac().verifyMac(tag, manifest);
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** The MAC that authenticates control-plane documents, when this is the deployment's control key. */
    public Mac controlMac() throws GeneralSecurityException {
        return material.controlMac();
    }

    @Override
    public void close() {
        material.close();
    }
}
