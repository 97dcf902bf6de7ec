package io.devflow.dr.bench;

import io.devflow.dr.store.influxdb.InfluxHttp;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The InfluxDB benchmark's points: ten measurements of a CI/CD platform's metrics, each with 100 series (host,
 * region and service tags) and four or five fields of the four field types, one point per series every 10 s
 * from 2026-01-01 onwards. Gauges move as a random walk and are rounded as agents report them, so the export
 * compresses like real metrics. Written in time order, all series of one instant together, in large
 * line-protocol batches, as an agent fleet would. Seeded: every generation writes the same points.
 */
final class InfluxPoints {

    static final String DATABASE = "bench";
    static final int MEASUREMENTS = 10;
    static final int SERIES_PER_MEASUREMENT = 100;

    private static final long SEED = 20261126L;
    private static final int BATCH = 20_000;
    private static final long START_NANOS = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
    private static final long INTERVAL_NANOS = 10_000_000_000L;
    private static final String[] REGIONS = {"us-east-1", "us-west-2", "eu-central-1"};
    private static final String[] SERVICES = {"api", "web", "builder", "scheduler", "artifact-store", "gateway",
            "notifier", "auth", "search", "billing"};

    /** One measurement: its name and the fields every point has. */
    private record Measurement(String name, String[] fields) {
    }

    // field names ending in _f are floats, _i integers, _b booleans, _s strings; the suffix is cut when written
    private static final Measurement[] KINDS = {
            new Measurement("cpu", new String[] {"usage_user_f", "usage_system_f", "usage_idle_f", "cores_i"}),
            new Measurement("mem", new String[] {"used_i", "available_i", "used_percent_f", "swapping_b"}),
            new Measurement("disk", new String[] {"used_i", "free_i", "inodes_used_i", "used_percent_f"}),
            new Measurement("net", new String[] {"rx_bytes_i", "tx_bytes_i", "errors_i", "drops_i", "up_b"}),
            new Measurement("http_requests", new String[] {"count_i", "errors_i", "p50_ms_f", "p99_ms_f", "route_s"}),
            new Measurement("builds", new String[] {"duration_s_f", "queued_s_f", "result_s", "cached_b"}),
            new Measurement("deploys", new String[] {"duration_s_f", "success_b", "version_s", "replicas_i"}),
            new Measurement("queue", new String[] {"depth_i", "consumers_i", "oldest_s_f", "paused_b"}),
            new Measurement("db_latency", new String[] {"read_ms_f", "write_ms_f", "ops_i", "slow_queries_i"}),
            new Measurement("cache", new String[] {"hits_i", "misses_i", "evictions_i", "hit_ratio_f"}),
    };

    /** What a generation wrote. */
    record Written(long points, long lineBytes, double seconds) {
    }

    private final Random random = new Random(SEED);
    // each series' gauge level, walked a step per point
    private final double[][] levels = new double[MEASUREMENTS][SERIES_PER_MEASUREMENT];

    private InfluxPoints() {
        for (double[] measurement : levels) {
            for (int s = 0; s < measurement.length; s++) {
                measurement[s] = 20 + random.nextDouble() * 60;
            }
        }
    }

    /**
     * Creates {@value #DATABASE} and writes {@code points} points into it (rounded down to whole instants of
     * all 1,000 series), printing progress every tenth.
     */
    static Written generate(InfluxHttp http, long points) {
        http.execute("CREATE DATABASE " + DATABASE);
        return new InfluxPoints().write(http, points / (MEASUREMENTS * SERIES_PER_MEASUREMENT));
    }

    private Written write(InfluxHttp http, long instants) {
        long started = System.nanoTime();
        long written = 0;
        long bytes = 0;
        long total = instants * MEASUREMENTS * SERIES_PER_MEASUREMENT;
        long nextReport = total / 10;
        List<String> batch = new ArrayList<>(BATCH);
        StringBuilder line = new StringBuilder(256);
        for (long t = 0; t < instants; t++) {
            long time = START_NANOS + t * INTERVAL_NANOS + random.nextInt(1_000_000);
            for (int m = 0; m < MEASUREMENTS; m++) {
                for (int s = 0; s < SERIES_PER_MEASUREMENT; s++) {
                    line.setLength(0);
                    point(line, m, s, time);
                    bytes += line.length() + 1;
                    batch.add(line.toString());
                    if (batch.size() == BATCH) {
                        http.write(DATABASE, batch);
                        written += batch.size();
                        batch.clear();
                        if (written >= nextReport) {
                            double seconds = (System.nanoTime() - started) / 1e9;
                            System.out.printf(Locale.ROOT, "  %,d points, %.0f s (%,.0f points/s)%n", written, seconds,
                                    written / seconds);
                            nextReport += total / 10;
                        }
                    }
                }
            }
        }
        if (!batch.isEmpty()) {
            http.write(DATABASE, batch);
            written += batch.size();
        }
        return new Written(written, bytes, (System.nanoTime() - started) / 1e9);
    }

    private void point(StringBuilder line, int m, int s, long time) {
        Measurement measurement = KINDS[m];
        double level = levels[m][s] = Math.min(100, Math.max(0, levels[m][s] + random.nextGaussian() * 2));
        line.append(measurement.name())
                .append(",host=host-").append(String.format(Locale.ROOT, "%03d", s))
                .append(",region=").append(REGIONS[s % REGIONS.length])
                .append(",service=").append(SERVICES[s % SERVICES.length]);
        for (int f = 0; f < measurement.fields().length; f++) {
            String field = measurement.fields()[f];
            line.append(f == 0 ? ' ' : ',').append(field, 0, field.length() - 2).append('=');
            switch (field.substring(field.length() - 2)) {
                case "_f" -> line.append(Math.round(level * (1 + f) * 100) / 100.0);
                case "_i" -> line.append(Math.round(level * (1 + f) * 1_000 + random.nextInt(1_000))).append('i');
                case "_b" -> line.append(random.nextInt(50) != 0);
                case "_s" -> line.append('"').append(BenchDocuments.WORDS[random.nextInt(BenchDocuments.WORDS.length)])
                        .append('-').append(random.nextInt(20)).append('"');
                default -> throw new IllegalStateException("field " + field + " has no type suffix");
            }
        }
        line.append(' ').append(time);
    }
}
