package io.devflow.dr.bench;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.StreamEntryID;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The Redis benchmark's keyspace: what a CI/CD platform keeps in Redis. Mostly strings (sessions and page
 * caches with expiries, counters, feature flags) and small hashes (user profiles), then lists (activity feeds),
 * sets (tags, team members: an intset), sorted sets (leaderboards) and a few streams (event logs), with a
 * few large hashes, lists and sorted sets that Redis keeps in its big encodings (hashtable, quicklist, skiplist)
 * rather than a compact listpack. About a quarter of the keys expire, hours to days ahead, so none expires during a run.
 * Values come from a small vocabulary, as real ones do, so they compress like real ones. Seeded: every load
 * writes the same keys and values (only the expiries move with the clock).
 */
final class RedisKeys {

    private static final long SEED = 20261125L;
    private static final int KEYS_PER_SYNC = 1_000;
    private static final long HOUR_MS = 3_600_000L;
    private static final long EPOCH_MILLIS = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    /** The kinds of key, with their share of the keyspace in thousandths. */
    private enum Kind {
        SESSION(150), PAGE_CACHE(100), COUNTER(140), FLAG(90), PROFILE(260), TENANT_SETTINGS(5), ACTIVITY(100),
        JOB_QUEUE(2), TAGS(50), MEMBERS(30), LEADERBOARD(70), RATE_WINDOW(2), EVENT_STREAM(1);

        final int perMille;

        Kind(int perMille) {
            this.perMille = perMille;
        }
    }

    /** What a load wrote. */
    record Loaded(long keys, long expiring, Map<String, Long> kinds, double seconds) {
    }

    private final Random random = new Random(SEED);
    private final Kind[] byRoll = new Kind[1_000];

    private RedisKeys() {
        int at = 0;
        for (Kind kind : Kind.values()) {
            for (int i = 0; i < kind.perMille; i++) {
                byRoll[at++] = kind;
            }
        }
        if (at != byRoll.length) {
            throw new IllegalStateException("the kinds' shares add up to " + at + " thousandths, not 1000");
        }
    }

    /** Writes {@code count} keys into the selected database, pipelined; returns what was written. */
    static Loaded load(Jedis jedis, long count) {
        return new RedisKeys().write(jedis, count);
    }

    private Loaded write(Jedis jedis, long count) {
        long started = System.nanoTime();
        long now = System.currentTimeMillis();
        long expiring = 0;
        Map<String, Long> kinds = new LinkedHashMap<>();
        Pipeline pipeline = jedis.pipelined();
        for (long i = 0; i < count; i++) {
            Kind kind = byRoll[random.nextInt(byRoll.length)];
            String key = write(pipeline, kind, i);
            kinds.merge(kind.name().toLowerCase(Locale.ROOT), 1L, Long::sum);
            long ttl = ttlMillis(kind);
            if (ttl > 0) {
                pipeline.pexpireAt(key, now + ttl);
                expiring++;
            }
            if ((i + 1) % KEYS_PER_SYNC == 0) {
                pipeline.sync();
            }
        }
        pipeline.sync();
        return new Loaded(count, expiring, kinds, (System.nanoTime() - started) / 1e9);
    }

    /** Sessions and page caches always expire; a few other keys do too. Zero: no expiry. */
    private long ttlMillis(Kind kind) {
        return switch (kind) {
            case SESSION -> 2 * HOUR_MS + random.nextInt(22) * HOUR_MS;
            case PAGE_CACHE -> 2 * HOUR_MS + random.nextInt(10) * HOUR_MS;
            default -> random.nextInt(100) < 3 ? 6 * HOUR_MS + random.nextInt(7 * 24) * HOUR_MS : 0;
        };
    }

    /** Queues the commands that create key number {@code i} of that kind; returns the key. */
    private String write(Pipeline pipeline, Kind kind, long i) {
        String key;
        switch (kind) {
            case SESSION -> {
                key = "session:" + HexFormat.of().formatHex(bytes(16)) + ":" + i;
                pipeline.set(key, session());
            }
            case PAGE_CACHE -> {
                key = "cache:page:/projects/PRJ-" + random.nextInt(400) + "/" + word() + "?page=" + i;
                pipeline.set(key, pageFragment());
            }
            case COUNTER -> {
                key = "counter:" + word() + ":" + tenant() + ":" + i;
                pipeline.set(key, Integer.toString(random.nextInt(random.nextBoolean() ? 100 : 5_000_000)));
            }
            case FLAG -> {
                key = "flag:" + word() + "-" + word() + ":" + i;
                pipeline.set(key, random.nextBoolean() ? (random.nextBoolean() ? "on" : "off")
                        : "{\"rollout\":" + random.nextInt(101) + ",\"owner\":\"" + team() + "\"}");
            }
            case PROFILE -> {
                key = "user:" + i + ":profile";
                pipeline.hset(key, profile(i));
            }
            case TENANT_SETTINGS -> {
                key = "settings:" + tenant() + ":" + i;
                Map<String, String> settings = new HashMap<>();
                for (int f = 200 + random.nextInt(400); f > 0; f--) {
                    settings.put("feature." + word() + "." + word() + "." + f, random.nextBoolean() ? "true" : word());
                }
                pipeline.hset(key, settings);
            }
            case ACTIVITY -> {
                key = "activity:user:" + i;
                pipeline.rpush(key, activities(5 + random.nextInt(36)));
            }
            case JOB_QUEUE -> {
                key = "queue:jobs:" + team() + ":" + i;
                String[] jobs = new String[500 + random.nextInt(1_500)];
                for (int j = 0; j < jobs.length; j++) {
                    jobs[j] = "{\"job\":\"" + word() + "-" + random.nextInt(100_000) + "\",\"project\":\"PRJ-"
                            + random.nextInt(400) + "\",\"attempt\":" + random.nextInt(3) + ",\"priority\":"
                            + random.nextInt(10) + "}";
                }
                pipeline.rpush(key, jobs);
            }
            case TAGS -> {
                key = "tags:project:" + i;
                String[] tags = new String[3 + random.nextInt(28)];
                for (int t = 0; t < tags.length; t++) {
                    tags[t] = word() + (random.nextInt(4) == 0 ? "-" + word() : "");
                }
                pipeline.sadd(key, tags);
            }
            case MEMBERS -> {
                key = "members:team:" + i;
                String[] ids = new String[5 + random.nextInt(96)];
                for (int m = 0; m < ids.length; m++) {
                    ids[m] = Integer.toString(random.nextInt(50_000));
                }
                pipeline.sadd(key, ids);
            }
            case LEADERBOARD, RATE_WINDOW -> {
                boolean large = kind == Kind.RATE_WINDOW;
                key = (large ? "ratelimit:window:" : "leaderboard:builds:") + tenant() + ":" + i;
                Map<String, Double> scores = new HashMap<>();
                for (int m = large ? 300 + random.nextInt(700) : 5 + random.nextInt(116); m > 0; m--) {
                    scores.put(large ? "req-" + random.nextInt(1_000_000) : "u-" + random.nextInt(5_000),
                            (double) (large ? EPOCH_MILLIS + random.nextInt(60_000) : random.nextInt(10_000)));
                }
                pipeline.zadd(key, scores);
            }
            case EVENT_STREAM -> {
                key = "events:" + tenant() + ":" + i;
                long at = EPOCH_MILLIS + i;
                for (int e = 20 + random.nextInt(101); e > 0; e--) {
                    at += 1 + random.nextInt(5_000);
                    pipeline.xadd(key, new StreamEntryID(at, 0), streamEntry());
                }
            }
            default -> throw new IllegalStateException("no writer for " + kind);
        }
        return key;
    }

    private String session() {
        int user = random.nextInt(5_000);
        return "{\"userId\":\"u-" + user + "\",\"tenant\":\"" + tenant() + "\",\"roles\":[\"developer\""
                + (random.nextInt(5) == 0 ? ",\"release-manager\"" : "") + "],\"csrf\":\""
                + HexFormat.of().formatHex(bytes(16)) + "\",\"createdAt\":" + (EPOCH_MILLIS + random.nextInt(1 << 30))
                + ",\"ip\":\"10." + random.nextInt(256) + "." + random.nextInt(256) + "." + random.nextInt(256)
                + "\",\"userAgent\":\"Mozilla/5.0 (X11; Linux x86_64) devflow-web/" + random.nextInt(40) + "."
                + random.nextInt(10) + "\"}";
    }

    private String pageFragment() {
        StringBuilder page = new StringBuilder("{\"project\":\"PRJ-").append(random.nextInt(400)).append("\",\"builds\":[");
        for (int b = 3 + random.nextInt(13); b > 0; b--) {
            page.append("{\"id\":").append(random.nextInt(1_000_000)).append(",\"status\":\"")
                    .append(BenchDocuments.STATUSES[random.nextInt(BenchDocuments.STATUSES.length)])
                    .append("\",\"durationMs\":").append(random.nextInt(900_000)).append(",\"title\":\"")
                    .append(word()).append(' ').append(word()).append(' ').append(word()).append("\"}")
                    .append(b > 1 ? "," : "");
        }
        return page.append("]}").toString();
    }

    private Map<String, String> profile(long i) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("name", word() + " " + word());
        fields.put("email", "user" + i + "@example.com");
        fields.put("team", team());
        fields.put("tenant", tenant());
        fields.put("role", random.nextInt(5) == 0 ? "release-manager" : "developer");
        fields.put("timezone", random.nextBoolean() ? "Europe/Berlin" : "America/New_York");
        fields.put("createdAt", Long.toString(EPOCH_MILLIS - random.nextInt(1 << 30) * 10L));
        fields.put("lastLoginAt", Long.toString(EPOCH_MILLIS + random.nextInt(1 << 30)));
        for (int f = random.nextInt(9); f > 0; f--) {
            fields.put("pref." + word(), random.nextBoolean() ? "true" : word());
        }
        return fields;
    }

    private String[] activities(int count) {
        String[] entries = new String[count];
        for (int a = 0; a < count; a++) {
            entries[a] = (EPOCH_MILLIS + random.nextInt(1 << 30)) + " " + word() + " PRJ-" + random.nextInt(400) + " "
                    + BenchDocuments.STATUSES[random.nextInt(BenchDocuments.STATUSES.length)] + " " + word() + " " + word();
        }
        return entries;
    }

    private Map<String, String> streamEntry() {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("type", word());
        entry.put("project", "PRJ-" + random.nextInt(400));
        entry.put("actor", "u-" + random.nextInt(5_000));
        entry.put("status", BenchDocuments.STATUSES[random.nextInt(BenchDocuments.STATUSES.length)]);
        entry.put("durationMs", Integer.toString(random.nextInt(900_000)));
        return entry;
    }

    private String word() {
        return BenchDocuments.WORDS[random.nextInt(BenchDocuments.WORDS.length)];
    }

    private String team() {
        return BenchDocuments.TEAMS[random.nextInt(BenchDocuments.TEAMS.length)];
    }

    private String tenant() {
        return String.format(Locale.ROOT, "tenant-%04d", random.nextInt(250));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
