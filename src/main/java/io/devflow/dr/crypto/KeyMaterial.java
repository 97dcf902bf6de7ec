package io.devflow.dr.crypto;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.Mac;
import com.google.crypto.tink.StreamingAead;
import com.google.crypto.tink.aead.AesGcmKey;
import com.google.crypto.tink.aead.AesGcmParameters;
import com.google.crypto.tink.mac.HmacKey;
import com.google.crypto.tink.mac.HmacParameters;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingKey;
import com.google.crypto.tink.streamingaead.AesGcmHkdfStreamingParameters;
import com.google.crypto.tink.subtle.AesGcmHkdfStreaming;
import com.google.crypto.tink.subtle.AesGcmJce;
import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Hkdf;
import com.google.crypto.tink.subtle.PrfMac;
import com.google.crypto.tink.util.SecretBytes;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A 256-bit symmetric key in cleartext. This is the only class that holds or reads cleartext key bytes:
 * everything else passes instances around and asks them for Tink primitives. Instances are zeroed on
 * {@link #close()} and never serialized except by {@link #toBase64()}, which exists solely for the local
 * keyring file.
 */
public final class KeyMaterial implements AutoCloseable {

    public static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] ARCHIVE_KEY_INFO = "devflow-dr archive key v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] MANIFEST_KEY_INFO = "devflow-dr manifest mac v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] VERIFICATION_KEY_INFO = "devflow-dr verification mac v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RECORD_KEY_INFO = "devflow-dr record aead v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_CHECK_INFO = "devflow-dr key check v1".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_CHECK_BYTES = 16;
    private static final byte[] CONTROL_KEY_INFO = "devflow-dr control mac v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CATALOG_KEY_INFO = "devflow-dr catalog index mac v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVIDENCE_KEY_INFO = "devflow-dr evidence ed25519 v1".getBytes(StandardCharsets.US_ASCII);
    private static final int SEGMENT_BYTES = 1 << 20;

    private final byte[] bytes;
    private volatile boolean destroyed;

    private KeyMaterial(byte[] bytes) {
        if (bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException("a key must be " + KEY_BYTES + " bytes, was " + bytes.length);
        }
        this.bytes = bytes;
    }

    public static KeyMaterial random() {
        byte[] b = new byte[KEY_BYTES];
        RANDOM.nextBytes(b);
        return new KeyMaterial(b);
    }

    /** Takes ownership of a copy of {@code raw}; the caller should clear its own array. */
    public static KeyMaterial copyOf(byte[] raw) {
        return new KeyMaterial(raw.clone());
    }

    /**
     * @throws IllegalArgumentException when the text is not base64 of exactly 32 bytes; the message never
     *                                  contains the text
     */
    public static KeyMaterial fromBase64(String text) {
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(text.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not valid base64");
        }
        if (decoded.length != KEY_BYTES) {
            Arrays.fill(decoded, (byte) 0);
            throw new IllegalArgumentException("the key must decode to " + KEY_BYTES + " bytes");
        }
        return new KeyMaterial(decoded);
    }

    /** An independent copy, which the caller closes; the cache of opened data keys hands these out. */
    public KeyMaterial copy() {
        return new KeyMaterial(live().clone());
    }

    /** For the local keyring file only. */
    public String toBase64() {
        return Base64.getEncoder().encodeToString(live());
    }

    /**
     * Streaming AEAD (AES256_GCM_HKDF_1MB) under a key derived from this one, so the same data key can also
     * authenticate the manifest without reusing key bytes across algorithms.
     */
    public StreamingAead streamingAead() throws GeneralSecurityException {
        // Tink makes its GCM ciphers from the JCA's order: put the fast provider first before the first archive's
        // cipher, and not before, as loading its native library costs about 0.1 s that a process which encrypts no
        // archive (a listing, a status) need not pay; the JDK's GCM seals keys and records (a few bytes) just as well
        AesGcmProvider.inUse();
        byte[] derived = Hkdf.computeHkdf("HMACSHA256", live(), new byte[0], ARCHIVE_KEY_INFO, KEY_BYTES);
        try {
            AesGcmHkdfStreamingParameters parameters = AesGcmHkdfStreamingParameters.builder()
                    .setKeySizeBytes(KEY_BYTES)
                    .setDerivedAesGcmKeySizeBytes(KEY_BYTES)
                    .setHkdfHashType(AesGcmHkdfStreamingParameters.HashType.SHA256)
                    .setCiphertextSegmentSizeBytes(SEGMENT_BYTES)
                    .build();
            return AesGcmHkdfStreaming.create(AesGcmHkdfStreamingKey.create(
                    parameters, SecretBytes.copyFrom(derived, InsecureSecretKeyAccess.get())));
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** HMAC-SHA256 under a key derived from this one, for sealing manifests. */
    public Mac manifestMac() throws GeneralSecurityException {
        return mac(MANIFEST_KEY_INFO);
    }

    /** HMAC-SHA256 under a key derived from this one, for authenticating control-plane documents. */
    public Mac controlMac() throws GeneralSecurityException {
        return mac(CONTROL_KEY_INFO);
    }

    /** HMAC-SHA256 under a key derived from this one, for sealing the catalog's month indexes. */
    public Mac catalogMac() throws GeneralSecurityException {
        return mac(CATALOG_KEY_INFO);
    }

    /**
     * An Ed25519 key pair whose seed is derived from this key, for signing compliance evidence: the same control
     * key always gives the same public key, which operators hand to auditors.
     */
    public EvidenceSigner evidenceSigner() throws GeneralSecurityException {
        byte[] seed = Hkdf.computeHkdf("HMACSHA256", live(), new byte[0], EVIDENCE_KEY_INFO, KEY_BYTES);
        byte[] privateKey = null;
        try {
            Ed25519Sign.KeyPair pair = Ed25519Sign.KeyPair.newKeyPairFromSeed(seed);
            privateKey = pair.getPrivateKey();
            return new EvidenceSigner(new Ed25519Sign(privateKey), pair.getPublicKey());
        } finally {
            Arrays.fill(seed, (byte) 0);
            if (privateKey != null) {
                Arrays.fill(privateKey, (byte) 0);
            }
        }
    }

    /** HMAC-SHA256 under another key derived from this one, for sealing verification records. */
    public Mac verificationMac() throws GeneralSecurityException {
        return mac(VERIFICATION_KEY_INFO);
    }

    /** AES-256-GCM under a key derived from this one, for small records (conflicts) encrypted whole. */
    public Aead recordAead() throws GeneralSecurityException {
        byte[] derived = Hkdf.computeHkdf("HMACSHA256", live(), new byte[0], RECORD_KEY_INFO, KEY_BYTES);
        try {
            return aead(derived);
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /**
     * A one-way fingerprint of this key (HKDF output, 16 bytes, hex), recorded beside what it wraps so that a
     * keyring holding other material under the same key id is told apart from an altered wrapped key. It
     * reveals nothing about the key.
     */
    public String checkValue() throws GeneralSecurityException {
        byte[] derived = Hkdf.computeHkdf("HMACSHA256", live(), new byte[0], KEY_CHECK_INFO, KEY_CHECK_BYTES);
        return HexFormat.of().formatHex(derived);
    }

    private Mac mac(byte[] info) throws GeneralSecurityException {
        byte[] derived = Hkdf.computeHkdf("HMACSHA256", live(), new byte[0], info, KEY_BYTES);
        try {
            HmacParameters parameters = HmacParameters.builder()
                    .setKeySizeBytes(KEY_BYTES)
                    .setTagSizeBytes(32)
                    .setHashType(HmacParameters.HashType.SHA256)
                    .setVariant(HmacParameters.Variant.NO_PREFIX)
                    .build();
            return PrfMac.create(HmacKey.builder()
                    .setParameters(parameters)
                    .setKeyBytes(SecretBytes.copyFrom(derived, InsecureSecretKeyAccess.get()))
                    .build());
        } finally {
            Arrays.fill(derived, (byte) 0);
        }
    }

    /** Encrypts another key under this one (AES-256-GCM) with associated data binding its use. */
    public byte[] wrap(KeyMaterial key, byte[] associatedData) throws GeneralSecurityException {
        return aead().encrypt(key.live(), associatedData);
    }

    /**
     * Decrypts a key wrapped by {@link #wrap}.
     *
     * @throws GeneralSecurityException when this is the wrong key or the wrapped key or its binding was altered
     */
    public KeyMaterial unwrap(byte[] wrapped, byte[] associatedData) throws GeneralSecurityException {
        return new KeyMaterial(aead().decrypt(wrapped, associatedData));
    }

    private Aead aead() throws GeneralSecurityException {
        return aead(live());
    }

    private static Aead aead(byte[] key) throws GeneralSecurityException {
        AesGcmParameters parameters = AesGcmParameters.builder()
                .setKeySizeBytes(KEY_BYTES)
                .setIvSizeBytes(12)
                .setTagSizeBytes(16)
                .setVariant(AesGcmParameters.Variant.NO_PREFIX)
                .build();
        return AesGcmJce.create(AesGcmKey.builder()
                .setParameters(parameters)
                .setKeyBytes(SecretBytes.copyFrom(key, InsecureSecretKeyAccess.get()))
                .build());
    }

    private byte[] live() {
        if (destroyed) {
            throw new IllegalStateException("key material was already destroyed");
        }
        return bytes;
    }

    @Override
    public void close() {
        destroyed = true;
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public String toString() {
        return "KeyMaterial[****]";
    }
}
