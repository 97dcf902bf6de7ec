package io.devflow.dr.config;

import java.util.ArrayList;
import java.util.List;

/** What {@code dr config validate} and {@code dr server} check of a loaded configuration before they use it. */
public final class ConfigChecks {

    private ConfigChecks() {
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
        String path = ConfigLoader.ROOT + ".backup.encryption.";
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
}
