package io.devflow.dr.api;

import java.util.List;

/**
 * The answer to {@code POST /api/tests} (202): the drills are running, one after another; each {@code self} reports on
 * one of them.
 */
public record TestsAccepted(String suite, String status, List<Drill> tests) {

    public TestsAccepted {
        tests = List.copyOf(tests);
    }

    public record Drill(String id, String type, String self) {
    }
}
