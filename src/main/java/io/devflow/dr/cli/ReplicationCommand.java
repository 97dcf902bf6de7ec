package io.devflow.dr.cli;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.replication.ReplicationControl;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code dr replication start|stop [--store S]}: records the desired replication state in the control state,
 * which a running {@code dr server} follows within seconds. Works with either region down.
 */
@Command(name = "replication", mixinStandardHelpOptions = true,
        description = "Start or stop cross-region replication (a running dr server follows within seconds).",
        subcommands = {ReplicationCommand.Start.class, ReplicationCommand.Stop.class})
final class ReplicationCommand extends DrSubcommand {

    @Override
    public Integer call() {
        throw commandRequired();
    }

    abstract static class Change extends DrSubcommand {

        @Option(names = "--store", paramLabel = "STORE", converter = Arguments.StoreConverter.class,
                description = "Only this store (default: every replicated store).")
        StoreKind store;

        abstract boolean running();

        @Override
        public Integer call() {
            String by = Operator.name();
            Collection<StoreKind> stores;
            String direction;
            try (DrServices services = new DrServices(loadConfig())) {
                services.requireReplication();
                ReplicationControl control = services.replicationControl().orElseThrow();
                stores = control.request(store == null ? List.of() : List.of(store), running(), by);
                direction = control.config().source() + " -> " + String.join(", ",
                        control.config().targets().stream().map(Object::toString).toList());
            }
            List<String> names = stores.stream().map(StoreKind::id).toList();
            if (json()) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("stores", names);
                body.put("direction", direction);
                body.put("running", running());
                body.put("changedBy", by);
                Printer.json(out(), body);
            } else {
                out().println("Replication of " + String.join(", ", names) + " (" + direction + "): "
                        + (running() ? "started" : "stopped") + " by " + by + ".");
                out().println("A running dr server follows within seconds; 'dr status' shows it.");
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = "Replicate again (after a stop); the server resumes from its checkpoints.")
    static final class Start extends Change {
        @Override
        boolean running() {
            return true;
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = "Stop replicating; the server writes its checkpoints and closes its readers. "
                    + "The decision stays until 'dr replication start', across server restarts.")
    static final class Stop extends Change {
        @Override
        boolean running() {
            return false;
        }
    }
}
