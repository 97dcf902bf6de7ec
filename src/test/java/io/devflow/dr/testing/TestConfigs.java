package io.devflow.dr.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.SecretResolver;

import java.nio.file.Path;
import java.util.Map;

/**
 * The smallest valid {@code dr-config.json} (a primary and a secondary region, local key provider), as a
 * mutable JSON tree so that each test can break or extend exactly what it is about.
 */
public final class TestConfigs {

    public static final Path SOURCE = Path.of("test-dr-config.json");

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String MINIMAL = """
            {
              "disasterRecovery": {
                "deploymentId": "devflow-test",
                "regions": {
                  "us-east-1": {
                    "role": "primary",
                    "mongodb": {"url": "mongodb://app:east-password@db-east:27017", "databases": ["devflow", "audit"]},
                    "storage": {"type": "s3", "bucket": "devflow-dr-east", "region": "us-east-1"}
                  },
                  "us-west-2": {
                    "role": "secondary",
                    "mongodb": {"url": "mongodb://db-west:27017", "databases": ["devflow", "audit"]},
                    "storage": {"type": "s3", "bucket": "devflow-dr-west", "region": "us-west-2"}
                  }
                },
                "backup": {
                  "encryption": {"provider": "local", "keyFile": "/etc/devflow-dr/keyring.json"}
                }
              }
            }
            """;

    private TestConfigs() {
    }

    public static ObjectNode minimal() {
        try {
            return (ObjectNode) JSON.readTree(MINIMAL);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object at a JSON pointer such as {@code /disasterRecovery/regions/us-west-2/storage}. */
    public static ObjectNode at(JsonNode root, String pointer) {
        JsonNode node = root.at(pointer);
        if (!node.isObject()) {
            throw new IllegalArgumentException("no object at " + pointer);
        }
        return (ObjectNode) node;
    }

    public static String text(JsonNode root) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static DrConfig load(JsonNode root) {
        return load(root, Map.of());
    }

    public static DrConfig load(JsonNode root, Map<String, String> environment) {
        return new ConfigLoader(SecretResolver.of(environment)).parse(text(root), SOURCE);
    }
}
