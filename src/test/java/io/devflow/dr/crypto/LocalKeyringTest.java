package io.devflow.dr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.config.EncryptionConfig;
import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.testing.KeyRotations;
import io.devflow.dr.testing.TestConfigs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKeyringTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Clock JAN_25 = Clock.fixed(Instant.parse("2026-01-25T02:00:00Z"), ZoneOffset.UTC);
    private static final Clock FEB_01 = Clock.fixed(Instant.parse("2026-02-01T09:30:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldCreateAKeyringReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("keys/keyring.json");

        LocalKeyring keyring = LocalKeyring.create(file, JAN_25);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        JsonNode json = JSON.readTree(file.toFile());
        assertThat(json.path("format").asText()).isEqualTo("devflow-dr-keyring");
        assertThat(json.path("primary").asText()).isEqualTo(keyring.primaryId());
        assertThat(keyring.primaryId()).matches("local-20260125-[0-9a-f]{8}");
        assertThat(keyring.describe()).containsExactly(
                new LocalKeyring.KeyInfo(keyring.primaryId(), JAN_25.instant(), true));
        assertThat(keyring.file()).isEqualTo(file);
    }

    @Test
    void shouldNeverOverwriteAnExistingKeyring() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring.create(file, JAN_25);
        String before = Files.readString(file);

        assertThatThrownBy(() -> LocalKeyring.create(file, FEB_01))
                .isInstanceOf(LocalKeyring.KeyringException.class)
                .hasMessageContaining("already exists");
        assertThat(Files.readString(file)).isEqualTo(before);
    }

    @Test
    void shouldLoadWhatItCreated() {
        Path file = dir.resolve("keyring.json");
        LocalKeyring created = LocalKeyring.create(file, JAN_25);

        LocalKeyring loaded = LocalKeyring.load(file);

        assertThat(loaded.primaryId()).isEqualTo(created.primaryId());
        assertThat(loaded.describe()).isEqualTo(created.describe());
        try (KeyMaterial a = created.material(created.primaryId()); KeyMaterial b = loaded.material(created.primaryId())) {
            assertThat(b.toBase64()).isEqualTo(a.toBase64());
        }
    }

    @Test
    void shouldRefuseAKeyringOthersCanRead() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring.create(file, JAN_25);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThatThrownBy(() -> LocalKeyring.load(file))
                .isInstanceOf(LocalKeyring.KeyringException.class)
                .hasMessageContaining("rw-r--r--")
                .hasMessageContaining("chmod 600 " + file);
    }

    @Test
    void shouldRefuseAMissingOrForeignFile() throws Exception {
        Path missing = dir.resolve("missing.json");
        Path foreign = dir.resolve("foreign.json");
        Files.createFile(foreign, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(foreign, "{\"format\": \"something-else\"}");

        assertThatThrownBy(() -> LocalKeyring.load(missing))
                .isInstanceOf(LocalKeyring.KeyringException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("dr keys init");
        assertThatThrownBy(() -> LocalKeyring.load(foreign))
                .isInstanceOf(LocalKeyring.KeyringException.class)
                .hasMessageContaining("is not a devflow-dr keyring");
    }

    @Test
    void shouldRotateToANewPrimaryKeyAndKeepTheOldOne() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring first = LocalKeyring.create(file, JAN_25);
        String oldId = first.primaryId();

        LocalKeyring rotated = first.rotate(FEB_01);

        assertThat(rotated.primaryId()).isNotEqualTo(oldId).startsWith("local-20260201-");
        assertThat(rotated.describe()).containsExactly(
                new LocalKeyring.KeyInfo(oldId, JAN_25.instant(), false),
                new LocalKeyring.KeyInfo(rotated.primaryId(), FEB_01.instant(), true));
        assertThat(rotated.contains(oldId)).isTrue();
        LocalKeyring reloaded = LocalKeyring.load(file);
        assertThat(reloaded.primaryId()).isEqualTo(rotated.primaryId());
        assertThat(reloaded.describe()).isEqualTo(rotated.describe());
        try (KeyMaterial before = first.material(oldId); KeyMaterial after = reloaded.material(oldId)) {
            assertThat(after.toBase64()).isEqualTo(before.toBase64());
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(dir)).containsExactly(file);
    }

    @Test
    void shouldNeverExposeKeyMaterialWhenDescribed() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring keyring = LocalKeyring.create(file, JAN_25).rotate(FEB_01);
        List<String> materials = new ArrayList<>();
        JSON.readTree(file.toFile()).path("keys").forEach(k -> materials.add(k.path("material").asText()));

        String described = keyring.describe().toString() + keyring;

        assertThat(materials).hasSize(2).allSatisfy(m -> {
            assertThat(m).hasSize(44);
            assertThat(described).doesNotContain(m);
        });
        assertThat(LocalKeyring.KeyInfo.class.getRecordComponents()).extracting(c -> c.getName())
                .containsExactly("id", "created", "primary");
    }

    @Test
    void shouldKeepEveryKeyWhenThreadsRotateAtOnce() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring first = LocalKeyring.create(file, JAN_25);
        int threads = 4;
        int rotations = 10;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<List<String>>> added = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                added.add(pool.submit(() -> {
                    start.await();
                    List<String> ids = new ArrayList<>();
                    for (int i = 0; i < rotations; i++) {
                        ids.add(LocalKeyring.rotate(file, FEB_01).primaryId());
                    }
                    return ids;
                }));
            }
            start.countDown();
            List<String> expected = new ArrayList<>(List.of(first.primaryId()));
            for (Future<List<String>> ids : added) {
                expected.addAll(ids.get(60, TimeUnit.SECONDS));
            }

            LocalKeyring after = LocalKeyring.load(file);
            assertThat(after.describe()).extracting(LocalKeyring.KeyInfo::id)
                    .hasSize(1 + threads * rotations).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(Files.list(dir)).containsExactly(file);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void shouldKeepEveryKeyWhenSeveralDrKeysCreateRunAtOnce() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring first = LocalKeyring.create(file, JAN_25);
        ObjectNode config = TestConfigs.minimal();
        TestConfigs.at(config, "/disasterRecovery/backup/encryption").put("keyFile", file.toString());
        Path configFile = dir.resolve("dr-config.json");
        Files.writeString(configFile, TestConfigs.text(config));
        int processes = 3;
        int rotations = 8;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> running = new ArrayList<>();
        try {
            for (int p = 0; p < processes; p++) {
                running.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        KeyRotations.class.getName(), configFile.toString(), String.valueOf(rotations))
                        .redirectErrorStream(true).redirectOutput(dir.resolve("rotations-" + p + ".log").toFile())
                        .start());
            }
            for (int p = 0; p < processes; p++) {
                assertThat(running.get(p).waitFor(120, TimeUnit.SECONDS)).as("process " + p + " finished").isTrue();
                assertThat(running.get(p).exitValue()).as(Files.readString(dir.resolve("rotations-" + p + ".log")))
                        .isZero();
            }
        } finally {
            running.forEach(Process::destroyForcibly);
        }

        LocalKeyring after = LocalKeyring.load(file);
        assertThat(after.describe()).hasSize(1 + processes * rotations);
        assertThat(after.contains(first.primaryId())).isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
        }
    }

    @Test
    void shouldLetARunningProviderUseAKeyAddedAfterItLoaded() throws Exception {
        Path file = dir.resolve("keyring.json");
        LocalKeyring first = LocalKeyring.create(file, JAN_25);
        KeyProvider server = KeyProviders.create(new EncryptionConfig(KeyProviderKind.LOCAL, Optional.empty(),
                Optional.of(file), Optional.empty(), Optional.empty(), "us-east-1"));
        KeyContext context = KeyContext.backup("backup-full-20260201-093000-abc123", "mongodb", "us-east-1", "devflow-test");
        assertThat(server.currentKeyId()).isEqualTo(first.primaryId());

        LocalKeyring rotated = LocalKeyring.rotate(file, FEB_01);
        KeyProvider elsewhere = LocalKeyProvider.fromKeyring(LocalKeyring.load(file), null);

        assertThat(server.currentKeyId()).isEqualTo(rotated.primaryId());
        try (DataKey fresh = server.newDataKey(context)) {
            assertThat(fresh.wrapped().keyId()).isEqualTo(rotated.primaryId());
        }
        try (DataKey wrappedElsewhere = elsewhere.newDataKey(context);
             DataKey opened = server.open(wrappedElsewhere.wrapped(), context)) {
            assertThat(opened.wrapped().keyId()).isEqualTo(rotated.primaryId());
        }
    }

    @Test
    void shouldNameTheKeyringWhenAKeyIsNotInIt() {
        LocalKeyring keyring = LocalKeyring.create(dir.resolve("keyring.json"), JAN_25);

        assertThatThrownBy(() -> keyring.material("local-20200101-deadbeef"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("local-20200101-deadbeef")
                .hasMessageContaining(keyring.primaryId());
    }
}
