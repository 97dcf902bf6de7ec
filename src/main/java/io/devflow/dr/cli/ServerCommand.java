package io.devflow.dr.cli;

import io.devflow.dr.app.DrRuntime;
import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.ConfigDigest;
import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.ConfigChecks;
import io.devflow.dr.config.ConfigProblem;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.ScheduleConfig;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/** {@code dr server}: the long-running service with the schedules, the HTTP API and the management endpoints. */
@Command(name = "server", mixinStandardHelpOptions = true,
        description = "Run the DR service: backup schedules, HTTP API, health, Prometheus metrics and Jolokia, "
                + "until stopped (Ctrl-C or SIGTERM).")
final class ServerCommand extends DrSubcommand {

    @Override
    public Integer call() throws Exception {
        DrConfig config = loadConfig();
        if (config.api().tokens().isEmpty()) {
            throw ConfigException.general("disasterRecovery.api.token: required to start the HTTP API; set it to "
                    + "${env:DR_API_TOKEN} or ${file:/path/to/token}, or list named tokens with their roles in "
                    + "disasterRecovery.api.tokens (" + config.source() + ")");
        }
        List<ConfigProblem> problems = new java.util.ArrayList<>(ConfigChecks.checkSecrets(config));
        problems.addAll(ConfigChecks.checkApi(config, problems));
        if (!problems.isEmpty()) {
            throw ConfigException.of(config.source().toString(), problems);
        }
        try (DrServices services = new DrServices(config)) {
            services.audit().recordOrWarn("config-loaded", Operator.name(), config.source().toString(),
                    CliAudit.details().put("outcome", "loaded").put("sha256", ConfigDigest.of(config.source()))
                            .put("instance", services.leadership().instanceId()));
            DrRuntime runtime = start(services, config);
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "dr-shutdown"));
            err().println("dr server: API " + config.api().baseUrl() + "/api, health /observe/health, metrics "
                    + "/observe/metrics; stop with Ctrl-C");
            err().println("dr server: instance " + services.leadership().instanceId() + " elects its leader through "
                    + config.cluster().engine().id() + config.cluster().file().map(f -> " (lock file in " + f.directory()
                    + ")").orElse("") + "; only the leader runs " + (config.backup().schedule().runner()
                    == ScheduleConfig.Runner.CRONJOBS ? "capture and replication (CronJobs run the schedules: "
                    + "backup.schedule.runner is cronjobs)" : "the schedules, capture and replication"));
            err().flush();
            runtime.awaitStop();
        }
        return ExitCode.OK;
    }

    /** Starts the service once the HTTP address is known to be free. */
    static DrRuntime start(DrServices services, DrConfig config) throws Exception {
        ensureAddressFree(config.api().host(), config.api().port(), "change disasterRecovery.api.port");
        return DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of());
    }

    /**
     * The embedded HTTP server reports a taken port only asynchronously, after Camel has started, so the
     * address is tried first: a conflict stops the start with a message saying what to change.
     */
    static void ensureAddressFree(String host, int port, String remedy) {
        if (port < 1 || port > 65_535) {
            throw new UsageException("port " + port + " is not a TCP port (1-65535); " + remedy);
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        } catch (IOException e) {
            throw new OperationFailedException("cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "); stop the other process or " + remedy);
        }
    }
}
