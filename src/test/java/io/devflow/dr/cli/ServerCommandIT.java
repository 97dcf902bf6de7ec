package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/** dr server refuses to start, with one line and the right exit code, when it cannot serve safely. */
class ServerCommandIT {

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, EAST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldRefuseToStartWithoutAnApiToken() {
        ((ObjectNode) env.drConfig().get("api")).remove("token");
        env.writeConfig();

        CliRun run = CliRun.of("--config", env.configFile().toString(), "server");

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("disasterRecovery.api.token: required");
    }

    @Test
    void shouldRefuseToStartWhenATokenSecretCannotBeResolved() {
        ((ObjectNode) env.drConfig().get("api")).put("token", "${env:DR_TEST_TOKEN_THAT_IS_NOT_SET}");
        env.writeConfig();

        CliRun run = CliRun.of("--config", env.configFile().toString(), "server");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("disasterRecovery.api.token: environment variable DR_TEST_TOKEN_THAT_IS_NOT_SET is not set");
    }

    @Test
    void shouldSayWhichAddressIsTakenWhenThePortIsInUse() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            ((ObjectNode) env.drConfig().get("api")).put("port", taken.getLocalPort());
            env.writeConfig();

            CliRun run = CliRun.of("--config", env.configFile().toString(), "server");

            assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILED);
            assertThat(run.err()).contains("cannot listen on 127.0.0.1:" + taken.getLocalPort())
                    .contains("disasterRecovery.api.port");
            assertThat(run.errIsOneCleanLine()).as(run.toString()).isTrue();
        }
    }
}
