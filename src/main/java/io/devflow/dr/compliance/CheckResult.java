package io.devflow.dr.compliance;

import java.util.List;

/** One check on measured data, as shared by every control that relies on it. */
public record CheckResult(String id, String title, Verdict verdict, String summary, List<Evidence> evidence,
                          List<Gap> gaps) {

    public CheckResult {
        evidence = List.copyOf(evidence);
        gaps = List.copyOf(gaps);
    }
}
