package io.devflow.dr.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SecretResolverTest {

    private static final String PATH = "disasterRecovery.api.token";

    @TempDir
    Path dir;

    @Test
    void shouldResolveAnEnvironmentVariable() {
        SecretResolver resolver = SecretResolver.of(Map.of("DR_API_TOKEN", "  t0ken-from-env \n"));

        assertThat(resolver.resolve(PATH, "${env:DR_API_TOKEN}")).isEqualTo("t0ken-from-env");
    }

    @Test
    void shouldResolveAFile() throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "t0ken-from-file\n");

        assertThat(SecretResolver.of(Map.of()).resolve(PATH, "${file:" + file + "}")).isEqualTo("t0ken-from-file");
    }

    @Test
    void shouldReturnALiteralAsItIs() {
        assertThat(SecretResolver.of(Map.of()).resolve(PATH, "mongodb://u:pw@h")).isEqualTo("mongodb://u:pw@h");
    }

    @Test
    void shouldNameThePathAndVariableWhenTheVariableIsUnset() {
        SecretResolver resolver = SecretResolver.of(Map.of("BLANK", "  "));

        for (String variable : new String[] {"DR_API_TOKEN", "BLANK"}) {
            assertThatThrownBy(() -> resolver.resolve(PATH, "${env:" + variable + "}"))
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        assertThat(e.problems()).singleElement().satisfies(p -> {
                            assertThat(p.path()).isEqualTo(PATH);
                            assertThat(p.message()).contains("environment variable " + variable + " is not set");
                        });
                        assertThat(e.getMessage()).startsWith(PATH + ": ");
                    });
        }
    }

    @Test
    void shouldNameThePathAndFileWhenTheFileIsMissingOrEmpty() throws Exception {
        Path missing = dir.resolve("missing-token");
        Path empty = Files.writeString(dir.resolve("empty-token"), "\n");
        SecretResolver resolver = SecretResolver.of(Map.of());

        assertThatThrownBy(() -> resolver.resolve(PATH, "${file:" + missing + "}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PATH + ": secret file " + missing + " does not exist");
        assertThatThrownBy(() -> resolver.resolve(PATH, "${file:" + empty + "}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage(PATH + ": secret file " + empty + " is empty");
    }

    @Test
    void shouldRecogniseReferencesAndTheirSyntaxErrors() {
        assertThat(SecretResolver.isReference("${env:X}")).isTrue();
        assertThat(SecretResolver.isReference(" ${file:/run/secrets/token} ")).isTrue();
        assertThat(SecretResolver.isReference("plain")).isFalse();
        assertThat(SecretResolver.isReference("${vault:x}")).isFalse();

        assertThat(SecretResolver.syntaxProblem("${env:X}")).isNull();
        assertThat(SecretResolver.syntaxProblem("literal")).isNull();
        assertThat(SecretResolver.syntaxProblem("${env:X")).contains("is not a secret reference");
        assertThat(SecretResolver.syntaxProblem("${vault:x}")).contains("is not a secret reference");
    }

    @Test
    void shouldRefuseAFileReferenceNoFileCanHaveWhenTheConfigurationIsRead() {
        assertThat(SecretResolver.syntaxProblem("${file:/run/secrets/api\u0000token}"))
                .isEqualTo("'${file:/run/secrets/api\u0000token}' names no file this system can open (Nul character not "
                        + "allowed); write ${file:/path/to/file}");
    }

    @Test
    void shouldRefuseASecretFileLargerThanAnySecret() throws Exception {
        Path large = Files.writeString(dir.resolve("token"), "x".repeat(64 * 1024 + 1));
        SecretResolver resolver = SecretResolver.of(Map.of());

        for (Path file : List.of(large, Path.of("/dev/zero"))) {
            assertThatThrownBy(() -> resolver.resolve(PATH, "${file:" + file + "}"))
                    .isExactlyInstanceOf(ConfigException.class)
                    .hasMessage(PATH + ": secret file " + file + " is larger than 64 KiB, which no secret is; point "
                            + PATH + " at the file that holds only the secret");
        }
    }
}
