package io.devflow.dr.cli;

/** Exit codes of every dr command. */
public final class ExitCode {

    public static final int OK = 0;
    /** The operation was attempted and failed (backup failed, verification failed, server unreachable). */
    public static final int FAILED = 1;
    /** The command line or the configuration is wrong; nothing was attempted. */
    public static final int USAGE = 2;

    private ExitCode() {
    }
}
