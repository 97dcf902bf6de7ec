package io.devflow.dr.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.quartz.CronExpression;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads {@code dr-config.json} into {@link DrConfig}, reporting every problem at once with its JSON path,
 * for example {@code disasterRecovery.regions.us-west-2.storage.bucket: required}.
 */
public final class ConfigLoader {

    static final String ROOT = "disasterRecovery";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern DATABASE = Pattern.compile("[^/\\\\. \"$*<>:|?]{1,63}");
    /** The parser's note of where its input came from, which says nothing to the reader of the message. */
    private static final Pattern JSON_SOURCE = Pattern.compile("\\s*\\(start marker at \\[Source:[^\\]]*\\]\\)|\\[Source:[^\\]]*\\]");
    private static final Pattern URL_PASSWORD = Pattern.compile("(://[^:/@]*:)[^@/]+@");

    private final SecretResolver secrets;
    private final ObjectMapper json = new ObjectMapper();

    public ConfigLoader(SecretResolver secrets) {
        this.secrets = secrets;
    }

    public static ConfigLoader system() {
        return new ConfigLoader(SecretResolver.system());
    }

    public DrConfig load(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw ConfigException.general("configuration file " + file + " does not exist; pass --config FILE "
                    + "or set DR_CONFIG (config/dr-config.example.json shows the format)");
        } catch (java.nio.charset.CharacterCodingException e) {
            throw ConfigException.general("configuration file " + file + " is not UTF-8 text; save it as UTF-8 JSON");
        } catch (IOException e) {
            throw ConfigException.general("configuration file " + file + " cannot be read: " + e.getMessage());
        }
        return parse(text, file);
    }

    public DrConfig parse(String text, Path source) {
        JsonNode root;
        try {
            root = json.readTree(text);
        } catch (JsonProcessingException e) {
            throw ConfigException.general("configuration file " + source + " is not valid JSON: line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ": "
                    + JSON_SOURCE.matcher(e.getOriginalMessage()).replaceAll("").strip());
        }
        if (root == null || !root.isObject()) {
            throw ConfigException.general("configuration file " + source + " must hold a JSON object with a '"
                    + ROOT + "' key");
        }
        List<ConfigProblem> problems = new ArrayList<>();
        JsonNode dr = root.get(ROOT);
        if (dr == null || !dr.isObject()) {
            problems.add(new ConfigProblem(ROOT, "required: the configuration lives under a top-level '"
                    + ROOT + "' object"));
            throw ConfigException.of(source.toString(), problems);
        }
        root.fieldNames().forEachRemaining(key -> {
            if (!key.equals(ROOT)) {
                problems.add(new ConfigProblem(key, "unknown top-level key; everything goes under '" + ROOT + "'"));
            }
        });
        DrConfig config = read(new JsonObjectReader(dr, ROOT, problems, secrets), source);
        if (!problems.isEmpty()) {
            throw ConfigException.of(source.toString(), problems);
        }
        return config;
    }

    /**
     * Resolves every secret reference of a loaded configuration, as {@code dr config validate} and
     * {@code dr server} do, and returns the problems (empty when all resolve).
     */
    public static List<ConfigProblem> checkSecrets(DrConfig config) {
        List<Secret> all = new ArrayList<>();
        config.regions().values().forEach(r -> {
            r.mongodb().ifPresent(m -> all.add(m.url()));
            r.redis().ifPresent(redis -> {
                all.add(redis.url());
                redis.password().ifPresent(all::add);
            });
            r.influxdb().ifPresent(influx -> {
                all.add(influx.url());
                influx.username().ifPresent(all::add);
                influx.password().ifPresent(all::add);
                influx.token().ifPresent(all::add);
            });
            r.storage().accessKeyId().ifPresent(all::add);
            r.storage().secretAccessKey().ifPresent(all::add);
        });
        config.backup().encryption().masterKey().ifPresent(all::add);
        config.api().token().ifPresent(all::add);
        return all.stream().map(Secret::check).filter(p -> p != null).toList();
    }

    /**
     * What {@code dr config validate} checks beyond the secrets: the local provider's key is a master key that
     * is base64 of 32 bytes, or a key file that exists.
     */
    public static List<ConfigProblem> checkKeys(DrConfig config, List<ConfigProblem> secretProblems) {
        EncryptionConfig encryption = config.backup().encryption();
        String path = ROOT + ".backup.encryption.";
        List<ConfigProblem> problems = new ArrayList<>();
        encryption.keyFile().filter(file -> !java.nio.file.Files.isRegularFile(file)).ifPresent(file -> problems.add(
                new ConfigProblem(path + "keyFile", file + " does not exist; create it with 'dr keys init'")));
        encryption.masterKey().filter(key -> secretProblems.stream().noneMatch(p -> p.path().equals(path + "masterKey")))
                .ifPresent(key -> {
                    byte[] decoded;
                    try {
                        decoded = java.util.Base64.getDecoder().decode(key.reveal().strip());
                    } catch (IllegalArgumentException e) {
                        problems.add(new ConfigProblem(path + "masterKey", "not valid base64 (32 random bytes, "
                                + "e.g. from 'openssl rand -base64 32')"));
                        return;
                    }
                    if (decoded.length != 32) {
                        problems.add(new ConfigProblem(path + "masterKey", "decodes to " + decoded.length
                                + " bytes; AES-256 needs 32 (e.g. from 'openssl rand -base64 32')"));
                    }
                    java.util.Arrays.fill(decoded, (byte) 0);
                });
        return problems;
    }

    private DrConfig read(JsonObjectReader dr, Path source) {
        Map<RegionId, RegionConfig> regions = readRegions(dr);
        BackupConfig backup = readBackup(dr, regions);
        RecoveryConfig recovery = dr.object("recovery", false)
                .map(r -> {
                    RecoveryConfig c = new RecoveryConfig(
                            r.integer("rto", 30, 1, 100_000),
                            r.integer("rpo", 5, 1, 100_000),
                            r.bool("autoFailover", false));
                    r.rejectUnknown();
                    return c;
                })
                .orElse(new RecoveryConfig(30, 5, false));
        ApiConfig api = dr.object("api", false)
                .map(a -> {
                    ApiConfig c = new ApiConfig(
                            a.string("host", "0.0.0.0"),
                            a.integer("port", 8080, 1, 65535),
                            a.secret("token", false, Secret::fullyMasked));
                    a.rejectUnknown();
                    return c;
                })
                .orElse(new ApiConfig("0.0.0.0", 8080, Optional.empty()));
        Optional<ReplicationConfig> replication = dr.object("replication", false).map(r -> readReplication(r, regions));
        dr.rejectUnknown();
        return new DrConfig(source, regions, backup, recovery, api, replication);
    }

    private Map<RegionId, RegionConfig> readRegions(JsonObjectReader dr) {
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
            Optional<MongoConfig> mongodb = region.object("mongodb", false).map(this::readMongo);
            Optional<RedisConfig> redis = region.object("redis", false).map(this::readRedis);
            Optional<InfluxConfig> influxdb = region.object("influxdb", false).map(this::readInflux);
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
            region.mongodb().ifPresent(m -> claim(node, claimed, region.id(), "mongodb.url", "mongodb " + m.url().display()));
            region.redis().ifPresent(r -> claim(node, claimed, region.id(), "redis.url", "redis " + r.url().display()));
            region.influxdb().ifPresent(i -> claim(node, claimed, region.id(), "influxdb.url", "influxdb " + i.url().display()));
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

    private MongoConfig readMongo(JsonObjectReader m) {
        Optional<Secret> url = m.secret("url", true, ConfigLoader::maskUrlPassword);
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
        m.rejectUnknown();
        return new MongoConfig(url.orElse(null), databases, Duration.ofMillis(timeoutMs));
    }

    private RedisConfig readRedis(JsonObjectReader r) {
        Optional<Secret> url = r.secret("url", true, ConfigLoader::maskUrlPassword);
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

    private InfluxConfig readInflux(JsonObjectReader i) {
        Optional<Secret> url = i.secret("url", true, ConfigLoader::maskUrlPassword);
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

    private StorageConfig readStorage(JsonObjectReader s, RegionId regionId) {
        String type = s.string("type", "s3");
        if (!"s3".equals(type)) {
            s.problem("type", "must be s3 (AWS S3 or an S3-compatible store), was '" + type + "'");
        }
        if (s.has("config")) {
            s.problem("config", "the seed's storage.config block is flattened here: move bucket and region up into "
                    + s.path());
        }
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

    private BackupConfig readBackup(JsonObjectReader dr, Map<RegionId, RegionConfig> regions) {
        Optional<JsonObjectReader> node = dr.object("backup", true);
        if (node.isEmpty()) {
            return null;
        }
        JsonObjectReader b = node.get();
        for (String moved : List.of("mongodb", "storage")) {
            if (b.present(moved)) {
                b.problem(moved, "configured per region now: move it to " + ROOT + ".regions.<region>." + moved);
            }
        }
        String defaultKmsRegion = regions.values().stream()
                .filter(r -> r.role() == RegionRole.PRIMARY).map(r -> r.id().value()).findFirst().orElse("us-east-1");
        EncryptionConfig encryption = readEncryption(b, defaultKmsRegion);
        RetentionConfig retention = b.object("retention", false)
                .map(r -> {
                    RetentionConfig c = new RetentionConfig(
                            r.integer("daily", 7, 0, 3650),
                            r.integer("weekly", 4, 0, 520),
                            r.integer("monthly", 12, 0, 1200));
                    r.rejectUnknown();
                    return c;
                })
                .orElse(new RetentionConfig(7, 4, 12));
        ScheduleConfig schedule = b.object("schedule", false).map(this::readSchedule)
                .orElse(new ScheduleConfig(ScheduleDefaults.FULL, ScheduleDefaults.INCREMENTAL, ScheduleDefaults.RETENTION, "UTC"));
        VerifyLevel verify = b.optionalString("verify")
                .map(v -> VerifyLevel.parse(v).orElseGet(() -> {
                    b.problem("verify", "must be quick, full or restore, was '" + v + "'");
                    return VerifyLevel.FULL;
                }))
                .orElse(VerifyLevel.FULL);
        int partSize = b.integer("partSizeMiB", 16, 5, 5120);
        int level = b.integer("compressionLevel", 3, 1, 19);
        RetryConfig retry = b.object("retry", false)
                .map(r -> {
                    RetryConfig c = new RetryConfig(
                            r.integer("maxRedeliveries", 3, 0, 20),
                            Duration.ofMillis(r.integer("initialDelayMs", 2_000, 0, 600_000)),
                            Duration.ofMillis(r.integer("maxDelayMs", 60_000, 0, 3_600_000)));
                    r.rejectUnknown();
                    return c;
                })
                .orElse(new RetryConfig(3, Duration.ofSeconds(2), Duration.ofMinutes(1)));
        IncrementalConfig incremental = b.object("incremental", false)
                .map(r -> {
                    IncrementalConfig c = new IncrementalConfig(
                            Duration.ofMinutes(r.integer("segmentMinutes", 60, 1, 24 * 60)),
                            r.bool("captureWorker", true));
                    r.rejectUnknown();
                    return c;
                })
                .orElse(new IncrementalConfig(Duration.ofHours(1), true));
        b.rejectUnknown();
        return new BackupConfig(encryption, retention, schedule, verify, partSize, level, retry, incremental);
    }

    private EncryptionConfig readEncryption(JsonObjectReader b, String defaultKmsRegion) {
        Optional<JsonObjectReader> node = b.object("encryption", true);
        if (node.isEmpty()) {
            return null;
        }
        JsonObjectReader e = node.get();
        if (!e.bool("enabled", true)) {
            e.problem("enabled", "backups are always encrypted; set it to true (or remove it)");
        }
        KeyProviderKind provider = e.optionalString("provider")
                .map(p -> KeyProviderKind.parse(p).orElseGet(() -> {
                    e.problem("provider", "must be local or aws-kms, was '" + p + "'");
                    return KeyProviderKind.LOCAL;
                }))
                .orElse(KeyProviderKind.AWS_KMS);
        Optional<String> keyId = e.optionalString("keyId");
        Optional<Path> keyFile = e.optionalString("keyFile").map(Path::of);
        Optional<Secret> masterKey = e.secret("masterKey", false, Secret::fullyMasked);
        Optional<URI> endpoint = e.uri("endpoint");
        String kmsRegion = e.string("region", defaultKmsRegion);
        switch (provider) {
            case LOCAL -> {
                if (keyFile.isPresent() == masterKey.isPresent()) {
                    e.problem(null, "the local provider needs exactly one of keyFile (created by 'dr keys init') "
                            + "or masterKey (e.g. ${env:DR_MASTER_KEY})");
                }
                if (masterKey.isPresent() && keyId.isEmpty()) {
                    e.problem("keyId", "required with masterKey: the name recorded in each backup for this key");
                }
                if (endpoint.isPresent()) {
                    e.problem("endpoint", "only used by the aws-kms provider");
                }
            }
            case AWS_KMS -> {
                if (keyId.isEmpty()) {
                    e.problem("keyId", "required: the KMS key id, ARN or alias that wraps the data keys");
                }
                if (keyFile.isPresent() || masterKey.isPresent()) {
                    e.problem(null, "keyFile and masterKey belong to the local provider, not aws-kms");
                }
            }
        }
        e.rejectUnknown();
        return new EncryptionConfig(provider, keyId, keyFile, masterKey, endpoint, kmsRegion);
    }

    private ScheduleConfig readSchedule(JsonObjectReader s) {
        String full = cron(s, "full", ScheduleDefaults.FULL);
        String incremental = cron(s, "incremental", ScheduleDefaults.INCREMENTAL);
        String retention = cron(s, "retention", ScheduleDefaults.RETENTION);
        String zone = s.string("timezone", "UTC");
        try {
            ZoneId.of(zone);
        } catch (RuntimeException ex) {
            s.problem("timezone", "'" + zone + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        s.rejectUnknown();
        return new ScheduleConfig(full, incremental, retention, zone);
    }

    private static String cron(JsonObjectReader s, String key, String defaultValue) {
        String expression = s.string(key, defaultValue);
        if (!CronExpression.isValidExpression(expression)) {
            s.problem(key, "'" + expression + "' is not a Quartz cron expression (seconds first, e.g. \""
                    + defaultValue + "\")");
            return defaultValue;
        }
        return expression;
    }

    private ReplicationConfig readReplication(JsonObjectReader r, Map<RegionId, RegionConfig> regions) {
        boolean enabled = r.bool("enabled", true);
        RegionId source = r.optionalString("source").map(name -> region(r, "source", name, regions))
                .orElseGet(() -> regions.values().stream().filter(c -> c.role() == RegionRole.PRIMARY)
                        .map(RegionConfig::id).findFirst().orElse(null));
        List<RegionId> targets = new ArrayList<>();
        if (r.has("targets")) {
            for (String name : r.strings("targets")) {
                RegionId target = region(r, "targets", name, regions);
                if (target != null && target.equals(source)) {
                    r.problem("targets", "'" + name + "' is the source region; a region cannot replicate to itself");
                } else if (target != null && !targets.contains(target)) {
                    targets.add(target);
                }
            }
        } else {
            regions.keySet().stream().filter(id -> !id.equals(source)).sorted().forEach(targets::add);
        }
        if (targets.isEmpty() && !regions.isEmpty()) {
            r.problem("targets", "required: at least one region other than the source to replicate to");
        }
        Set<StoreKind> stores = new LinkedHashSet<>();
        List<RegionConfig> involved = new ArrayList<>();
        if (source != null && regions.containsKey(source)) {
            involved.add(regions.get(source));
        }
        targets.stream().map(regions::get).forEach(involved::add);
        if (r.has("stores")) {
            for (String name : r.strings("stores")) {
                Optional<StoreKind> store = StoreKind.parse(name);
                if (store.isEmpty()) {
                    r.problem("stores", "unknown store '" + name + "'; stores are " + StoreKind.names());
                    continue;
                }
                involved.stream().filter(c -> !c.has(store.get())).forEach(c -> r.problem("stores",
                        name + " is replicated but region " + c.id() + " has no " + name + " configured"));
                stores.add(store.get());
            }
        } else {
            for (StoreKind store : StoreKind.values()) {
                if (!involved.isEmpty() && involved.stream().allMatch(c -> c.has(store))) {
                    stores.add(store);
                }
            }
        }
        if (stores.isEmpty() && !involved.isEmpty()) {
            r.problem("stores", "nothing to replicate: no store is configured in the source and every target");
        }
        ReplicationConfig.ConflictConfig conflicts = readConflicts(r);
        ReplicationConfig.Health health = r.object("health", false).map(h -> {
            int degraded = h.integer("degradedLagSeconds", 60, 1, 86_400);
            int failed = h.integer("failedLagSeconds", 300, 1, 86_400);
            if (failed <= degraded) {
                h.problem("failedLagSeconds", "must be larger than degradedLagSeconds (" + degraded + ")");
            }
            h.rejectUnknown();
            return new ReplicationConfig.Health(Duration.ofSeconds(degraded), Duration.ofSeconds(failed));
        }).orElse(new ReplicationConfig.Health(Duration.ofMinutes(1), Duration.ofMinutes(5)));
        int checkpointSeconds = r.integer("checkpointIntervalSeconds", 5, 1, 3_600);
        ReplicationConfig.Mongo mongo = r.object("mongodb", false).map(m -> {
            String database = m.string("metadataDatabase", "devflow_dr");
            if (!DATABASE.matcher(database).matches()) {
                m.problem("metadataDatabase", "'" + database + "' is not a valid MongoDB database name");
            }
            if (stores.contains(StoreKind.MONGODB)) {
                involved.stream().flatMap(c -> c.mongodb().stream()).filter(c -> c.databases().contains(database))
                        .findFirst().ifPresent(c -> m.problem("metadataDatabase",
                                "'" + database + "' is also a replicated database; choose a database of its own"));
            }
            ReplicationConfig.Mongo c = new ReplicationConfig.Mongo(database, m.integer("batchSize", 500, 1, 10_000));
            m.rejectUnknown();
            return c;
        }).orElse(new ReplicationConfig.Mongo("devflow_dr", 500));
        ReplicationConfig.Redis redis = r.object("redis", false).map(m -> {
            int database = m.integer("metadataDatabase", 15, 0, 15);
            if (stores.contains(StoreKind.REDIS)) {
                involved.stream().flatMap(c -> c.redis().stream()).filter(c -> c.databases().contains(database))
                        .findFirst().ifPresent(c -> m.problem("metadataDatabase",
                                database + " is also a replicated database; choose a database of its own"));
            }
            ReplicationConfig.Redis c = new ReplicationConfig.Redis(database,
                    Duration.ofSeconds(m.integer("reconcileIntervalSeconds", 300, 1, 86_400)),
                    m.integer("batchSize", 500, 1, 10_000));
            m.rejectUnknown();
            return c;
        }).orElse(new ReplicationConfig.Redis(15, Duration.ofMinutes(5), 500));
        if (stores.contains(StoreKind.REDIS) && !r.has("redis")) {
            involved.stream().flatMap(c -> c.redis().stream()).filter(c -> c.databases().contains(15)).findFirst()
                    .ifPresent(c -> r.problem("redis", "Redis database 15 holds replication metadata by default but is "
                            + "also replicated; set redis.metadataDatabase to an unused database"));
        }
        ReplicationConfig.Influx influx = r.object("influxdb", false).map(m -> {
            ReplicationConfig.Influx c = new ReplicationConfig.Influx(
                    Duration.ofSeconds(m.integer("windowSeconds", 10, 1, 3_600)),
                    Duration.ofSeconds(m.integer("overlapSeconds", 60, 0, 86_400)));
            m.rejectUnknown();
            return c;
        }).orElse(new ReplicationConfig.Influx(Duration.ofSeconds(10), Duration.ofMinutes(1)));
        r.rejectUnknown();
        return new ReplicationConfig(enabled, source, targets, stores, conflicts, health,
                Duration.ofSeconds(checkpointSeconds), mongo, redis, influx);
    }

    /** {@code "conflictResolution": "manual"} or {@code {"strategy": "timestamp-based", "timestampField": "updatedAt"}}. */
    private static ReplicationConfig.ConflictConfig readConflicts(JsonObjectReader r) {
        ReplicationConfig.ConflictConfig defaults =
                new ReplicationConfig.ConflictConfig(ConflictStrategy.LAST_WRITE_WINS, "updatedAt");
        if (!r.has("conflictResolution")) {
            return defaults;
        }
        if (r.isText("conflictResolution")) {
            return new ReplicationConfig.ConflictConfig(strategy(r, "conflictResolution",
                    r.optionalString("conflictResolution").orElse("")), "updatedAt");
        }
        return r.object("conflictResolution", false).map(c -> {
            ConflictStrategy strategy = strategy(c, "strategy", c.string("strategy", ConflictStrategy.LAST_WRITE_WINS.id()));
            String field = c.string("timestampField", "updatedAt");
            if (field.startsWith("$") || field.equals("_id")) {
                c.problem("timestampField", "'" + field + "' cannot hold a change time; name a field such as updatedAt");
            }
            c.rejectUnknown();
            return new ReplicationConfig.ConflictConfig(strategy, field);
        }).orElse(defaults);
    }

    private static ConflictStrategy strategy(JsonObjectReader r, String key, String name) {
        if (name.isEmpty()) {
            return ConflictStrategy.LAST_WRITE_WINS; // reported as empty by the reader already
        }
        return ConflictStrategy.parse(name).orElseGet(() -> {
            r.problem(key, "unknown strategy '" + name + "'; strategies are " + ConflictStrategy.names());
            return ConflictStrategy.LAST_WRITE_WINS;
        });
    }

    private static RegionId region(JsonObjectReader r, String key, String name, Map<RegionId, RegionConfig> regions) {
        if (!RegionId.isValid(name) || !regions.containsKey(RegionId.of(name))) {
            r.problem(key, "unknown region '" + name + "'; configured regions are "
                    + String.join(", ", regions.keySet().stream().map(RegionId::value).sorted().toList()));
            return null;
        }
        return RegionId.of(name);
    }

    static String maskUrlPassword(String url) {
        return URL_PASSWORD.matcher(url).replaceAll("$1****@");
    }
}
