package io.devflow.dr.storage;

import io.devflow.dr.support.RemoteOperationException;
import io.devflow.dr.testing.TestStorage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class S3ObjectStoreIT {

    private static final int MiB = 1024 * 1024;

    @TempDir
    Path dir;
    TestStorage storage;

    @BeforeEach
    void start() {
        storage = new TestStorage(dir.resolve("s3"), "backups");
    }

    @AfterEach
    void stop() {
        storage.close();
    }

    @Test
    void shouldUploadAStreamOfUnknownLengthInPartsAndReadTheSameBytesBack() throws Exception {
        byte[] data = new byte[17 * MiB + 123];
        new Random(7).nextBytes(data);

        ObjectStore.UploadResult result = storage.store.upload("dr/x/data.dre", new ByteArrayInputStream(data), 5 * MiB);

        assertThat(result.parts()).isEqualTo(4);
        assertThat(result.size()).isEqualTo(data.length);
        assertThat(result.sha256()).isEqualTo(sha256(data));
        try (InputStream in = storage.store.open("dr/x/data.dre")) {
            assertThat(in.readAllBytes()).isEqualTo(data);
        }
        assertThat(storage.store.pendingUploads("dr/")).isEmpty();
    }

    @Test
    void shouldUseOneRequestForObjectsSmallerThanAPart() {
        ObjectStore.UploadResult result = storage.store.upload("dr/small", new ByteArrayInputStream(new byte[10]), 5 * MiB);

        assertThat(result.parts()).isEqualTo(1);
        assertThat(storage.store.head("dr/small")).get().extracting(ObjectStore.ObjectInfo::size).isEqualTo(10L);
    }

    @Test
    void shouldAbortTheMultipartUploadWhenTheSourceFailsMidway() {
        InputStream failing = new InputStream() {
            long served;

            @Override
            public int read() throws IOException {
                if (served++ > 12L * MiB) {
                    throw new IOException("source broke");
                }
                return 1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                for (int i = 0; i < len; i++) {
                    b[off + i] = (byte) read();
                }
                return len;
            }
        };

        assertThatThrownBy(() -> storage.store.upload("dr/broken/data.dre", failing, 5 * MiB))
                .hasMessageContaining("source broke");

        assertThat(storage.store.pendingUploads("dr/")).isEmpty();
        assertThat(storage.store.head("dr/broken/data.dre")).isEmpty();
    }

    @Test
    void shouldListAcrossPagesAndReportMissingObjectsAsEmpty() {
        for (int i = 0; i < 1_010; i++) {
            storage.store.put("dr/many/" + i, new byte[] {1}, "application/octet-stream");
        }

        assertThat(storage.store.list("dr/many/")).hasSize(1_010);
        assertThat(storage.store.getBytes("dr/nothing-here")).isEmpty();
    }

    @Test
    void shouldNameTheBucketAndOperationWhenTheServerIsUnreachable() {
        storage.server.close();

        assertThatThrownBy(() -> storage.store.put("dr/k", new byte[1], "text/plain"))
                .isInstanceOf(RemoteOperationException.class)
                .hasMessageContaining("writing s3://backups/dr/k failed")
                .satisfies(e -> assertThat(((RemoteOperationException) e).isTransient()).isTrue());
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }
}
