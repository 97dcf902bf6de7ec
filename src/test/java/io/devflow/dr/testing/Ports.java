package io.devflow.dr.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * Loopback ports for the servers a test starts, handed out in turn from a range of this test JVM's own.
 *
 * <p>A port the kernel picks ({@code bind(0)}) comes from the ephemeral range that outgoing connections use too, and
 * any process may be given it: between a test asking for a port and its server binding it, another test JVM (the
 * integration tests run in two, and other builds may run beside them) or an outgoing connection could take it. Here
 * every test JVM on the machine holds one of a few ranges below the ephemeral ones, claimed by locking a file in the
 * temporary directory for as long as the JVM lives; ports are handed out in turn and never twice until the range
 * wraps, and a port something else holds is skipped.
 */
public final class Ports {

    /** Below the kernel's ephemeral ports (32768 and up on Linux) and the benchmarks' fixed ports (27500-27599). */
    private static final int FIRST = 12_000;
    private static final int PER_RANGE = 3_000;
    private static final int RANGES = 5;

    private static final int START = FIRST + PER_RANGE * claimRange();
    private static final AtomicInteger NEXT = new AtomicInteger();
    /** The lock that claims this JVM's range: held until the JVM exits. */
    private static FileLock claim;

    private Ports() {
    }

    /** A port free on 127.0.0.1 now, not handed out by this JVM before (until the range wraps). */
    public static int next() {
        for (int attempt = 0; attempt < PER_RANGE; attempt++) {
            int port = START + Math.floorMod(NEXT.getAndIncrement(), PER_RANGE);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port in 127.0.0.1:" + START + "-" + (START + PER_RANGE - 1));
    }

    /**
     * The first of {@code count} consecutive ports free on 127.0.0.1 now, none handed out by this JVM before (until
     * the range wraps): for a process that numbers its ports from one base, as the benchmarks do.
     */
    public static int block(int count) {
        for (int attempt = 0; attempt < PER_RANGE / count; attempt++) {
            int first = START + Math.floorMod(NEXT.getAndAdd(count), PER_RANGE);
            if (first + count <= START + PER_RANGE && IntStream.range(first, first + count).allMatch(Ports::free)) {
                return first;
            }
        }
        throw new IllegalStateException("no " + count + " free ports in a row in 127.0.0.1:" + START + "-"
                + (START + PER_RANGE - 1));
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The first range no other JVM holds; when all are held (more test JVMs than ranges), one picked by this
     * process's id, where the skipping of held ports is what is left to keep them apart.
     */
    private static int claimRange() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        for (int range = 0; range < RANGES; range++) {
            try {
                FileChannel channel = FileChannel.open(dir.resolve("devflow-dr-test-ports-" + range + ".lock"),
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    claim = lock;
                    return range;
                }
                channel.close();
            } catch (IOException | OverlappingFileLockException e) {
                // taken, or not lockable here: try the next
            }
        }
        return (int) (ProcessHandle.current().pid() % RANGES);
    }
}
