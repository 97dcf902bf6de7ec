package io.devflow.dr.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.AuditEntry;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.Poll;
import io.devflow.dr.testing.ServerProcess;
import io.devflow.dr.testing.TestEnvironment;
import jakarta.mail.internet.MimeMessage;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's own alerts end to end: two {@code dr server} processes (a leader and a standby, one lock file), a
 * real SMTP server (GreenMail) and a real HTTP server taking the webhook. MongoDB is stopped, so a backup really
 * fails: the leader raises DrBackupFailed once on both channels, reminds after the (short) repeat interval, and the
 * standby sends nothing. The leader is killed while the alert fires: the standby takes over from the state in the
 * control plane, so it reminds rather than raising again, and once MongoDB is back and a backup completes it sends
 * one RESOLVED. Every notice is in the audit log.
 */
class AlertsIT {

    private static final String WEBHOOK_PATH = "/services/T000/B000/alerts";
    private static final Duration REPEAT = Duration.ofSeconds(8);
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final String KEY = "DrBackupFailed/mongodb/" + EAST;

    @TempDir
    Path dir;
    GreenMail smtp;
    HttpServer http;
    TestEnvironment env;
    final List<JsonNode> posted = new CopyOnWriteArrayList<>();
    final List<ServerProcess> servers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ServerProcess server : servers) {
            server.close();
        }
        if (env != null) {
            env.close();
        }
        if (http != null) {
            http.stop(0);
        }
        if (smtp != null) {
            smtp.stop();
        }
    }

    @Test
    void shouldRaiseOnceRepeatWhileFiringAndResolveOnlyFromTheLeader() throws Exception {
        startReceivers();
        env = TestEnvironment.start(dir, dr -> {
            String never = "0 0 3 1 1 ?";
            dr.with("backup").putObject("schedule").put("full", never).put("incremental", never).put("retention", never);
            dr.with("backup").with("incremental").put("captureWorker", false);
            ObjectNode notifications = dr.putObject("notifications");
            notifications.putObject("webhook").put("url", "http://127.0.0.1:" + http.getAddress().getPort() + WEBHOOK_PATH);
            ObjectNode email = notifications.putObject("email").put("host", "127.0.0.1")
                    .put("port", smtp.getSmtp().getPort()).put("security", "none").put("from", "dr@devflow.example");
            email.putArray("to").add("oncall@devflow.example");
            ObjectNode alerts = notifications.putObject("alerts").put("interval", "1s").put("repeatEvery", "8s");
            // a deployment without any backup yet would rightly page for that too: this test is about a failed one
            alerts.putArray("disabled").add("DrBackupMissing");
        }, EAST);
        ServerProcess a = server("node-a");
        await("node-a leads", a::leads);
        ServerProcess b = server("node-b");
        await("node-b runs as a standby of node-a", () -> b.leadership()
                .filter(l -> "standby".equals(l.path("role").asText()) && "node-a".equals(l.path("leader").asText()))
                .isPresent());
        await("node-a evaluates the alerts", () -> a.counter("dr_alert_evaluations_total").orElse(0.0) >= 2);
        assertThat(posted).as("nothing fires while everything is well").isEmpty();

        int mongoPort = env.stopMongo(EAST);
        String failedId = backUp(a);
        await("the backup failed", () -> status(failedId) == BackupStatus.FAILED);
        await("the alert raised", () -> events("alert.firing").size() == 1);
        JsonNode raised = events("alert.firing").get(0);
        assertThat(raised.get("text").asText()).isEqualTo("[CRITICAL] [FIRING] The newest mongodb backup in " + EAST + " failed");
        assertThat(fields(raised)).containsEntry("Alert", "DrBackupFailed").containsEntry("Store", "mongodb")
                .containsEntry("Region", EAST).containsEntry("Threshold", "the newest backup completes")
                .containsEntry("Sent by", "node-a").containsEntry("Runbook", AlertNotices.RUNBOOK);
        assertThat(fields(raised).get("Value")).startsWith("backup " + failedId + " (full) failed at ");
        assertThat(fields(raised).get("What to do")).contains("dr backups list --store mongodb --region " + EAST);
        assertThat(Alerts.decode(env.services().state().read(Alerts.PATH))).containsOnlyKeys(KEY);

        await("a reminder after the repeat interval", () -> events("alert.repeat").size() == 1);
        JsonNode reminder = events("alert.repeat").get(0);
        assertThat(reminder.get("text").asText()).startsWith("[CRITICAL] [FIRING] ");
        assertThat(timestamp(reminder) - timestamp(raised)).as("seconds between them").isGreaterThanOrEqualTo(REPEAT.toSeconds());
        assertThat(fields(reminder).get("Firing since")).isEqualTo(fields(raised).get("Firing since"));
        await("both notices mailed", () -> mails().size() == 2);
        assertThat(b.counter("dr_alert_notifications_total")).as("the standby sent nothing").contains(0.0);
        assertThat(b.counter("dr_alert_evaluations_total")).as("nor evaluated").contains(0.0);

        a.kill();
        await("node-b leads", b::leads);
        await("node-b reminds, from the state node-a left", () -> events("alert.repeat").size() == 2);
        JsonNode second = events("alert.repeat").get(1);
        assertThat(fields(second)).containsEntry("Sent by", "node-b")
                .containsEntry("Firing since", fields(raised).get("Firing since"));
        assertThat(timestamp(second) - timestamp(reminder)).isGreaterThanOrEqualTo(REPEAT.toSeconds());
        assertThat(events("alert.firing")).as("not raised again by the new leader").hasSize(1);

        env.startMongoAgain(EAST, mongoPort);
        // a server that came back empty has no oplog until its first write
        env.client(EAST).getDatabase("devflow").getCollection("records").insertOne(new Document("_id", 1));
        String completedId = backUp(b);
        await("the backup completed", () -> status(completedId) == BackupStatus.COMPLETED);
        await("the alert resolved", () -> events("alert.resolved").size() == 1);
        JsonNode resolved = events("alert.resolved").get(0);
        assertThat(resolved.get("text").asText()).isEqualTo("[INFO] [RESOLVED] The newest mongodb backup in " + EAST + " failed");
        assertThat(fields(resolved)).containsEntry("Sent by", "node-b").containsEntry("Region", EAST)
                .containsEntry("Firing since", fields(raised).get("Firing since")).containsKey("Resolved at");
        double evaluated = b.counter("dr_alert_evaluations_total").orElseThrow();
        await("three more evaluations", () -> b.counter("dr_alert_evaluations_total").orElse(0.0) >= evaluated + 3);

        // a reminder falls due every eight seconds while the condition holds, however long this machine takes to clear it
        List<String> told = posted.stream().map(AlertsIT::event).toList();
        assertThat(told.get(0)).isEqualTo("alert.firing");
        assertThat(told.get(told.size() - 1)).isEqualTo("alert.resolved");
        assertThat(told.subList(1, told.size() - 1)).hasSizeGreaterThanOrEqualTo(2).containsOnly("alert.repeat");
        for (int i = 1; i < posted.size() - 1; i++) {
            assertThat(timestamp(posted.get(i)) - timestamp(posted.get(i - 1))).as("seconds before reminder " + i)
                    .isGreaterThanOrEqualTo(REPEAT.toSeconds());
        }
        await("every notice mailed", () -> mails().size() == told.size());
        List<MimeMessage> mails = mails();
        String subject = "The newest mongodb backup in " + EAST + " failed";
        assertThat(mails).extracting(MimeMessage::getSubject).containsExactlyElementsOf(told.stream()
                .map(e -> "[devflow-dr] " + (e.equals("alert.resolved") ? "[RESOLVED] " : "[FIRING] ") + subject).toList());
        assertThat(mails).extracting(m -> GreenMailUtil.getBody(m).lines().filter(l -> l.startsWith("Event:"))
                .findFirst().orElse("")).containsExactlyElementsOf(told.stream().map(e -> "Event:    " + e).toList());
        assertThat(Alerts.decode(env.services().state().read(Alerts.PATH))).isEmpty();
        List<AuditEntry> audit = env.services().audit().list(Instant.EPOCH, "notice", 100);
        assertThat(audit).extracting(AuditEntry::subject).containsExactlyElementsOf(told);
        assertThat(audit).extracting(e -> e.details().at("/facts/Alert").asText()).containsOnly("DrBackupFailed");
    }

    private void startReceivers() throws IOException {
        smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext(WEBHOOK_PATH, exchange -> {
            try (exchange) {
                posted.add(Json.MAPPER.readTree(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        http.start();
    }

    private ServerProcess server(String name) throws IOException {
        ObjectNode config = env.drConfig().deepCopy();
        int port = TestEnvironment.freePort();
        ((ObjectNode) config.get("api")).put("port", port);
        ObjectNode cluster = config.putObject("cluster");
        cluster.put("instanceId", name);
        cluster.putObject("file").put("directory", dir.resolve("cluster").toString()).put("acquireIntervalMs", 500);
        Path file = dir.resolve(name).resolve("dr-config.json");
        Files.createDirectories(file.getParent());
        Files.write(file, Json.bytes(Map.of("disasterRecovery", config)));
        ServerProcess server = ServerProcess.start(name, file, port);
        servers.add(server);
        return server;
    }

    /** A full MongoDB backup through the leader's API; its id. */
    private String backUp(ServerProcess leader) throws Exception {
        HttpResponse<String> accepted = leader.call("POST", "/api/backups", "{\"type\":\"full\",\"store\":\"mongodb\"}");
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return Json.MAPPER.readTree(accepted.body()).path("id").asText();
    }

    private BackupStatus status(String id) {
        return env.services().catalog().all(StoreKind.MONGODB, env.services().regions().get(EAST)).stream()
                .filter(r -> r.id().equals(id)).map(BackupRecord::status).findFirst().orElse(null);
    }

    private List<JsonNode> events(String event) {
        return posted.stream().filter(p -> event.equals(event(p))).toList();
    }

    /** The event a webhook body tells of, from its footer ({@code devflow-dr · alert.firing · critical}). */
    private static String event(JsonNode body) {
        return body.at("/attachments/0/footer").asText().split(" · ")[1];
    }

    private static long timestamp(JsonNode body) {
        return body.at("/attachments/0/ts").asLong();
    }

    private static Map<String, String> fields(JsonNode body) {
        Map<String, String> fields = new LinkedHashMap<>();
        body.at("/attachments/0/fields").forEach(f -> fields.put(f.get("title").asText(), f.get("value").asText()));
        return fields;
    }

    private List<MimeMessage> mails() {
        return List.of(smtp.getReceivedMessages());
    }

    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        Poll.until(what + "; servers " + servers, LONG, condition);
    }
}
