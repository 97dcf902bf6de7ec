package io.devflow.dr.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    void shouldNameTheKeyringWhenAKeyIsNotInIt() {
        LocalKeyring keyring = LocalKeyring.create(dir.resolve("keyring.json"), JAN_25);

        assertThatThrownBy(() -> keyring.material("local-20200101-deadbeef"))
                .isInstanceOf(KeyUnavailableException.class)
                .hasMessageContaining("local-20200101-deadbeef")
                .hasMessageContaining(keyring.primaryId());
    }
}
