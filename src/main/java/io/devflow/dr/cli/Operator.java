package io.devflow.dr.cli;

import java.net.InetAddress;

/** Who runs a command, for the audit log: the login name and the host. */
final class Operator {

    private Operator() {
    }

    static String name() {
        String user = System.getProperty("user.name", "unknown");
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return user + "@" + host + " (cli)";
    }
}
