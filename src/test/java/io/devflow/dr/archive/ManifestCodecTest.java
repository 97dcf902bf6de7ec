package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.crypto.KeyMaterial;
import io.devflow.dr.crypto.WrappedKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ManifestCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ID = "backup-full-20260125-020000-x7k2p9";
    private static final String WHAT = "backup " + ID;

    private final DataKey key = dataKey();
    private final DataKey otherKey = dataKey();

    @AfterEach
    void closeKeys() {
        key.close();
        otherKey.close();
    }

    @Test
    void shouldReadBackWhatItWrote() {
        Manifest manifest = ManifestCodec.seal(manifest(), key);

        Manifest read = ManifestCodec.read(ManifestCodec.write(manifest), WHAT);

        assertThat(read).isEqualTo(manifest);
        assertThat(read.parent()).isNull();
        assertThat(read.durationMillis()).isEqualTo(90_330);
    }

    @Test
    void shouldCheckTheSealOfAManifestItSealed() {
        Manifest sealed = ManifestCodec.seal(manifest(), key);

        assertThat(sealed.seal()).isNotBlank();
        assertThat(sealed.withSeal(null)).isEqualTo(manifest());
        assertThatCode(() -> ManifestCodec.checkSeal(sealed, key, WHAT)).doesNotThrowAnyException();
        assertThatCode(() -> ManifestCodec.checkSeal(ManifestCodec.read(ManifestCodec.write(sealed), WHAT), key, WHAT))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldDetectAnyFieldChangedAfterSealing() throws Exception {
        byte[] sealed = ManifestCodec.write(ManifestCodec.seal(manifest(), key));
        List<Consumer<ObjectNode>> edits = List.of(
                m -> m.put("items", m.get("items").asLong() + 1),
                m -> m.put("bytes", 1),
                m -> m.put("region", "us-west-2"),
                m -> m.put("id", "backup-full-20260124-020000-abc123"),
                m -> m.put("completedAt", "2026-01-25T02:01:31.450Z"),
                m -> ((ObjectNode) m.get("object")).put("sha256", "0".repeat(64)),
                m -> ((ObjectNode) m.get("object")).put("size", 1),
                m -> ((ObjectNode) m.get("encryption")).put("wrappedKey", "b3RoZXI="),
                m -> ((ObjectNode) m.get("encryption")).put("deploymentId", "devflow-staging"),
                m -> ((ObjectNode) m.get("encryption")).put("keyCheck", "1e".repeat(16)),
                m -> ((ObjectNode) m.get("sections").get(0)).put("items", 199),
                m -> ((ObjectNode) m.get("sections").get(1)).put("fingerprint", "1".repeat(64)),
                m -> ((ObjectNode) m.get("source")).put("databases", "devflow"),
                m -> ((ObjectNode) m.get("verification")).put("result", "skipped"),
                m -> m.put("parent", "backup-full-20260124-020000-abc123"));

        for (Consumer<ObjectNode> edit : edits) {
            ObjectNode tree = (ObjectNode) JSON.readTree(sealed);
            edit.accept(tree);
            Manifest altered = ManifestCodec.read(JSON.writeValueAsBytes(tree), WHAT);

            assertThatThrownBy(() -> ManifestCodec.checkSeal(altered, key, WHAT))
                    .as(tree.toString())
                    .isInstanceOf(ArchiveIntegrityException.class)
                    .hasMessage(WHAT + ": the manifest was altered after it was written (its seal does not match)");
        }
    }

    @Test
    void shouldSealAgainOnlyWhatVerificationAdded() {
        Manifest uploaded = ManifestCodec.seal(new Manifest(ArchiveFormat.MANIFEST_VERSION, ID, "full", "mongodb", "us-east-1",
                "cli", manifest().startedAt(), null, null, manifest().coveredUntil(), manifest().positions(),
                manifest().source(), manifest().object(), manifest().encryption(), manifest().compression(),
                manifest().items(), manifest().bytes(), manifest().sections(), null, null), key);

        Manifest verified = uploaded.verified(manifest().verification(), manifest().completedAt());

        assertThat(verified).as("the whole manifest, built once, plus the verification and completion")
                .isEqualTo(manifest());
        assertThatThrownBy(() -> ManifestCodec.checkSeal(verified, key, WHAT)).as("the upload's seal is dropped")
                .isInstanceOf(ArchiveIntegrityException.class).hasMessage(WHAT + ": the manifest has no seal");
        assertThatCode(() -> ManifestCodec.checkSeal(ManifestCodec.seal(verified, key), key, WHAT))
                .doesNotThrowAnyException();
    }

    @Test
    void shouldRefuseASealMadeWithAnotherKey() {
        Manifest sealed = ManifestCodec.seal(manifest(), key);

        assertThatThrownBy(() -> ManifestCodec.checkSeal(sealed, otherKey, WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining(ID);
    }

    @Test
    void shouldRefuseADamagedSeal() {
        Manifest damaged = manifest().withSeal("not base64 at all!");

        assertThatThrownBy(() -> ManifestCodec.checkSeal(damaged, key, WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessage(WHAT + ": the manifest's seal is damaged");
    }

    @Test
    void shouldRefuseBytesThatAreNotAManifest() {
        assertThatThrownBy(() -> ManifestCodec.read("\u0000\u00ff garbage {".getBytes(StandardCharsets.ISO_8859_1), WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessage(WHAT + ": the manifest is damaged (not a readable manifest)");
        assertThatThrownBy(() -> ManifestCodec.read("{\"formatVersion\": 1, \"id\": \"x\"}".getBytes(StandardCharsets.UTF_8), WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageStartingWith(WHAT + ": the manifest is damaged");
    }

    @Test
    void shouldRefuseAManifestWithoutASeal() {
        byte[] unsealed = ManifestCodec.write(manifest());

        assertThatThrownBy(() -> ManifestCodec.read(unsealed, WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessage(WHAT + ": the manifest is damaged (fields are missing)");
    }

    @Test
    void shouldRefuseAnotherFormatVersion() throws Exception {
        ObjectNode tree = (ObjectNode) JSON.readTree(ManifestCodec.write(ManifestCodec.seal(manifest(), key)));
        tree.put("formatVersion", 3);

        assertThatThrownBy(() -> ManifestCodec.read(JSON.writeValueAsBytes(tree), WHAT))
                .isInstanceOf(ArchiveIntegrityException.class)
                .hasMessageContaining("manifest format version 3 is not supported");
    }

    @Test
    void shouldRefuseACurrentManifestWithoutItsKeyBinding() throws Exception {
        for (String field : List.of("deploymentId", "keyCheck")) {
            ObjectNode tree = (ObjectNode) JSON.readTree(ManifestCodec.write(ManifestCodec.seal(manifest(), key)));
            ((ObjectNode) tree.get("encryption")).remove(field);

            assertThatThrownBy(() -> ManifestCodec.read(JSON.writeValueAsBytes(tree), WHAT))
                    .as(field)
                    .isInstanceOf(ArchiveIntegrityException.class)
                    .hasMessage(WHAT + ": the manifest is damaged (its key binding is missing)");
        }
    }

    @Test
    void shouldReadALegacyManifestAsItWasWrittenAndKeepItsSealValid() throws Exception {
        Manifest current = manifest();
        Manifest legacy = ManifestCodec.seal(new Manifest(ArchiveFormat.LEGACY_MANIFEST_VERSION, ID, "full", "mongodb",
                "us-east-1", "cli", current.startedAt(), current.completedAt(), null, current.coveredUntil(),
                current.positions(), current.source(), current.object(),
                new Manifest.Encryption(ArchiveFormat.ENCRYPTION, "local", "local-20260125-0a1b2c3d", "d3JhcHBlZCBrZXk="),
                current.compression(), current.items(), current.bytes(), current.sections(), current.verification(),
                null), key);
        JsonNode written = JSON.readTree(ManifestCodec.write(legacy));

        Manifest read = ManifestCodec.read(ManifestCodec.write(legacy), WHAT);

        assertThat(written.get("encryption").fieldNames()).toIterable()
                .containsExactly("algorithm", "provider", "keyId", "wrappedKey");
        assertThat(read.isLegacy()).isTrue();
        assertThat(manifest().isLegacy()).isFalse();
        assertThatCode(() -> ManifestCodec.checkSeal(read, key, WHAT)).doesNotThrowAnyException();
    }

    @Test
    void shouldWriteSortedReadableJson() throws Exception {
        JsonNode tree = JSON.readTree(ManifestCodec.write(ManifestCodec.seal(manifest(), key)));

        assertThat(tree.get("startedAt").asText()).isEqualTo("2026-01-25T02:00:00.120Z");
        assertThat(tree.has("parent")).isFalse();
        assertThat(tree.get("source").fieldNames()).toIterable().containsExactly("databases", "server");
        assertThat(tree.get("object").get("sha256").asText()).isEqualTo("ab".repeat(32));
    }

    private static Manifest manifest() {
        return new Manifest(ArchiveFormat.MANIFEST_VERSION, ID, "full", "mongodb", "us-east-1", "cli",
                Instant.parse("2026-01-25T02:00:00.120Z"), Instant.parse("2026-01-25T02:01:30.450Z"), null,
                Instant.parse("2026-01-25T02:01:30.450Z"), new Manifest.Positions(Map.of("*", "1769306400.1"), Map.of()),
                Map.of("server", "mongodb://db-east:27017", "databases", "devflow,audit"),
                new Manifest.StoredObject("devflow-dr/mongodb/2026/01/25/" + ID + "/data.dre", 123_456, "ab".repeat(32), 1),
                new Manifest.Encryption(ArchiveFormat.ENCRYPTION, "local", "local-20260125-0a1b2c3d", "d3JhcHBlZCBrZXk=",
                        "0f".repeat(16), "devflow-prod"),
                new Manifest.Compression(ArchiveFormat.COMPRESSION, 3),
                250, 98_765,
                List.of(new Manifest.Section("devflow.users", 200, 80_000, "c".repeat(64)),
                        new Manifest.Section("audit.events", 50, 18_765, "d".repeat(64))),
                new Manifest.Verification("full", "passed", Instant.parse("2026-01-25T02:01:30Z")),
                null);
    }

    private static DataKey dataKey() {
        return new DataKey(KeyMaterial.random(), new WrappedKey("local", "local-test", "d3JhcHBlZCBrZXk="));
    }
}
