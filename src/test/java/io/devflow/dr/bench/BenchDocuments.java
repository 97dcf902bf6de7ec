package io.devflow.dr.bench;

import org.bson.BsonBinarySubType;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.DocumentCodec;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The benchmark's documents: deployment events of a CI/CD platform, about 3 KB each, with the mix a real
 * collection has: repeated vocabulary (tenants, teams, statuses, log lines) that zstd squeezes well, nested
 * documents and arrays, numbers and dates, and a digest and an artifact signature of random bytes that do
 * not compress at all. Together they land near a 3x zstd ratio, so compression costs what it costs in
 * production rather than running over zeros or white noise. Seeded, so every generation is the same.
 */
final class BenchDocuments {

    static final String[] TEAMS = {"platform", "payments", "search", "mobile", "data", "sre", "growth",
            "identity", "billing", "edge"};
    private static final String[] ENVIRONMENTS = {"production", "staging", "development", "canary", "preview"};
    static final String[] STATUSES = {"succeeded", "succeeded", "succeeded", "failed", "rolled_back",
            "cancelled"};
    private static final String[] STEPS = {"checkout", "restore-cache", "compile", "unit-tests", "integration-tests",
            "package", "scan", "push-image", "migrate", "deploy", "smoke-tests", "notify"};
    static final String[] WORDS = ("build deploy release rollback cluster node pod service gateway cache "
            + "queue worker scheduler database replica primary secondary shard index latency throughput error "
            + "timeout retry backoff health check probe ready live config secret token certificate rotation "
            + "image registry layer digest artifact bundle manifest chart values helm kubernetes terraform plan "
            + "apply drift state lock region zone failover traffic canary weight percent budget alert page "
            + "incident owner team review approve merge branch commit tag version semver patch minor major "
            + "the a of to in for on with from by after before during while until because").split(" ");
    private static final String[] FIRST_NAMES = {"Ada", "Grace", "Linus", "Margaret", "Ken", "Barbara", "Dennis",
            "Frances", "Edsger", "Radia", "Guido", "Hedy", "Donald", "Katherine", "Tim", "Sophie"};
    private static final String[] LAST_NAMES = {"Lovelace", "Hopper", "Torvalds", "Hamilton", "Thompson", "Liskov",
            "Ritchie", "Allen", "Dijkstra", "Perlman", "van Rossum", "Lamarr", "Knuth", "Johnson", "Berners-Lee",
            "Wilson"};

    private static final DocumentCodec CODEC = new DocumentCodec();
    private static final long EPOCH_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    private final Random random;
    private long sequence;

    BenchDocuments(long seed) {
        this.random = new Random(seed);
    }

    /** The next document, already encoded, so its exact BSON size is known. */
    RawBsonDocument next() {
        return new RawBsonDocument(document(sequence++), CODEC);
    }

    private Document document(long seq) {
        long at = EPOCH_MILLIS + seq * 1_500L + random.nextInt(1_000);
        int team = random.nextInt(TEAMS.length);
        int project = random.nextInt(400);
        return new Document("_id", new ObjectId(new Date(at), random.nextInt(1 << 24)))
                .append("seq", seq)
                .append("tenant", String.format("tenant-%04d", random.nextInt(250)))
                .append("project", new Document("key", "PRJ-" + project)
                        .append("name", TEAMS[team] + "-" + WORDS[project % WORDS.length] + "-service")
                        .append("team", TEAMS[team]))
                .append("actor", actor())
                .append("environment", ENVIRONMENTS[random.nextInt(ENVIRONMENTS.length)])
                .append("status", STATUSES[random.nextInt(STATUSES.length)])
                .append("createdAt", new Date(at))
                .append("durationMs", 5_000 + random.nextInt(900_000))
                .append("cost", new Decimal128(BigDecimal.valueOf(random.nextInt(100_000), 4)))
                .append("automated", random.nextBoolean())
                .append("tags", words(2 + random.nextInt(5)))
                .append("labels", new Document("tier", "tier-" + random.nextInt(4))
                        .append("costCenter", "cc-" + (1000 + random.nextInt(50)))
                        .append("owner", TEAMS[team]))
                .append("steps", steps(at))
                .append("summary", sentence(30 + random.nextInt(70)))
                .append("metrics", new Document("cpuSeconds", random.nextDouble() * 3_600)
                        .append("memoryMiB", 256 + random.nextInt(8_192))
                        .append("p50Ms", random.nextDouble() * 50)
                        .append("p99Ms", 50 + random.nextDouble() * 950))
                .append("artifact", new Document("digest", "sha256:" + HexFormat.of().formatHex(bytes(32)))
                        .append("sizeBytes", (long) random.nextInt(Integer.MAX_VALUE))
                        .append("signature", new Binary(BsonBinarySubType.BINARY, bytes(160 + random.nextInt(320)))));
    }

    private Document actor() {
        int first = random.nextInt(FIRST_NAMES.length);
        int last = random.nextInt(LAST_NAMES.length);
        int user = random.nextInt(5_000);
        return new Document("userId", "u-" + user)
                .append("name", FIRST_NAMES[first] + " " + LAST_NAMES[last])
                .append("email", FIRST_NAMES[first].toLowerCase(Locale.ROOT) + "." + user + "@example.com")
                .append("roles", random.nextInt(5) == 0 ? List.of("developer", "release-manager") : List.of("developer"));
    }

    private List<Document> steps(long startedAt) {
        int count = 3 + random.nextInt(6);
        List<Document> steps = new ArrayList<>(count);
        long at = startedAt;
        for (int i = 0; i < count; i++) {
            int duration = 200 + random.nextInt(120_000);
            steps.add(new Document("name", STEPS[(i * 2 + random.nextInt(2)) % STEPS.length])
                    .append("startedAt", new Date(at))
                    .append("durationMs", duration)
                    .append("exitCode", random.nextInt(20) == 0 ? 1 : 0)
                    .append("log", sentence(8 + random.nextInt(30))));
            at += duration;
        }
        return steps;
    }

    private List<String> words(int count) {
        List<String> words = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            words.add(WORDS[random.nextInt(WORDS.length)]);
        }
        return words;
    }

    private String sentence(int words) {
        StringBuilder text = new StringBuilder(words * 8);
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(random.nextInt(12) == 0 ? ", " : " ");
            }
            text.append(WORDS[random.nextInt(WORDS.length)]);
            if (random.nextInt(15) == 0) {
                text.append(' ').append(random.nextInt(100_000));
            }
        }
        return text.append('.').toString();
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
