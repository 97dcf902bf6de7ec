package io.devflow.dr.crypto;

import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.KmsProtocolTestEndpoint;
import io.devflow.dr.testing.KmsProtocolTestEndpoint.Outage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.kms.KmsClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each distinct wrapped key is unwrapped by KMS once per process; failures are not remembered. */
class CachingKeyProviderTest {

    private static final KeyContext FIRST = KeyContext.backup("backup-full-20260125-020000-aaaaaa", "mongodb",
            "us-east-1", "devflow-test");
    private static final KeyContext SECOND = KeyContext.backup("backup-full-20260125-030000-bbbbbb", "mongodb",
            "us-east-1", "devflow-test");

    KmsProtocolTestEndpoint kms;
    KmsClient client;
    AwsKmsKeyProvider direct;

    @BeforeEach
    void start() {
        kms = KmsProtocolTestEndpoint.start();
        client = kms.newClient();
        direct = new AwsKmsKeyProvider(client, kms.createKey("backups"));
    }

    @AfterEach
    void stop() {
        client.close();
        kms.close();
    }

    @Test
    void shouldAskKmsOnceForEachDistinctWrappedKey() throws Exception {
        WrappedKey first = wrap(FIRST);
        WrappedKey second = wrap(SECOND);
        byte[] expectedTag;
        try (DataKey reference = direct.open(first, FIRST)) {
            expectedTag = reference.seal(new byte[] {1});
        }
        CachingKeyProvider cached = new CachingKeyProvider(direct, 100);

        for (int i = 0; i < 3; i++) {
            try (DataKey a = cached.open(first, FIRST); DataKey b = cached.open(second, SECOND)) {
                assertThat(a.wrapped()).isEqualTo(first);
                assertThat(b.wrapped()).isEqualTo(second);
                assertThat(a.seal(new byte[] {1})).as("the same data key").isEqualTo(expectedTag);
            }
        }

        assertThat(decrypts()).as("the reference, then each key once").isEqualTo(1 + 2);
    }

    @Test
    void shouldNotRememberAFailure() {
        WrappedKey first = wrap(FIRST);
        CachingKeyProvider cached = new CachingKeyProvider(direct, 100);
        kms.failEveryCall(Outage.INTERNAL_ERROR);

        assertThatThrownBy(() -> cached.open(first, FIRST)).isInstanceOf(KeyUnavailableException.class);
        kms.failEveryCall(Outage.NONE);
        try (DataKey opened = cached.open(first, FIRST)) {
            assertThat(opened.wrapped()).isEqualTo(first);
        }
    }

    @Test
    void shouldRememberTheKeysItCreatedAndForgetTheLeastRecentlyUsedBeyondItsCapacity() {
        CachingKeyProvider cached = new CachingKeyProvider(direct, 1);
        WrappedKey first;
        try (DataKey key = cached.newDataKey(FIRST)) {
            first = key.wrapped();
        }
        cached.open(first, FIRST).close();
        assertThat(decrypts()).as("a key this process made is not unwrapped again").isZero();

        WrappedKey second = wrap(SECOND);
        cached.open(second, SECOND).close();
        cached.open(first, FIRST).close();

        assertThat(decrypts()).as("the second pushed the first out").isEqualTo(2);
    }

    @Test
    void shouldPassOnThatKmsCannotBeReached() {
        WrappedKey first = wrap(FIRST);
        CachingKeyProvider cached = new CachingKeyProvider(direct, 100);
        kms.close();

        assertThatThrownBy(() -> cached.open(first, FIRST)).isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("KMS is unreachable");
    }

    private WrappedKey wrap(KeyContext context) {
        try (DataKey key = direct.newDataKey(context)) {
            return key.wrapped();
        }
    }

    private long decrypts() {
        return kms.operations().stream().filter("Decrypt"::equals).count();
    }
}
