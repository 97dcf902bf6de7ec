package io.devflow.dr.cli;

import io.devflow.dr.config.ApiConfig;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.ConfigChecks;
import io.devflow.dr.config.ConfigProblem;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.ScheduleConfig;
import io.devflow.dr.config.StoreKind;
import picocli.CommandLine.Command;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code dr config validate}: loads the configuration and resolves every secret reference. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Check the configuration.",
        subcommands = ConfigCommand.Validate.class)
final class ConfigCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Validate the configuration and resolve its secrets; list every problem with its JSON path.")
    static final class Validate extends DrSubcommand {
        @Override
        public Integer call() {
            DrConfig config;
            try {
                config = loadConfig();
            } catch (ConfigException e) {
                if (json()) {
                    Printer.json(out(), Map.of("valid", false, "source", common().configPath().toString(),
                            "problems", e.problems().isEmpty() ? List.of(e.getMessage()) : e.problems().stream().map(ConfigProblem::toString).toList()));
                }
                throw e;
            }
            List<ConfigProblem> secrets = new ArrayList<>(ConfigChecks.checkSecrets(config));
            secrets.addAll(ConfigChecks.checkKeys(config, secrets));
            secrets.addAll(ConfigChecks.checkApi(config, secrets));
            if (!secrets.isEmpty()) {
                if (json()) {
                    Printer.json(out(), Map.of("valid", false, "source", config.source().toString(),
                            "problems", secrets.stream().map(ConfigProblem::toString).toList()));
                }
                throw ConfigException.of(config.source().toString(), secrets);
            }
            if (json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("valid", true);
                body.put("source", config.source().toString());
                body.put("form", config.shorthandRegion().isPresent() ? "single-region shorthand" : "full");
                config.shorthandNote().ifPresent(note -> body.put("note", note));
                Map<String, Object> regions = new LinkedHashMap<>();
                config.sortedRegions().forEach((id, r) -> regions.put(id.value(), describe(r)));
                body.put("regions", regions);
                body.put("encryption", config.backup().encryption().provider().configName());
                config.replication().ifPresent(r -> body.put("replication", describe(r)));
                body.put("schedules", Map.of("runner", config.backup().schedule().runner().id(),
                        "description", describe(config.backup().schedule().runner())));
                body.put("api", describe(config.api()));
                Printer.json(out(), body);
            } else {
                out().println("Configuration " + config.source() + " is valid.");
                config.shorthandNote().ifPresent(note -> out().println("  note: " + note));
                config.sortedRegions().forEach((id, r) -> out().println("  " + id + " (" + r.role().configName() + "): "
                        + describe(r).values().stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("")));
                out().println("  encryption: " + config.backup().encryption().provider().configName()
                        + config.backup().encryption().keyId().map(k -> " key " + k).orElse(""));
                config.replication().ifPresent(r -> out().println("  replication: " + describe(r)));
                out().println("  schedules: " + describe(config.backup().schedule().runner()));
                out().println("  api: " + describe(config.api()));
                if (config.api().token().isPresent()) {
                    out().println("  note: api.token is accepted as the admin token named 'api'; list tokens with "
                            + "their roles in api.tokens instead");
                }
            }
            return ExitCode.OK;
        }

        /** Who fires the backups, retention and DR tests of backup.schedule and recovery.drills.schedule. */
        private static String describe(ScheduleConfig.Runner runner) {
            return switch (runner) {
                case SERVER -> "runner server: the leading dr server fires the backup, retention and DR test schedules";
                case CRONJOBS -> "runner cronjobs: CronJobs run them (k8s/backup-cronjobs.yaml); dr server starts "
                        + "no backup, retention or DR test schedule";
            };
        }

        /** Where the API listens and which tokens it takes (names and roles, never the tokens). */
        private static String describe(ApiConfig api) {
            return api.baseUrl() + (api.tlsEnabled() ? "" : api.loopbackOnly() ? " (this machine only)"
                    : " (PLAINTEXT: allowPlaintext is set)") + ", tokens " + api.tokens().stream()
                    .map(t -> t.name() + " (" + t.role().id() + ")").collect(Collectors.joining(", "));
        }

        private static Map<String, Object> describe(RegionConfig region) {
            Map<String, Object> d = new LinkedHashMap<>();
            region.mongodb().ifPresent(m -> d.put("mongodb", m.url().display() + " " + m.databases()));
            region.redis().ifPresent(r -> d.put("redis", r.url().display() + " " + r.databases()));
            region.influxdb().ifPresent(i -> d.put("influxdb", i.url().display() + " v" + i.version() + " " + i.databases()));
            d.put("storage", region.storage().location());
            return d;
        }

        private static String describe(ReplicationConfig replication) {
            return (replication.enabled() ? "" : "disabled, ") + replication.source() + " -> "
                    + replication.targets().stream().map(Object::toString).collect(Collectors.joining(", "))
                    + " " + replication.stores().stream().map(StoreKind::id).toList()
                    + ", " + replication.conflicts().strategy().id();
        }
    }
}
