package io.devflow.dr.compliance;

import com.fasterxml.jackson.annotation.JsonValue;

/** What the evidence says about a check or a control. */
public enum Verdict {
    PASS("pass"), NOT_ENOUGH_EVIDENCE("not-enough-evidence"), FAIL("fail");

    private final String id;

    Verdict(String id) {
        this.id = id;
    }

    @JsonValue
    public String id() {
        return id;
    }

    /** The worse of two: a failure outweighs missing evidence, which outweighs a pass. */
    public Verdict and(Verdict other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
