package io.devflow.dr.testing;

import io.devflow.dr.app.DrServices;
import io.devflow.dr.control.Leadership;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Leadership as tests of the routes need it, without an election. */
public final class Leaders {

    private Leaders() {
    }

    /** This instance leads, in term 1: the API lets changes through and leader-only work may run. */
    public static Leadership elected() {
        Leadership leadership = new Leadership("test", "http://127.0.0.1", "file", Duration.ofHours(1), System::nanoTime);
        leadership.elected();
        leadership.took(new Leadership.Term(1, "test", "http://127.0.0.1", Instant.EPOCH));
        return leadership;
    }

    /**
     * Waits until a server started on these services has won its election (a lock file: the only instance wins at
     * once, but not before its routes start): until then it refuses changes, and leader-only work does not run.
     */
    public static void awaitLeading(DrServices services) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!services.leadership().leads() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(services.leadership().leads()).as("this server leads").isTrue();
    }
}
