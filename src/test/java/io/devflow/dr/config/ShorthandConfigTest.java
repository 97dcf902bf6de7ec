package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The seed guide's quick-start layout (backup.mongodb, backup.storage.config) read as one primary region. */
class ShorthandConfigTest {

    /** The quick start of the seed's guide, byte for byte. */
    static String seedQuickStart() {
        try (InputStream in = ShorthandConfigTest.class.getResourceAsStream("/seed/quick-start-config.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The quick start with what the seed's guide gives elsewhere (its encryption block) and a deployment id. */
    static ObjectNode seedQuickStartCompleted() {
        ObjectNode root = parse(seedQuickStart());
        ObjectNode dr = at(root, "/disasterRecovery");
        dr.put("deploymentId", "devflow-prod");
        at(root, "/disasterRecovery/backup").putObject("encryption").put("enabled", true).put("keyId", "aws-kms-key-id");
        return root;
    }

    @Test
    void shouldReadEveryFieldOfTheSeedsQuickStartAndAskOnlyForTheDeploymentIdAndTheEncryptionItLeavesOut() {
        List<ConfigProblem> problems = problems(parse(seedQuickStart()));

        assertThat(problems).extracting(ConfigProblem::path)
                .containsExactlyInAnyOrder("disasterRecovery.deploymentId", "disasterRecovery.backup.encryption");
        assertThat(problems).filteredOn(p -> p.path().endsWith("encryption")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("\"provider\": \"aws-kms\"").contains("keyId");
    }

    @Test
    void shouldMapTheQuickStartOntoOnePrimaryRegionNamedByItsStorageRegion() {
        DrConfig config = TestConfigs.load(seedQuickStartCompleted());

        RegionId east = RegionId.of("us-east-1");
        assertThat(config.regions()).containsOnlyKeys(east);
        assertThat(config.shorthandRegion()).contains(east);
        RegionConfig region = config.primaryRegion();
        assertThat(region.id()).isEqualTo(east);
        assertThat(region.role()).isEqualTo(RegionRole.PRIMARY);
        assertThat(region.redis()).isEmpty();
        assertThat(region.influxdb()).isEmpty();
        assertThat(region.mongodb()).get().satisfies(m -> {
            assertThat(m.url().reveal()).isEqualTo("mongodb://mongodb:27017");
            assertThat(m.databases()).containsExactly("devflow");
            assertThat(m.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(10));
        });
        assertThat(region.storage()).isEqualTo(new StorageConfig("s3", "devflow-backups", "us-east-1", Optional.empty(),
                "devflow-dr", false, Optional.empty(), Optional.empty()));
        assertThat(config.recovery().rtoMinutes()).isEqualTo(30);
        assertThat(config.recovery().rpoMinutes()).isEqualTo(5);
        assertThat(config.recovery().autoFailover()).isTrue();
        assertThat(config.backup().encryption().provider()).isEqualTo(KeyProviderKind.AWS_KMS);
        assertThat(config.backup().encryption().keyId()).contains("aws-kms-key-id");
        assertThat(config.backup().encryption().kmsRegion()).isEqualTo("us-east-1");
    }

    @Test
    void shouldReadTheSameRegionAsTheFullFormOfTheSameSettings() {
        ObjectNode full = seedQuickStartCompleted();
        ObjectNode backup = at(full, "/disasterRecovery/backup");
        ObjectNode region = at(full, "/disasterRecovery").putObject("regions").putObject("us-east-1");
        region.put("role", "primary");
        region.set("mongodb", backup.remove("mongodb"));
        ObjectNode storage = (ObjectNode) backup.remove("storage");
        region.putObject("storage").put("type", "s3").setAll((ObjectNode) storage.get("config"));

        DrConfig fromFull = TestConfigs.load(full);
        DrConfig fromShorthand = TestConfigs.load(seedQuickStartCompleted());

        assertThat(fromShorthand.regions().keySet()).isEqualTo(fromFull.regions().keySet());
        RegionConfig a = fromShorthand.primaryRegion();
        RegionConfig b = fromFull.primaryRegion();
        assertThat(a.storage()).isEqualTo(b.storage());
        assertThat(a.mongodb().orElseThrow().databases()).isEqualTo(b.mongodb().orElseThrow().databases());
        assertThat(a.mongodb().orElseThrow().url().reveal()).isEqualTo(b.mongodb().orElseThrow().url().reveal());
        assertThat(fromShorthand.backup()).isEqualTo(fromFull.backup());
        assertThat(fromShorthand.recovery()).isEqualTo(fromFull.recovery());
        assertThat(fromFull.shorthandRegion()).isEmpty();
        assertThat(fromFull.shorthandNote()).isEmpty();
    }

    @Test
    void shouldTakeEveryStorageSettingOfTheFullFormInStorageConfig() {
        ObjectNode root = seedQuickStartCompleted();
        ObjectNode config = at(root, "/disasterRecovery/backup/storage/config");
        config.put("region", "eu-west-1").put("endpoint", "http://127.0.0.1:9000").put("prefix", "/dr/");
        config.putObject("credentials").put("accessKeyId", "${env:KEY_ID}").put("secretAccessKey", "${env:SECRET}");
        at(root, "/disasterRecovery/backup/mongodb").remove("database");
        at(root, "/disasterRecovery/backup/mongodb").putArray("databases").add("devflow").add("audit");

        DrConfig loaded = TestConfigs.load(root, Map.of("KEY_ID", "AKIAEXAMPLE", "SECRET", "s3cret"));

        RegionConfig region = loaded.primaryRegion();
        assertThat(region.id()).isEqualTo(RegionId.of("eu-west-1"));
        assertThat(region.storage().endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(region.storage().pathStyleAccess()).isTrue();
        assertThat(region.storage().prefix()).isEqualTo("dr");
        assertThat(region.storage().accessKeyId().orElseThrow().reveal()).isEqualTo("AKIAEXAMPLE");
        assertThat(region.mongodb().orElseThrow().databases()).containsExactly("devflow", "audit");
        assertThat(loaded.shorthandNote()).hasValueSatisfying(note -> assertThat(note)
                .startsWith("read the single-region shorthand (backup.mongodb, backup.storage) as regions.eu-west-1")
                .contains("\"regions\": {\"eu-west-1\": {\"role\": \"primary\""));
    }

    @Test
    void shouldRefuseAFileMixingTheShorthandAndRegionsNamingEachShorthandKey() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode backup = at(root, "/disasterRecovery/backup");
        backup.putObject("mongodb").put("url", "mongodb://mongodb:27017").put("database", "devflow");
        backup.putObject("storage").put("type", "s3").putObject("config").put("bucket", "devflow-backups");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.backup.mongodb: the seed's single-region shorthand cannot be mixed with 'regions': "
                        + "move it to disasterRecovery.regions.<region>.mongodb, or leave out 'regions' and describe "
                        + "the one region with backup.mongodb and backup.storage",
                "disasterRecovery.backup.storage: the seed's single-region shorthand cannot be mixed with 'regions': "
                        + "move it to disasterRecovery.regions.<region>.storage (the keys of storage.config go beside "
                        + "type there), or leave out 'regions' and describe the one region with backup.mongodb and "
                        + "backup.storage");
    }

    @Test
    void shouldNameTheMissingHalfOfTheShorthand() {
        ObjectNode noStorage = seedQuickStartCompleted();
        at(noStorage, "/disasterRecovery/backup").remove("storage");
        ObjectNode noMongo = seedQuickStartCompleted();
        at(noMongo, "/disasterRecovery/backup").remove("mongodb");

        assertThat(problems(noStorage)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.storage");
            assertThat(p.message()).startsWith("required with the single-region shorthand").contains("\"config\"");
        });
        assertThat(problems(noMongo)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.mongodb");
            assertThat(p.message()).contains("needs the full form, disasterRecovery.regions.<region>");
        });
    }

    @Test
    void shouldRefuseWhatTheShorthandCannotSayNamingTheFieldAndTheFullForm() {
        ObjectNode root = seedQuickStartCompleted();
        at(root, "/disasterRecovery/backup").putObject("redis").put("url", "redis://redis:6379");
        at(root, "/disasterRecovery/backup/storage").put("bucket", "flat-bucket");
        at(root, "/disasterRecovery/backup/storage/config").remove("region");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.backup.redis: the single-region shorthand (backup.mongodb, backup.storage) describes "
                        + "MongoDB only: write the file in the full form, with the region's stores under "
                        + "disasterRecovery.regions.<region> (role, mongodb, redis, storage)",
                "disasterRecovery.backup.storage.bucket: unknown key; known keys here are type, config",
                "disasterRecovery.backup.storage.config.region: required with the single-region shorthand "
                        + "(backup.mongodb, backup.storage): it names the one region, as regions.<region> does in the "
                        + "full form (e.g. \"us-east-1\")");
    }

    @Test
    void shouldCheckTheShorthandsValuesAsTheFullFormDoesUnderTheirOwnPaths() {
        ObjectNode root = seedQuickStartCompleted();
        at(root, "/disasterRecovery/backup/mongodb").put("url", "http://mongodb:27017");
        at(root, "/disasterRecovery/backup/storage").put("type", "gcs");
        at(root, "/disasterRecovery/backup/storage/config").put("bucket", "Not_A_Bucket").put("region", "US-EAST-1");

        assertThat(problems(root)).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "disasterRecovery.backup.mongodb.url",
                "disasterRecovery.backup.storage.type",
                "disasterRecovery.backup.storage.config.bucket",
                "disasterRecovery.backup.storage.config.region");
    }

    private static ObjectNode parse(String text) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<ConfigProblem> problems(ObjectNode root) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));
        assertThat(failure).as("the configuration should have been refused").isNotNull();
        return failure.problems();
    }
}
