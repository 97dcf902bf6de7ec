package io.devflow.dr.backup;

import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionConfig;
import io.devflow.dr.store.StoreKind;

import java.util.ArrayList;
import java.util.List;

/** What a schedule firing backs up: every store configured in the primary region. */
public final class ScheduledBackups {

    private final DrConfig config;

    public ScheduledBackups(DrConfig config) {
        this.config = config;
    }

    public List<BackupRequest> requests(String type) {
        BackupType backupType = BackupType.parse(type)
                .orElseThrow(() -> new IllegalArgumentException("unknown backup type " + type));
        RegionConfig primary = config.primaryRegion();
        List<BackupRequest> requests = new ArrayList<>();
        if (primary.mongodb().isPresent()) {
            requests.add(new BackupRequest(backupType, StoreKind.MONGODB, primary.id(), "schedule"));
        }
        return requests;
    }
}
