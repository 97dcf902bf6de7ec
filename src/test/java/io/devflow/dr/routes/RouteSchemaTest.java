package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every YAML route file validates against Camel's YAML DSL JSON schema, so a typo fails the build, and names and
 * describes its routes.
 */
class RouteSchemaTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static JsonSchema schema;

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = RouteSchemaTest.class.getClassLoader().getResourceAsStream("schema/camelYamlDsl.json")) {
            assertThat(in).as("camel-yaml-dsl ships its schema").isNotNull();
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(in);
        }
    }

    static Stream<Path> routeFiles() throws IOException {
        try (Stream<Path> files = Files.walk(Path.of("routes"))) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().toList();
            assertThat(list).isNotEmpty();
            return list.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("routeFiles")
    void shouldMatchTheYamlDslSchema(Path file) throws IOException {
        Set<ValidationMessage> problems = schema.validate(YAML.readTree(file.toFile()));

        assertThat(problems).as(file.toString()).isEmpty();
    }

    /**
     * Hawtio lists routes by id with their description: each route and route template has a kebab-case id and a
     * sentence saying what it does.
     */
    @ParameterizedTest
    @MethodSource("routeFiles")
    void shouldGiveEveryRouteAKebabCaseIdAndADescription(Path file) throws IOException {
        for (JsonNode item : YAML.readTree(file.toFile())) {
            JsonNode route = item.has("route") ? item.get("route")
                    : item.has("routeTemplate") ? item.get("routeTemplate").get("route") : null;
            if (route == null) {
                continue;
            }
            String id = item.has("route") ? route.path("id").asText() : item.get("routeTemplate").path("id").asText();
            assertThat(id).as(file + ": a route's id").matches("[a-z][a-z0-9]*(-[a-z0-9]+)*");
            assertThat(route.path("description").asText()).as(file + ": the description of " + id)
                    .matches("[A-Z].{19,119}").doesNotEndWith(".")
                    // a route's description is shown as written: template parameters are not put in
                    .doesNotContain("{{");
        }
    }

    @Test
    void shouldRejectAMisspelledKey() throws IOException {
        JsonNode route = YAML.readTree("""
                - route:
                    id: typo
                    from:
                      uri: direct:typo
                      steps:
                        - bean:
                            reff: backupPipeline
                """);

        assertThat(schema.validate(route)).isNotEmpty();
    }
}
