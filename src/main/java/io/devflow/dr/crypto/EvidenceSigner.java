package io.devflow.dr.crypto;

import com.google.crypto.tink.PublicKeySign;

import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * The deployment's Ed25519 key for compliance evidence, derived from its control key: it signs exported evidence,
 * and anyone holding {@link #publicKey()} checks the signature offline, without the control key.
 */
public final class EvidenceSigner {

    private final PublicKeySign sign;
    private final byte[] publicKey;

    EvidenceSigner(PublicKeySign sign, byte[] publicKey) {
        this.sign = sign;
        this.publicKey = publicKey.clone();
    }

    public byte[] sign(byte[] data) throws GeneralSecurityException {
        return sign.sign(data);
    }

    /** The raw 32-byte Ed25519 public key, base64. */
    public String publicKey() {
        return Base64.getEncoder().encodeToString(publicKey);
    }
}
