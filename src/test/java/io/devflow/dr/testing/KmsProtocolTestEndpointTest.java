package io.devflow.dr.testing;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.kms.model.IncorrectKeyException;
import software.amazon.awssdk.services.kms.model.InvalidCiphertextException;
import software.amazon.awssdk.services.kms.model.KeyListEntry;
import software.amazon.awssdk.services.kms.model.KmsInternalException;
import software.amazon.awssdk.services.kms.model.NotFoundException;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The KMS-protocol test double itself, through the real SDK client: the behaviour the provider tests rely on
 * (real AES-GCM bound to the key and the encryption context, KMS error types) must hold, or they prove nothing.
 */
class KmsProtocolTestEndpointTest {

    KmsProtocolTestEndpoint kms;
    KmsClient client;
    String keyId;

    @BeforeEach
    void start() {
        kms = KmsProtocolTestEndpoint.start();
        client = kms.newClient();
        keyId = kms.createKey("endpoint test");
    }

    @AfterEach
    void stop() {
        client.close();
        kms.close();
    }

    @Test
    void shouldDecryptWithTheSameContextGivenInAnotherOrder() {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("b", "2");
        context.put("a", "1");
        Map<String, String> reordered = new LinkedHashMap<>();
        reordered.put("a", "1");
        reordered.put("b", "2");
        byte[] secret = "attack at dawn".getBytes(StandardCharsets.UTF_8);

        SdkBytes blob = client.encrypt(b -> b.keyId(keyId).plaintext(SdkBytes.fromByteArray(secret))
                .encryptionContext(context)).ciphertextBlob();

        assertThat(blob.asByteArray()).isNotEqualTo(secret);
        assertThat(client.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(reordered)).plaintext().asByteArray())
                .isEqualTo(secret);
        assertThatThrownBy(() -> client.decrypt(b -> b.ciphertextBlob(blob).encryptionContext(Map.of("a", "1"))))
                .isInstanceOf(InvalidCiphertextException.class);
    }

    @Test
    void shouldGenerateDataKeysOfTheRequestedLengthThatDecryptBack() {
        GenerateDataKeyResponse aes = client.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256));
        GenerateDataKeyResponse sized = client.generateDataKey(b -> b.keyId(keyId).numberOfBytes(32));

        assertThat(aes.plaintext().asByteArray()).hasSize(32).isNotEqualTo(sized.plaintext().asByteArray());
        assertThat(aes.keyId()).isEqualTo(kms.arnOf(keyId));
        assertThat(client.decrypt(b -> b.ciphertextBlob(sized.ciphertextBlob())).plaintext())
                .isEqualTo(sized.plaintext());
    }

    @Test
    void shouldRejectDecryptingUnderAKeyOtherThanTheOneThatEncrypted() {
        String otherKey = kms.createKey("other");
        SdkBytes blob = client.generateDataKey(b -> b.keyId(keyId).keySpec(DataKeySpec.AES_256)).ciphertextBlob();

        assertThatThrownBy(() -> client.decrypt(b -> b.ciphertextBlob(blob).keyId(otherKey)))
                .isInstanceOf(IncorrectKeyException.class);
        assertThatThrownBy(() -> client.decrypt(b -> b.ciphertextBlob(blob).keyId("alias/missing")))
                .isInstanceOf(NotFoundException.class)
                .hasMessageContaining("alias/missing");
    }

    @Test
    void shouldListEveryKey() {
        String second = kms.createKey("second");

        assertThat(client.listKeys().keys()).extracting(KeyListEntry::keyId).containsExactlyInAnyOrder(keyId, second);
        assertThat(client.listKeys().truncated()).isFalse();
    }

    @Test
    void shouldFailEveryCallWithAnInternalErrorWhileTold() {
        kms.failEveryCall(KmsProtocolTestEndpoint.Outage.INTERNAL_ERROR);

        assertThatThrownBy(() -> client.describeKey(b -> b.keyId(keyId)))
                .isInstanceOfSatisfying(KmsInternalException.class, e -> assertThat(e.statusCode()).isEqualTo(500));
    }
}
