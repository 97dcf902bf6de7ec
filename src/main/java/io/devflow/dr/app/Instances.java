package io.devflow.dr.app;

import io.devflow.dr.config.ClusterConfig;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.control.LeaderTerms;
import io.devflow.dr.control.Leadership;
import io.devflow.dr.status.SystemStatus;
import io.devflow.dr.support.Failures;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** How this process names itself: as a dr server instance in elections, or as the operator running a command. */
final class Instances {

    private Instances() {
    }

    static Leadership leadership(DrConfig config) {
        ClusterConfig cluster = config.cluster();
        // camel-kubernetes counts the pods it lists as the members, by name, and holds a leader that is none of them
        // invalid, so there an instance is its pod: in a pod the host name is the pod's name
        String instance = cluster.instanceId().orElseGet(() -> cluster.engine() == ClusterConfig.Engine.KUBERNETES
                ? host() : host() + "-" + ProcessHandle.current().pid());
        String api = cluster.advertisedUrl().map(Object::toString).orElseGet(() -> "http://"
                + ("0.0.0.0".equals(config.api().host()) || "::".equals(config.api().host()) ? host() : config.api().host())
                + ":" + config.api().port());
        return new Leadership(instance, api, cluster.engine().id(), cluster.confirmWithin(), System::nanoTime);
    }

    static String operator() {
        return System.getProperty("user.name", "unknown") + "@" + host() + " (cli)";
    }

    /** The leadership block of dr status: this instance's role when it is a server, and the recorded leader. */
    static SystemStatus.Leadership status(Leadership leadership, LeaderTerms terms, boolean server) {
        Optional<Leadership.Term> term;
        String error = null;
        try {
            term = terms.current();
        } catch (RuntimeException e) {
            term = leadership.currentTerm();
            error = Failures.describe(e);
        }
        return new SystemStatus.Leadership(leadership.engine(),
                term.map(Leadership.Term::instance).orElse(null), term.map(Leadership.Term::apiUrl).orElse(null),
                term.map(Leadership.Term::epoch).orElse(null), term.map(Leadership.Term::since).orElse(null),
                server ? leadership.instanceId() : null, server ? leadership.role().id() : null, error);
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
