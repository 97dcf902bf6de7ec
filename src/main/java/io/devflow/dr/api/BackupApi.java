package io.devflow.dr.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.devflow.dr.support.Json;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The backup resources of the HTTP API: parses requests, answers with JSON. */
public final class BackupApi {

    private static final Set<String> REQUEST_FIELDS = Set.of("type", "store", "region");

    private final DrConfig config;
    private final BackupPipeline pipeline;
    private final BackupCatalog catalog;
    private final RunningBackups running;

    public BackupApi(DrConfig config, BackupPipeline pipeline, BackupCatalog catalog, RunningBackups running) {
        this.config = config;
        this.pipeline = pipeline;
        this.catalog = catalog;
        this.running = running;
    }

    /**
     * Parses {@code {"type":"full","store":"mongodb","region":"us-east-1"}}; store and region are optional
     * (mongodb, the primary region).
     */
    public BackupRequest parse(String body) {
        JsonNode json;
        try {
            json = body == null || body.isBlank() ? null : Json.readOne(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "the request body is not valid JSON: " + e.getOriginalMessage()
                    .replaceAll("\\s+", " "));
        }
        if (json == null || !json.isObject()) {
            throw new ApiException(400, "the request body must be a JSON object such as {\"type\":\"full\",\"store\":\"mongodb\"}");
        }
        List<String> unknown = new ArrayList<>();
        json.fieldNames().forEachRemaining(f -> {
            if (!REQUEST_FIELDS.contains(f)) {
                unknown.add(f);
            }
        });
        if (!unknown.isEmpty()) {
            throw new ApiException(400, "unknown field(s) " + String.join(", ", unknown) + "; a backup request has type, store and region");
        }
        String typeText = text(json, "type").orElseThrow(() -> new ApiException(400, "type is required: \"full\" or \"incremental\""));
        BackupType type = BackupType.parse(typeText)
                .orElseThrow(() -> new ApiException(400, "type must be full or incremental, was '" + typeText + "'"));
        String storeText = text(json, "store").orElse(StoreKind.MONGODB.id());
        StoreKind store = StoreKind.parse(storeText)
                .orElseThrow(() -> new ApiException(400, "store must be one of " + StoreKind.names() + ", was '" + storeText + "'"));
        RegionId region = text(json, "region")
                .map(r -> Optional.of(r).filter(RegionId::isValid).map(RegionId::of).flatMap(config::region)
                        .orElseThrow(() -> new ApiException(400, "unknown region '" + r + "'; configured regions are "
                                + String.join(", ", config.sortedRegions().keySet().stream().map(RegionId::value).toList())))
                        .id())
                .orElse(config.primaryRegion().id());
        return new BackupRequest(type, store, region, "api");
    }

    public PlannedBackup plan(BackupRequest request) {
        return pipeline.plan(request);
    }

    public String accepted(PlannedBackup backup) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", backup.id().value());
        body.put("status", "running");
        body.put("type", backup.request().type().id());
        body.put("store", backup.store().id());
        body.put("region", backup.region().id().value());
        body.put("startedAt", backup.startedAt().toString());
        body.put("self", "/api/backups/" + backup.id().value());
        return Json.pretty(body);
    }

    public String list(String store, String region) {
        Optional<StoreKind> storeFilter = Optional.ofNullable(store).map(s -> StoreKind.parse(s).orElseThrow(
                () -> new ApiException(400, "store must be one of " + StoreKind.names() + ", was '" + s + "'")));
        Optional<RegionId> regionFilter = Optional.ofNullable(region).map(r -> config.requireRegion(r).id());
        BackupCatalog.Listing listing = catalog.list(storeFilter, regionFilter);
        List<BackupRecord> backups = new ArrayList<>(running.all());
        backups.addAll(listing.backups());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("backups", backups);
        body.put("unreachableRegions", listing.unreachable());
        return Json.pretty(body);
    }

    public String get(String id) {
        BackupId backupId = BackupId.parse(id).orElseThrow(() -> new ApiException(400,
                "'" + id + "' is not a backup id (for example " + BackupId.EXAMPLE + ")"));
        return Json.pretty(running.get(backupId).orElseGet(() -> catalog.find(backupId).record()));
    }

    private static Optional<String> text(JsonNode json, String field) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isTextual()) {
            throw new ApiException(400, field + " must be a string");
        }
        return Optional.of(value.asText());
    }
}
