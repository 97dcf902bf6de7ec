package io.devflow.dr.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.devflow.dr.testing.TestConfigs.at;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigLoaderTest {

    private static final String ENCRYPTION = "/disasterRecovery/backup/encryption";

    @TempDir
    Path dir;

    @Test
    void shouldLoadAMinimalConfigWithTheDocumentedDefaults() {
        DrConfig config = TestConfigs.load(TestConfigs.minimal());

        assertThat(config.source()).isEqualTo(TestConfigs.SOURCE);
        assertThat(config.regions()).containsOnlyKeys(RegionId.of("us-east-1"), RegionId.of("us-west-2"));
        RegionConfig east = config.primaryRegion();
        assertThat(east.id()).isEqualTo(RegionId.of("us-east-1"));
        assertThat(east.role()).isEqualTo(RegionRole.PRIMARY);
        assertThat(east.mongodb()).get().satisfies(m -> {
            assertThat(m.databases()).containsExactly("devflow", "audit");
            assertThat(m.serverSelectionTimeout()).isEqualTo(Duration.ofSeconds(10));
            assertThat(m.url().reveal()).isEqualTo("mongodb://app:east-password@db-east:27017");
        });
        assertThat(east.storage()).isEqualTo(new StorageConfig("s3", "devflow-dr-east", "us-east-1", Optional.empty(),
                "devflow-dr", false, Optional.empty(), Optional.empty()));
        assertThat(config.requireRegion("us-west-2").role()).isEqualTo(RegionRole.SECONDARY);

        BackupConfig backup = config.backup();
        assertThat(backup.retention()).isEqualTo(new RetentionConfig(7, 4, 12));
        assertThat(backup.schedule()).isEqualTo(new ScheduleConfig("0 0 2 * * ?", "0 0 * * * ?", "0 0 3 ? * SUN", "UTC"));
        assertThat(backup.verify()).isEqualTo(VerifyLevel.FULL);
        assertThat(backup.partSizeMiB()).isEqualTo(16);
        assertThat(backup.compressionLevel()).isEqualTo(3);
        assertThat(backup.retry()).isEqualTo(new RetryConfig(3, Duration.ofSeconds(2), Duration.ofMinutes(1)));
        assertThat(backup.encryption()).isEqualTo(new EncryptionConfig(KeyProviderKind.LOCAL, Optional.empty(),
                Optional.of(Path.of("/etc/devflow-dr/keyring.json")), Optional.empty(), Optional.empty(), "us-east-1"));
        assertThat(config.recovery()).isEqualTo(RecoveryConfig.of(30, 5, false, config.source()));
        assertThat(config.api()).isEqualTo(new ApiConfig("127.0.0.1", 8080, Optional.empty(), false, List.of(), List.of()));
    }

    @Test
    void shouldLoadEveryOptionalSettingIntoItsRecord() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode dr = at(root, "/disasterRecovery");
        ObjectNode westStorage = at(root, "/disasterRecovery/regions/us-west-2/storage");
        westStorage.put("endpoint", "http://127.0.0.1:9000").put("prefix", "/dr/west/");
        westStorage.putObject("credentials").put("accessKeyId", "${env:WEST_KEY}").put("secretAccessKey", "${env:WEST_SECRET}");
        at(root, "/disasterRecovery/regions/us-west-2/mongodb").put("serverSelectionTimeoutMs", 2500);
        ObjectNode backup = at(root, "/disasterRecovery/backup");
        backup.putObject("encryption").put("provider", "aws-kms").put("keyId", "alias/devflow-dr")
                .put("endpoint", "https://kms.example.com").put("region", "eu-west-1");
        backup.putObject("retention").put("daily", 3).put("weekly", 2).put("monthly", 6);
        backup.putObject("schedule").put("full", "0 30 1 * * ?").put("incremental", "0 */15 * * * ?")
                .put("retention", "0 0 4 ? * SAT").put("timezone", "Europe/Berlin");
        backup.put("verify", "restore").put("partSizeMiB", 64).put("compressionLevel", 9);
        backup.putObject("retry").put("maxRedeliveries", 5).put("initialDelayMs", 100).put("maxDelayMs", 1000);
        dr.putObject("recovery").put("rto", 60).put("rpo", 15).put("autoFailover", true);
        dr.putObject("api").put("host", "127.0.0.1").put("port", 9443).put("token", "${env:DR_API_TOKEN}");

        DrConfig config = TestConfigs.load(root);

        StorageConfig west = config.requireRegion("us-west-2").storage();
        assertThat(west.endpoint()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(west.prefix()).isEqualTo("dr/west");
        assertThat(west.pathStyleAccess()).isTrue();
        assertThat(west.location()).isEqualTo("s3://devflow-dr-west/dr/west");
        assertThat(west.accessKeyId()).get().extracting(Secret::display).isEqualTo("${env:WEST_KEY}");
        assertThat(config.requireRegion("us-west-2").requireMongodb().serverSelectionTimeout()).isEqualTo(Duration.ofMillis(2500));
        assertThat(config.backup().encryption()).isEqualTo(new EncryptionConfig(KeyProviderKind.AWS_KMS,
                Optional.of("alias/devflow-dr"), Optional.empty(), Optional.empty(),
                Optional.of(URI.create("https://kms.example.com")), "eu-west-1"));
        assertThat(config.backup().retention()).isEqualTo(new RetentionConfig(3, 2, 6));
        assertThat(config.backup().schedule()).isEqualTo(new ScheduleConfig("0 30 1 * * ?", "0 */15 * * * ?", "0 0 4 ? * SAT", "Europe/Berlin"));
        assertThat(config.backup().verify()).isEqualTo(VerifyLevel.RESTORE);
        assertThat(config.backup().partSizeMiB()).isEqualTo(64);
        assertThat(config.backup().compressionLevel()).isEqualTo(9);
        assertThat(config.backup().retry()).isEqualTo(new RetryConfig(5, Duration.ofMillis(100), Duration.ofSeconds(1)));
        assertThat(config.recovery()).isEqualTo(RecoveryConfig.of(60, 15, true, config.source()));
        assertThat(config.api().host()).isEqualTo("127.0.0.1");
        assertThat(config.api().port()).isEqualTo(9443);
        assertThat(config.api().token()).get().extracting(Secret::path).isEqualTo("disasterRecovery.api.token");
    }

    @Test
    void shouldAcceptTheSeedsSingleDatabase() {
        ObjectNode root = TestConfigs.minimal();
        ObjectNode mongo = at(root, "/disasterRecovery/regions/us-east-1/mongodb");
        mongo.remove("databases");
        mongo.put("database", "devflow");

        DrConfig config = TestConfigs.load(root);

        assertThat(config.primaryRegion().requireMongodb().databases()).containsExactly("devflow");
    }

    @Test
    void shouldRefuseBothDatabaseAndDatabases() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-east-1/mongodb").put("database", "devflow");

        assertThat(problems(root)).extracting(ConfigProblem::path)
                .contains("disasterRecovery.regions.us-east-1.mongodb.database");
    }

    @Test
    void shouldReportEveryProblemAtOnceWithItsJsonPath() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-west-2/storage").remove("bucket");
        at(root, "/disasterRecovery/backup").putObject("schedule").put("full", "every night at two");
        at(root, "/disasterRecovery/backup").putObject("retension").put("daily", 7);

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure).isNotNull();
        assertThat(failure.problems()).hasSize(3);
        assertThat(failure.problems()).contains(
                new ConfigProblem("disasterRecovery.regions.us-west-2.storage.bucket", "required"));
        assertThat(failure.problems()).map(ConfigProblem::toString).contains(
                "disasterRecovery.regions.us-west-2.storage.bucket: required");
        assertThat(failure.problems()).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.schedule.full");
            assertThat(p.message()).contains("'every night at two' is not a Quartz cron expression");
        });
        assertThat(failure.problems()).anySatisfy(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.retension");
            assertThat(p.message()).startsWith("unknown key; known keys here are encryption, retention")
                    .doesNotContain("mongodb").doesNotContain("storage");
        });
        assertThat(failure.getMessage())
                .startsWith("configuration " + TestConfigs.SOURCE + " has 3 problems:")
                .contains("  disasterRecovery.regions.us-west-2.storage.bucket: required");
    }

    @Test
    void shouldRequireTheRootObject() {
        ConfigException failure = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.system().parse("{\"regions\": {}}", TestConfigs.SOURCE));

        assertThat(failure.problems()).extracting(ConfigProblem::path).containsExactly("disasterRecovery");
    }

    @Test
    void shouldRequireExactlyOnePrimaryRegion() {
        ObjectNode twoPrimaries = TestConfigs.minimal();
        at(twoPrimaries, "/disasterRecovery/regions/us-west-2").put("role", "primary");
        ObjectNode noPrimary = TestConfigs.minimal();
        at(noPrimary, "/disasterRecovery/regions/us-east-1").put("role", "secondary");

        assertThat(problems(twoPrimaries)).containsExactly(new ConfigProblem("disasterRecovery.regions",
                "exactly one region must have \"role\": \"primary\", found 2"));
        assertThat(problems(noPrimary)).containsExactly(new ConfigProblem("disasterRecovery.regions",
                "exactly one region must have \"role\": \"primary\", found 0"));
    }

    @Test
    void shouldRefuseUnencryptedBackups() {
        ObjectNode root = TestConfigs.minimal();
        at(root, ENCRYPTION).put("enabled", false);

        assertThat(problems(root)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.encryption.enabled");
            assertThat(p.message()).contains("always encrypted");
        });
    }

    @Test
    void shouldAcceptEncryptionEnabledTrue() {
        ObjectNode root = TestConfigs.minimal();
        at(root, ENCRYPTION).put("enabled", true);

        assertThat(TestConfigs.load(root).backup().encryption().provider()).isEqualTo(KeyProviderKind.LOCAL);
    }

    @Test
    void shouldRequireExactlyOneOfKeyFileAndMasterKeyForTheLocalProvider() {
        ObjectNode neither = TestConfigs.minimal();
        at(neither, ENCRYPTION).remove("keyFile");
        ObjectNode both = TestConfigs.minimal();
        at(both, ENCRYPTION).put("masterKey", "${env:DR_MASTER_KEY}").put("keyId", "master-1");

        for (ObjectNode root : List.of(neither, both)) {
            assertThat(problems(root)).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("disasterRecovery.backup.encryption");
                assertThat(p.message()).contains("exactly one of keyFile").contains("masterKey");
            });
        }
    }

    @Test
    void shouldAcceptAMasterKeyWithAKeyIdAndRequireTheKeyId() {
        ObjectNode withKeyId = TestConfigs.minimal();
        at(withKeyId, ENCRYPTION).remove("keyFile");
        at(withKeyId, ENCRYPTION).put("masterKey", "${env:DR_MASTER_KEY}").put("keyId", "master-1");
        ObjectNode withoutKeyId = TestConfigs.minimal();
        at(withoutKeyId, ENCRYPTION).remove("keyFile");
        at(withoutKeyId, ENCRYPTION).put("masterKey", "${env:DR_MASTER_KEY}");

        EncryptionConfig encryption = TestConfigs.load(withKeyId).backup().encryption();
        assertThat(encryption.keyId()).contains("master-1");
        assertThat(encryption.masterKey()).get().extracting(Secret::display).isEqualTo("${env:DR_MASTER_KEY}");
        assertThat(problems(withoutKeyId)).extracting(ConfigProblem::path)
                .containsExactly("disasterRecovery.backup.encryption.keyId");
    }

    @Test
    void shouldRequireAKeyIdForAwsKms() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").putObject("encryption").put("provider", "aws-kms");
        ObjectNode defaultProvider = TestConfigs.minimal();
        at(defaultProvider, "/disasterRecovery/backup").putObject("encryption");

        for (ObjectNode config : List.of(root, defaultProvider)) {
            assertThat(problems(config)).singleElement().satisfies(p -> {
                assertThat(p.path()).isEqualTo("disasterRecovery.backup.encryption.keyId");
                assertThat(p.message()).startsWith("required");
            });
        }
    }

    @Test
    void shouldRefuseLocalKeySettingsWithAwsKms() {
        ObjectNode root = TestConfigs.minimal();
        at(root, ENCRYPTION).put("provider", "aws-kms").put("keyId", "alias/dr");

        assertThat(problems(root)).containsExactly(new ConfigProblem("disasterRecovery.backup.encryption",
                "keyFile and masterKey belong to the local provider, not aws-kms"));
    }

    @Test
    void shouldRefuseAnUnknownProvider() {
        ObjectNode root = TestConfigs.minimal();
        at(root, ENCRYPTION).put("provider", "vault");

        assertThat(problems(root)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.encryption.provider");
            assertThat(p.message()).contains("local or aws-kms").contains("vault");
        });
    }

    @Test
    void shouldReportMistypedAndOutOfRangeValues() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").put("partSizeMiB", 2).put("verify", "paranoid").put("compressionLevel", "high");
        at(root, "/disasterRecovery/regions/us-east-1/storage").put("bucket", "Not_A_Bucket");
        at(root, "/disasterRecovery/regions/us-west-2/mongodb").put("url", "postgres://db-west");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.backup.partSizeMiB: must be between 5 and 5120, was 2",
                "disasterRecovery.backup.verify: must be quick, full or restore, was 'paranoid'",
                "disasterRecovery.backup.compressionLevel: must be a whole number",
                "disasterRecovery.regions.us-east-1.storage.bucket: 'Not_A_Bucket' is not a valid bucket name "
                        + "(3-63 lower-case letters, digits, '.', '-')",
                "disasterRecovery.regions.us-west-2.mongodb.url: must start with mongodb:// or mongodb+srv://");
    }

    @Test
    void shouldNameLineAndColumnOfInvalidJson() {
        String text = "{\n  \"disasterRecovery\": {\n    \"regions\": ,\n  }\n}\n";

        assertThatThrownBy(() -> ConfigLoader.system().parse(text, TestConfigs.SOURCE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TestConfigs.SOURCE + " is not valid JSON: line 3, column 16");
    }

    @Test
    void shouldSayWhatIsWrongWithTruncatedJsonWithoutTheParsersInternals() {
        assertThatThrownBy(() -> ConfigLoader.system().parse("{\n  \"disasterRecovery\": {\n    \"regions\": {", TestConfigs.SOURCE))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(TestConfigs.SOURCE + " is not valid JSON: line 3")
                .hasMessageContaining("Unexpected end-of-input")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Source:").doesNotContain("StreamReadFeature"));
    }

    @Test
    void shouldRefuseAKeyBesideTheRoot() {
        ObjectNode root = TestConfigs.minimal();
        root.putObject("backup").put("verify", "restore");

        assertThat(problems(root)).extracting(ConfigProblem::toString)
                .containsExactly("backup: unknown top-level key; everything goes under 'disasterRecovery'");
    }

    @Test
    void shouldSayAFileThatIsNotUtf8IsNotUtf8() throws Exception {
        Path file = dir.resolve("latin1.json");
        Files.write(file, "{\"disasterRecovery\": {\"note\": \"caf\u00e9\"}}".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigLoader.system().load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessage("configuration file " + file + " is not UTF-8 text; save it as UTF-8 JSON");
    }

    @Test
    void shouldPointAtTheConfigOptionWhenTheFileIsMissing() {
        Path missing = dir.resolve("dr-config.json");

        assertThatThrownBy(() -> ConfigLoader.system().load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("does not exist")
                .hasMessageContaining("--config");
    }

    @Test
    void shouldLoadAConfigFile() throws Exception {
        Path file = dir.resolve("dr-config.json");
        Files.writeString(file, TestConfigs.text(TestConfigs.minimal()));

        DrConfig config = new ConfigLoader(SecretResolver.of(Map.of())).load(file);

        assertThat(config.source()).isEqualTo(file);
        assertThat(config.primaryRegion().storage().bucket()).isEqualTo("devflow-dr-east");
    }

    @Test
    void shouldMaskThePasswordOfALiteralMongoUrl() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-east-1/mongodb").put("url", "mongodb://u:pw@h");

        Secret url = TestConfigs.load(root).primaryRegion().requireMongodb().url();

        assertThat(url.display()).isEqualTo("mongodb://u:****@h");
        assertThat(url.toString()).isEqualTo("mongodb://u:****@h");
        assertThat(url.reveal()).isEqualTo("mongodb://u:pw@h");
    }

    @Test
    void shouldRefuseAMalformedSecretReference() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("api").put("token", "${environment:DR_API_TOKEN}");

        assertThat(problems(root)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.api.token");
            assertThat(p.message()).contains("${env:NAME}");
        });
    }

    @Test
    void shouldReturnOneProblemPerUnresolvableSecret() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-west-2/mongodb").put("url", "${env:WEST_MONGO_URL}");
        at(root, "/disasterRecovery/regions/us-west-2/storage").putObject("credentials")
                .put("accessKeyId", "${env:WEST_KEY}")
                .put("secretAccessKey", "${file:" + dir.resolve("no-such-file") + "}");
        at(root, "/disasterRecovery").putObject("api").put("token", "${env:DR_API_TOKEN}");
        DrConfig config = TestConfigs.load(root, Map.of("WEST_KEY", "AKIAEXAMPLE"));

        List<ConfigProblem> problems = ConfigChecks.checkSecrets(config);

        assertThat(problems).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "disasterRecovery.regions.us-west-2.mongodb.url",
                "disasterRecovery.regions.us-west-2.storage.credentials.secretAccessKey",
                "disasterRecovery.api.token");
        assertThat(problems).filteredOn(p -> p.path().endsWith("mongodb.url")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("WEST_MONGO_URL");
        assertThat(problems).filteredOn(p -> p.path().endsWith("secretAccessKey")).singleElement()
                .extracting(ConfigProblem::message).asString().contains("no-such-file").contains("does not exist");
    }

    @Test
    void shouldReturnNoProblemsWhenEverySecretResolves() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery").putObject("api").put("token", "${env:DR_API_TOKEN}");

        DrConfig config = TestConfigs.load(root, Map.of("DR_API_TOKEN", "t0ken"));

        assertThat(ConfigChecks.checkSecrets(config)).isEmpty();
    }

    @Test
    void shouldPointAShorthandKeyBesideRegionsToItsPlaceInTheFullFormOnce() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/backup").putObject("storage").put("bucket", "old-style");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactly(
                "disasterRecovery.backup.storage: the seed's single-region shorthand cannot be mixed with 'regions': "
                        + "move it to disasterRecovery.regions.<region>.storage (the keys of storage.config go beside "
                        + "type there), or leave out 'regions' and describe the one region with backup.mongodb and "
                        + "backup.storage");
    }

    @Test
    void shouldRefuseRegionsThatShareAServerOrABackupLocation() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-west-2/mongodb").put("url", "mongodb://app:east-password@db-east:27017");
        at(root, "/disasterRecovery/regions/us-west-2/storage").put("bucket", "devflow-dr-east");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.regions.us-west-2.mongodb.url: the same as region us-east-1's: each region needs its own, "
                        + "or replication and restores into us-west-2 would write into us-east-1",
                "disasterRecovery.regions.us-west-2.storage.bucket: the same as region us-east-1's: each region needs its own, "
                        + "or replication and restores into us-west-2 would write into us-east-1");
    }

    @Test
    void shouldCheckTheLocalKeyWhenValidating() {
        ObjectNode missingFile = TestConfigs.minimal();
        at(missingFile, "/disasterRecovery/backup/encryption").put("keyFile", dir.resolve("keyring.json").toString());
        ObjectNode shortKey = TestConfigs.minimal();
        at(shortKey, "/disasterRecovery/backup/encryption").remove("keyFile");
        at(shortKey, "/disasterRecovery/backup/encryption").put("masterKey", "AAAA").put("keyId", "local-1");
        ObjectNode notBase64 = shortKey.deepCopy();
        at(notBase64, "/disasterRecovery/backup/encryption").put("masterKey", "not base64!");
        ObjectNode good = shortKey.deepCopy();
        at(good, "/disasterRecovery/backup/encryption").put("masterKey", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");

        assertThat(ConfigChecks.checkKeys(TestConfigs.load(missingFile), List.of())).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains("encryption.keyFile").contains("does not exist")
                        .contains("dr keys init"));
        assertThat(ConfigChecks.checkKeys(TestConfigs.load(shortKey), List.of())).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains("encryption.masterKey").contains("decodes to 3 bytes"));
        assertThat(ConfigChecks.checkKeys(TestConfigs.load(notBase64), List.of())).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains("not valid base64").doesNotContain("not base64!"));
        assertThat(ConfigChecks.checkKeys(TestConfigs.load(good), List.of())).isEmpty();
    }

    @Test
    void shouldRequireADeploymentIdOfSafeCharacters() {
        ObjectNode missing = TestConfigs.minimal();
        at(missing, "/disasterRecovery").remove("deploymentId");
        ObjectNode unsafe = TestConfigs.minimal();
        at(unsafe, "/disasterRecovery").put("deploymentId", "Prod|East");

        assertThat(TestConfigs.load(TestConfigs.minimal()).deploymentId()).isEqualTo("devflow-test");
        assertThat(problems(missing)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.deploymentId");
            assertThat(p.message()).startsWith("required").contains("never change it");
        });
        assertThat(problems(unsafe)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.deploymentId");
            assertThat(p.message()).contains("'Prod|East'").contains("lower-case letters");
        });
    }

    @Test
    void shouldReadAllowedKmsKeysAndRefuseThemForTheLocalProvider() {
        ObjectNode kms = TestConfigs.minimal();
        at(kms, ENCRYPTION).remove("keyFile");
        at(kms, ENCRYPTION).put("provider", "aws-kms").put("keyId", "alias/dr").putArray("allowedKeyIds")
                .add("arn:aws:kms:us-east-1:111122223333:key/old");
        ObjectNode local = TestConfigs.minimal();
        at(local, ENCRYPTION).putArray("allowedKeyIds").add("local-20260101-00000000");

        assertThat(TestConfigs.load(kms).backup().encryption().allowedKeyIds())
                .containsExactly("arn:aws:kms:us-east-1:111122223333:key/old");
        assertThat(TestConfigs.load(TestConfigs.minimal()).backup().encryption().allowedKeyIds()).isEmpty();
        assertThat(problems(local)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("disasterRecovery.backup.encryption.allowedKeyIds");
            assertThat(p.message()).contains("only used by the aws-kms provider");
        });
    }

    @Test
    void shouldKeepResolvedConflictsNinetyDaysUnlessConfigured() {
        ObjectNode defaults = TestConfigs.minimal();
        at(defaults, "/disasterRecovery").putObject("replication");
        ObjectNode configured = TestConfigs.minimal();
        at(configured, "/disasterRecovery").putObject("replication").putObject("conflicts").put("keepResolvedDays", 30);
        ObjectNode outOfRange = TestConfigs.minimal();
        at(outOfRange, "/disasterRecovery").putObject("replication").putObject("conflicts").put("keepResolvedDays", 0);

        assertThat(TestConfigs.load(defaults).replication().orElseThrow().conflicts().keepResolved())
                .isEqualTo(Duration.ofDays(90));
        assertThat(TestConfigs.load(configured).replication().orElseThrow().conflicts().keepResolved())
                .isEqualTo(Duration.ofDays(30));
        assertThat(problems(outOfRange)).extracting(ConfigProblem::path)
                .containsExactly("disasterRecovery.replication.conflicts.keepResolvedDays");
    }

    @Test
    void shouldReportAStoreWithoutAUrlWhenRegionsAreComparedForSharedServers() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions/us-east-1/mongodb").remove("url");
        at(root, "/disasterRecovery/regions/us-east-1").putObject("influxdb").putArray("databases").add("metrics");

        assertThat(problems(root)).extracting(ConfigProblem::toString).containsExactlyInAnyOrder(
                "disasterRecovery.regions.us-east-1.mongodb.url: required",
                "disasterRecovery.regions.us-east-1.influxdb.url: required");
    }

    @Test
    void shouldRefuseJsonNestedBeyondTheReadersLimitAsInvalidJson() {
        String nested = "{\"disasterRecovery\": " + "[".repeat(1_500) + "]".repeat(1_500) + "}";

        assertThatThrownBy(() -> new ConfigLoader(SecretResolver.of(Map.of())).parse(nested, TestConfigs.SOURCE))
                .isExactlyInstanceOf(ConfigException.class)
                .hasMessage("configuration file test-dr-config.json is not valid JSON: Document nesting depth (1001) "
                        + "exceeds the maximum allowed (1000)");
    }

    @Test
    void shouldRefuseAKeyFilePathNoFileCanHave() {
        ObjectNode root = TestConfigs.minimal();
        at(root, ENCRYPTION).put("keyFile", "/etc/devflow-dr/key\u0000ring.json");

        assertThat(problems(root)).extracting(ConfigProblem::toString).contains(
                "disasterRecovery.backup.encryption.keyFile: is not a file path this system can open (Nul character "
                        + "not allowed)");
    }

    @Test
    void shouldRefuseAConfigurationFileLargerThanAnyConfiguration() throws Exception {
        Path large = Files.writeString(dir.resolve("dr-config.json"), " ".repeat(1024 * 1024) + "{}");

        for (Path file : List.of(large, Path.of("/dev/zero"))) {
            assertThatThrownBy(() -> new ConfigLoader(SecretResolver.of(Map.of())).load(file))
                    .isExactlyInstanceOf(ConfigException.class)
                    .hasMessage("configuration file " + file + " is larger than 1 MiB, which no configuration is; "
                            + "pass the dr-config.json with --config FILE");
        }
    }

    @Test
    void shouldShowControlCharactersOfTheInputEscapedSoThatEachProblemIsOneLine() {
        ObjectNode root = TestConfigs.minimal();
        at(root, "/disasterRecovery/regions").set("us\neast\u001b[31m", at(root, "/disasterRecovery/regions/us-west-2"));

        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));

        assertThat(failure.getMessage().lines()).hasSize(failure.problems().size() + 1)
                .contains("  disasterRecovery.regions.us\\neast\\u001b[31m: 'us\\neast\\u001b[31m' is not a region name "
                        + "(lower-case letters, digits and '-')");
    }

    private static List<ConfigProblem> problems(ObjectNode root) {
        ConfigException failure = catchThrowableOfType(ConfigException.class, () -> TestConfigs.load(root));
        assertThat(failure).as("the configuration should have been refused").isNotNull();
        return failure.problems();
    }
}
