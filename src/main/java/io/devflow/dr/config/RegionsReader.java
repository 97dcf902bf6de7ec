package io.devflow.dr.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads {@code disasterRecovery.regions}: each region's role, data stores and backup storage. */
final class RegionsReader {

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$*<>:|?]{1,63}");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@/]+@");

    private RegionsReader() {
    }

    static Map<RegionId, RegionConfig> read(JsonObjectReader dr) {
        Map<RegionId, RegionConfig> regions = new LinkedHashMap<>();
        Optional<JsonObjectReader> regionsNode = dr.object("regions", true);
        if (regionsNode.isEmpty()) {
            return regions;
        }
        if (regionsNode.get().isEmpty()) {
            regionsNode.get().problem(null, "configure at least one region, e.g. \"us-east-1\"");
        }
        int primaries = 0;
        for (JsonObjectReader region : regionsNode.get().entries()) {
            String name = region.name();
            if (!RegionId.isValid(name)) {
                region.problem(null, "'" + name + "' is not a region name (lower-case letters, digits and '-')");
                continue;
            }
            RegionId id = RegionId.of(name);
            RegionRole role = region.optionalString("role")
                    .map(r -> switch (r) {
                        case "primary" -> RegionRole.PRIMARY;
                        case "secondary" -> RegionRole.SECONDARY;
                        default -> {
                            region.problem("role", "must be primary or secondary, was '" + r + "'");
                            yield RegionRole.SECONDARY;
                        }
                    })
                    .orElseGet(() -> {
                        region.problem("role", "required: primary or secondary");
                        return RegionRole.SECONDARY;
                    });
            if (role == RegionRole.PRIMARY) {
                primaries++;
            }
            Optional<MongoConfig> mongodb = region.object("mongodb", false).map(RegionsReader::readMongo);
            Optional<RedisConfig> redis = region.object("redis", false).map(RegionsReader::readRedis);
            Optional<InfluxConfig> influxdb = region.object("influxdb", false).map(RegionsReader::readInflux);
            StorageConfig storage = region.object("storage", true).map(s -> readStorage(s, id)).orElse(null);
            if (mongodb.isEmpty() && redis.isEmpty() && influxdb.isEmpty()) {
                region.problem(null, "configure at least one data store (mongodb, redis or influxdb)");
            }
            region.rejectUnknown();
            regions.put(id, new RegionConfig(id, role, mongodb, redis, influxdb, storage));
        }
        if (!regionsNode.get().isEmpty() && primaries != 1) {
            regionsNode.get().problem(null, "exactly one region must have \"role\": \"primary\", found " + primaries);
        }
        checkDistinct(regionsNode.get(), regions);
        return regions;
    }

    /**
     * Two regions naming the same server, or the same bucket and prefix, would replicate and restore into each
     * other: each region's data stores and backup location must be its own.
     */
    private static void checkDistinct(JsonObjectReader node, Map<RegionId, RegionConfig> regions) {
        Map<String, RegionId> claimed = new HashMap<>();
        for (RegionConfig region : regions.values()) {
            // a store without a url has a problem of its own already
            region.mongodb().filter(m -> m.url() != null)
                    .ifPresent(m -> claim(node, claimed, region.id(), "mongodb.url", "mongodb " + m.url().display()));
            region.redis().filter(r -> r.url() != null)
                    .ifPresent(r -> claim(node, claimed, region.id(), "redis.url", "redis " + r.url().display()));
            region.influxdb().filter(i -> i.url() != null)
                    .ifPresent(i -> claim(node, claimed, region.id(), "influxdb.url", "influxdb " + i.url().display()));
            StorageConfig storage = region.storage();
            if (storage != null) {
                claim(node, claimed, region.id(), "storage.bucket", "storage " + storage.endpoint().map(URI::toString).orElse("aws")
                        + " " + storage.bucket() + "/" + storage.prefix());
            }
        }
    }

    private static void claim(JsonObjectReader node, Map<String, RegionId> claimed, RegionId region, String key, String place) {
        RegionId first = claimed.putIfAbsent(place, region);
        if (first != null) {
            node.problem(region.value() + "." + key, "the same as region " + first + "'s: each region needs its own, "
                    + "or replication and restores into " + region + " would write into " + first);
        }
    }

    static MongoConfig readMongo(JsonObjectReader m) {
        Optional<Secret> url = m.secret("url", true, RegionsReader::maskUrlPassword);
        url.ifPresent(u -> {
            if (!u.isReference() && !(u.display().startsWith("mongodb://") || u.display().startsWith("mongodb+srv://"))) {
                m.problem("url", "must start with mongodb:// or mongodb+srv://");
            }
        });
        List<String> databases = new ArrayList<>(m.strings("databases"));
        Optional<String> single = m.optionalString("database");
        if (single.isPresent()) {
            if (!databases.isEmpty()) {
                m.problem("database", "give either 'database' or 'databases', not both");
            }
            databases.add(single.get());
        }
        if (databases.isEmpty() && !m.has("databases")) {
            m.problem("databases", "required: a list of database names to back up");
        } else if (databases.isEmpty()) {
            m.problem("databases", "must name at least one database");
        }
        for (int i = 0; i < databases.size(); i++) {
            if (!DATABASE.matcher(databases.get(i)).matches()) {
                m.problem("databases", "'" + databases.get(i) + "' is not a valid MongoDB database name");
            }
        }
        if (databases.stream().distinct().count() != databases.size()) {
            m.problem("databases", "lists a database twice");
        }
        int timeoutMs = m.integer("serverSelectionTimeoutMs", 10_000, 100, 600_000);
        int connectMs = m.integer("connectTimeoutMs", MongoConfig.DEFAULT_CONNECT_TIMEOUT_MS, 100, 600_000);
        int socketMs = m.integer("socketTimeoutMs", MongoConfig.DEFAULT_SOCKET_TIMEOUT_MS, 1_000, 3_600_000);
        m.rejectUnknown();
        return new MongoConfig(url.orElse(null), databases, Duration.ofMillis(timeoutMs), Duration.ofMillis(connectMs),
                Duration.ofMillis(socketMs));
    }

    private static RedisConfig readRedis(JsonObjectReader r) {
        Optional<Secret> url = r.secret("url", true, RegionsReader::maskUrlPassword);
        url.ifPresent(u -> {
            if (!u.isReference() && !(u.display().startsWith("redis://") || u.display().startsWith("rediss://"))) {
                r.problem("url", "must start with redis:// or rediss://");
            }
        });
        List<Integer> databases = r.integers("databases", 0, 15);
        if (databases.stream().distinct().count() != databases.size()) {
            r.problem("databases", "lists a database twice");
        }
        Optional<Secret> password = r.secret("password", false, Secret::fullyMasked);
        int timeoutMs = r.integer("timeoutMs", 10_000, 100, 600_000);
        r.rejectUnknown();
        return new RedisConfig(url.orElse(null), databases.isEmpty() ? List.of(0) : databases, password,
                Duration.ofMillis(timeoutMs));
    }

    private static InfluxConfig readInflux(JsonObjectReader i) {
        Optional<Secret> url = i.secret("url", true, RegionsReader::maskUrlPassword);
        url.ifPresent(u -> {
            if (!u.isReference() && !(u.display().startsWith("http://") || u.display().startsWith("https://"))) {
                i.problem("url", "must be an http(s) URL such as http://influxdb:8086");
            }
        });
        int version = i.integer("version", 1, 1, 2);
        List<String> databases = i.strings("databases");
        if (databases.isEmpty()) {
            i.problem("databases", "required: a list of database names to back up");
        }
        Optional<Secret> username = i.secret("username", false, Secret::fullyMasked);
        Optional<Secret> password = i.secret("password", false, Secret::fullyMasked);
        Optional<Secret> token = i.secret("token", false, Secret::fullyMasked);
        Optional<String> org = i.optionalString("org");
        java.util.Map<String, String> buckets = i.stringMap("buckets");
        if (version == 2) {
            if (token.isEmpty()) {
                i.problem("token", "required with version 2: an API token allowed to read and write the buckets");
            }
            if (org.isEmpty()) {
                i.problem("org", "required with version 2: the organisation that owns the buckets");
            }
        } else if (token.isPresent() || org.isPresent() || !buckets.isEmpty()) {
            i.problem(null, "token, org and buckets belong to version 2; set \"version\": 2 or remove them");
        }
        if (username.isPresent() != password.isPresent()) {
            i.problem(null, "give both username and password, or neither");
        }
        buckets.keySet().stream().filter(d -> !databases.contains(d))
                .forEach(d -> i.problem("buckets", "maps database '" + d + "' that is not in databases"));
        int timeoutMs = i.integer("timeoutMs", 30_000, 100, 600_000);
        i.rejectUnknown();
        return new InfluxConfig(url.orElse(null), version, databases, username, password, token, org, buckets,
                Duration.ofMillis(timeoutMs));
    }

    private static StorageConfig readStorage(JsonObjectReader s, RegionId regionId) {
        String type = storageType(s);
        if (s.has("config")) {
            s.problem("config", "the seed's storage.config block is flattened here: move bucket and region up into "
                    + s.path());
        }
        return readStorageSettings(s, type, regionId);
    }

    static String storageType(JsonObjectReader s) {
        String type = s.string("type", "s3");
        if (!"s3".equals(type)) {
            s.problem("type", "must be s3 (AWS S3 or an S3-compatible store), was '" + type + "'");
        }
        return type;
    }

    /** Bucket, signing region, endpoint, prefix and credentials: a region's storage or the shorthand's storage.config. */
    static StorageConfig readStorageSettings(JsonObjectReader s, String type, RegionId regionId) {
        String bucket = s.string("bucket", null);
        if (bucket != null && !BUCKET.matcher(bucket).matches()) {
            s.problem("bucket", "'" + bucket + "' is not a valid bucket name (3-63 lower-case letters, digits, '.', '-')");
        }
        String region = s.string("region", regionId.value());
        Optional<URI> endpoint = s.uri("endpoint");
        String prefix = s.string("prefix", "devflow-dr").replaceAll("^/+|/+$", "");
        boolean pathStyle = s.bool("pathStyleAccess", endpoint.isPresent());
        Optional<Secret> accessKey = Optional.empty();
        Optional<Secret> secretKey = Optional.empty();
        Optional<JsonObjectReader> credentials = s.object("credentials", false);
        if (credentials.isPresent()) {
            accessKey = credentials.get().secret("accessKeyId", true, Secret::fullyMasked);
            secretKey = credentials.get().secret("secretAccessKey", true, Secret::fullyMasked);
            credentials.get().rejectUnknown();
        }
        s.rejectUnknown();
        return new StorageConfig(type, bucket, region, endpoint, prefix, pathStyle, accessKey, secretKey);
    }

    static String maskUrlPassword(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1****@");
    }
}
