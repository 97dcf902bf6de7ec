package io.devflow.dr.api;

import io.devflow.dr.control.Conflict;

import java.util.List;

/** The answer to {@code GET /api/conflicts}. */
public record ConflictList(List<Conflict> conflicts) {
}
