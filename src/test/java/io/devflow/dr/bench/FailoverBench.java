package io.devflow.dr.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.api.FailoverList;
import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.failover.FailoverRecord;
import io.devflow.dr.failover.FailoverRequest;
import io.devflow.dr.failover.FailoverStep;
import io.devflow.dr.support.Json;
import io.devflow.dr.testing.CliRun;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The failover benchmark ({@code bench/failover.sh}):
 * <pre>
 *   FailoverBench run --work-dir DIR --manual N --automatic N --rate R --rpo MIN --heap SIZE
 *                     --east-mongo-port P --west-mongo-port P --east-s3-port P --west-s3-port P --api-port P
 *                     [--check-interval S --failed-checks N]   (the automatic thresholds; default: dr's defaults)
 *   FailoverBench serve CONFIG DONE_FILE
 * </pre>
 * {@code run} works in sessions: fresh regions ({@link FailoverServers}), a full backup of each region's MongoDB
 * (the plan refuses a target without one within the RPO), {@code serve} in a JVM of its own (dr server's runtime:
 * DrServices, DrRuntime SERVER) and the {@link RoutedWriter}. The N manual failovers ({@code POST /api/failovers},
 * as an operator would) share one session and alternate the direction, each once the other region holds the
 * writer's newest write; each automatic one (the active region's store stopped; the controller detects it and fails
 * over) has a session of its own, since with two regions every failover after the first is a switchback. After
 * each run it prints {@code RESULT mode=... run=... state=...} with the failover record's times (see
 * bench/README.md) and the writes lost: acknowledged by the source since it became active and absent from the
 * target once the failover finished. A refused automatic failover is a result (its detection and why); a manual
 * one refused is asked again every second, as an operator would, up to two minutes.
 */
public final class FailoverBench {

    static final String TOKEN = "bench-token-0123456789abcdef0123456789abcdef";
    private static final Duration SETTLE = Duration.ofSeconds(180);
    private static final Duration FAILOVER = Duration.ofSeconds(300);
    private static final int CHECK_CHUNK = 1_000;

    private final Map<String, String> options;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI api;
    private FailoverServers servers;
    private RoutedWriter writer;
    private Process dr;
    private Path doneFile;

    private FailoverBench(Map<String, String> options) {
        this.options = options;
        this.api = URI.create("http://127.0.0.1:" + option("--api-port") + "/api/failovers");
    }

    public static void main(String[] args) {
        try {
            if (args.length == 3 && args[0].equals("serve")) {
                serve(Path.of(args[1]), Path.of(args[2]));
            } else if (args.length > 1 && args[0].equals("run")) {
                new FailoverBench(BenchServers.options(java.util.Arrays.copyOfRange(args, 1, args.length))).run();
            } else {
                System.err.println("usage: FailoverBench run --work-dir DIR ... | FailoverBench serve CONFIG DONE_FILE");
                System.exit(2);
            }
        } catch (Exception | OutOfMemoryError e) {
            e.printStackTrace();
            // the servers', Camel's and the drivers' threads would otherwise keep a failed run alive
            System.exit(1);
        }
        System.exit(0);
    }

    private static void serve(Path config, Path done) throws Exception {
        try (DrServices services = new DrServices(ConfigLoader.system().load(config));
             DrRuntime runtime = DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of())) {
            System.out.println("dr server running");
            while (!Files.exists(done)) {
                Thread.sleep(100);
            }
        }
    }

    private void run() throws Exception {
        Path work = Path.of(option("--work-dir")).toAbsolutePath();
        int manual = Integer.parseInt(option("--manual"));
        int automatic = Integer.parseInt(option("--automatic"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stopDr, "failover-bench-stop"));
        if (manual > 0) {
            session(work, "manual", manual);
        }
        // every automatic run on a deployment of its own: with two regions, any failover after the first goes
        // back to the region that was active before, a switchback, which waits for zero lag, and a dead source
        // has none to show (see bench/README.md)
        for (int run = 1; run <= automatic; run++) {
            session(work, "automatic-" + run, 1);
        }
    }

    /**
     * Fresh regions, backups, dr server and writer; then {@code runs} failovers, alternating the direction, each
     * once the other region holds the newest acknowledged write.
     */
    private void session(Path work, String name, int runs) throws Exception {
        boolean automatic = name.startsWith("automatic");
        Path routing = work.resolve("routing").resolve("active-region.json");
        Path done = work.resolve("done");
        Files.deleteIfExists(done);
        Files.deleteIfExists(routing);
        Files.createDirectories(routing.getParent());
        FailoverServers.Ports ports = new FailoverServers.Ports(port("--east-mongo-port"), port("--west-mongo-port"),
                port("--east-s3-port"), port("--west-s3-port"), port("--api-port"));
        Map<String, Integer> thresholds = new LinkedHashMap<>();
        Optional.ofNullable(options.get("--check-interval")).ifPresent(s -> thresholds.put("checkIntervalSeconds", Integer.parseInt(s)));
        Optional.ofNullable(options.get("--failed-checks")).ifPresent(s -> thresholds.put("failedChecks", Integer.parseInt(s)));
        System.out.println("session " + name + ": starting the regions, backups and the dr server");
        servers = new FailoverServers(work, ports);
        try {
            Path config = servers.writeConfig(work, routing, Integer.parseInt(option("--rpo")), thresholds);
            for (String region : FailoverServers.REGIONS) {
                CliRun backup = CliRun.of("--config", config.toString(), "backup", "--type", "full", "--store", "mongodb",
                        "--region", region);
                if (backup.exitCode() != 0) {
                    throw new IllegalStateException("the full backup of " + region + " failed: " + backup);
                }
            }
            doneFile = done;
            List<String> command = new ArrayList<>(List.of("java", "-Xmx" + option("--heap")));
            // compiled and collected as this JVM is: a smoke run starts its JVMs with C1 only
            ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-XX:"))
                    .forEach(command::add);
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), FailoverBench.class.getName(), "serve",
                    config.toString(), done.toString()));
            dr = new ProcessBuilder(command)
                    .redirectErrorStream(true).redirectOutput(work.resolve("logs").resolve("dr-" + name + ".log").toFile())
                    .start();
            await("the dr server's API", Duration.ofSeconds(120), () -> get(api.toString() + "?limit=1").isPresent());
            Map<String, String> urls = new LinkedHashMap<>();
            FailoverServers.REGIONS.forEach(r -> urls.put(r, servers.url(r)));
            writer = new RoutedWriter(routing, urls, Integer.parseInt(option("--rate")));
            writer.start();
            measure(name, automatic, runs);
            System.out.printf(Locale.ROOT, "writer: session %s, %d writes acknowledged, %d failed%n", name,
                    writer.acknowledgedCount(), writer.failedCount());
        } finally {
            if (writer != null) {
                writer.close();
                writer = null;
            }
            stopDr();
            servers.close();
        }
    }

    private void measure(String name, boolean automatic, int runs) throws Exception {
        String active = FailoverServers.EAST;
        long activeSince = 0;
        try (MongoClient east = MongoClients.create(servers.directUrl(FailoverServers.EAST));
             MongoClient west = MongoClients.create(servers.directUrl(FailoverServers.WEST))) {
            Map<String, MongoClient> direct = Map.of(FailoverServers.EAST, east, FailoverServers.WEST, west);
            for (int run = 1; run <= runs; run++) {
                String target = active.equals(FailoverServers.EAST) ? FailoverServers.WEST : FailoverServers.EAST;
                awaitCaughtUp(direct.get(target), active);
                Run result = automatic ? automatic(active, target) : manual(target);
                List<Long> acknowledged = writer.acknowledged(active, activeSince, result.settledMs());
                long lost = result.record().state() == FailoverRecord.State.REFUSED ? 0 : lost(direct.get(target), acknowledged);
                System.out.println(result.line(automatic ? "automatic" : "manual",
                        automatic ? Integer.parseInt(name.substring(name.indexOf('-') + 1)) : run,
                        active, target, writer, acknowledged.size(), lost));
                if (automatic) {
                    servers.proxy(active).start();
                }
                if (result.record().state() == FailoverRecord.State.REFUSED) {
                    return;
                }
                active = target;
                activeSince = result.settledMs();
            }
        }
    }

    private Run manual(String target) throws Exception {
        int refusals = 0;
        String body = Json.MAPPER.writeValueAsString(Map.of("target", target, "reason", "bench", "force", false,
                "dryRun", false));
        while (true) {
            long asked = System.currentTimeMillis();
            HttpResponse<String> response = http.send(request(api.toString()).POST(HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == 202) {
                FailoverRecord record = Json.MAPPER.readValue(response.body(), FailoverRecord.class);
                return new Run(asked, finished(record.id()), refusals);
            }
            if (response.statusCode() != 409 && response.statusCode() != 422 || ++refusals > 120) {
                throw new IllegalStateException("POST /api/failovers answered " + response.statusCode() + ": " + response.body());
            }
            // a switchback is refused until the old region is at zero lag: ask again, as an operator would
            Thread.sleep(1_000);
        }
    }

    private Run automatic(String active, String target) throws Exception {
        awaitPlanWithoutRefusals(target);
        Thread.sleep(2_000);
        long stopped = System.currentTimeMillis();
        servers.proxy(active).stop();
        System.out.println("stopped " + active + "'s MongoDB at " + Instant.ofEpochMilli(stopped));
        long deadline = System.nanoTime() + FAILOVER.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<FailoverRecord> started = get(api + "?limit=3").map(b -> read(b, FailoverList.class)).stream()
                    .flatMap(l -> l.failovers().stream())
                    .filter(r -> r.request().trigger() == FailoverRequest.Trigger.AUTOMATIC
                            && r.request().target().value().equals(target)
                            && !r.startedAt().isBefore(Instant.ofEpochMilli(stopped)))
                    .findFirst();
            if (started.isPresent()) {
                FailoverRecord record = started.get();
                // a refused automatic failover is a result too: its detection counts, and the run says why
                return new Run(stopped, record.state() == FailoverRecord.State.REFUSED ? record : finished(record.id()), 0);
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("no automatic failover to " + target + " within " + FAILOVER.toSeconds()
                + " s of stopping " + active + "'s MongoDB; see logs/dr.log");
    }

    private FailoverRecord finished(String id) throws Exception {
        FailoverRecord[] last = new FailoverRecord[1];
        await("failover " + id + " to finish", FAILOVER, () -> {
            last[0] = get(api + "/" + id).map(b -> read(b, FailoverRecord.class)).orElse(null);
            return last[0] != null && last[0].state().finished();
        });
        if (last[0].state() != FailoverRecord.State.COMPLETED) {
            throw new IllegalStateException("failover " + id + " ended " + last[0].state().id() + ": " + Json.pretty(last[0]));
        }
        return last[0];
    }

    /**
     * Waits until a dry run to {@code target} finds nothing to refuse: replication has finished its initial sync and
     * streams, so its lag is known. Until then the target's copy is incomplete, and an automatic failover to it is
     * rightly refused (lag over the RPO, since unknown); stopping the store earlier would measure that refusal.
     */
    private void awaitPlanWithoutRefusals(String target) throws Exception {
        String body = Json.MAPPER.writeValueAsString(Map.of("target", target, "reason", "bench", "force", false,
                "dryRun", true));
        await("a failover plan to " + target + " without refusals (replication streaming)", SETTLE, () -> {
            try {
                HttpResponse<String> response = http.send(request(api.toString())
                        .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                        .build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    return false;
                }
                JsonNode refusals = Json.MAPPER.readTree(response.body()).path("refusals");
                return refusals.isArray() && refusals.isEmpty();
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
    }

    /** Waits until {@code passive} holds the newest write {@code active} acknowledged: replication caught up. */
    private void awaitCaughtUp(MongoClient passive, String active) throws Exception {
        long last = writer.lastAcknowledged(active);
        await("replication from " + active + " to hold write " + last, SETTLE, () -> last == 0
                || passive.getDatabase(RoutedWriter.DATABASE).getCollection(RoutedWriter.COLLECTION)
                .countDocuments(new org.bson.Document("_id", last)) == 1);
    }

    /** How many of the writes are absent from the region. */
    private static long lost(MongoClient target, List<Long> acknowledged) {
        long found = 0;
        for (int i = 0; i < acknowledged.size(); i += CHECK_CHUNK) {
            List<Long> chunk = acknowledged.subList(i, Math.min(acknowledged.size(), i + CHECK_CHUNK));
            found += target.getDatabase(RoutedWriter.DATABASE).getCollection(RoutedWriter.COLLECTION)
                    .countDocuments(new org.bson.Document("_id", new org.bson.Document("$in", chunk)));
        }
        return acknowledged.size() - found;
    }

    /** One failover as measured: from when it was asked for (manual) or the store stopped (automatic). */
    private record Run(long fromMs, FailoverRecord record, int refusals) {

        long settledMs() {
            return record.finishedAt().toEpochMilli();
        }

        String line(String mode, int run, String source, String target, RoutedWriter writer, int checked, long lost) {
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                    "RESULT mode=%s run=%d from=%s to=%s id=%s state=%s code=%s", mode, run, source, target, record.id(),
                    record.state().id(), record.error() == null ? "-" : record.error()));
            long started = record.startedAt().toEpochMilli();
            line.append(" detectionMs=").append(mode.equals("automatic") ? Long.toString(started - fromMs) : "-");
            if (record.state() == FailoverRecord.State.REFUSED) {
                return line.append(" sourceWrites=").append(checked).append(" refusals=").append(refusals).toString();
            }
            for (FailoverStep step : FailoverStep.values()) {
                FailoverRecord.StepRecord s = record.step(step).orElseThrow();
                line.append(' ').append(camel(step.id())).append("Ms=")
                        .append(s.finishedAt().toEpochMilli() - s.startedAt().toEpochMilli());
            }
            long routed = record.step(FailoverStep.UPDATE_ROUTING).orElseThrow().finishedAt().toEpochMilli();
            long seen = writer.routedAt(target, fromMs);
            line.append(" recordMs=").append(settledMs() - started)
                    .append(" wholeMs=").append(mode.equals("automatic") ? routed - fromMs : settledMs() - started)
                    .append(" askedToDoneMs=").append(settledMs() - fromMs)
                    .append(" writerRoutedMs=").append(seen == 0 ? "-" : Long.toString(seen - fromMs))
                    .append(" writeGapMs=").append(writer.longestGapMs(fromMs, Math.max(settledMs(), seen) + 1_000))
                    .append(" sourceWrites=").append(checked)
                    .append(" lost=").append(lost)
                    .append(" lossBoundWrites=").append(record.plan().lossBound().writes())
                    .append(" refusals=").append(refusals);
            return line.toString();
        }

        private static String camel(String id) {
            StringBuilder out = new StringBuilder();
            for (String part : id.split("-")) {
                out.append(out.length() == 0 ? part : Character.toUpperCase(part.charAt(0)) + part.substring(1));
            }
            return out.toString();
        }
    }

    private Optional<String> get(String uri) {
        try {
            HttpResponse<String> response = http.send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (java.io.IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private HttpRequest.Builder request(String uri) {
        return HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN);
    }

    private static <T> T read(String body, Class<T> type) {
        try {
            return Json.MAPPER.readValue(body, type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("unreadable answer from the API: " + e.getMessage(), e);
        }
    }

    private void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("waited " + bound.toSeconds() + " s for " + what + "; see logs/dr.log");
            }
            if (dr != null && !dr.isAlive()) {
                throw new IllegalStateException("the dr server stopped; see logs/dr.log");
            }
            Thread.sleep(100);
        }
    }

    private synchronized void stopDr() {
        if (dr == null) {
            return;
        }
        try {
            Files.writeString(doneFile, "done");
            if (!dr.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                dr.destroy();
            }
        } catch (Exception e) {
            dr.destroy();
        }
        dr = null;
    }

    private String option(String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException(name + " is required");
        }
        return value;
    }

    private int port(String name) {
        return Integer.parseInt(option(name));
    }
}
