package io.devflow.dr.api;

import io.devflow.dr.catalog.BackupRecord;

import java.util.List;
import java.util.Map;

/** The answer to {@code GET /api/backups}: running backups first, and the regions whose bucket could not be read. */
public record BackupList(List<BackupRecord> backups, Map<String, String> unreachableRegions) {
}
