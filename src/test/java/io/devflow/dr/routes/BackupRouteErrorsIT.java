package io.devflow.dr.routes;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.app.DrBeans;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.backup.BackupPipeline;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.backup.PlannedBackup;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupStatus;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.catalog.FailureRecord;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.storage.S3ObjectStore;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.BsonSamples;
import io.devflow.dr.testing.TestEnvironment;
import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.main.MainConfigurationProperties;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.DefaultRegistry;
import org.apache.camel.test.junit5.TestExecutionConfiguration;
import org.apache.camel.test.main.junit5.CamelMainTestSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static io.devflow.dr.testing.TestEnvironment.EAST;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The error path of the backup routes (backup-errors and its dead letter backup-failed), proved by injecting a
 * fault into one step of mongodb-backup with AdviceWith, on real servers (mongo-java-server, s3proxy): a
 * transient fault re-runs the whole attempt under the same backup id until it clears; one that persists, or a
 * permanent one, ends in the dead letter, which cleans up after the attempt and records the failure. No
 * attempt's cleartext data key outlives it.
 */
class BackupRouteErrorsIT extends CamelMainTestSupport {

    private static final int REDELIVERIES = 2;
    private static final int DOCUMENTS = 50;

    static TestEnvironment env;
    static DrServices services;
    static Path properties;
    static S3ObjectStore bucket;

    /** What the injected step saw, one entry per attempt. */
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();

    private record Attempt(PlannedBackup backup, DataKey key) {
    }

    @BeforeAll
    static void servers(@TempDir Path dir) throws IOException {
        env = TestEnvironment.start(dir, dr -> {
            ObjectNode backup = (ObjectNode) dr.get("backup");
            backup.putObject("incremental").put("captureWorker", false);
            backup.putObject("retry").put("maxRedeliveries", REDELIVERIES).put("initialDelayMs", 50).put("maxDelayMs", 100);
        }, EAST);
        env.client(EAST).getDatabase("devflow").getCollection("things")
                .insertMany(IntStream.range(0, DOCUMENTS).mapToObj(BsonSamples::everyType).toList());
        services = env.services();
        bucket = env.bucketStore(EAST);
        properties = dir.resolve("test.properties");
        try (OutputStream out = Files.newOutputStream(properties)) {
            DrRuntime.properties(services.config(), DrRuntime.Mode.ONE_SHOT).store(out, null);
        }
    }

    @AfterAll
    static void stopServers() {
        env.close();
    }

    @BeforeEach
    void emptyBucket() {
        bucket.abortUploads("");
        bucket.list("").forEach(object -> bucket.delete(object.key()));
    }

    @Override
    public void configureTest(TestExecutionConfiguration test) {
        super.configureTest(test);
        test.withUseAdviceWith(true);
    }

    @Override
    protected void configure(MainConfigurationProperties configuration) {
        configuration.withRoutesIncludePattern(DrRuntime.routesPattern("classpath:routes", DrRuntime.Mode.ONE_SHOT));
        configuration.withRoutesExcludePattern(DrRuntime.excludedRoutes(services.config(), DrRuntime.Mode.ONE_SHOT));
    }

    @Override
    protected String getPropertyPlaceholderLocations() {
        return "classpath:application.properties,file:" + properties;
    }

    @Override
    protected Registry createCamelRegistry() {
        Registry registry = new DefaultRegistry();
        DrBeans.of(services, DrRuntime.Mode.ONE_SHOT).forEach(b -> registry.bind(b.name(), b.type(), b.supplier()));
        return registry;
    }

    @Test
    void shouldRunTheWholeAttemptAgainUnderTheSameIdUntilATransientFaultClears() throws Exception {
        AdviceWith.adviceWith(context, "mongodb-backup", route -> route.weaveById(step("upload")).before()
                .process(exchange -> {
                    record(exchange);
                    if (attempts.size() <= REDELIVERIES) {
                        throw SdkClientException.create("injected: storage unreachable");
                    }
                }));
        context.start();

        BackupRecord record = backUp();

        assertThat(record.status()).as(String.valueOf(record.error())).isEqualTo(BackupStatus.COMPLETED);
        assertThat(attempts).as("the failed attempts and the one that completed").hasSize(REDELIVERIES + 1)
                .allSatisfy(a -> assertThat(a.backup().id().value()).isEqualTo(record.id()));
        assertThat(attempts.stream().map(Attempt::key).distinct()).as("a fresh data key per attempt")
                .hasSize(REDELIVERIES + 1);
        attempts.forEach(a -> assertKeyClosed(a.key()));

        String folder = attempts.get(0).backup().folder();
        assertThat(keysUnder(folder)).containsExactlyInAnyOrder(folder + "data.dre", folder + "manifest.json");
        BackupRecord listed = services.catalog().find(attempts.get(0).backup().id()).record();
        assertThat(listed.status()).isEqualTo(BackupStatus.COMPLETED);
        assertThat(listed.items()).isEqualTo(DOCUMENTS);
        assertThat(listed.verification()).isEqualTo("full: passed");
        assertThat(services.running().all()).isEmpty();
    }

    @Test
    void shouldEndInTheDeadLetterWhenATransientFaultPersists() throws Exception {
        List<Integer> openUploads = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "mongodb-backup", route -> route.weaveById(step("upload")).before()
                .process(exchange -> {
                    PlannedBackup backup = record(exchange);
                    // what an upload cut off midway leaves behind when its own abort cannot reach storage either
                    backup.region().s3().createMultipartUpload(b -> b.bucket(backup.bucket()).key(backup.dataObjectKey()));
                    openUploads.add(bucket.pendingUploads(backup.folder()).size());
                    throw SdkClientException.create("injected: connection reset while uploading");
                }));
        context.start();

        BackupRecord record = backUp();

        assertThat(record.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(record.error()).contains("injected: connection reset while uploading");
        assertThat(attempts).as("the first attempt and every redelivery").hasSize(REDELIVERIES + 1)
                .allSatisfy(a -> assertThat(a.backup().id().value()).isEqualTo(record.id()));
        attempts.forEach(a -> assertKeyClosed(a.key()));

        PlannedBackup backup = attempts.get(0).backup();
        assertThat(openUploads).as("uploads left open by the attempts, one more by each")
                .isEqualTo(IntStream.rangeClosed(1, REDELIVERIES + 1).boxed().toList());
        assertThat(bucket.pendingUploads("")).as("the dead letter aborted them").isEmpty();
        assertThat(keysUnder(backup.folder())).containsExactly(backup.folder() + "failure.json");
        FailureRecord failure = failureRecord(backup);
        assertThat(failure.id()).isEqualTo(record.id());
        assertThat(failure.attempts()).isEqualTo(REDELIVERIES + 1);
        assertThat(failure.error()).isEqualTo(record.error());
        assertThat(services.catalog().find(backup.id()).record().status()).isEqualTo(BackupStatus.FAILED);
        assertThat(services.running().all()).isEmpty();
    }

    @Test
    void shouldSendAPermanentFaultToTheDeadLetterWithoutARetry() throws Exception {
        List<Boolean> dataUploaded = new CopyOnWriteArrayList<>();
        AdviceWith.adviceWith(context, "mongodb-backup", route -> route.weaveById(step("verify")).before()
                .process(exchange -> {
                    PlannedBackup backup = exchange.getProperty("backup", PlannedBackup.class);
                    attempts.add(new Attempt(backup, exchange.getMessage().getBody(BackupPipeline.Uploaded.class).key()));
                    dataUploaded.add(bucket.head(backup.dataObjectKey()).isPresent());
                    throw new ArchiveIntegrityException("injected: the stored object does not match");
                }));
        context.start();

        BackupRecord record = backUp();

        assertThat(record.status()).isEqualTo(BackupStatus.FAILED);
        assertThat(record.error()).isEqualTo("injected: the stored object does not match");
        assertThat(attempts).hasSize(1);
        assertThat(dataUploaded).as("the data object was stored when the fault came").containsExactly(true);
        assertKeyClosed(attempts.get(0).key());
        PlannedBackup backup = attempts.get(0).backup();
        assertThat(keysUnder(backup.folder())).as("the partial data is removed")
                .containsExactly(backup.folder() + "failure.json");
        assertThat(failureRecord(backup).attempts()).isEqualTo(1);
    }

    /**
     * A step of mongodb-backup, as a pattern on its id: until the route starts, after the advice, the id is still
     * spelt as in the route template ({@code {{store}}-upload}), and AdviceWith would resolve that placeholder
     * in a pattern against the application's properties.
     */
    private static String step(String name) {
        return ".*-" + name;
    }

    private BackupRecord backUp() {
        return template.requestBody("direct:backup",
                new BackupRequest(BackupType.FULL, StoreKind.MONGODB, RegionId.of(EAST), "test"), BackupRecord.class);
    }

    /** Notes the attempt that reached the upload step: its planned backup and the data key it encrypted with. */
    private PlannedBackup record(Exchange exchange) {
        PlannedBackup backup = exchange.getProperty("backup", PlannedBackup.class);
        attempts.add(new Attempt(backup, exchange.getMessage().getBody(BackupPipeline.Encrypted.class).key()));
        return backup;
    }

    private static List<String> keysUnder(String folder) {
        return bucket.list(folder).stream().map(ObjectStore.ObjectInfo::key).toList();
    }

    private static FailureRecord failureRecord(PlannedBackup backup) throws IOException {
        byte[] json = bucket.getBytes(backup.folder() + "failure.json").orElseThrow();
        return Json.MAPPER.readValue(json, FailureRecord.class);
    }

    private static void assertKeyClosed(DataKey key) {
        assertThatThrownBy(key::streamingAead).as("the cleartext data key was zeroed")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("destroyed");
    }
}
