package io.devflow.dr.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of what k8s/monitoring ships: a dashboard Grafana imports (variables for the data source and the region,
 * a query in every panel, the seed's five metrics shown), and alert rules each with a severity, words for the person
 * woken up, a runbook section that exists, and unit tests that see it fire and stay quiet.
 */
class MonitoringFilesTest {

    static final List<String> SEED_METRICS = List.of("dr_backup_success_rate", "dr_replication_lag",
            "dr_failover_duration", "dr_rto_compliance", "dr_rpo_compliance");

    @Test
    void shouldDescribeAnImportableDashboardWithADataSourceAndARegionVariable() {
        JsonNode dashboard = MonitoringFiles.dashboard();

        assertThat(dashboard.path("uid").asText()).isEqualTo("devflow-dr");
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(36);
        assertThat(dashboard.path("title").asText()).isNotBlank();
        Map<String, String> variables = new TreeMap<>();
        dashboard.path("templating").path("list").forEach(v -> variables.put(v.path("name").asText(), v.path("type").asText()));
        assertThat(variables).containsEntry("datasource", "datasource").containsEntry("region", "query");
        assertThat(dashboard.path("templating").path("list").get(0).path("query").asText()).isEqualTo("prometheus");
    }

    @Test
    void shouldQueryTheChosenDataSourceInEveryPanelWithUniqueIdsAndNoOverlap() {
        List<JsonNode> panels = MonitoringFiles.panels(MonitoringFiles.dashboard());
        Set<Integer> ids = new HashSet<>();

        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            assertThat(ids.add(panel.path("id").asInt())).as("id of " + title + " is unique").isTrue();
            if ("row".equals(panel.path("type").asText())) {
                continue;
            }
            assertThat(panel.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            assertThat(panel.path("targets")).as(title + " has a query").isNotEmpty();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText()).as(title).isNotBlank();
                assertThat(target.path("datasource").path("uid").asText()).as(title).isEqualTo("${datasource}");
            }
        }
        assertNoOverlap(panels);
    }

    @Test
    void shouldShowTheSeedsFiveMetricsAndFilterByRegion() {
        JsonNode dashboard = MonitoringFiles.dashboard();
        Set<String> names = MonitoringFiles.dashboardExpressions(dashboard).stream()
                .flatMap(e -> MonitoringFiles.metricNames(e).stream()).collect(Collectors.toSet());
        String all = String.join("\n", MonitoringFiles.dashboardExpressions(dashboard));

        // the Prometheus registry appends the unit (and _count, _sum, _max) to a timer's name
        assertThat(SEED_METRICS).allSatisfy(seed -> assertThat(names).as(seed)
                .anySatisfy(name -> assertThat(name.equals(seed) || name.startsWith(seed + "_seconds")).isTrue()));
        assertThat(names).contains("dr_backup_size_bytes_sum", "dr_backup_duration_seconds_sum",
                "dr_replication_conflicts_total", "dr_notifications_total", "dr_drill_passed");
        assertThat(all).contains("region=~\"$region\"").contains("target=~\"$region\"");
    }

    @Test
    void shouldGiveEveryAlertASeverityWordsAndARunbookSectionThatExists() throws Exception {
        Set<String> anchors = Files.readAllLines(Path.of("README.md")).stream().filter(l -> l.startsWith("#"))
                .map(MonitoringFilesTest::anchor).collect(Collectors.toSet());
        List<JsonNode> alerts = MonitoringFiles.ruleList(MonitoringFiles.rules());

        assertThat(alerts).hasSizeGreaterThanOrEqualTo(10);
        for (JsonNode alert : alerts) {
            String name = alert.path("alert").asText();
            assertThat(name).as("every rule is an alert").isNotBlank();
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("critical", "warning");
            assertThat(alert.path("annotations").path("summary").asText()).as(name).isNotBlank();
            assertThat(alert.path("annotations").path("description").asText()).as(name).isNotBlank();
            assertThat(alert.path("annotations").path("runbook").asText()).as(name)
                    .isEqualTo("README.md#" + name.toLowerCase());
            assertThat(anchors).as("README section for " + name).contains(name.toLowerCase());
        }
    }

    @Test
    void shouldCoverTheAlertsTheIssueAsksFor() {
        Set<String> names = MonitoringFiles.ruleList(MonitoringFiles.rules()).stream().map(a -> a.path("alert").asText())
                .collect(Collectors.toSet());

        assertThat(names).contains("DrBackupFailed", "DrRpoBreached", "DrRtoBreached", "DrReplicationDegraded",
                "DrReplicationFailed", "DrConflictsOpenTooLong", "DrDrillFailed", "DrFailoverHappened",
                "DrFailoverFailed");
    }

    @Test
    void shouldWrapExactlyTheRulesFileInThePrometheusRule() {
        JsonNode wrapper = MonitoringFiles.read(MonitoringFiles.YAML, MonitoringFiles.PROMETHEUS_RULE);

        assertThat(wrapper.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(wrapper.path("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(wrapper.path("metadata").path("name").asText()).isEqualTo("devflow-dr-alerts");
        assertThat(wrapper.path("spec").path("groups")).isEqualTo(MonitoringFiles.rules().path("groups"));
    }

    @Test
    void shouldTestEveryAlertFiringAndStayingQuiet() {
        Set<String> fires = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : MonitoringFiles.ruleTests().path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? quiet : fires).add(check.path("alertname").asText());
            }
        }

        for (JsonNode alert : MonitoringFiles.ruleList(MonitoringFiles.rules())) {
            String name = alert.path("alert").asText();
            assertThat(fires).as(name + " is seen firing").contains(name);
            assertThat(quiet).as(name + " is seen quiet").contains(name);
        }
    }

    @Test
    void shouldReadMetricNamesOutOfPromQl() {
        assertThat(MonitoringFiles.metricNames("sum by (store, type) (increase(dr_backup_total{result=\"failure\","
                + "store=~\"$store\"}[1h])) / on (store) group_left max(dr_x_seconds_count offset 5m) > bool 4 * 3600"))
                .containsExactly("dr_backup_total", "dr_x_seconds_count");
        assertThat(MonitoringFiles.metricNames("time() - dr_backup_last_success_seconds and changes(up[2m:]) > 0"))
                .containsExactly("dr_backup_last_success_seconds", "up");
    }

    /** GitHub's anchor of a Markdown heading. */
    private static String anchor(String heading) {
        return heading.replaceFirst("^#+\\s*", "").trim().toLowerCase().replaceAll("[^a-z0-9 _-]", "").replace(' ', '-');
    }

    private static void assertNoOverlap(List<JsonNode> panels) {
        for (int i = 0; i < panels.size(); i++) {
            for (int j = i + 1; j < panels.size(); j++) {
                JsonNode a = panels.get(i).path("gridPos");
                JsonNode b = panels.get(j).path("gridPos");
                boolean apart = a.path("x").asInt() + a.path("w").asInt() <= b.path("x").asInt()
                        || b.path("x").asInt() + b.path("w").asInt() <= a.path("x").asInt()
                        || a.path("y").asInt() + a.path("h").asInt() <= b.path("y").asInt()
                        || b.path("y").asInt() + b.path("h").asInt() <= a.path("y").asInt();
                assertThat(apart).as(panels.get(i).path("title") + " and " + panels.get(j).path("title") + " overlap")
                        .isTrue();
            }
        }
    }
}
