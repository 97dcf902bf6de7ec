package io.devflow.dr.storage;

import io.devflow.dr.testing.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the S3 store itself checks of a conditional PUT (If-Match, If-None-Match: *), which the control state's
 * compare-and-set relies on; run against s3proxy, the S3 of the tests and the demo.
 */
class ConditionalWriteIT {

    @TempDir
    Path dir;
    TestStorage storage;

    @BeforeEach
    void start() {
        storage = new TestStorage(dir, "conditional");
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    @Test
    void shouldCreateOnlyWhenTheObjectIsAbsent() {
        assertThat(storage.store.putIfUnchanged("dr/a.json", bytes("one"), "application/json", null)).isTrue();

        assertThat(storage.store.putIfUnchanged("dr/a.json", bytes("two"), "application/json", null)).isFalse();

        assertThat(text(storage.store.getVersioned("dr/a.json").orElseThrow())).isEqualTo("one");
    }

    @Test
    void shouldReplaceOnlyTheVersionRead() {
        storage.store.put("dr/b.json", bytes("one"), "application/json");
        ObjectStore.Versioned first = storage.store.getVersioned("dr/b.json").orElseThrow();

        assertThat(storage.store.putIfUnchanged("dr/b.json", bytes("two"), "application/json", first.etag())).isTrue();
        assertThat(storage.store.putIfUnchanged("dr/b.json", bytes("three"), "application/json", first.etag())).isFalse();

        ObjectStore.Versioned current = storage.store.getVersioned("dr/b.json").orElseThrow();
        assertThat(text(current)).isEqualTo("two");
        assertThat(current.etag()).isNotEqualTo(first.etag());
    }

    @Test
    void shouldRefuseToReplaceAnObjectThatIsGone() {
        storage.store.put("dr/c.json", bytes("one"), "application/json");
        String etag = storage.store.getVersioned("dr/c.json").orElseThrow().etag();
        storage.store.delete("dr/c.json");

        assertThat(storage.store.putIfUnchanged("dr/c.json", bytes("two"), "application/json", etag)).isFalse();

        assertThat(storage.store.getVersioned("dr/c.json")).isEmpty();
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(ObjectStore.Versioned object) {
        return new String(object.bytes(), StandardCharsets.UTF_8);
    }
}
