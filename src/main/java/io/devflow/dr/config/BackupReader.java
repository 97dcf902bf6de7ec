package io.devflow.dr.config;

import org.quartz.CronExpression;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@code disasterRecovery.backup}: encryption, retention, schedules, verification, upload and retries. */
final class BackupReader {

    private BackupReader() {
    }

    /** {@code shorthand}: the file is the single-region shorthand, whose keys here {@link ShorthandReader} read. */
    static BackupConfig read(JsonObjectReader dr, Map<RegionId, RegionConfig> regions, boolean shorthand) {
        Optional<JsonObjectReader> node = dr.object("backup", true);
        if (node.isEmpty()) {
            return null;
        }
        JsonObjectReader b = node.get();
        b.readElsewhere(ShorthandReader.KEYS);
        if (shorthand) {
            b.readElsewhere(ShorthandReader.FULL_FORM_ONLY);
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
        ScheduleConfig schedule = b.object("schedule", false).map(BackupReader::readSchedule)
                .orElse(new ScheduleConfig(ScheduleDefaults.FULL, ScheduleDefaults.INCREMENTAL, ScheduleDefaults.RETENTION, "UTC"));
        VerifyLevel verify = b.optionalString("verify")
                .map(v -> VerifyLevel.parse(v).orElseGet(() -> {
                    b.problem("verify", "must be quick, full or restore, was '" + v + "'");
                    return VerifyLevel.FULL;
                }))
                .orElse(VerifyLevel.FULL);
        int partSize = b.integer("partSizeMiB", 16, 5, 5120);
        int level = b.integer("compressionLevel", 3, 1, 19);
        int workers = b.integer("compressionWorkers", BackupConfig.defaultCompressionWorkers(), 0, 16);
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
        return new BackupConfig(encryption, retention, schedule, verify, partSize, level, workers, retry, incremental);
    }

    private static EncryptionConfig readEncryption(JsonObjectReader b, String defaultKmsRegion) {
        if (!b.present("encryption")) {
            b.problem("encryption", "required: how backups are encrypted, {\"provider\": \"aws-kms\", \"keyId\": "
                    + "\"alias/...\"} or {\"provider\": \"local\", \"keyFile\": \"...\"} (made by 'dr keys init')");
            return null;
        }
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
        Optional<Path> keyFile = e.path("keyFile");
        Optional<Secret> masterKey = e.secret("masterKey", false, Secret::fullyMasked);
        Optional<URI> endpoint = e.uri("endpoint");
        String kmsRegion = e.string("region", defaultKmsRegion);
        List<String> allowedKeyIds = e.strings("allowedKeyIds");
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
                if (!allowedKeyIds.isEmpty()) {
                    e.problem("allowedKeyIds", "only used by the aws-kms provider; the local provider allows the "
                            + "keys its keyring holds");
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
        return new EncryptionConfig(provider, keyId, keyFile, masterKey, endpoint, kmsRegion, allowedKeyIds);
    }

    private static ScheduleConfig readSchedule(JsonObjectReader s) {
        String full = cron(s, "full", ScheduleDefaults.FULL);
        String incremental = cron(s, "incremental", ScheduleDefaults.INCREMENTAL);
        String retention = cron(s, "retention", ScheduleDefaults.RETENTION);
        String zone = s.string("timezone", "UTC");
        try {
            ZoneId.of(zone);
        } catch (RuntimeException ex) {
            s.problem("timezone", "'" + zone + "' is not a time zone (e.g. UTC, Europe/Berlin)");
        }
        String runnerName = s.string("runner", ScheduleConfig.Runner.SERVER.id());
        ScheduleConfig.Runner runner = ScheduleConfig.Runner.parse(runnerName).orElseGet(() -> {
            s.problem("runner", "must be " + ScheduleConfig.Runner.names() + ", was '" + runnerName + "' (server: dr server "
                    + "runs the schedules; cronjobs: Kubernetes CronJobs run them and dr server does not)");
            return ScheduleConfig.Runner.SERVER;
        });
        s.rejectUnknown();
        return new ScheduleConfig(full, incremental, retention, zone, runner);
    }

    static String cron(JsonObjectReader s, String key, String defaultValue) {
        String expression = s.string(key, defaultValue);
        if (!CronExpression.isValidExpression(expression)) {
            s.problem(key, "'" + expression + "' is not a Quartz cron expression (seconds first, e.g. \""
                    + defaultValue + "\")");
            return defaultValue;
        }
        return expression;
    }
}
