package io.devflow.dr.api;

import io.devflow.dr.replication.LagHistory;

import java.util.List;

/**
 * The answer to {@code GET /api/replication/lag}: per source, target and store, the lag and backlog sampled by
 * this server over the last {@code minutes}.
 */
public record LagHistoryList(int minutes, List<LagHistory.Series> series) {
}
