package io.devflow.dr.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.crypto.tink.Mac;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.support.Json;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class SealedDocumentTest {

    private final Mac mac = mac();
    private final SealedDocument.Body body = new SealedDocument.Body("replication/desired", 7, 3, "east-1",
            Instant.parse("2026-01-27T10:00:00Z"), json("{\"mongodb\":{\"running\":true},\"weight\":1.5E10}"));

    @Test
    void shouldReadBackWhatItSigned() {
        SealedDocument.Decoded decoded = SealedDocument.decode("replication/desired", SealedDocument.encode(body, mac), mac);

        assertThat(decoded).isEqualTo(new SealedDocument.Verified(body));
    }

    @Test
    void shouldRefuseAnAlteredRevision() {
        String stored = new String(SealedDocument.encode(body, mac), StandardCharsets.UTF_8);
        byte[] altered = stored.replaceFirst("\"revision\"\\s*:\\s*7", "\"revision\":9").getBytes(StandardCharsets.UTF_8);
        assertThat(new String(altered, StandardCharsets.UTF_8)).contains("\"revision\":9");

        assertThat(SealedDocument.decode("replication/desired", altered, mac))
                .isInstanceOfSatisfying(SealedDocument.Rejected.class, r -> assertThat(r.reason()).contains("MAC"));
    }

    @Test
    void shouldRefuseAFlippedByteOrATruncation() {
        byte[] stored = SealedDocument.encode(body, mac);
        byte[] flipped = stored.clone();
        int at = new String(stored, StandardCharsets.UTF_8).indexOf("running");
        flipped[at] ^= 0x20;

        assertThat(SealedDocument.decode("replication/desired", flipped, mac)).isInstanceOf(SealedDocument.Rejected.class);
        assertThat(SealedDocument.decode("replication/desired", Arrays.copyOf(stored, stored.length - 3), mac))
                .isInstanceOf(SealedDocument.Rejected.class);
    }

    @Test
    void shouldRefuseADocumentSignedWithAnotherKey() {
        byte[] forged = SealedDocument.encode(body, mac());

        assertThat(SealedDocument.decode("replication/desired", forged, mac)).isInstanceOf(SealedDocument.Rejected.class);
    }

    @Test
    void shouldRefuseADocumentMovedToAnotherPath() {
        byte[] stored = SealedDocument.encode(body, mac);

        assertThat(SealedDocument.decode("replication/checkpoints/a--b/mongodb", stored, mac))
                .isInstanceOfSatisfying(SealedDocument.Rejected.class,
                        r -> assertThat(r.reason()).contains("signed for replication/desired"));
    }

    @Test
    void shouldTellAnUnsignedDocumentOfThePreviousFormatFromGarbage() {
        byte[] legacy = "{\"revision\":4,\"updatedAt\":\"2026-01-01T00:00:00Z\",\"content\":{\"a\":1}}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(SealedDocument.decode("x", legacy, mac)).isInstanceOfSatisfying(SealedDocument.Rejected.class, r -> {
            assertThat(r.unsigned()).isTrue();
            assertThat(r.legacy().revision()).isEqualTo(4);
            assertThat(r.legacy().content()).isEqualTo(json("{\"a\":1}"));
        });
        assertThat(SealedDocument.decode("x", "not json".getBytes(StandardCharsets.UTF_8), mac))
                .isInstanceOfSatisfying(SealedDocument.Rejected.class, r -> assertThat(r.unsigned()).isFalse());
    }

    private static Mac mac() {
        try {
            return KeyMaterial.random().controlMac();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
