package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.config.SecretResolver;
import io.devflow.dr.testing.KmsProtocolTestEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code dr keys} with the aws-kms provider, run through the real command line and the default AWS credential
 * chain, against {@link KmsProtocolTestEndpoint}: a test double of the KMS wire protocol (no KMS server is
 * available here).
 */
class KeysCommandKmsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    KmsProtocolTestEndpoint kms;
    String keyId;
    Path config;
    String previousAccessKey;
    String previousSecretKey;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void start() throws IOException {
        previousAccessKey = System.getProperty("aws.accessKeyId");
        previousSecretKey = System.getProperty("aws.secretAccessKey");
        System.setProperty("aws.accessKeyId", "test");
        System.setProperty("aws.secretAccessKey", "test");
        kms = KmsProtocolTestEndpoint.start();
        keyId = kms.createKey("devflow-dr backups");
        config = writeConfig(dir, kms, keyId);
    }

    @AfterEach
    void stop() {
        kms.close();
        restore("aws.accessKeyId", previousAccessKey);
        restore("aws.secretAccessKey", previousSecretKey);
    }

    @Test
    void shouldDescribeTheConfiguredKey() {
        Run run = dr("--config", config.toString(), "keys", "describe");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out())
                .contains("KMS key " + keyId)
                .contains(kms.arnOf(keyId))
                .contains("Enabled")
                .contains("devflow-dr backups");
        assertThat(kms.operations()).containsExactly("DescribeKey");
    }

    @Test
    void shouldDescribeTheConfiguredKeyAsJson() throws IOException {
        Run run = dr("--config", config.toString(), "keys", "describe", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        JsonNode key = JSON.readTree(run.out());
        assertThat(key.path("provider").asText()).isEqualTo("aws-kms");
        assertThat(key.path("keyId").asText()).isEqualTo(keyId);
        assertThat(key.path("arn").asText()).isEqualTo(kms.arnOf(keyId));
        assertThat(key.path("state").asText()).isEqualTo("Enabled");
        assertThat(key.path("enabled").asBoolean()).isTrue();
    }

    @Test
    void shouldCreateAKeyThatTheEndpointThenKnows() throws IOException {
        Run run = dr("--config", config.toString(), "keys", "create", "--description", "rotated key", "--output", "json");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        JsonNode created = JSON.readTree(run.out());
        String newKey = created.path("keyId").asText();
        assertThat(created.path("provider").asText()).isEqualTo("aws-kms");
        assertThat(newKey).isNotBlank().isNotEqualTo(keyId);
        assertThat(created.path("arn").asText()).isEqualTo(kms.arnOf(newKey));
        assertThat(kms.knows(newKey)).isTrue();
        assertThat(kms.operations()).containsExactly("CreateKey");
    }

    @Test
    void shouldRefuseToInitAKeyringForAwsKms() {
        Run run = dr("--config", config.toString(), "keys", "init");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("aws-kms").contains("dr keys create");
        assertThat(kms.operations()).isEmpty();
    }

    @Test
    void shouldFailWithOneLineAndNoStackTraceWhenKmsIsUnreachable() {
        kms.close();

        Run run = dr("--config", config.toString(), "keys", "describe");

        assertThat(run.exitCode()).isEqualTo(ExitCode.FAILED);
        assertThat(run.err().lines()).hasSize(1);
        assertThat(run.err())
                .startsWith("dr: describing key " + keyId + " at " + kms.endpoint())
                .doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    static Path writeConfig(Path dir, KmsProtocolTestEndpoint kms, String keyId) throws IOException {
        String json = """
                {
                  "disasterRecovery": {
                    "deploymentId": "devflow-test",
                    "regions": {
                      "us-east-1": {
                        "role": "primary",
                        "mongodb": { "url": "mongodb://127.0.0.1:27017", "databases": ["devflow"] },
                        "storage": { "bucket": "devflow-dr-test", "endpoint": "http://127.0.0.1:9000" }
                      }
                    },
                    "backup": {
                      "encryption": {
                        "enabled": true,
                        "provider": "aws-kms",
                        "keyId": "%s",
                        "endpoint": "%s",
                        "region": "us-east-1"
                      }
                    }
                  }
                }
                """.formatted(keyId, kms.endpoint());
        return Files.writeString(dir.resolve("dr-config.json"), json);
    }

    private static Run dr(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrMain.commandLine(SecretResolver.system(), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private static void restore(String property, String previous) {
        if (previous == null) {
            System.clearProperty(property);
        } else {
            System.setProperty(property, previous);
        }
    }
}
