package io.devflow.dr.compliance;

import java.util.List;

/** A control of a standard and the checks whose evidence shows it operating. */
public record Control(Standard standard, String id, String title, List<Check> checks) {

    public Control {
        checks = List.copyOf(checks);
    }
}
