package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.app.KmsAdmin;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.EncryptionConfig;
import io.devflow.dr.config.KeyProviderKind;
import io.devflow.dr.crypto.KeyProviders;
import io.devflow.dr.crypto.LocalKeyring;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kms.model.KeyMetadata;

import java.io.PrintWriter;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code dr keys init|describe|create}: the keys that wrap every backup's data key. */
@Command(name = "keys", mixinStandardHelpOptions = true,
        description = "Manage the key-encryption keys: the local keyring or the AWS KMS key.",
        subcommands = {KeysCommand.Init.class, KeysCommand.Describe.class, KeysCommand.Create.class})
final class KeysCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    static EncryptionConfig encryption(DrConfig config) {
        return config.backup().encryption();
    }

    /** Key operations are audited like every DR action; only ids and places, never key material. */
    static void audit(DrConfig config, PrintWriter err, String action, String keyId, String provider, String where) {
        try (DrServices services = new DrServices(config)) {
            CliAudit.record(services.audit(), err, action, keyId,
                    CliAudit.details().put("outcome", "completed").put("provider", provider).put("where", where));
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Create the local keyring (encryption.keyFile) with its first key, readable by you only.")
    static final class Init extends DrSubcommand {
        @Override
        public Integer call() {
            EncryptionConfig encryption = encryption(loadConfig());
            if (encryption.provider() != KeyProviderKind.LOCAL || encryption.keyFile().isEmpty()) {
                throw ConfigException.general("'dr keys init' creates the keyring of the local provider, but the "
                        + "configuration uses " + (encryption.provider() == KeyProviderKind.LOCAL
                        ? "a masterKey" : "aws-kms (create a KMS key with 'dr keys create')"));
            }
            LocalKeyring keyring = KeyProviders.initKeyring(encryption, Clock.systemUTC());
            audit(loadConfig(), err(), "key-created", keyring.primaryId(), "local", "keyring " + keyring.file());
            if (json()) {
                Printer.json(out(), Map.of("keyring", keyring.file().toString(), "primary", keyring.primaryId()));
            } else {
                out().println("Created keyring " + keyring.file() + " (mode 0600) with key " + keyring.primaryId());
                out().println("Keep a copy somewhere safe: backups cannot be restored without the key that wrapped them.");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true,
            description = "Show the configured key(s): ids, state and dates, never key material.")
    static final class Describe extends DrSubcommand {
        @Override
        public Integer call() {
            EncryptionConfig encryption = encryption(loadConfig());
            if (encryption.provider() == KeyProviderKind.AWS_KMS) {
                try (KmsAdmin kms = new KmsAdmin(encryption)) {
                    print(kms.describe(encryption.keyId().orElseThrow()));
                }
                return ExitCode.OK;
            }
            if (encryption.masterKey().isPresent()) {
                Map<String, Object> key = Map.of("provider", "local", "keyId", encryption.keyId().orElseThrow(),
                        "source", encryption.masterKey().get().display());
                if (json()) {
                    Printer.json(out(), key);
                } else {
                    out().println("Local master key " + key.get("keyId") + " from " + key.get("source"));
                }
                return ExitCode.OK;
            }
            LocalKeyring keyring = LocalKeyring.load(encryption.keyFile().orElseThrow());
            List<LocalKeyring.KeyInfo> keys = keyring.describe();
            if (json()) {
                Printer.json(out(), Map.of("provider", "local", "keyring", keyring.file().toString(), "keys", keys));
            } else {
                out().println("Local keyring " + keyring.file());
                keys.forEach(k -> out().printf("  %-26s created %s%s%n", k.id(), k.created(), k.primary() ? "  (primary)" : ""));
            }
            return ExitCode.OK;
        }

        private void print(KeyMetadata key) {
            Map<String, Object> shown = new LinkedHashMap<>();
            shown.put("provider", "aws-kms");
            shown.put("keyId", key.keyId());
            shown.put("arn", key.arn());
            shown.put("state", key.keyStateAsString());
            shown.put("enabled", key.enabled());
            shown.put("keySpec", key.keySpecAsString());
            shown.put("usage", key.keyUsageAsString());
            shown.put("created", key.creationDate());
            shown.put("description", key.description());
            if (json()) {
                Printer.json(out(), shown);
            } else {
                out().println("KMS key " + key.keyId());
                shown.forEach((k, v) -> Printer.field(out(), k, v));
            }
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a new key. Local: adds it to the keyring as the new primary (rotation; older "
                    + "keys stay to read older backups). AWS KMS: creates a symmetric key.")
    static final class Create extends DrSubcommand {

        @Option(names = "--description", paramLabel = "TEXT", defaultValue = "devflow-dr backup key-encryption key",
                description = "KMS key description (default: ${DEFAULT-VALUE}).")
        String description;

        @Override
        public Integer call() {
            EncryptionConfig encryption = encryption(loadConfig());
            if (encryption.provider() == KeyProviderKind.AWS_KMS) {
                KeyMetadata key;
                try (KmsAdmin kms = new KmsAdmin(encryption)) {
                    key = kms.create(description);
                }
                audit(loadConfig(), err(), "key-created", key.keyId(), "aws-kms", String.valueOf(key.arn()));
                if (json()) {
                    Printer.json(out(), Map.of("provider", "aws-kms", "keyId", key.keyId(), "arn", String.valueOf(key.arn())));
                } else {
                    out().println("Created KMS key " + key.keyId() + (key.arn() != null ? " (" + key.arn() + ")" : ""));
                    out().println("New backups use it once disasterRecovery.backup.encryption.keyId names it.");
                }
                return ExitCode.OK;
            }
            if (encryption.keyFile().isEmpty()) {
                throw ConfigException.general("the local provider is configured with a masterKey; rotate it by "
                        + "changing the secret and encryption.keyId, or switch to a keyring (encryption.keyFile)");
            }
            LocalKeyring rotated = LocalKeyring.rotate(encryption.keyFile().get(), Clock.systemUTC());
            audit(loadConfig(), err(), "key-rotated", rotated.primaryId(), "local", "keyring " + rotated.file());
            if (json()) {
                Printer.json(out(), Map.of("provider", "local", "keyring", rotated.file().toString(), "primary", rotated.primaryId()));
            } else {
                out().println("Added key " + rotated.primaryId() + " to " + rotated.file() + "; it is now the primary key.");
                out().println("Older keys stay in the keyring so older backups remain restorable.");
            }
            return ExitCode.OK;
        }
    }
}
