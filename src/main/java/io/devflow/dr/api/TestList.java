package io.devflow.dr.api;

import io.devflow.dr.drill.DrillResult;

import java.util.List;

/** The answer to {@code GET /api/tests}: drill results, newest first. */
public record TestList(List<DrillResult> tests) {
}
