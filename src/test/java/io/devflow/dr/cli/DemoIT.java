package io.devflow.dr.cli;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.embedded.DemoEnvironment;
import io.devflow.dr.embedded.EmbeddedMongo;
import io.devflow.dr.testing.CliRun;
import io.devflow.dr.testing.TestEnvironment;
import io.devflow.dr.verification.BackupVerifier;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The quick start's main job, {@code dr demo --once}, run twice in one data directory as a user would: both runs
 * pass, and the second starts from what the first left without carrying its verification's history along (the
 * embedded MongoDB keeps its oplog for ever, and every change-stream read scans all of it).
 */
class DemoIT {

    private static final Pattern MONGO_BACKUP = Pattern.compile("mongodb\\s+backup-full-\\d{8}-\\d{6}-([a-z0-9]{6}) completed");

    @TempDir
    Path dir;

    @Test
    void shouldPassTwiceInOneDataDirectoryAndKeepOnlyTheLastVerificationsHistory() {
        Path data = dir.resolve("demo");

        CliRun first = demo(data);
        assertThat(first.exitCode()).as(first.toString()).isZero();
        assertThat(first.out()).contains("Replicating us-east-1 -> us-west-2 (last-write-wins)")
                .contains("Active Region: us-east-1");
        CliRun second = demo(data);
        assertThat(second.exitCode()).as(second.toString()).isZero();
        assertThat(second.out()).contains("Replicating us-east-1 -> us-west-2 (last-write-wins)")
                .contains("Active Region: us-east-1").doesNotContain("is the active region, not");

        assertThat(verificationsInOplog(data)).as("the scratch databases of verifications the oplog remembers")
                .containsExactly(BackupVerifier.SCRATCH_PREFIX + suffix(second));
    }

    private static CliRun demo(Path data) {
        return CliRun.of("demo", "--once", "--data-dir", data.toString(),
                "--http-port", Integer.toString(TestEnvironment.freePort()));
    }

    private static String suffix(CliRun run) {
        Matcher backup = MONGO_BACKUP.matcher(run.out());
        assertThat(backup.find()).as(run.out()).isTrue();
        return backup.group(1);
    }

    /** The verification scratch databases ({@code dr_verify_<suffix>}) named in us-east-1's oplog. */
    private static Set<String> verificationsInOplog(Path data) {
        Set<String> seen = new TreeSet<>();
        Path file = data.resolve(DemoEnvironment.PRIMARY).resolve("mongo.mv.db");
        try (EmbeddedMongo mongo = EmbeddedMongo.onFile(file, 0);
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            for (Document entry : client.getDatabase("local").getCollection("oplog.rs")
                    .find(new Document("ns", new Document("$regex", "^" + BackupVerifier.SCRATCH_PREFIX)))) {
                String database = entry.getString("ns").split("\\.")[0];
                seen.add(database.substring(0, database.lastIndexOf('_')));
            }
        }
        return seen;
    }
}
