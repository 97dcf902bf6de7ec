package io.devflow.dr.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

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
        config.recovery().failover().routing().webhook().flatMap(RoutingConfig.WebhookRouting::token).ifPresent(all::add);
        config.api().tokens().forEach(t -> all.add(t.token()));
        config.api().tls().ifPresent(tls -> {
            all.add(tls.certificate());
            all.add(tls.key());
        });
        return all.stream().map(Secret::check).filter(p -> p != null).toList();
    }

    /**
     * What {@code dr config validate} and {@code dr server} check of the API once its secrets resolve: every token
     * is long enough and, in a file, readable by its owner only; the TLS certificate and key can be used.
     */
    public static List<ConfigProblem> checkApi(DrConfig config, List<ConfigProblem> secretProblems) {
        List<ConfigProblem> problems = new ArrayList<>();
        Predicate<Secret> resolves = s -> secretProblems.stream().noneMatch(p -> p.path().equals(s.path()));
        for (ApiToken token : config.api().tokens()) {
            Secret secret = token.token();
            if (!resolves.test(secret)) {
                continue;
            }
            secret.file().flatMap(ConfigChecks::openToOthers).ifPresent(mode -> problems.add(new ConfigProblem(
                    secret.path(), secret.file().get() + " has mode " + mode + "; make it readable by its owner only "
                    + "(chmod 600)")));
            int length = secret.reveal().length();
            if (length < ApiToken.MIN_LENGTH) {
                problems.add(new ConfigProblem(secret.path(), "the token has " + length + " characters; use at least "
                        + ApiToken.MIN_LENGTH + " random ones (e.g. from 'openssl rand -hex 32')"));
            }
        }
        config.api().tls().filter(tls -> resolves.test(tls.certificate()) && resolves.test(tls.key()))
                .ifPresent(tls -> problems.addAll(TlsPem.check(tls)));
        return problems;
    }

    /** The POSIX mode of a file that others than its owner may read or write; empty on other file systems. */
    private static Optional<String> openToOthers(Path file) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
            boolean open = permissions.stream().anyMatch(p -> !p.name().startsWith("OWNER_"));
            return open ? Optional.of(PosixFilePermissions.toString(permissions)) : Optional.empty();
        } catch (UnsupportedOperationException | IOException e) {
            return Optional.empty();
        }
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
