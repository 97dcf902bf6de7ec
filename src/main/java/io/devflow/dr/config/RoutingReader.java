package io.devflow.dr.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads {@code recovery.failover.routing}: the routing provider and its settings block, named after it. */
final class RoutingReader {

    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]{2,45}");
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_*]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_-]{1,63})*\\.?");
    private static final Pattern KUBERNETES_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    private static final Pattern LABEL_KEY = Pattern.compile("([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final Pattern LABEL_VALUE = Pattern.compile("([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?");

    private RoutingReader() {
    }

    static RoutingConfig read(Optional<JsonObjectReader> block, Path source, Set<RegionId> regions) {
        if (block.isEmpty()) {
            return RoutingConfig.defaultFor(source);
        }
        JsonObjectReader r = block.get();
        RoutingConfig.Provider provider = r.optionalString("provider").map(name -> RoutingConfig.Provider.parse(name)
                .orElseGet(() -> {
                    r.problem("provider", "unknown provider '" + name + "'; providers are file, route53, kubernetes, webhook");
                    return RoutingConfig.Provider.FILE;
                })).orElse(RoutingConfig.Provider.FILE);
        for (RoutingConfig.Provider other : RoutingConfig.Provider.values()) {
            if (other != provider && r.present(other.id())) {
                r.problem(other.id(), "belongs to provider " + other.id() + ", but provider is " + provider.id()
                        + "; remove the block or change the provider");
            }
        }
        boolean required = provider != RoutingConfig.Provider.FILE;
        Optional<JsonObjectReader> settings = r.object(provider.id(), false);
        if (required && settings.isEmpty() && !r.present(provider.id())) {
            r.problem(provider.id(), "required when provider is " + provider.id());
        }
        RoutingConfig config = switch (provider) {
            case FILE -> new RoutingConfig(provider,
                    Optional.of(settings.map(f -> file(f, source)).orElseGet(() -> RoutingConfig.defaultFor(source).file().orElseThrow())),
                    Optional.empty(), Optional.empty(), Optional.empty());
            case ROUTE53 -> new RoutingConfig(provider, Optional.empty(), settings.map(s -> route53(s, regions)),
                    Optional.empty(), Optional.empty());
            case KUBERNETES -> new RoutingConfig(provider, Optional.empty(), Optional.empty(),
                    settings.map(s -> kubernetes(s, regions)), Optional.empty());
            case WEBHOOK -> new RoutingConfig(provider, Optional.empty(), Optional.empty(), Optional.empty(),
                    settings.map(RoutingReader::webhook));
        };
        r.rejectUnknown();
        return config;
    }

    private static RoutingConfig.FileRouting file(JsonObjectReader f, Path source) {
        Path path = f.path("path").orElse(Path.of("active-region.json"));
        f.rejectUnknown();
        return new RoutingConfig.FileRouting(source.toAbsolutePath().getParent().resolve(path));
    }

    private static RoutingConfig.Route53Routing route53(JsonObjectReader r, Set<RegionId> regions) {
        String zone = r.string("hostedZoneId", null);
        String name = r.string("recordName", null);
        if (name != null && !HOST_NAME.matcher(name).matches()) {
            r.problem("recordName", "'" + name + "' is not a DNS name, e.g. db.example.com");
        }
        RoutingConfig.RecordType type = r.optionalString("recordType").map(t -> parse(RoutingConfig.RecordType.class,
                t, r, "recordType", "A, AAAA or CNAME")).orElseGet(() -> {
                    r.problem("recordType", "required: A, AAAA or CNAME");
                    return RoutingConfig.RecordType.CNAME;
                });
        RoutingConfig.Route53Mode mode = r.optionalString("mode").map(m -> parse(RoutingConfig.Route53Mode.class,
                m, r, "mode", "weighted or failover")).orElse(RoutingConfig.Route53Mode.WEIGHTED);
        Map<RegionId, List<String>> values = new LinkedHashMap<>();
        r.stringListMap("regions").forEach((region, items) -> {
            if (known(r, "regions", region, regions)) {
                values.put(RegionId.of(region), items);
                items.forEach(value -> checkRecordValue(r, "regions." + region, type, items.size(), value));
            }
        });
        requireEveryRegion(r, "regions", values.keySet(), regions, "its record value (an address or host name)");
        if (mode == RoutingConfig.Route53Mode.FAILOVER && regions.size() != 2) {
            r.problem("mode", "failover records have one PRIMARY and one SECONDARY: configure exactly two regions, "
                    + "or use mode weighted (there are " + regions.size() + ")");
        }
        long ttl = r.integer("ttl", 60, 0, 172_800);
        Optional<URI> endpoint = r.uri("endpoint");
        Optional<String> awsRegion = r.optionalString("awsRegion");
        Duration sync = Duration.ofSeconds(r.integer("syncTimeoutSeconds", 120, 1, 3_600));
        r.rejectUnknown();
        return new RoutingConfig.Route53Routing(zone, name, type, mode, values, ttl, endpoint, awsRegion, sync);
    }

    private static void checkRecordValue(JsonObjectReader r, String key, RoutingConfig.RecordType type, int count, String value) {
        String problem = switch (type) {
            case A -> IPV4.matcher(value).matches() ? null : "'" + value + "' is not an IPv4 address (recordType A)";
            case AAAA -> IPV6.matcher(value).matches() && value.contains(":") ? null
                    : "'" + value + "' is not an IPv6 address (recordType AAAA)";
            case CNAME -> count != 1 ? "a CNAME has exactly one value, a host name"
                    : HOST_NAME.matcher(value).matches() ? null : "'" + value + "' is not a host name (recordType CNAME)";
        };
        if (problem != null) {
            r.problem(key, problem);
        }
    }

    private static RoutingConfig.KubernetesRouting kubernetes(JsonObjectReader k, Set<RegionId> regions) {
        Optional<String> namespace = k.optionalString("namespace");
        namespace.filter(n -> !KUBERNETES_NAME.matcher(n).matches()).ifPresent(n ->
                k.problem("namespace", "'" + n + "' is not a Kubernetes namespace name (lower-case letters, digits, -)"));
        String service = k.string("service", null);
        if (service != null && !KUBERNETES_NAME.matcher(service).matches()) {
            k.problem("service", "'" + service + "' is not a Kubernetes Service name (lower-case letters, digits, -)");
        }
        String key = k.string("selectorKey", "region");
        if (!LABEL_KEY.matcher(key).matches()) {
            k.problem("selectorKey", "'" + key + "' is not a Kubernetes label key, e.g. region or example.com/region");
        }
        Map<RegionId, String> values = new LinkedHashMap<>();
        regions.forEach(region -> values.put(region, region.value()));
        k.stringMap("selectorValues").forEach((region, value) -> {
            if (known(k, "selectorValues", region, regions)) {
                values.put(RegionId.of(region), value);
                labelValue(k, "selectorValues." + region, value);
            }
        });
        Optional<String> drain = k.optionalString("drainSelector");
        drain.ifPresent(value -> {
            labelValue(k, "drainSelector", value);
            if (values.containsValue(value)) {
                k.problem("drainSelector", "'" + value + "' selects a region's pods; choose a value no pod carries, e.g. none");
            }
        });
        Optional<String> masterUrl = k.uri("masterUrl").map(URI::toString);
        Duration timeout = Duration.ofSeconds(k.integer("timeoutSeconds", 10, 1, 300));
        k.rejectUnknown();
        return new RoutingConfig.KubernetesRouting(namespace, service, key, values, drain, masterUrl, timeout);
    }

    private static void labelValue(JsonObjectReader k, String key, String value) {
        if (value.length() > 63 || !LABEL_VALUE.matcher(value).matches()) {
            k.problem(key, "'" + value + "' is not a Kubernetes label value (letters, digits, -, _, ., at most 63)");
        }
    }

    private static RoutingConfig.WebhookRouting webhook(JsonObjectReader w) {
        Optional<URI> url = w.uri("url");
        if (url.isEmpty() && !w.has("url")) {
            w.problem("url", "required: the http(s) URL each drain, route and undo is POSTed to");
        }
        Optional<Secret> token = w.secret("token", false, Secret::fullyMasked);
        Optional<URI> stateUrl = w.uri("stateUrl");
        Duration timeout = Duration.ofSeconds(w.integer("timeoutSeconds", 10, 1, 300));
        w.rejectUnknown();
        return new RoutingConfig.WebhookRouting(url.orElse(null), token, stateUrl, timeout);
    }

    private static boolean known(JsonObjectReader r, String key, String region, Set<RegionId> regions) {
        if (RegionId.isValid(region) && regions.contains(RegionId.of(region))) {
            return true;
        }
        r.problem(key + "." + region, "not a configured region; regions are " + regions);
        return false;
    }

    private static void requireEveryRegion(JsonObjectReader r, String key, Set<RegionId> given, Set<RegionId> regions,
                                           String what) {
        regions.stream().filter(region -> !given.contains(region)).forEach(region ->
                r.problem(key + "." + region, "required: every region can become active, so each needs " + what));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String text, JsonObjectReader r, String key, String choices) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(text.toLowerCase(Locale.ROOT))) {
                return constant;
            }
        }
        r.problem(key, "'" + text + "' is not one of " + choices);
        return type.getEnumConstants()[0];
    }
}
