package io.devflow.dr.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.devflow.dr.support.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Loads {@code dr-config.json} into {@link DrConfig}, reporting every problem at once with its JSON path,
 * for example {@code disasterRecovery.regions.us-west-2.storage.bucket: required}.
 */
public final class ConfigLoader {

    static final String ROOT = "disasterRecovery";
    private static final int MAX_BYTES = 1024 * 1024;

    private static final Pattern DEPLOYMENT_ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

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
            text = TextFiles.read(file, MAX_BYTES, StandardCharsets.UTF_8);
        } catch (TextFiles.TooLargeException e) {
            throw ConfigException.general("configuration file " + file + " is larger than 1 MiB, which no configuration "
                    + "is; pass the dr-config.json with --config FILE");
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
            throw ConfigException.general("configuration file " + source + " is not valid JSON: " + Json.describe(e));
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

    private DrConfig read(JsonObjectReader dr, Path source) {
        String deploymentId = deploymentId(dr);
        Optional<RegionConfig> shorthand = ShorthandReader.read(dr);
        Map<RegionId, RegionConfig> regions = shorthand.map(r -> Map.of(r.id(), r)).orElseGet(() -> RegionsReader.read(dr));
        BackupConfig backup = BackupReader.read(dr, regions, shorthand.isPresent());
        RecoveryConfig recovery = RecoveryReader.read(dr.object("recovery", false), source, regions.keySet());
        ApiConfig api = ApiReader.read(dr);
        Optional<ReplicationConfig> replication = dr.object("replication", false).map(r -> ReplicationReader.read(r, regions));
        ClusterConfig cluster = ClusterReader.read(dr.object("cluster", false), source);
        NotificationsConfig notifications = NotificationsReader.read(dr.object("notifications", false));
        dr.rejectUnknown();
        return new DrConfig(source, deploymentId, regions, backup, recovery, api, replication, cluster, notifications,
                shorthand.map(RegionConfig::id));
    }

    /**
     * Required, and never to be changed: it is bound into the key of every backup and conflict record, which a
     * changed id no longer opens. A default would be the same for every deployment that left it out.
     */
    private static String deploymentId(JsonObjectReader dr) {
        Optional<String> id = dr.optionalString("deploymentId");
        if (id.isEmpty() && !dr.present("deploymentId")) {
            dr.problem("deploymentId", "required: a name for this deployment, unique among those that may share a "
                    + "KMS key or a keyring (e.g. \"devflow-prod\"); set it once and never change it");
        } else if (id.isPresent() && !DEPLOYMENT_ID.matcher(id.get()).matches()) {
            dr.problem("deploymentId", "'" + id.get() + "' must be 1-63 lower-case letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        return id.orElse("");
    }
}
