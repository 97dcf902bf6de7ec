package io.devflow.dr.cli;

import io.devflow.dr.config.ConfigException;
import io.devflow.dr.config.ConfigLoader;
import io.devflow.dr.config.ConfigProblem;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.runtime.DrRuntime;
import io.devflow.dr.runtime.DrServices;
import picocli.CommandLine.Command;

import java.net.BindException;
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
        List<ConfigProblem> problems = ConfigLoader.checkSecrets(config);
        if (!problems.isEmpty()) {
            throw ConfigException.of(config.source().toString(), problems);
        }
        try (DrServices services = new DrServices(config)) {
            DrRuntime runtime = start(services, config);
            Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "dr-shutdown"));
            err().println("dr server: API http://" + config.api().host() + ":" + config.api().port() + "/api, health "
                    + "/observe/health, metrics /observe/metrics; stop with Ctrl-C");
            err().flush();
            runtime.awaitStop();
        }
        return ExitCode.OK;
    }

    /** Starts the service, turning a port conflict into a message that says what to change. */
    static DrRuntime start(DrServices services, DrConfig config) throws Exception {
        try {
            return DrRuntime.start(services, DrRuntime.Mode.SERVER, Map.of());
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof BindException) {
                    throw new OperationFailedException("cannot listen on " + config.api().host() + ":" + config.api().port()
                            + " (" + t.getMessage() + "); stop the other process or change disasterRecovery.api.port");
                }
            }
            throw e;
        }
    }
}
