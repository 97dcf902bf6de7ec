package io.devflow.dr.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyContext;
import io.devflow.dr.crypto.KeyProvider;
import io.devflow.dr.crypto.WrappedKey;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/**
 * Encrypts conflict records, which hold whole documents of both regions, before they reach the control state:
 * AES-256-GCM (Tink) under a data key from the key provider, stored beside the ciphertext only in its wrapped
 * form. The associated data binds the deployment and the conflict's id, so a record cannot be moved under
 * another id or read by another deployment. A process encrypts with one data key for at most a day; readers
 * open each distinct wrapped key once (the key provider caches them). Records written before encryption
 * (cleartext JSON) are still read, and are encrypted when next saved.
 */
public final class ConflictCipher implements AutoCloseable {

    static final String FORMAT = "devflow-dr-conflict/v1";
    private static final Duration KEY_LIFETIME = Duration.ofDays(1);

    private final KeyProvider keys;
    private final String deploymentId;
    private final Clock clock;
    private DataKey writing;
    private Instant writingSince;

    public ConflictCipher(KeyProvider keys, String deploymentId, Clock clock) {
        this.keys = keys;
        this.deploymentId = deploymentId;
        this.clock = clock;
    }

    /** The stored form of a conflict: its wrapped key and the ciphertext of its JSON. */
    public ObjectNode seal(String id, JsonNode conflict) {
        ObjectNode stored = Json.MAPPER.createObjectNode();
        stored.put("encrypted", FORMAT);
        try {
            synchronized (this) {
                DataKey key = writingKey();
                WrappedKey wrapped = key.wrapped();
                stored.putObject("key").put("provider", wrapped.provider()).put("keyId", wrapped.keyId())
                        .put("wrappedKey", wrapped.ciphertext()).put("keyCheck", wrapped.keyCheck());
                byte[] plaintext = Json.MAPPER.writeValueAsBytes(conflict);
                stored.put("ciphertext", Base64.getEncoder().encodeToString(
                        key.recordAead().encrypt(plaintext, associatedData(id))));
            }
        } catch (GeneralSecurityException | JsonProcessingException e) {
            throw new IllegalStateException("cannot encrypt conflict " + id, e);
        }
        return stored;
    }

    /**
     * The conflict's JSON from its stored form, or the stored form itself when it was written in the clear by
     * an older version.
     *
     * @throws IllegalStateException when the ciphertext does not authenticate: altered, or moved from another id
     */
    public JsonNode open(String id, JsonNode stored) {
        if (!isEncrypted(stored)) {
            return stored;
        }
        JsonNode key = stored.path("key");
        WrappedKey wrapped = new WrappedKey(key.path("provider").asText(), key.path("keyId").asText(),
                key.path("wrappedKey").asText(), key.hasNonNull("keyCheck") ? key.get("keyCheck").asText() : null);
        try (DataKey dataKey = keys.open(wrapped, KeyContext.conflicts(deploymentId))) {
            byte[] plaintext = dataKey.recordAead().decrypt(Base64.getDecoder().decode(stored.path("ciphertext").asText()),
                    associatedData(id));
            return Json.MAPPER.readTree(plaintext);
        } catch (GeneralSecurityException | IllegalArgumentException | IOException e) {
            throw new IllegalStateException("conflict " + id + " in the control state does not decrypt: it was "
                    + "altered, or moved from another conflict or deployment", e);
        }
    }

    public static boolean isEncrypted(JsonNode stored) {
        return stored != null && FORMAT.equals(stored.path("encrypted").asText());
    }

    private DataKey writingKey() {
        Instant now = clock.instant();
        if (writing == null || !now.isBefore(writingSince.plus(KEY_LIFETIME))) {
            DataKey fresh = keys.newDataKey(KeyContext.conflicts(deploymentId));
            if (writing != null) {
                writing.close();
            }
            writing = fresh;
            writingSince = now;
        }
        return writing;
    }

    private byte[] associatedData(String id) {
        return ("devflow-dr/conflict/v1|" + deploymentId + "|" + id).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        if (writing != null) {
            writing.close();
            writing = null;
        }
    }
}
