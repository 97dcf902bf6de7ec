package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code recovery.failover.routing}: the provider that sends clients to the active region, and its settings, in a
 * block named after the provider.
 *
 * @param provider which one ({@code file} unless configured)
 * @param file the file provider's settings: where it writes the active region for a proxy to read
 * @param route53 the route53 provider's settings: the record sets of one name and type, a value per region
 * @param kubernetes the kubernetes provider's settings: the Service whose selector picks the region
 * @param webhook the webhook provider's settings: the platform's own endpoint, told of each change
 */
public record RoutingConfig(Provider provider, Optional<FileRouting> file, Optional<Route53Routing> route53,
                            Optional<KubernetesRouting> kubernetes, Optional<WebhookRouting> webhook) {

    /** The routing providers. */
    public enum Provider {
        FILE("file"), ROUTE53("route53"), KUBERNETES("kubernetes"), WEBHOOK("webhook");

        private final String id;

        Provider(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }

        public static Optional<Provider> parse(String name) {
            for (Provider p : values()) {
                if (p.id.equals(name)) {
                    return Optional.of(p);
                }
            }
            return Optional.empty();
        }
    }

    /** The file provider: a JSON document naming the active region, written atomically. */
    public record FileRouting(Path path) {
    }

    /**
     * The route53 provider: the record sets named {@code recordName} of type {@code recordType} in one hosted zone,
     * one per region, identified by the region's name ({@code SetIdentifier}).
     *
     * @param mode {@code weighted}: weight 100 for the active region, 0 for the others; {@code failover}: the active
     *             region's record is PRIMARY, the other's SECONDARY (exactly two regions)
     * @param values per region, the record values (one for CNAME)
     * @param endpoint where the Route 53 API is (tests, private endpoints); AWS's own when empty
     * @param awsRegion the signing region; {@code aws-global} when empty, as Route 53 is a global service
     * @param syncTimeout how long a change may stay PENDING before it counts as failed
     */
    public record Route53Routing(String hostedZoneId, String recordName, RecordType recordType, Route53Mode mode,
                                 Map<RegionId, List<String>> values, long ttl, Optional<URI> endpoint,
                                 Optional<String> awsRegion, Duration syncTimeout) {

        public Route53Routing {
            values = Map.copyOf(values);
        }
    }

    /** The record types a region's address can have. */
    public enum RecordType {
        A, AAAA, CNAME
    }

    /** How Route 53 record sets send clients to one region. */
    public enum Route53Mode {
        WEIGHTED("weighted"), FAILOVER("failover");

        private final String id;

        Route53Mode(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    /**
     * The kubernetes provider: the selector of one Service picks the pods of the active region.
     *
     * @param namespace the Service's namespace; the client's own (in-cluster or kubeconfig) when empty
     * @param selectorKey the selector label that names the region, e.g. {@code region}
     * @param selectorValues per region, the label value that selects its pods (the region's name unless configured)
     * @param drainSelector when present, a drain sets the label to this value (selecting no pods); otherwise a
     *                      drain only records the selector and clients move when the target is routed to
     * @param masterUrl the API server; in-cluster or kubeconfig when empty
     * @param timeout each API request's bound
     */
    public record KubernetesRouting(Optional<String> namespace, String service, String selectorKey,
                                    Map<RegionId, String> selectorValues, Optional<String> drainSelector,
                                    Optional<String> masterUrl, Duration timeout) {

        public KubernetesRouting {
            selectorValues = Map.copyOf(selectorValues);
        }
    }

    /**
     * The webhook provider: each drain, route and undo is POSTed to {@code url} as JSON.
     *
     * @param token sent as {@code Authorization: Bearer}, when configured
     * @param stateUrl answers {@code {"region": "..."}} to a GET: the region routed to now
     * @param timeout each request's bound
     */
    public record WebhookRouting(URI url, Optional<Secret> token, Optional<URI> stateUrl, Duration timeout) {
    }

    public static RoutingConfig defaultFor(Path configFile) {
        return new RoutingConfig(Provider.FILE,
                Optional.of(new FileRouting(configFile.toAbsolutePath().getParent().resolve("active-region.json"))),
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
