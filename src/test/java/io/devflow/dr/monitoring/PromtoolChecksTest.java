package io.devflow.dr.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.PromtoolAvailable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prometheus's own tool on what k8s/monitoring ships: the alert rules are valid ({@code promtool check rules}) and
 * pass their unit tests ({@code promtool test rules}), and every query of the dashboard is PromQL Prometheus parses
 * (checked as recording rules, since promtool parses no lone expression).
 */
@PromtoolAvailable
class PromtoolChecksTest {

    @Test
    void shouldFindTheAlertRulesValid() throws Exception {
        Run run = promtool("check", "rules", MonitoringFiles.RULES.toString());

        int rules = MonitoringFiles.ruleList(MonitoringFiles.rules()).size();
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: " + rules + " rules found");
    }

    @Test
    void shouldPassEveryUnitTestOfTheAlertRules() throws Exception {
        Run run = promtool("test", "rules", MonitoringFiles.RULE_TESTS.toString());

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    @Test
    void shouldParseEveryQueryOfTheDashboard(@TempDir Path dir) throws Exception {
        JsonNode dashboard = MonitoringFiles.dashboard();
        List<String> expressions = MonitoringFiles.dashboardExpressions(dashboard);
        ObjectNode file = MonitoringFiles.YAML.createObjectNode();
        ObjectNode group = file.putArray("groups").addObject().put("name", "dashboard-queries");
        ArrayNode rules = group.putArray("rules");
        for (int i = 0; i < expressions.size(); i++) {
            rules.addObject().put("record", "dashboard:query_" + i).put("expr",
                    MonitoringFiles.withVariablesFilledIn(expressions.get(i)));
        }
        Path queries = dir.resolve("dashboard-queries.yaml");
        MonitoringFiles.YAML.writeValue(queries.toFile(), file);

        Run run = promtool("check", "rules", queries.toString());

        assertThat(expressions).hasSizeGreaterThan(20);
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.output()).contains("SUCCESS: " + expressions.size() + " rules found");
    }

    @Test
    void shouldRefuseAQueryThatIsNoPromQl(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        java.nio.file.Files.writeString(broken, "groups:\n  - name: broken\n    rules:\n      - record: dashboard:query_0\n"
                + "        expr: sum by (store (dr_backup_total)\n");

        Run run = promtool("check", "rules", broken.toString());

        assertThat(run.exitCode()).as(run.output()).isNotZero();
    }

    private record Run(int exitCode, String output) {
    }

    private static Run promtool(String... arguments) throws IOException, InterruptedException {
        Path promtool = PromtoolAvailable.Condition.executable().orElseThrow(() -> new AssertionError(
                "promtool is not on the PATH. " + PromtoolAvailable.INSTALL));
        List<String> command = new java.util.ArrayList<>(List.of(promtool.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
