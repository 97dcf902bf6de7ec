package io.devflow.dr.cli;

import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.SecretResolver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** The {@code dr} command: disaster recovery for MongoDB, InfluxDB and Redis. */
@Command(name = "dr",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Disaster recovery for the data tier: encrypted, verified backups to S3, restore, "
                + "cross-region replication, and the DR service (dr server).",
        subcommands = {
                BackupCommand.class,
                BackupsCommand.class,
                VerifyCommand.class,
                RestoreCommand.class,
                RecoverCommand.class,
                RetentionCommand.class,
                StatusCommand.class,
                FailoverCommand.class,
                FailoversCommand.class,
                TestCommand.class,
                ReplicationCommand.class,
                ConflictsCommand.class,
                ResolveConflictCommand.class,
                KeysCommand.class,
                ControlCommand.class,
                AuditCommand.class,
                ComplianceCommand.class,
                ConfigCommand.class,
                ServerCommand.class,
                DemoCommand.class,
        },
        footer = {"", "Exit codes: 0 ok, 1 operation failed, 2 usage or configuration error.",
                "Set DR_DEBUG=1 to print stack traces."})
public final class DrCommand implements Runnable {

    @Mixin
    CommonOptions common = new CommonOptions();

    final ConfigLoader loader;
    final Prompt prompt;

    public DrCommand() {
        this(SecretResolver.system());
    }

    /** Tests hand in their own environment for secret references. */
    public DrCommand(SecretResolver secrets) {
        this(secrets, Prompt.console());
    }

    /** Tests also hand in the answers to the questions commands ask. */
    public DrCommand(SecretResolver secrets, Prompt prompt) {
        this.loader = new ConfigLoader(secrets);
        this.prompt = prompt;
    }

    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "a command is required: backup, backups, verify, restore, recover, retention, status, failover, failovers, "
                        + "test, replication, conflicts, resolve-conflict, keys, control, audit, compliance, config, server "
                        + "or demo");
    }
}
