package io.devflow.dr.api;

import java.time.Instant;

/** The answer to {@code POST /api/backups} (202): the backup is running; {@code self} reports on it. */
public record BackupAccepted(String id, String status, String type, String store, String region, Instant startedAt,
                             String self) {
}
