package io.devflow.dr.embedded;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import org.bson.BsonBinarySubType;
import org.bson.BsonMaxKey;
import org.bson.BsonMinKey;
import org.bson.BsonRegularExpression;
import org.bson.BsonTimestamp;
import org.bson.Document;
import org.bson.types.Binary;
import org.bson.types.Decimal128;
import org.bson.types.ObjectId;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Realistic sample data for the demo: the platform's users, projects, deployments, incidents and audit log,
 * plus an analytics database, using every common BSON type (ObjectId, strings, 32- and 64-bit integers,
 * doubles, Decimal128, booleans, null, dates, timestamps, binary and UUIDs, regular expressions, nested
 * documents and arrays, min/max keys).
 */
public final class SampleData {

    public static final List<String> DATABASES = List.of("devflow", "analytics");

    private static final String[] TEAMS = {"platform", "payments", "search", "mobile", "data", "sre"};
    private static final String[] ENVIRONMENTS = {"production", "staging", "development"};
    private static final String[] SEVERITIES = {"critical", "high", "medium", "low"};

    private final Random random = new Random(20260127L);
    private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

    /** Seeds the databases unless they already hold data; returns the number of documents written. */
    public long seedIfEmpty(MongoClient client) {
        MongoDatabase devflow = client.getDatabase("devflow");
        if (devflow.getCollection("users").countDocuments() > 0) {
            return 0;
        }
        long written = 0;
        List<ObjectId> users = new ArrayList<>();
        written += insert(devflow.getCollection("users"), 1_500, i -> {
            ObjectId id = new ObjectId();
            users.add(id);
            return user(id, i);
        });
        List<ObjectId> projects = new ArrayList<>();
        written += insert(devflow.getCollection("projects"), 240, i -> {
            ObjectId id = new ObjectId();
            projects.add(id);
            return project(id, i, users);
        });
        written += insert(devflow.getCollection("deployments"), 4_000, i -> deployment(i, projects, users));
        written += insert(devflow.getCollection("incidents"), 300, i -> incident(i, projects, users));
        written += insert(devflow.getCollection("audit_log"), 3_000, i -> audit(i, users));
        written += insert(devflow.getCollection("alert_rules"), 60, this::alertRule);
        devflow.getCollection("users").createIndex(Indexes.ascending("email"), new IndexOptions().unique(true));
        devflow.getCollection("projects").createIndex(Indexes.ascending("key"), new IndexOptions().unique(true));

        MongoDatabase analytics = client.getDatabase("analytics");
        written += insert(analytics.getCollection("daily_active_users"), 365, this::dailyActiveUsers);
        written += insert(analytics.getCollection("build_minutes"), 1_200, i -> buildMinutes(i, projects));
        return written;
    }

    private interface Factory {
        Document create(int index);
    }

    private static long insert(MongoCollection<Document> collection, int count, Factory factory) {
        List<Document> batch = new ArrayList<>(500);
        for (int i = 0; i < count; i++) {
            batch.add(factory.create(i));
            if (batch.size() == 500) {
                collection.insertMany(batch);
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            collection.insertMany(batch);
        }
        return count;
    }

    private Document user(ObjectId id, int i) {
        String name = "user" + i;
        byte[] avatar = new byte[64 + random.nextInt(192)];
        random.nextBytes(avatar);
        return new Document("_id", id)
                .append("email", name + "@devflow.example")
                .append("name", new Document("first", "First" + i).append("last", "Last" + (i % 97)))
                .append("team", TEAMS[i % TEAMS.length])
                .append("roles", i % 10 == 0 ? List.of("admin", "developer") : List.of("developer"))
                .append("active", i % 13 != 0)
                .append("createdAt", date(random.nextInt(300 * 24)))
                .append("lastLoginAt", i % 7 == 0 ? null : date(random.nextInt(300 * 24)))
                .append("loginCount", random.nextInt(5_000))
                .append("storageBytes", (long) random.nextInt(Integer.MAX_VALUE) * 4L)
                .append("externalId", uuid(UUID.nameUUIDFromBytes(("user-" + i).getBytes())))
                .append("avatar", new Binary(BsonBinarySubType.BINARY, avatar))
                .append("preferences", new Document("theme", i % 2 == 0 ? "dark" : "light")
                        .append("notifications", new Document("email", true).append("slack", i % 3 == 0))
                        .append("timezone", "UTC"));
    }

    private Document project(ObjectId id, int i, List<ObjectId> users) {
        return new Document("_id", id)
                .append("key", "PRJ-" + (1000 + i))
                .append("name", "Service " + i)
                .append("team", TEAMS[i % TEAMS.length])
                .append("owner", users.get(random.nextInt(users.size())))
                .append("repository", "git@git.devflow.example:" + TEAMS[i % TEAMS.length] + "/service-" + i + ".git")
                .append("monthlyBudget", new Decimal128(BigDecimal.valueOf(random.nextInt(5_000_000), 2)))
                .append("tags", List.of("tier-" + (1 + i % 3), TEAMS[i % TEAMS.length]))
                .append("environments", List.of(ENVIRONMENTS))
                .append("archived", i % 17 == 0)
                .append("createdAt", date(random.nextInt(200 * 24)));
    }

    private Document deployment(int i, List<ObjectId> projects, List<ObjectId> users) {
        Date started = date(random.nextInt(320 * 24));
        long durationMs = 20_000L + random.nextInt(600_000);
        List<Document> steps = new ArrayList<>();
        for (String step : List.of("build", "test", "package", "deploy", "smoke-test")) {
            steps.add(new Document("name", step).append("durationMs", random.nextInt(120_000))
                    .append("ok", random.nextInt(50) != 0));
        }
        return new Document("_id", new ObjectId())
                .append("projectId", projects.get(random.nextInt(projects.size())))
                .append("environment", ENVIRONMENTS[i % ENVIRONMENTS.length])
                .append("version", "1." + (i / 100) + "." + (i % 100))
                .append("commit", Long.toHexString(random.nextLong()))
                .append("triggeredBy", users.get(random.nextInt(users.size())))
                .append("startedAt", started)
                .append("finishedAt", new Date(started.getTime() + durationMs))
                .append("durationMs", durationMs)
                .append("status", random.nextInt(20) == 0 ? "failed" : "succeeded")
                .append("steps", steps)
                .append("replicas", 1 + random.nextInt(12))
                .append("cpuSeconds", Math.round(random.nextDouble() * 36_000.0) / 10.0)
                .append("oplogTs", new BsonTimestamp((int) (started.getTime() / 1000), i));
    }

    private Document incident(int i, List<ObjectId> projects, List<ObjectId> users) {
        Date opened = date(random.nextInt(320 * 24));
        List<Document> timeline = new ArrayList<>();
        for (int t = 0; t < 2 + random.nextInt(6); t++) {
            timeline.add(new Document("at", new Date(opened.getTime() + t * 600_000L))
                    .append("by", users.get(random.nextInt(users.size())))
                    .append("note", "Update " + t + " on incident " + i));
        }
        return new Document("_id", new ObjectId())
                .append("number", 10_000 + i)
                .append("title", "Elevated error rate on service " + (i % 240))
                .append("severity", SEVERITIES[i % SEVERITIES.length])
                .append("projectId", projects.get(random.nextInt(projects.size())))
                .append("openedAt", opened)
                .append("resolvedAt", i % 11 == 0 ? null : new Date(opened.getTime() + 3_600_000L * (1 + random.nextInt(48))))
                .append("timeline", timeline)
                .append("customerImpact", i % 4 == 0)
                .append("costEstimate", new Decimal128(new BigDecimal(random.nextInt(100_000)).setScale(2, RoundingMode.UNNECESSARY)));
    }

    private Document audit(int i, List<ObjectId> users) {
        return new Document("_id", new ObjectId())
                .append("at", date(random.nextInt(330 * 24)))
                .append("actor", users.get(random.nextInt(users.size())))
                .append("action", new String[] {"login", "deploy", "rollback", "grant", "revoke"}[i % 5])
                .append("ip", "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256))
                .append("details", new Document("userAgent", "devflow-cli/" + (i % 9)).append("sequence", (long) i));
    }

    private Document alertRule(int i) {
        return new Document("_id", "rule-" + i)
                .append("pattern", new BsonRegularExpression("^(ERROR|FATAL).*service-" + i, "i"))
                .append("threshold", 0.5 + i / 100.0)
                .append("windowSeconds", 60 * (1 + i % 15))
                .append("enabled", i % 9 != 0)
                .append("lowerBound", new BsonMinKey())
                .append("upperBound", new BsonMaxKey());
    }

    private Document dailyActiveUsers(int day) {
        return new Document("_id", day)
                .append("day", Date.from(epoch.minus(365 - day, ChronoUnit.DAYS)))
                .append("users", 800 + random.nextInt(700))
                .append("sessions", (long) (2_000 + random.nextInt(5_000)))
                .append("byTeam", new Document("platform", random.nextInt(200)).append("payments", random.nextInt(200)));
    }

    private Document buildMinutes(int i, List<ObjectId> projects) {
        return new Document("_id", new ObjectId())
                .append("projectId", projects.get(random.nextInt(projects.size())))
                .append("month", "2026-" + String.format("%02d", 1 + i % 12))
                .append("minutes", random.nextInt(10_000))
                .append("cost", new Decimal128(BigDecimal.valueOf(random.nextInt(1_000_000), 2)));
    }

    private static Binary uuid(UUID uuid) {
        byte[] bytes = java.nio.ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits()).array();
        return new Binary(BsonBinarySubType.UUID_STANDARD, bytes);
    }

    private Date date(int hoursAfterEpoch) {
        return Date.from(epoch.minus(330 * 24, ChronoUnit.HOURS).plus(hoursAfterEpoch, ChronoUnit.HOURS));
    }
}
