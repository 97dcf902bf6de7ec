package io.devflow.dr.catalog;

import io.devflow.dr.config.StoreKind;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class ObjectLayoutTest {

    private static final BackupId ID = new BackupId("backup-full-20260105-020000-x7k2p9");
    private static final String FOLDER = "devflow-dr/mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9/";

    private final ObjectLayout layout = new ObjectLayout("devflow-dr");

    @Test
    void shouldPlaceEveryFileOfABackupInItsDayFolder() {
        assertThat(layout.storePrefix(StoreKind.MONGODB)).isEqualTo("devflow-dr/mongodb/");
        assertThat(layout.dayPrefix(StoreKind.MONGODB, LocalDate.of(2026, 1, 5))).isEqualTo("devflow-dr/mongodb/2026/01/05/");
        assertThat(layout.backupFolder(StoreKind.MONGODB, ID)).isEqualTo(FOLDER);
        assertThat(layout.data(StoreKind.MONGODB, ID)).isEqualTo(FOLDER + "data.dre");
        assertThat(layout.manifest(StoreKind.MONGODB, ID)).isEqualTo(FOLDER + "manifest.json");
        assertThat(layout.failure(StoreKind.MONGODB, ID)).isEqualTo(FOLDER + "failure.json");
        assertThat(layout.verification(StoreKind.MONGODB, ID)).isEqualTo(FOLDER + "verification.json");
    }

    @Test
    void shouldStartAtTheBucketRootWithoutAPrefix() {
        ObjectLayout root = new ObjectLayout("");

        assertThat(root.data(StoreKind.MONGODB, ID)).isEqualTo("mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9/data.dre");
        assertThat(root.parse(root.manifest(StoreKind.MONGODB, ID)))
                .contains(new ObjectLayout.Entry(StoreKind.MONGODB, ID, ObjectLayout.MANIFEST));
    }

    @Test
    void shouldRecogniseTheKeysItBuilds() {
        assertThat(layout.parse(layout.data(StoreKind.MONGODB, ID)))
                .contains(new ObjectLayout.Entry(StoreKind.MONGODB, ID, "data.dre"));
        assertThat(layout.parse(layout.manifest(StoreKind.MONGODB, ID)))
                .contains(new ObjectLayout.Entry(StoreKind.MONGODB, ID, "manifest.json"));
        assertThat(layout.parse(layout.failure(StoreKind.MONGODB, ID)))
                .contains(new ObjectLayout.Entry(StoreKind.MONGODB, ID, "failure.json"));
        assertThat(layout.parse(layout.verification(StoreKind.MONGODB, ID)))
                .contains(new ObjectLayout.Entry(StoreKind.MONGODB, ID, "verification.json"));
    }

    @Test
    void shouldIgnoreKeysThatAreNotFilesOfABackup() {
        assertThat(layout.parse("other-prefix/mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9/data.dre")).isEmpty();
        assertThat(layout.parse("devflow-drx/mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9/data.dre")).isEmpty();
        assertThat(layout.parse("devflow-dr/cassandra/2026/01/05/backup-full-20260105-020000-x7k2p9/data.dre")).isEmpty();
        assertThat(layout.parse("devflow-dr/mongodb/2026/01/05/not-a-backup/data.dre")).isEmpty();
        assertThat(layout.parse("devflow-dr/mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9")).isEmpty();
        assertThat(layout.parse("devflow-dr/mongodb/2026/01/05/backup-full-20260105-020000-x7k2p9/extra/data.dre")).isEmpty();
        assertThat(layout.parse("devflow-dr/mongodb/2026/01/")).isEmpty();
        assertThat(layout.parse("")).isEmpty();
    }
}
