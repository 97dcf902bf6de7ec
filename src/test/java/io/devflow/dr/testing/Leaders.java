package io.devflow.dr.testing;

import io.devflow.dr.control.Leadership;

import java.time.Duration;
import java.time.Instant;

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
}
