package io.devflow.dr.monitoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What k8s/monitoring ships (the Grafana dashboard and the alert rules) and the metric names their PromQL uses. */
final class MonitoringFiles {

    static final Path DIRECTORY = Path.of("k8s", "monitoring");
    static final Path DASHBOARD = DIRECTORY.resolve("dr-dashboard.json");
    static final Path RULES = DIRECTORY.resolve("dr-alerts.rules.yaml");
    static final Path RULE_TESTS = DIRECTORY.resolve("dr-alerts.test.yaml");
    static final Path PROMETHEUS_RULE = DIRECTORY.resolve("dr-alerts.prometheusrule.yaml");

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final ObjectMapper JSON = new ObjectMapper();

    private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern LABEL_MATCHERS = Pattern.compile("\\{[^{}]*}");
    /** A name followed by an opening parenthesis is a function or an aggregation, not a metric. */
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w:$.])([a-zA-Z_:][\\w:]*)(?![\\w:])(\\s*\\()?");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool", "inf", "nan", "atan2");

    private MonitoringFiles() {
    }

    static JsonNode dashboard() {
        return read(JSON, DASHBOARD);
    }

    static JsonNode rules() {
        return read(YAML, RULES);
    }

    static JsonNode ruleTests() {
        return read(YAML, RULE_TESTS);
    }

    /** The dashboard's panels, those nested in collapsed rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every PromQL expression of the dashboard: its panels' targets, its annotations and its variables' queries. */
    static List<String> dashboardExpressions(JsonNode dashboard) {
        List<String> expressions = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            panel.path("targets").forEach(t -> expressions.add(t.path("expr").asText()));
        }
        dashboard.path("annotations").path("list").forEach(a -> expressions.add(a.path("expr").asText()));
        return expressions;
    }

    /** The dashboard's expressions as Prometheus sees them once Grafana has put in its variables. */
    static String withVariablesFilledIn(String expression) {
        return expression.replace("$__rate_interval", "5m").replace("$region", ".*").replace("$store", ".*");
    }

    /** The metrics the dashboard's variables list their values from ({@code label_values(metric, label)}). */
    static List<String> variableMetrics(JsonNode dashboard) {
        List<String> metrics = new ArrayList<>();
        Pattern labelValues = Pattern.compile("label_values\\(\\s*([a-zA-Z_:][\\w:]*)");
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            Matcher m = labelValues.matcher(variable.path("definition").asText());
            if (m.find()) {
                metrics.add(m.group(1));
            }
        }
        return metrics;
    }

    /** Every rule of every group. */
    static List<JsonNode> ruleList(JsonNode rules) {
        List<JsonNode> all = new ArrayList<>();
        rules.path("groups").forEach(group -> group.path("rules").forEach(all::add));
        return all;
    }

    /** The PromQL of the rules: their expressions and the queries their annotations run. */
    static List<String> ruleExpressions(JsonNode rules) {
        List<String> expressions = new ArrayList<>();
        Pattern query = Pattern.compile("query\\s+\"((?:[^\"\\\\]|\\\\.)*)\"");
        for (JsonNode rule : ruleList(rules)) {
            expressions.add(rule.path("expr").asText());
            rule.path("annotations").forEach(a -> {
                Matcher m = query.matcher(a.asText());
                while (m.find()) {
                    expressions.add(m.group(1));
                }
            });
        }
        return expressions;
    }

    /** The series the rules record themselves: names a query may use that no scrape provides. */
    static Set<String> recordedNames(JsonNode rules) {
        Set<String> names = new TreeSet<>();
        ruleList(rules).stream().filter(r -> r.has("record")).forEach(r -> names.add(r.path("record").asText()));
        return names;
    }

    /**
     * The metric names a PromQL expression selects: identifiers outside strings and label matchers that are neither
     * functions, aggregations, keywords nor the labels of a {@code by (...)} clause.
     */
    static Set<String> metricNames(String expression) {
        String stripped = LABEL_MATCHERS.matcher(QUOTED.matcher(expression).replaceAll("\"\"")).replaceAll(" ");
        stripped = stripped.replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        stripped = stripped.replaceAll("\\[[^\\]]*]", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String name = m.group(1);
            if (m.group(2) == null && !KEYWORDS.contains(name.toLowerCase())) {
                names.add(name);
            }
        }
        return names;
    }

    static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
