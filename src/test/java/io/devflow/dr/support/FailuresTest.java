package io.devflow.dr.support;

import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.ServerAddress;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.crypto.KeyUnavailableException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class FailuresTest {

    @Test
    void shouldRetryClientSideAwsFailures() {
        assertThat(Failures.isTransient(SdkClientException.create("Unable to execute HTTP request"))).isTrue();
    }

    @Test
    void shouldRetryServerErrorsAndThrottlingButNotRefusals() {
        assertThat(Failures.isTransient(s3(503))).isTrue();
        assertThat(Failures.isTransient(s3(500))).isTrue();
        assertThat(Failures.isTransient(s3(429))).isTrue();
        assertThat(Failures.isTransient(s3(403))).isFalse();
        assertThat(Failures.isTransient(s3(404))).isFalse();
    }

    @Test
    void shouldRetryMongoConnectionFailures() {
        assertThat(Failures.isTransient(new MongoSocketException("connection reset", new ServerAddress("db-east", 27017))))
                .isTrue();
        assertThat(Failures.isTransient(new MongoTimeoutException("no server selected"))).isTrue();
    }

    @Test
    void shouldRetryNetworkFailures() {
        assertThat(Failures.isTransient(new ConnectException("refused"))).isTrue();
        assertThat(Failures.isTransient(new SocketTimeoutException("read timed out"))).isTrue();
        assertThat(Failures.isTransient(new StorageReadException("reading failed", new IOException("reset")))).isTrue();
        assertThat(Failures.isTransient(new UnknownHostException("db-east"))).isFalse();
    }

    @Test
    void shouldLookThroughWrappingExceptions() {
        assertThat(Failures.isTransient(new IllegalStateException("upload failed",
                new CompletionException(SdkClientException.create("broken pipe"))))).isTrue();
        assertThat(Failures.isTransient(new UncheckedIOException(new IOException("wrapped",
                new SocketTimeoutException("read timed out"))))).isTrue();
        assertThat(Failures.isTransient(new RuntimeException(s3(503)))).isTrue();
        assertThat(Failures.isTransient(new RuntimeException(s3(403)))).isFalse();
    }

    @Test
    void shouldNeverRetryDamageWrongKeysOrPlainBugs() {
        assertThat(Failures.isTransient(new ArchiveIntegrityException("backup x: tampered"))).isFalse();
        assertThat(Failures.isTransient(new ArchiveIntegrityException("backup x: failed authentication",
                new IOException("Tag mismatch")))).isFalse();
        assertThat(Failures.isTransient(new KeyUnavailableException("no key"))).isFalse();
        assertThat(Failures.isTransient(new IllegalArgumentException("bad"))).isFalse();
        assertThat(Failures.isTransient(new IOException("disk full"))).isFalse();
    }

    @Test
    void shouldTrustTheVerdictOfAnEarlierRemoteOperation() {
        assertThat(Failures.isTransient(new RemoteOperationException("reading s3://b/k failed", new IOException(), true))).isTrue();
        assertThat(Failures.isTransient(new RemoteOperationException("reading s3://b/k failed",
                SdkClientException.create("reset"), false))).isFalse();
    }

    @Test
    void shouldNeitherRetryNorQuoteTheSdksChainWhenNoAwsCredentialsAreFound() {
        SdkClientException missing = SdkClientException.create("Unable to load credentials from any of the providers "
                + "in the chain AwsCredentialsProviderChain(credentialsProviders=[SystemPropertyCredentialsProvider(), "
                + "EnvironmentVariableCredentialsProvider()]) : [SystemPropertyCredentialsProvider(): Unable to load "
                + "credentials from system settings.]");
        RuntimeException wrapped = new IllegalStateException("reading s3://devflow-dr-east/dr/control-key.json failed: "
                + missing.getMessage(), missing);

        assertThat(Failures.isTransient(missing)).isFalse();
        assertThat(Failures.isTransient(wrapped)).isFalse();
        assertThat(Failures.describe(missing)).startsWith("no AWS credentials found: set the region's storage.credentials")
                .doesNotContain("Provider");
        assertThat(Failures.describe(wrapped)).startsWith("reading s3://devflow-dr-east/dr/control-key.json failed: "
                + "no AWS credentials found").doesNotContain("Provider");
        assertThat(Failures.isTransient(SdkClientException.create("connection reset"))).isTrue();
    }

    @Test
    void shouldDescribeAFailureWithItsRootCause() {
        assertThat(Failures.describe(new IllegalStateException("catalog unavailable", new IOException("connection refused"))))
                .isEqualTo("catalog unavailable (connection refused)");
        assertThat(Failures.describe(new IllegalStateException("read failed: connection refused",
                new IOException("connection refused")))).isEqualTo("read failed: connection refused");
        assertThat(Failures.describe(new IllegalStateException("plain"))).isEqualTo("plain");
        assertThat(Failures.describe(new RemoteOperationException("listing s3://b/ failed: x", new IOException("x"), true)))
                .isEqualTo("listing s3://b/ failed: x");
    }

    private static S3Exception s3(int status) {
        return (S3Exception) S3Exception.builder().statusCode(status).message("status " + status).build();
    }
}
