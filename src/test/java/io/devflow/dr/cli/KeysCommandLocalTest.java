package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.config.SecretResolver;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code dr keys init|describe|create} with the local provider's keyring, through the real command line. */
class KeysCommandLocalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Path keyring;
    Path config;

    record Run(int exitCode, String out, String err) {
    }

    @BeforeEach
    void writeConfig() throws IOException {
        keyring = dir.resolve("keys").resolve("keyring.json");
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
                      "encryption": { "enabled": true, "provider": "local", "keyFile": "%s" }
                    }
                  }
                }
                """.formatted(keyring.toString().replace("\\", "\\\\"));
        config = Files.writeString(dir.resolve("dr-config.json"), json);
    }

    @Test
    void shouldCreateAnOwnerOnlyKeyringWithOneKey() throws IOException {
        Run run = keys("init");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(Files.getPosixFilePermissions(keyring)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        JsonNode file = JSON.readTree(keyring.toFile());
        assertThat(file.path("keys")).hasSize(1);
        String primary = file.path("primary").asText();
        assertThat(file.path("keys").get(0).path("id").asText()).isEqualTo(primary);
        assertThat(run.out()).contains("Created keyring " + keyring).contains(primary);
    }

    @Test
    void shouldNeverOverwriteAnExistingKeyring() throws IOException {
        assertThat(keys("init").exitCode()).isEqualTo(ExitCode.OK);
        String before = Files.readString(keyring);

        Run second = keys("init");

        assertThat(second.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(second.err()).contains("already exists").doesNotContain("\tat ");
        assertThat(Files.readString(keyring)).isEqualTo(before);
    }

    @Test
    void shouldListTheKeyIdOfTheKeyring() throws IOException {
        keys("init");
        String primary = JSON.readTree(keyring.toFile()).path("primary").asText();

        Run run = keys("describe");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        assertThat(run.out()).contains("Local keyring " + keyring).contains(primary).contains("(primary)");
    }

    @Test
    void shouldRotateByAddingANewPrimaryKeyAndKeepingTheOldOne() throws IOException {
        keys("init");
        String first = JSON.readTree(keyring.toFile()).path("primary").asText();

        Run run = keys("create");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        JsonNode file = JSON.readTree(keyring.toFile());
        String second = file.path("primary").asText();
        assertThat(second).isNotEqualTo(first);
        assertThat(ids(file)).containsExactly(first, second);
        assertThat(run.out()).contains("Added key " + second);
        assertThat(Files.getPosixFilePermissions(keyring)).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        JsonNode described = JSON.readTree(keys("describe", "--output", "json").out());
        assertThat(described.path("keys")).hasSize(2);
        assertThat(described.path("keys").get(0).path("id").asText()).isEqualTo(first);
        assertThat(described.path("keys").get(0).path("primary").asBoolean()).isFalse();
        assertThat(described.path("keys").get(1).path("id").asText()).isEqualTo(second);
        assertThat(described.path("keys").get(1).path("primary").asBoolean()).isTrue();
    }

    @Test
    void shouldSayTheRotationIsNotInTheAuditLogWhenTheControlPlaneCannotBeReached() throws IOException {
        keys("init");

        Run run = keys("create");

        assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.OK);
        String added = JSON.readTree(keyring.toFile()).path("primary").asText();
        assertThat(run.err()).contains("warning: the audit log has no entry for this key-rotated of " + added + ": ")
                .contains("the action itself is done").contains("dr status").doesNotContain("\tat ");
    }

    @Test
    void shouldNeverPrintKeyMaterialWhenDescribing() throws IOException {
        keys("init");
        keys("create");
        JsonNode file = JSON.readTree(keyring.toFile());
        List<String> materials = new ArrayList<>();
        file.path("keys").forEach(k -> materials.add(k.path("material").asText()));
        assertThat(materials).hasSize(2).allSatisfy(m -> assertThat(m).hasSizeGreaterThanOrEqualTo(44));

        Run text = keys("describe");
        Run json = keys("describe", "--output", "json");

        assertThat(text.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(json.exitCode()).isEqualTo(ExitCode.OK);
        assertThat(ids(JSON.readTree(json.out()))).containsExactlyElementsOf(ids(file));
        for (String material : materials) {
            assertThat(text.out() + text.err()).doesNotContain(material).doesNotContain(material.substring(0, 16));
            assertThat(json.out() + json.err()).doesNotContain(material).doesNotContain(material.substring(0, 16));
        }
        assertThat(json.out()).doesNotContain("material");
    }

    @Test
    void shouldTellHowToCreateTheKeyringWhenDescribingBeforeInit() {
        Run run = keys("describe");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("does not exist").contains("dr keys init");
    }

    private static List<String> ids(JsonNode keyringOrDescription) {
        List<String> ids = new ArrayList<>();
        keyringOrDescription.path("keys").forEach(k -> ids.add(k.path("id").asText()));
        return ids;
    }

    private Run keys(String... args) {
        String[] full = new String[args.length + 3];
        full[0] = "--config";
        full[1] = config.toString();
        full[2] = "keys";
        System.arraycopy(args, 0, full, 3, args.length);
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrMain.commandLine(SecretResolver.system(), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(full);
        return new Run(code, out.toString(), err.toString());
    }
}
