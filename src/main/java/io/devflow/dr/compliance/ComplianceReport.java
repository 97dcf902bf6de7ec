package io.devflow.dr.compliance;

import java.time.Instant;
import java.util.List;

/** The compliance report: each control of the chosen standards with its verdict, and the checks' evidence. */
public record ComplianceReport(int format, String deployment, Instant generatedAt, Instant periodFrom,
                               Instant periodTo, String period, List<String> standards, List<ControlResult> controls,
                               List<CheckResult> checks) {

    public static final int FORMAT = 1;

    public Verdict verdict() {
        return controls.stream().map(ControlResult::verdict).reduce(Verdict.PASS, Verdict::and);
    }
}
