package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestCertificates;
import io.devflow.dr.testing.TestConfigs;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The api block: where the API listens, TLS, and the named tokens with their roles. */
class ApiConfigTest {

    private static final String TOKEN = "0123456789abcdef0123456789abcdef-ci";

    @TempDir
    Path dir;

    @Test
    void shouldListenOnLoopbackByDefault() {
        ApiConfig api = TestConfigs.load(TestConfigs.minimal()).api();

        assertThat(api.host()).isEqualTo("127.0.0.1");
        assertThat(api.loopbackOnly()).isTrue();
        assertThat(api.baseUrl()).isEqualTo("http://127.0.0.1:8080");
    }

    @Test
    void shouldRefuseToListenBeyondLoopbackWithoutTlsUnlessPlaintextIsAllowed() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode api = at(root, "/disasterRecovery").putObject("api").put("host", "0.0.0.0");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactly("disasterRecovery.api.tls: required "
                + "when the API listens on 0.0.0.0 (beyond this machine): set api.tls.certificate and api.tls.key (PEM), "
                + "or set api.allowPlaintext to true to send tokens unencrypted");

        api.put("allowPlaintext", true);
        assertThat(TestConfigs.load(root).api().allowPlaintext()).isTrue();

        api.remove("allowPlaintext");
        api.putObject("tls").put("certificate", "/etc/dr/tls.crt").put("key", "${file:/etc/dr/tls.key}");
        ApiConfig withTls = TestConfigs.load(root).api();
        assertThat(withTls.tlsEnabled()).isTrue();
        assertThat(withTls.baseUrl()).isEqualTo("https://localhost:8080");
    }

    @Test
    void shouldReadNamedTokensAndTheSingleTokenAsTheAdminNamedApi() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode api = at(root, "/disasterRecovery").putObject("api").put("token", "${env:DR_API_TOKEN}");
        api.putArray("tokens").addObject().put("name", "ci").put("role", "operator").put("token", "${env:DR_CI_TOKEN}");

        List<ApiToken> tokens = TestConfigs.load(root).api().tokens();

        assertThat(tokens).extracting(ApiToken::name, ApiToken::role)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("api", ApiRole.ADMIN),
                        org.assertj.core.groups.Tuple.tuple("ci", ApiRole.OPERATOR));
        assertThat(tokens.get(1).token().path()).isEqualTo("disasterRecovery.api.tokens[0].token");
    }

    @Test
    void shouldReportEveryProblemOfTheTokensAtOnce() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode api = at(root, "/disasterRecovery").putObject("api").put("token", "a-token-written-into-the-file");
        var tokens = api.putArray("tokens");
        tokens.addObject().put("name", "Deploy Bot").put("role", "root").put("token", "${env:A}");
        tokens.addObject().put("name", "api").put("role", "viewer").put("token", "${env:B}");
        tokens.addObject().put("role", "viewer");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.api.token: write the token as ${env:NAME} or ${file:/path}, not into the configuration file",
                "disasterRecovery.api.tokens[0].name: 'Deploy Bot' is not a token name: lower-case letters, digits, '.', '_' and '-'",
                "disasterRecovery.api.tokens[0].role: 'root' is not a role; roles are viewer, operator, admin",
                "disasterRecovery.api.tokens[2].name: required",
                "disasterRecovery.api.tokens[2].token: required",
                "disasterRecovery.api.tokens: the name 'api' is used twice (api.token is the admin token named 'api')");
    }

    @Test
    void shouldRefuseShortTokensAndTokenFilesOthersCanRead() throws Exception {
        Path open = Files.writeString(dir.resolve("open-token"), TOKEN);
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
        Path closed = TestEnvironment.tokenFile(dir, TOKEN);
        ObjectNode root = TestConfigs.minimal();
        var tokens = at(root, "/disasterRecovery").putObject("api").putArray("tokens");
        tokens.addObject().put("name", "open").put("role", "viewer").put("token", "${file:" + open + "}");
        tokens.addObject().put("name", "short").put("role", "viewer").put("token", "${env:SHORT}");
        tokens.addObject().put("name", "good").put("role", "admin").put("token", "${file:" + closed + "}");
        DrConfig config = TestConfigs.load(root, Map.of("SHORT", "abc123"));

        List<ConfigProblem> secrets = ConfigChecks.checkSecrets(config);
        assertThat(secrets).isEmpty();
        assertThat(ConfigChecks.checkApi(config, secrets)).extracting(ConfigProblem::toString).containsExactly(
                "disasterRecovery.api.tokens[0].token: " + open + " has mode rw-r--r--; make it readable by its owner "
                        + "only (chmod 600)",
                "disasterRecovery.api.tokens[1].token: the token has 6 characters; use at least 32 random ones "
                        + "(e.g. from 'openssl rand -hex 32')");
    }

    @Test
    void shouldCheckThatTheTlsCertificateAndKeyCanBeUsed() throws Exception {
        TestCertificates certificates = TestCertificates.create(dir);
        ObjectNode root = TestConfigs.minimal();
        ObjectNode tls = at(root, "/disasterRecovery").putObject("api").putObject("tls")
                .put("certificate", certificates.certificate().toString())
                .put("key", "${file:" + certificates.key() + "}");
        DrConfig good = TestConfigs.load(root);
        assertThat(ConfigChecks.checkApi(good, ConfigChecks.checkSecrets(good))).isEmpty();

        tls.put("key", "${file:" + certificates.certificate() + "}");
        tls.put("certificate", dir.resolve("missing.crt").toString());
        DrConfig bad = TestConfigs.load(root);
        assertThat(ConfigChecks.checkApi(bad, ConfigChecks.checkSecrets(bad))).extracting(ConfigProblem::toString)
                .singleElement().asString().startsWith("disasterRecovery.api.tls.certificate: is neither PEM text nor a "
                        + "readable PEM file (" + dir.resolve("missing.crt"));
    }

    @Test
    void shouldRefuseATlsFileLargerThanAnyPemFile() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("api").putObject("tls").put("certificate", "/dev/zero")
                .put("key", "/dev/zero");
        DrConfig config = TestConfigs.load(root);

        assertThat(ConfigChecks.checkApi(config, ConfigChecks.checkSecrets(config))).extracting(ConfigProblem::toString)
                .containsExactly("disasterRecovery.api.tls.certificate: names a file larger than 1 MiB, which no PEM file is");
    }

    private static List<ConfigProblem> problems(ObjectNode root) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));
        assertThat(failure).as("the configuration should have been refused").isNotNull();
        return failure.problems();
    }
}
