package io.devflow.dr.app;

import io.devflow.dr.support.Failures;
import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.KmsProtocolTestEndpoint.Outage;
import io.devflow.dr.testing.KmsProtocolTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.model.KeyMetadata;
import software.amazon.awssdk.services.kms.model.KeyState;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * {@link KmsAdmin} through camel-aws2-kms and the real SDK client, against {@link KmsProtocolTestEndpoint}, a test
 * double of the KMS wire protocol (no KMS server is available here).
 */
class KmsAdminAgainstKmsProtocolEndpointTest {

    KmsProtocolTestEndpoint kms;
    KmsAdmin admin;

    @BeforeEach
    void start() {
        kms = KmsProtocolTestEndpoint.start();
        admin = new KmsAdmin(kms.newClient(), kms.endpoint().toString());
    }

    @AfterEach
    void stop() {
        admin.close();
        kms.close();
    }

    @Test
    void shouldDescribeAnExistingKey() {
        String keyId = kms.createKey("wraps backup data keys");

        KeyMetadata key = admin.describe(keyId);

        assertThat(key.keyId()).isEqualTo(keyId);
        assertThat(key.arn()).isEqualTo(kms.arnOf(keyId));
        assertThat(key.enabled()).isTrue();
        assertThat(key.keyState()).isEqualTo(KeyState.ENABLED);
        assertThat(key.keySpecAsString()).isEqualTo("SYMMETRIC_DEFAULT");
        assertThat(key.description()).isEqualTo("wraps backup data keys");
        assertThat(key.creationDate()).isCloseTo(Instant.now(), within(Duration.ofMinutes(1)));
        assertThat(kms.operations()).containsExactly("DescribeKey");
    }

    @Test
    void shouldDescribeAKeyByItsAlias() {
        String keyId = kms.createKey("aliased");
        kms.createAlias("alias/devflow-dr", keyId);

        assertThat(admin.describe("alias/devflow-dr").keyId()).isEqualTo(keyId);
    }

    @Test
    void shouldCreateAKeyThatCanThenBeDescribed() {
        KeyMetadata created = admin.create("devflow-dr test key");

        assertThat(created.keyId()).isNotBlank();
        assertThat(kms.knows(created.keyId())).isTrue();
        assertThat(created.description()).isEqualTo("devflow-dr test key");
        KeyMetadata described = admin.describe(created.keyId());
        assertThat(described.arn()).isEqualTo(created.arn());
        assertThat(described.description()).isEqualTo("devflow-dr test key");
        assertThat(described.enabled()).isTrue();
        assertThat(kms.operations()).containsExactly("CreateKey", "DescribeKey");
    }

    @Test
    void shouldNameTheKeyAndTheEndpointWhenTheKeyDoesNotExist() {
        String unknown = "0b7a1c62-9a53-4a27-9f3e-5f2d1e0c9b11";

        assertThatThrownBy(() -> admin.describe(unknown))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("describing key " + unknown)
                .hasMessageContaining(kms.endpoint().toString())
                .hasMessageContaining("does not exist")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
    }

    @Test
    void shouldReportAnUnreachableEndpointAsATransientFailure() {
        kms.close();

        assertThatThrownBy(() -> admin.describe("any"))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining(kms.endpoint().toString())
                .satisfies(e -> assertThat(Failures.isTransient(e)).isTrue());
    }

    @Test
    void shouldReportAccessDeniedAsAPermanentFailure() {
        kms.failEveryCall(Outage.ACCESS_DENIED);

        assertThatThrownBy(() -> admin.create("denied"))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("creating a key at " + kms.endpoint())
                .hasMessageContaining("not authorized")
                .satisfies(e -> assertThat(Failures.isTransient(e)).isFalse());
    }
}
