package io.devflow.dr.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Reads {@code disasterRecovery.cluster}: the leader-election engine and its settings. */
final class ClusterReader {

    private ClusterReader() {
    }

    static ClusterConfig read(Optional<JsonObjectReader> block, Path source) {
        if (block.isEmpty()) {
            return ClusterConfig.defaultFor(source);
        }
        JsonObjectReader c = block.get();
        ClusterConfig.Engine engine = engine(c);
        Optional<String> instanceId = c.optionalString("instanceId");
        instanceId.filter(id -> !id.matches("[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}")).ifPresent(id -> c.problem("instanceId",
                "'" + id + "' must be 1-128 letters, digits or . _ : @ - (it names this instance to the others)"));
        Optional<java.net.URI> advertised = c.uri("advertisedUrl");
        Optional<ClusterConfig.ZooKeeper> zookeeper = c.object("zookeeper", engine == ClusterConfig.Engine.ZOOKEEPER)
                .map(ClusterReader::zookeeper);
        Optional<ClusterConfig.Kubernetes> kubernetes = c.object("kubernetes", false).map(ClusterReader::kubernetes);
        Optional<ClusterConfig.FileLock> file = c.object("file", false).map(f -> file(f, source));
        if (engine == ClusterConfig.Engine.KUBERNETES && kubernetes.isEmpty()) {
            kubernetes = Optional.of(new ClusterConfig.Kubernetes(Optional.empty(), "devflow-dr", Duration.ofSeconds(15),
                    Duration.ofSeconds(10), Duration.ofSeconds(2)));
        }
        if (engine == ClusterConfig.Engine.FILE && file.isEmpty()) {
            file = ClusterConfig.defaultFor(source).file();
        }
        for (ClusterConfig.Engine other : ClusterConfig.Engine.values()) {
            if (other != engine && c.present(other.id())) {
                c.problem(other.id(), "belongs to engine " + other.id() + ", but engine is " + engine.id()
                        + "; remove the block or change the engine");
            }
        }
        Duration confirmWithin = Duration.ofSeconds(c.integer("confirmWithinSeconds",
                defaultConfirmSeconds(engine, zookeeper, kubernetes), 1, 3_600));
        Duration session = session(engine, zookeeper, kubernetes);
        if (session != null && confirmWithin.compareTo(session) >= 0) {
            c.problem("confirmWithinSeconds", "must be shorter than the engine's "
                    + (engine == ClusterConfig.Engine.ZOOKEEPER ? "session timeout" : "lease duration") + " ("
                    + session.toSeconds() + " s), or a paused leader could still write after another took over");
        }
        c.rejectUnknown();
        return new ClusterConfig(engine, instanceId, advertised, zookeeper, kubernetes, file, confirmWithin);
    }

    private static ClusterConfig.Engine engine(JsonObjectReader c) {
        Optional<String> name = c.optionalString("engine");
        if (name.isPresent()) {
            Optional<ClusterConfig.Engine> engine = ClusterConfig.Engine.parse(name.get());
            if (engine.isEmpty()) {
                c.problem("engine", "unknown engine '" + name.get() + "'; engines are zookeeper, kubernetes, file");
            }
            return engine.orElse(ClusterConfig.Engine.FILE);
        }
        for (ClusterConfig.Engine engine : ClusterConfig.Engine.values()) {
            if (c.present(engine.id())) {
                return engine;
            }
        }
        return ClusterConfig.Engine.FILE;
    }

    private static ClusterConfig.ZooKeeper zookeeper(JsonObjectReader z) {
        String connect = z.string("connect", null);
        if (connect != null && !connect.matches("[A-Za-z0-9.\\[\\]:_-]+(,[A-Za-z0-9.\\[\\]:_-]+)*(/[A-Za-z0-9/_.-]*)?")) {
            z.problem("connect", "'" + connect + "' is not a ZooKeeper connect string (host:port[,host:port...])");
        }
        String basePath = z.string("basePath", "/devflow-dr");
        if (!basePath.matches("(/[A-Za-z0-9_.-]+)+")) {
            z.problem("basePath", "'" + basePath + "' must be an absolute ZooKeeper path such as /devflow-dr");
        }
        int session = z.integer("sessionTimeoutMs", 15_000, 2_000, 600_000);
        int connection = z.integer("connectionTimeoutMs", 10_000, 1_000, 600_000);
        z.rejectUnknown();
        return new ClusterConfig.ZooKeeper(connect, basePath, Duration.ofMillis(session), Duration.ofMillis(connection));
    }

    private static ClusterConfig.Kubernetes kubernetes(JsonObjectReader k) {
        Optional<String> namespace = k.optionalString("namespace");
        String lease = k.string("leaseName", "devflow-dr");
        if (!lease.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
            k.problem("leaseName", "'" + lease + "' is not a Kubernetes object name (lower-case letters, digits, -)");
        }
        int duration = k.integer("leaseDurationMs", 15_000, 2_000, 600_000);
        int renew = k.integer("renewDeadlineMs", 10_000, 1_000, 600_000);
        int retry = k.integer("retryPeriodMs", 2_000, 100, 600_000);
        if (renew >= duration) {
            k.problem("renewDeadlineMs", "must be shorter than leaseDurationMs (" + duration + ")");
        }
        if (retry >= renew) {
            k.problem("retryPeriodMs", "must be shorter than renewDeadlineMs (" + renew + ")");
        }
        k.rejectUnknown();
        return new ClusterConfig.Kubernetes(namespace, lease, Duration.ofMillis(duration), Duration.ofMillis(renew),
                Duration.ofMillis(retry));
    }

    private static ClusterConfig.FileLock file(JsonObjectReader f, Path source) {
        Optional<Path> directory = f.path("directory");
        int interval = f.integer("acquireIntervalMs", 2_000, 100, 600_000);
        f.rejectUnknown();
        Path base = source.toAbsolutePath().getParent();
        Path dir = base.resolve(directory.orElse(Path.of("dr-cluster")));
        return new ClusterConfig.FileLock(dir, Duration.ofMillis(interval));
    }

    private static int defaultConfirmSeconds(ClusterConfig.Engine engine, Optional<ClusterConfig.ZooKeeper> zookeeper,
                                             Optional<ClusterConfig.Kubernetes> kubernetes) {
        Duration session = session(engine, zookeeper, kubernetes);
        return session == null ? 10 : (int) Math.max(1, session.toSeconds() / 2);
    }

    private static Duration session(ClusterConfig.Engine engine, Optional<ClusterConfig.ZooKeeper> zookeeper,
                                    Optional<ClusterConfig.Kubernetes> kubernetes) {
        return switch (engine) {
            case ZOOKEEPER -> zookeeper.map(ClusterConfig.ZooKeeper::sessionTimeout).orElse(null);
            case KUBERNETES -> kubernetes.map(ClusterConfig.Kubernetes::leaseDuration).orElse(null);
            case FILE -> null;
        };
    }
}
