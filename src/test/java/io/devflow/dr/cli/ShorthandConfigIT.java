package io.devflow.dr.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoCollection;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A configuration in the seed guide's quick-start layout (backup.mongodb, backup.storage.config, one region) against
 * a real MongoDB and S3 store: validated with a note on how it was read, then a full backup, its verification and a
 * restore of the same documents, as with the full form.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ShorthandConfigIT {

    TestEnvironment env;
    String config;

    @BeforeAll
    void start(@TempDir Path dir) {
        env = TestEnvironment.start(dir, ShorthandConfigIT::toShorthand, EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, 150).mapToObj(BsonSamples::everyType).toList());
        config = env.configFile().toString();
    }

    @AfterAll
    void stop() {
        env.close();
    }

    /** The test environment's one region rewritten as the seed's quick start writes it. */
    private static void toShorthand(ObjectNode dr) {
        ObjectNode region = (ObjectNode) dr.remove("regions").get(EAST);
        ObjectNode mongodb = (ObjectNode) region.get("mongodb");
        mongodb.remove("databases");
        mongodb.put("database", "devflow");
        ObjectNode storageConfig = (ObjectNode) region.get("storage");
        storageConfig.remove("type");
        ObjectNode backup = (ObjectNode) dr.get("backup");
        backup.set("mongodb", mongodb);
        backup.putObject("storage").put("type", "s3").set("config", storageConfig);
        dr.putObject("recovery").put("rto", 30).put("rpo", 5).put("autoFailover", true);
    }

    @Test
    void shouldSayInValidateHowTheShorthandWasReadAndWhatItsFullFormIs() throws Exception {
        assertThat(Json.MAPPER.readTree(Files.readString(env.configFile())).path("disasterRecovery").has("regions"))
                .as("the file under test is the shorthand").isFalse();

        CliRun text = CliRun.of("--config", config, "config", "validate");
        CliRun json = CliRun.of("--config", config, "config", "validate", "--output", "json");

        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.out().lines()).contains("  note: read the single-region shorthand (backup.mongodb, "
                + "backup.storage) as regions.us-east-1 (role primary); the full form is \"regions\": {\"us-east-1\": "
                + "{\"role\": \"primary\", \"mongodb\": <backup.mongodb>, \"storage\": {\"type\": \"s3\", <the keys of "
                + "backup.storage.config>}}}, which also takes redis, influxdb and more regions");
        assertThat(text.out()).contains("us-east-1 (primary): mongodb://").contains("[devflow]")
                .contains("s3://" + TestEnvironment.bucket(EAST) + "/dr");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode answer = Json.MAPPER.readTree(json.out());
        assertThat(answer.path("valid").asBoolean()).isTrue();
        assertThat(answer.path("form").asText()).isEqualTo("single-region shorthand");
        assertThat(answer.path("note").asText()).startsWith("read the single-region shorthand");
        assertThat(answer.path("regions").properties()).extracting(java.util.Map.Entry::getKey).containsExactly(EAST);
    }

    @Test
    void shouldBackUpVerifyAndRestoreWithTheShorthand() throws Exception {
        CliRun backup = CliRun.of("--config", config, "backup", "--type", "full", "--output", "json");
        assertThat(backup.exitCode()).as(backup.toString()).isZero();
        JsonNode result = Json.MAPPER.readTree(backup.out());
        String id = result.path("id").asText();
        assertThat(result.path("region").asText()).isEqualTo(EAST);
        assertThat(result.path("store").asText()).isEqualTo("mongodb");

        CliRun verify = CliRun.of("--config", config, "verify", id, "--level", "full");
        CliRun restore = CliRun.of("--config", config, "restore", id, "--target-region", EAST,
                "--target-database", "devflow=shorthand_restored", "--yes");

        assertThat(verify.exitCode()).as(verify.toString()).isZero();
        assertThat(verify.out()).contains("verified (full): passed");
        assertThat(restore.exitCode()).as(restore.toString()).isZero();
        assertThat(documents(env.client(EAST).getDatabase("shorthand_restored").getCollection("things")))
                .hasSize(150)
                .isEqualTo(documents(env.client(EAST).getDatabase("devflow").getCollection("things")));
    }

    private static List<Document> documents(MongoCollection<Document> collection) {
        return collection.find().sort(new Document("_id", 1)).into(new ArrayList<>());
    }
}
