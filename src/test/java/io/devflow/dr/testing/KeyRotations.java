package io.devflow.dr.testing;

import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.SecretResolver;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * A separate process for keyring tests: runs {@code dr --config FILE keys create} the given number of times,
 * exactly as the command line does, and exits with the first failure's code.
 */
public final class KeyRotations {

    private KeyRotations() {
    }

    public static void main(String[] args) {
        String config = args[0];
        int times = Integer.parseInt(args[1]);
        for (int i = 0; i < times; i++) {
            StringWriter err = new StringWriter();
            int code = DrMain.commandLine(SecretResolver.system(), new PrintWriter(new StringWriter(), true),
                    new PrintWriter(err, true)).execute("--config", config, "keys", "create");
            if (code != 0) {
                System.err.println(err);
                System.exit(code);
            }
        }
        System.exit(0);
    }
}
