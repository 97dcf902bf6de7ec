package io.devflow.dr.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretTest {

    private static final String PATH = "disasterRecovery.api.token";
    private static final String VALUE = "s3cr3t-t0ken-value";

    @TempDir
    Path dir;

    @Test
    void shouldRevealAnEnvironmentReferenceButNeverDisplayTheValue() {
        Secret secret = new Secret(PATH, "${env:DR_API_TOKEN}", SecretResolver.of(Map.of("DR_API_TOKEN", VALUE)),
                Secret::fullyMasked);

        assertThat(secret.isReference()).isTrue();
        assertThat(secret.reveal()).isEqualTo(VALUE);
        assertThat(secret.display()).isEqualTo("${env:DR_API_TOKEN}").doesNotContain(VALUE);
        assertThat(secret.toString()).isEqualTo("${env:DR_API_TOKEN}").doesNotContain(VALUE);
        assertThat(secret.path()).isEqualTo(PATH);
    }

    @Test
    void shouldRevealAFileReference() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), VALUE + "\n");
        Secret secret = new Secret(PATH, "${file:" + file + "}", SecretResolver.of(Map.of()), Secret::fullyMasked);

        assertThat(secret.reveal()).isEqualTo(VALUE);
        assertThat(secret.toString()).doesNotContain(VALUE);
    }

    @Test
    void shouldMaskALiteralCompletely() {
        Secret secret = Secret.literal("storage.secretAccessKey", VALUE);

        assertThat(secret.isReference()).isFalse();
        assertThat(secret.reveal()).isEqualTo(VALUE);
        assertThat(secret.display()).isEqualTo("****");
        assertThat(secret.toString()).isEqualTo("****");
    }

    @Test
    void shouldMaskOnlyThePasswordOfAMongoUrl() {
        Secret secret = new Secret("mongodb.url", "mongodb://u:pw@h", SecretResolver.of(Map.of()),
                RegionsReader::maskUrlPassword);

        assertThat(secret.display()).isEqualTo("mongodb://u:****@h");
        assertThat(secret.toString()).isEqualTo("mongodb://u:****@h");
        assertThat(new Secret("mongodb.url", "mongodb+srv://admin:p%40ss@cluster0.example.net/devflow",
                SecretResolver.of(Map.of()), RegionsReader::maskUrlPassword).display())
                .isEqualTo("mongodb+srv://admin:****@cluster0.example.net/devflow");
        assertThat(new Secret("mongodb.url", "mongodb://db:27017/devflow", SecretResolver.of(Map.of()),
                RegionsReader::maskUrlPassword).display()).isEqualTo("mongodb://db:27017/devflow");
    }

    @Test
    void shouldMaskAPasswordWithoutAUserName() {
        // how a Redis password is usually written into its URL
        assertThat(new Secret("redis.url", "redis://:RedisSecretPw9@127.0.0.1:6379/0", SecretResolver.of(Map.of()),
                RegionsReader::maskUrlPassword).display()).isEqualTo("redis://:****@127.0.0.1:6379/0");
        assertThat(new Secret("influxdb.url", "http://:InfluxSecret@influx:8086", SecretResolver.of(Map.of()),
                RegionsReader::maskUrlPassword).display()).isEqualTo("http://:****@influx:8086");
        assertThat(new Secret("redis.url", "redis://127.0.0.1:6379", SecretResolver.of(Map.of()),
                RegionsReader::maskUrlPassword).display()).isEqualTo("redis://127.0.0.1:6379");
    }

    @Test
    void shouldReportAnUnresolvableReferenceAsAProblemAtItsPath() {
        Secret secret = new Secret(PATH, "${env:DR_API_TOKEN}", SecretResolver.of(Map.of()), Secret::fullyMasked);

        assertThat(secret.check()).satisfies(p -> {
            assertThat(p.path()).isEqualTo(PATH);
            assertThat(p.message()).contains("DR_API_TOKEN");
        });
        assertThatThrownBy(secret::reveal)
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PATH)
                .hasMessageContaining("DR_API_TOKEN");
    }

    @Test
    void shouldResolveOnFirstUseAndKeepTheValue() {
        Map<String, String> environment = new HashMap<>();
        Secret secret = new Secret(PATH, "${env:DR_API_TOKEN}", SecretResolver.of(environment), Secret::fullyMasked);

        assertThat(secret.check()).isNotNull();
        environment.put("DR_API_TOKEN", VALUE);
        assertThat(secret.reveal()).isEqualTo(VALUE);
        environment.put("DR_API_TOKEN", "changed");

        assertThat(secret.reveal()).isEqualTo(VALUE);
    }
}
