package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.devflow.dr.alert.AlertBook;
import io.devflow.dr.alert.AlertRules;
import io.devflow.dr.alert.AlertSources;
import io.devflow.dr.alert.Alerts;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.config.AlertsConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.FencedWriteException;
import io.devflow.dr.control.StateDocument;
import io.devflow.dr.control.StateStore;
import io.devflow.dr.drill.DrillResult;
import io.devflow.dr.drill.DrillType;
import io.devflow.dr.drill.RecoveryObjectives;
import io.devflow.dr.notify.Notice;
import io.devflow.dr.replication.ReplicationReport;
import io.devflow.dr.testing.MemoryStateStore;
import io.devflow.dr.testing.Poll;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The alerts route as the server loads it (master: timer -> evaluate -> split -> direct:notify, errors through
 * alert-errors), on a real lock-file election: an evaluation whose state the control plane refuses (a deposed
 * leader's) sends nothing and the timer goes on; once the state is written, the alert is raised exactly once.
 */
class AlertsRouteTest extends CamelMainTestSupport {

    final Path dir = temporaryDirectory();
    final MemoryStateStore memory = new MemoryStateStore();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final List<Notice> notices = new CopyOnWriteArrayList<>();
    volatile boolean refuse = true;

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern("classpath:routes/_shared/alert-errors.camel.yaml,"
                + "classpath:routes/alerts/alerts.camel.yaml");
        configuration.addRoutesBuilder(new RouteBuilder() {
            @Override
            public void configure() {
                from("direct:notify").routeId("test-notifier").process(e -> notices.add(e.getIn().getBody(Notice.class)));
            }
        });
    }

    @Override
    protected Properties useOverridePropertiesWithPropertiesComponent() {
        Properties p = new Properties();
        p.setProperty("dr.alerts.intervalMs", "100");
        return p;
    }

    @Override
    protected Registry createCamelRegistry() {
        Clock clock = Clock.systemUTC();
        StateStore state = new StateStore() {
            @Override
            public Optional<StateDocument> read(String path) {
                return memory.read(path);
            }

            @Override
            public StateDocument write(String path, JsonNode content) {
                if (refuse) {
                    throw new FencedWriteException("term 3 is no longer this instance's: " + path + " not written");
                }
                return memory.write(path, content);
            }

            @Override
            public void delete(String path) {
                memory.delete(path);
            }

            @Override
            public List<String> list(String folder) {
                return memory.list(folder);
            }
        };
        AlertRules rules = new AlertRules(AlertsConfig.DEFAULTS, Optional.empty(), new FailedBackup(clock), clock);
        Registry registry = new DefaultRegistry();
        registry.bind("alerts", new Alerts(rules, new AlertBook(Duration.ofHours(4)), state, () -> true, "node-a",
                meters, clock));
        FileLockClusterService cluster = new FileLockClusterService();
        cluster.setRoot(dir.resolve("cluster").toString());
        cluster.setAcquireLockDelay(10, TimeUnit.MILLISECONDS);
        cluster.setAcquireLockInterval(100, TimeUnit.MILLISECONDS);
        registry.bind("clusterService", cluster);
        return registry;
    }

    @Test
    void shouldSendNothingWhileTheStateIsRefusedAndThenRaiseOnce() throws Exception {
        Poll.until("three refused evaluations", Duration.ofSeconds(30), () -> count("dr_alert_evaluations_failed_total") >= 3);
        assertThat(notices).isEmpty();
        assertThat(memory.paths()).isEmpty();

        refuse = false;
        Poll.until("the alert raised", Duration.ofSeconds(30), () -> !notices.isEmpty());
        double evaluated = count("dr_alert_evaluations_total");
        Poll.until("three more evaluations", Duration.ofSeconds(30), () -> count("dr_alert_evaluations_total") >= evaluated + 3);

        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.event()).isEqualTo("alert.firing");
            assertThat(n.title()).isEqualTo("[FIRING] The newest mongodb backup in us-east-1 failed");
            assertThat(n.facts()).containsEntry("Sent by", "node-a").containsEntry("Store", "mongodb");
        });
        assertThat(memory.read("alerts/firing").orElseThrow().content().at("/alerts/0/key").asText())
                .isEqualTo("DrBackupFailed/mongodb/us-east-1");
        assertThat(meters.get("dr.alerts.firing").tag("alert", "DrBackupFailed").gauge().value()).isEqualTo(1);
        assertThat(meters.get("dr.alerts.firing").tag("alert", "DrRpoBreached").gauge().value()).isZero();
        assertThat(meters.get("dr_alert_notifications_total").tags("alert", "DrBackupFailed", "kind", "firing")
                .counter().count()).isEqualTo(1);
    }

    private double count(String counter) {
        var found = meters.find(counter).counter();
        return found == null ? 0 : found.count();
    }

    /** One MongoDB store whose newest backup failed, a completed one an hour before: nothing else to alert on. */
    private record FailedBackup(Clock clock) implements AlertSources {

        @Override
        public String activeRegion() {
            return "us-east-1";
        }

        @Override
        public List<StoreKind> stores() {
            return List.of(StoreKind.MONGODB);
        }

        @Override
        public List<BackupRecord> backups(StoreKind store) {
            Instant now = clock.instant();
            return List.of(backup("b2", BackupStatus.FAILED, now), backup("b1", BackupStatus.COMPLETED, now.minusSeconds(3600)));
        }

        @Override
        public List<RecoveryObjectives.StoreObjectives> objectives() {
            return List.of();
        }

        @Override
        public Optional<ReplicationReport> replication() {
            return Optional.empty();
        }

        @Override
        public List<Conflict> openConflicts() {
            return List.of();
        }

        @Override
        public Optional<DrillResult> newestDrill(DrillType type) {
            return Optional.empty();
        }

        private static BackupRecord backup(String id, BackupStatus status, Instant at) {
            return new BackupRecord(id, "full", "mongodb", "us-east-1", status, "schedule", at.minusSeconds(5), at, null,
                    5000L, null, null, null, null, null, null, null, status == BackupStatus.FAILED ? "refused" : null, null);
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("dr-alerts-route");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
