package io.devflow.dr.embedded;

import redis.clients.jedis.Jedis;
import redis.clients.jedis.StreamEntryID;

import java.util.Map;
import java.util.Random;

/**
 * Sample Redis data for the demo: sessions with expiry, a page cache, rate-limit counters, a leaderboard,
 * a job queue, feature flags, a deployment event stream and a HyperLogLog of visitors, in databases 0 and 1.
 */
public final class SampleKeys {

    private final Random random = new Random(20260126L);

    /** Seeds unless database 0 already has keys; returns the number of keys written. */
    public long seedIfEmpty(String host, int port) {
        try (Jedis jedis = new Jedis(host, port)) {
            if (jedis.dbSize() > 0) {
                return 0;
            }
            long keys = 0;
            for (int i = 0; i < 2_000; i++) {
                jedis.hset("session:" + i, Map.of("user", "user" + (i % 1_500), "ip", "10.0." + (i % 256) + "." + (i % 7),
                        "agent", "devflow-web/" + (i % 5)));
                jedis.expire("session:" + i, 3_600 + random.nextInt(86_400));
                keys++;
            }
            for (int i = 0; i < 1_000; i++) {
                jedis.setex("cache:page:/projects/" + i, 600 + random.nextInt(3_000), "<html>project " + i + "</html>");
                jedis.set("ratelimit:user" + i, Integer.toString(random.nextInt(100)));
                keys += 2;
            }
            for (int i = 0; i < 500; i++) {
                jedis.zadd("leaderboard:deployments", random.nextInt(10_000), "team-" + i);
                jedis.rpush("queue:builds", "build-" + i);
                jedis.sadd("flags:enabled", "feature-" + (i % 40));
                jedis.pfadd("visitors:2026-01", "visitor-" + random.nextInt(100_000));
            }
            keys += 4;
            for (int i = 0; i < 300; i++) {
                jedis.xadd("events:deployments", StreamEntryID.NEW_ENTRY, Map.of("project", "PRJ-" + (1000 + i % 240),
                        "status", random.nextInt(20) == 0 ? "failed" : "succeeded"));
            }
            keys++;
            jedis.select(1);
            for (int i = 0; i < 200; i++) {
                jedis.set("lock:job:" + i, "worker-" + (i % 4));
                keys++;
            }
            return keys;
        }
    }
}
