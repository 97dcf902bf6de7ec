package io.devflow.dr.fuzz;

import io.devflow.dr.cli.DrMain;
import io.devflow.dr.config.SecretResolver;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One run of the dr command line in-process, with an environment of its own for secret references. */
record DrRun(int code, String out, String err) {

    private static final Pattern PROBLEMS = Pattern.compile("dr: configuration .* has (\\d+) problems?:");

    static DrRun of(Map<String, String> environment, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DrMain.commandLine(SecretResolver.of(environment), new PrintWriter(out, true), new PrintWriter(err, true))
                .execute(args);
        return new DrRun(code, out.toString(), err.toString());
    }

    /**
     * Standard error is one message: a line (and picocli's hint where to find the usage), or every problem of a
     * configuration, one per line under a header.
     */
    boolean errIsOneMessage() {
        List<String> lines = err.lines().toList();
        if (!err.startsWith("dr: ")) {
            return false;
        }
        Matcher header = PROBLEMS.matcher(lines.get(0));
        if (header.matches()) {
            return Integer.parseInt(header.group(1)) == lines.size() - 1
                    && lines.stream().skip(1).allMatch(l -> l.startsWith("  "));
        }
        return lines.size() <= 2;
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out\n" + out + "--- err\n" + err;
    }
}
