package io.devflow.dr.compliance;

import java.util.List;

/**
 * A control's verdict: the worst of its checks'.
 *
 * @param checks  the ids of the checks it maps to, whose evidence the report lists once
 * @param reasons what keeps it from passing, one line per check that does not pass
 */
public record ControlResult(String standard, String control, String title, Verdict verdict, List<String> checks,
                            List<String> reasons) {
}
