package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Leader election of {@code dr server} ({@code disasterRecovery.cluster}): which engine elects the one instance that
 * runs the schedules, the capture worker, replication and the health monitor, and how this instance is named to the
 * others. Without the block, instances elect through a lock file next to the configuration.
 *
 * @param instanceId    this instance's name in the leadership record; default host name and process id
 * @param advertisedUrl the API address standbys name when they refuse a change; default from api.host and api.port
 * @param confirmWithin how long a leader may go without confirming its leadership before it stops writing the
 *                      control state; shorter than the engine's session or lease, so a leader paused past it
 *                      cannot write once another has taken over
 */
public record ClusterConfig(Engine engine, Optional<String> instanceId, Optional<URI> advertisedUrl,
                            Optional<ZooKeeper> zookeeper, Optional<Kubernetes> kubernetes, Optional<FileLock> file,
                            Duration confirmWithin) {

    /** The election engines: Camel's cluster services. */
    public enum Engine {
        ZOOKEEPER("zookeeper"), KUBERNETES("kubernetes"), FILE("file");

        private final String id;

        Engine(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        static Optional<Engine> parse(String text) {
            for (Engine engine : values()) {
                if (engine.id.equals(text)) {
                    return Optional.of(engine);
                }
            }
            return Optional.empty();
        }
    }

    /** camel-zookeeper's cluster service: a leader latch under {@code basePath}. */
    public record ZooKeeper(String connect, String basePath, Duration sessionTimeout, Duration connectionTimeout) {
    }

    /** camel-kubernetes' cluster service: a coordination.k8s.io Lease in {@code namespace}. */
    public record Kubernetes(Optional<String> namespace, String leaseName, Duration leaseDuration,
                             Duration renewDeadline, Duration retryPeriod) {
    }

    /** camel-file's cluster service: an exclusive lock on a file in {@code directory}, shared by every instance. */
    public record FileLock(Path directory, Duration acquireInterval) {
    }

    /** The default: a lock file in {@code dr-cluster/} beside the configuration file. */
    public static ClusterConfig defaultFor(Path configFile) {
        Path base = configFile.toAbsolutePath().getParent();
        return new ClusterConfig(Engine.FILE, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new FileLock(base.resolve("dr-cluster"), Duration.ofSeconds(2))), Duration.ofSeconds(10));
    }
}
