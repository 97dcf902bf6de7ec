package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/** An upgrade: control documents written before signatures are used again only once an operator adopts them. */
class ControlCommandIT {

    private static final String KEY = "dr/control/replication/desired.json";

    @TempDir
    Path dir;
    TestEnvironment env;

    @BeforeEach
    void start() {
        env = TestEnvironment.start(dir, dr -> dr.putObject("replication"), EAST, WEST);
    }

    @AfterEach
    void stop() {
        env.close();
    }

    @Test
    void shouldListUnsignedDocumentsAndSignThemOnlyWhenTold() throws Exception {
        ObjectNode legacy = Json.MAPPER.createObjectNode();
        legacy.put("revision", 12).put("updatedAt", Instant.parse("2026-01-01T00:00:00Z").toString());
        legacy.putObject("content").putObject("stores").putObject("mongodb").put("running", false)
                .put("changedAt", "2026-01-01T00:00:00Z").put("changedBy", "sre@laptop (cli)");
        env.bucketStore(EAST).put(KEY, Json.bytes(legacy), "application/json");
        assertThat(env.services().state().read("replication/desired")).isEmpty();

        CliRun listed = CliRun.of("--config", env.configFile().toString(), "control", "adopt");

        assertThat(listed.exitCode()).as(listed.toString()).isEqualTo(ExitCode.OK);
        assertThat(listed.out()).contains("Unsigned (not used): 1 document(s):", "replication/desired",
                "dr control adopt --yes");
        assertThat(env.services().state().read("replication/desired")).isEmpty();

        CliRun adopted = CliRun.of("--config", env.configFile().toString(), "--output", "json", "control", "adopt", "--yes");

        assertThat(adopted.exitCode()).as(adopted.toString()).isEqualTo(ExitCode.OK);
        assertThat(Json.MAPPER.readTree(adopted.out()).path("adopted").get(0).asText()).isEqualTo("replication/desired");
        assertThat(env.services().state().read("replication/desired").orElseThrow().content())
                .isEqualTo(legacy.get("content"));
        assertThat(Json.MAPPER.readTree(env.bucketStore(WEST).getBytes(KEY).orElseThrow())
                .path("document").path("writer").asText()).endsWith("(cli)");
    }
}
