package io.devflow.dr.failover.routing;

import io.devflow.dr.config.RoutingConfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.function.BiFunction;

/**
 * Builds the routing provider the configuration names, with its client: Route 53 with the default AWS credential
 * chain, Kubernetes in-cluster or from the kubeconfig (or {@code masterUrl}), the webhook over the JDK's HTTP client.
 */
public final class RoutingProviders {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private RoutingProviders() {
    }

    /**
     * @param fileRouting builds the file provider ({@code FileRouting::new})
     */
    public static RoutingProvider create(RoutingConfig config, Clock clock,
                                         BiFunction<RoutingConfig.FileRouting, Clock, RoutingProvider> fileRouting) {
        return switch (config.provider()) {
            case FILE -> fileRouting.apply(config.file().orElseThrow(), clock);
            case ROUTE53 -> {
                RoutingConfig.Route53Routing route53 = config.route53().orElseThrow();
                yield new Route53Routing(route53, route53Client(route53), clock);
            }
            case KUBERNETES -> {
                RoutingConfig.KubernetesRouting kubernetes = config.kubernetes().orElseThrow();
                yield new KubernetesRouting(kubernetes, kubernetesClient(kubernetes), clock);
            }
            case WEBHOOK -> new WebhookRouting(config.webhook().orElseThrow(),
                    HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build(), clock);
        };
    }

    /** Route 53 is global: requests are signed for {@code aws-global} unless another region is configured. */
    static Route53Client route53Client(RoutingConfig.Route53Routing config) {
        var builder = Route53Client.builder()
                .region(config.awsRegion().map(Region::of).orElse(Region.AWS_GLOBAL))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(Duration.ofSeconds(30)))
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(60)).build());
        config.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static KubernetesClient kubernetesClient(RoutingConfig.KubernetesRouting config) {
        int timeout = (int) config.timeout().toMillis();
        ConfigBuilder settings = new ConfigBuilder(Config.autoConfigure(null))
                .withRequestTimeout(timeout).withConnectionTimeout((int) Math.min(timeout, CONNECT_TIMEOUT.toMillis()));
        config.masterUrl().ifPresent(settings::withMasterUrl);
        return new KubernetesClientBuilder().withConfig(settings.build()).build();
    }
}
