package io.devflow.dr.compliance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static io.devflow.dr.testing.TestEnvironment.WEST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compliance report, its export and the audit commands on real servers (mongo-java-server, s3proxy in two
 * regions): backups in both regions, an applied retention, drill documents as the DR tests write them; then the
 * evidence is taken away piece by piece and the controls that rely on it stop passing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComplianceIT {

    Path dir;
    TestEnvironment env;
    String eastBackup;
    String westBackup;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        env = TestEnvironment.start(dir, EAST, WEST);
        env.client(EAST).getDatabase("devflow").getCollection("things").insertOne(new org.bson.Document("n", 1));
        env.client(WEST).getDatabase("devflow").getCollection("things").insertOne(new org.bson.Document("n", 1));
        eastBackup = id(run("backup", "--type", "full", "--store", "mongodb", "--region", EAST, "--output", "json"));
        westBackup = id(run("backup", "--type", "full", "--store", "mongodb", "--region", WEST, "--output", "json"));
        assertThat(run("verify", eastBackup, "--level", "quick").exitCode()).isZero();
        assertThat(run("retention", "apply").exitCode()).isZero();
        Instant now = Instant.now();
        drill("drill-restore-1", "backup", now.minusSeconds(600), 95, true);
        drill("drill-failover-1", "failover", now.minusSeconds(300), 40, true);
    }

    @AfterAll
    void stop() {
        env.close();
    }

    @Test
    @Order(1)
    void shouldPassEveryControlOnCompleteEvidenceAndAuditEveryAction() {
        JsonNode report = report();

        assertThat(verdicts(report)).as(report.toPrettyString()).containsOnlyKeys(
                "soc2 A1.2", "soc2 A1.3", "iso27001 A.5.30", "iso27001 A.8.13", "iso27001 A.8.14",
                "hipaa 164.308(a)(7)(ii)(A)", "hipaa 164.308(a)(7)(ii)(B)", "hipaa 164.308(a)(7)(ii)(C)",
                "hipaa 164.308(a)(7)(ii)(D)", "hipaa 164.308(a)(7)(ii)(E)", "pci-dss 12.10.1", "pci-dss 12.10.2",
                "gdpr Art. 32(1)(b)", "gdpr Art. 32(1)(c)", "gdpr Art. 32(1)(d)").containsValues("pass")
                .doesNotContainValue("fail").doesNotContainValue("not-enough-evidence");
        assertThat(check(report, "offsite-copy").path("evidence").toString()).contains(westBackup);
        assertThat(check(report, "restore-drills").path("evidence").toString()).contains("drill-restore-1");

        JsonNode entries = json(run("audit", "list", "--output", "json").out());
        List<String> actions = new ArrayList<>();
        entries.forEach(e -> actions.add(e.path("action").asText() + " " + e.path("subject").asText() + " "
                + e.path("outcome").asText()));
        assertThat(actions).contains("backup " + eastBackup + " completed", "backup " + westBackup + " completed",
                "verify " + eastBackup + " completed", "retention-applied retention completed");
        assertThat(run("audit", "verify").exitCode()).isZero();
        assertThat(json(run("audit", "list", "--action", "verify", "--output", "json").out())).hasSize(1);
    }

    @Test
    @Order(3)
    void shouldExportEvidenceThatVerifiesOfflineAndFailsOnAnyChangedByte() throws IOException {
        Path out = dir.resolve("evidence-export");
        CliRun export = run("compliance", "export", "--out", out.toString(), "--standard", "soc2", "--output", "json");
        assertThat(export.exitCode()).as(export.toString()).isZero();
        String publicKey = json(export.out()).path("publicKey").asText();
        assertThat(Files.readString(out.resolve("public-key.txt")).strip()).isEqualTo(publicKey);
        assertThat(json(Files.readString(out.resolve("report.json"))).path("standards").get(0).asText()).isEqualTo("soc2");
        assertThat(Files.readString(out.resolve("evidence/backups.json"))).contains(eastBackup, "\"region\" : \"us-west-2\"");

        // offline: the servers are gone
        env.close();
        assertThat(CliRun.of("compliance", "verify", out.toString(), "--public-key", publicKey).exitCode()).isZero();
        assertThat(EvidenceBundle.verify(out, java.util.Optional.of(publicKey)).valid()).isTrue();

        byte[] report = Files.readAllBytes(out.resolve("report.json"));
        byte[] changed = report.clone();
        int at = new String(report, StandardCharsets.UTF_8).indexOf("\"pass\"") + 2;
        changed[at] = (byte) 'f';
        Files.write(out.resolve("report.json"), changed);
        CliRun tampered = CliRun.of("compliance", "verify", out.toString(), "--public-key", publicKey);
        assertThat(tampered.exitCode()).isEqualTo(1);
        assertThat(tampered.out()).contains("report.json was changed since it was signed");

        Files.write(out.resolve("report.json"), report);
        Files.writeString(out.resolve("evidence/extra.json"), "{}");
        assertThat(EvidenceBundle.verify(out, java.util.Optional.of(publicKey)).problems())
                .containsExactly("evidence/extra.json is not part of the signed bundle");
        Files.delete(out.resolve("evidence/extra.json"));

        String otherKey = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        assertThat(EvidenceBundle.verify(out, java.util.Optional.of(otherKey)).problems())
                .contains("the bundle names another public key than the one given: it was not signed by this deployment");
    }

    @Test
    @Order(2)
    void shouldFlipEachControlWhenItsEvidenceIsRemovedOrTheConfigurationChanges() {
        DrServices services = env.services();
        services.state().list("drills").forEach(services.state()::delete);
        JsonNode withoutDrills = report();
        assertThat(check(withoutDrills, "restore-drills").path("verdict").asText()).isEqualTo("not-enough-evidence");
        assertThat(verdicts(withoutDrills)).containsEntry("soc2 A1.3", "not-enough-evidence")
                .containsEntry("pci-dss 12.10.2", "not-enough-evidence").containsEntry("soc2 A1.2", "pass");
        drill("drill-restore-2", "backup", Instant.now().minusSeconds(60), 80, true);
        drill("drill-failover-2", "failover", Instant.now().minusSeconds(30), 35, true);
        assertThat(verdicts(report())).containsEntry("soc2 A1.3", "pass");

        drill("drill-restore-3", "backup", Instant.now().minusSeconds(10), 70, false);
        assertThat(check(report(), "restore-drills").path("summary").asText()).contains("failed");
        drill("drill-restore-4", "backup", Instant.now().minusSeconds(5), 70, true);

        ObjectStore west = env.bucketStore(WEST);
        west.list("dr/mongodb/").forEach(o -> west.delete(o.key()));
        JsonNode withoutCopy = report();
        assertThat(check(withoutCopy, "offsite-copy").path("verdict").asText()).isEqualTo("fail");
        assertThat(check(withoutCopy, "offsite-copy").path("summary").asText())
                .contains("backup(s) in us-east-1 only, none in another region");
        assertThat(verdicts(withoutCopy)).containsEntry("iso27001 A.8.14", "fail").containsEntry("soc2 A1.3", "pass");
        assertThat(run("compliance", "report", "--standard", "iso27001").exitCode()).isEqualTo(1);
        id(run("backup", "--type", "full", "--store", "mongodb", "--region", WEST, "--output", "json"));
        assertThat(verdicts(report())).containsEntry("iso27001 A.8.14", "pass");

        ObjectNode retention = env.drConfig().with("backup").putObject("retention");
        retention.put("daily", 7).put("weekly", 1).put("monthly", 0);
        env.writeConfig();
        JsonNode lowered = report();
        assertThat(check(lowered, "retention").path("verdict").asText()).isEqualTo("fail");
        assertThat(check(lowered, "retention").path("summary").asText()).contains("about 7 days, less than the 90-day period");
        assertThat(verdicts(lowered)).containsEntry("hipaa 164.308(a)(7)(ii)(A)", "fail");
        assertThat(check(json(run("compliance", "report", "--period", "7d", "--output", "json").out()), "retention")
                .path("verdict").asText()).isEqualTo("pass");

        ObjectStore east = env.bucketStore(EAST);
        String entry = "dr/control/audit/chain/000000000002.json";
        byte[] stored = east.getBytes(entry).orElseThrow();
        east.delete(entry);
        west.delete(entry);
        JsonNode tampered = report();
        assertThat(check(tampered, "audit").path("verdict").asText()).isEqualTo("fail");
        assertThat(check(tampered, "audit").path("summary").asText()).contains("broken at entry 2");
        CliRun verify = run("audit", "verify");
        assertThat(verify.exitCode()).isEqualTo(1);
        assertThat(verify.out()).contains("first bad entry 2: entry 2 is missing (removed)");
        east.put(entry, stored, "application/json");
        assertThat(run("audit", "verify").exitCode()).isZero();
    }

    private JsonNode report() {
        CliRun run = run("compliance", "report", "--output", "json");
        assertThat(run.exitCode()).as(run.toString()).isIn(0, 1);
        return json(run.out());
    }

    private static Map<String, String> verdicts(JsonNode report) {
        Map<String, String> verdicts = new LinkedHashMap<>();
        report.path("controls").forEach(c -> verdicts.put(c.path("standard").asText() + " " + c.path("control").asText(),
                c.path("verdict").asText()));
        return verdicts;
    }

    private static JsonNode check(JsonNode report, String id) {
        for (JsonNode check : report.path("checks")) {
            if (check.path("id").asText().equals(id)) {
                return check;
            }
        }
        throw new AssertionError("no check " + id + " in " + report.toPrettyString());
    }

    /** A drill result document in the shape the DR tests write ({@code drills/<id>}). */
    private void drill(String id, String type, Instant started, int seconds, boolean passed) {
        ObjectNode drill = Json.MAPPER.createObjectNode();
        drill.put("id", id).put("type", type).put("trigger", "schedule").put("by", "devflow-dr")
                .put("startedAt", started.toString()).put("endedAt", started.plusSeconds(seconds).toString())
                .put("passed", passed);
        drill.putObject("stores").putObject("mongodb").put("passed", passed).put("seconds", seconds)
                .put("detail", "fingerprints " + (passed ? "match" : "differ"));
        if (!passed) {
            drill.put("failure", "mongodb: fingerprints differ");
        }
        env.services().state().write("drills/" + id, drill);
    }

    private CliRun run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = env.configFile().toString();
        System.arraycopy(args, 0, all, 2, args.length);
        return CliRun.of(all);
    }

    private static String id(CliRun run) {
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return json(run.out()).path("id").asText();
    }

    private static JsonNode json(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(text, e);
        }
    }
}
