package io.devflow.dr.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.backup.BackupPipeline;
import io.devflow.dr.backup.BackupRequest;
import io.devflow.dr.backup.PlannedBackup;
import io.devflow.dr.backup.RunningBackups;
import io.devflow.dr.catalog.BackupCatalog;
import io.devflow.dr.catalog.BackupId;
import io.devflow.dr.catalog.BackupRecord;
import io.devflow.dr.catalog.BackupType;
import io.devflow.dr.config.DrConfig;
import io.devflow.dr.config.RegionId;
import io.devflow.dr.config.StoreKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** The backup resources of the HTTP API: checks what a request asks for, and answers with what the binding writes. */
public final class BackupApi {

    private final DrConfig config;
    private final Supplier<RegionId> activeRegion;
    private final BackupPipeline pipeline;
    private final BackupCatalog catalog;
    private final RunningBackups running;

    /** @param activeRegion the region a request that names none backs up: the active one */
    public BackupApi(DrConfig config, BackupPipeline pipeline, BackupCatalog catalog, RunningBackups running,
                     Supplier<RegionId> activeRegion) {
        this.config = config;
        this.activeRegion = activeRegion;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.running = running;
    }

    /**
     * The backup a request asks for: store and region default to mongodb and the active region. The binding
     * has read the body; this checks the values, which a JSON type cannot say.
     */
    public BackupRequest request(BackupRequestBody body) {
        if (body == null) {
            throw RequestBodies.missing(BackupRequestBody.class);
        }
        String typeText = Optional.ofNullable(body.type())
                .orElseThrow(() -> new ApiException(400, "type is required: \"full\" or \"incremental\""));
        BackupType type = BackupType.parse(typeText)
                .orElseThrow(() -> new ApiException(400, "type must be full or incremental, was '" + typeText + "'"));
        String storeText = Optional.ofNullable(body.store()).orElse(StoreKind.MONGODB.id());
        StoreKind store = StoreKind.parse(storeText)
                .orElseThrow(() -> new ApiException(400, "store must be one of " + StoreKind.names() + ", was '" + storeText + "'"));
        RegionId region = Optional.ofNullable(body.region())
                .map(r -> Optional.of(r).filter(RegionId::isValid).map(RegionId::of).flatMap(config::region)
                        .orElseThrow(() -> new ApiException(400, "unknown region '" + r + "'; configured regions are "
                                + String.join(", ", config.sortedRegions().keySet().stream().map(RegionId::value).toList())))
                        .id())
                .orElseGet(activeRegion);
        return new BackupRequest(type, store, region, "api");
    }

    public PlannedBackup plan(BackupRequest request) {
        return pipeline.plan(request);
    }

    public BackupAccepted accepted(PlannedBackup backup) {
        return new BackupAccepted(backup.id().value(), "running", backup.request().type().id(), backup.store().id(),
                backup.region().id().value(), backup.startedAt(), "/api/backups/" + backup.id().value());
    }

    public BackupList list(String store, String region) {
        Optional<StoreKind> storeFilter = Optional.ofNullable(store).map(s -> StoreKind.parse(s).orElseThrow(
                () -> new ApiException(400, "store must be one of " + StoreKind.names() + ", was '" + s + "'")));
        Optional<RegionId> regionFilter = Optional.ofNullable(region).map(r -> config.requireRegion(r).id());
        BackupCatalog.Listing listing = catalog.list(storeFilter, regionFilter);
        List<BackupRecord> backups = new ArrayList<>(running.all());
        backups.addAll(listing.backups());
        return new BackupList(backups, listing.unreachable());
    }

    public BackupRecord get(String id) {
        BackupId backupId = backupId(id);
        return running.get(backupId).orElseGet(() -> catalog.find(backupId).record());
    }

    /**
     * {@code GET /api/backups/{id}/manifest}: what the manifest of a committed backup says (positions, object,
     * sections with their counts and fingerprints), without the wrapped data key and the key check value, which
     * only a restore needs. A backup without a manifest (running, failed) is a 404.
     */
    public JsonNode manifest(String id) {
        BackupId backupId = backupId(id);
        BackupCatalog.Located located = catalog.find(backupId);
        Manifest manifest = located.manifest();
        if (manifest == null) {
            throw new ApiException(404, "backup " + backupId + " has no manifest: it is " + located.record().status().id());
        }
        ObjectNode json = ApiJson.MAPPER.valueToTree(manifest);
        if (json.get("encryption") instanceof ObjectNode encryption) {
            encryption.remove(List.of("wrappedKey", "keyCheck"));
        }
        return json;
    }

    private static BackupId backupId(String id) {
        return BackupId.parse(id).orElseThrow(() -> new ApiException(400,
                "'" + id + "' is not a backup id (for example " + BackupId.EXAMPLE + ")"));
    }
}
