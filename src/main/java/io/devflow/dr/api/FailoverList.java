package io.devflow.dr.api;

import io.devflow.dr.failover.FailoverRecord;

import java.util.List;

/** The answer to {@code GET /api/failovers}: the newest failovers first. */
public record FailoverList(List<FailoverRecord> failovers) {
}
