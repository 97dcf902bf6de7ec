package io.devflow.dr.archive;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.devflow.dr.crypto.WrappedKey;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The commit record of a backup, written last: a backup exists (as completed) exactly when its manifest
 * does. Sealed with a MAC under a key derived from the backup's data key, so it cannot be edited or
 * swapped for another backup's without detection. {@code docs/archive-format.md} describes every field.
 */
public record Manifest(
        int formatVersion,
        String id,
        String type,
        String store,
        String region,
        String trigger,
        Instant startedAt,
        Instant completedAt,
        String parent,
        Instant coveredUntil,
        Positions positions,
        Map<String, String> source,
        StoredObject object,
        Encryption encryption,
        Compression compression,
        long items,
        long bytes,
        List<Section> sections,
        Verification verification,
        String seal) {

    /**
     * Where in the store's history this backup starts and ends, in the store's own position format: MongoDB keys
     * them per change stream, InfluxDB has one {@code time} watermark (nanoseconds) for all its databases, Redis
     * none. An incremental starts where its parent ended.
     */
    public record Positions(Map<String, String> start, Map<String, String> end) {

        public static Positions none() {
            return new Positions(Map.of(), Map.of());
        }
    }

    /** The data object: where it is, how big, and its SHA-256. */
    public record StoredObject(String key, long size, String sha256, int parts) {
    }

    /**
     * @param keyCheck local provider: the check value of the key that wrapped the data key (format 2)
     * @param deploymentId the deployment the data key is bound to (format 2); null in legacy manifests
     */
    public record Encryption(String algorithm, String provider, String keyId, String wrappedKey, String keyCheck,
                             String deploymentId) {

        /** As legacy (format 1) manifests have it. */
        public Encryption(String algorithm, String provider, String keyId, String wrappedKey) {
            this(algorithm, provider, keyId, wrappedKey, null, null);
        }

        public WrappedKey wrapped() {
            return new WrappedKey(provider, keyId, wrappedKey, keyCheck);
        }
    }

    public record Compression(String algorithm, int level) {
    }

    public record Section(String name, long items, long bytes, String fingerprint) {

        public static Section of(SectionSummary summary) {
            return new Section(summary.name(), summary.items(), summary.bytes(), summary.fingerprint().hex());
        }
    }

    /** The verification the pipeline ran before committing. */
    public record Verification(String level, String result, Instant verifiedAt) {
    }

    public Manifest withSeal(String newSeal) {
        return new Manifest(formatVersion, id, type, store, region, trigger, startedAt, completedAt, parent,
                coveredUntil, positions, source, object, encryption, compression, items, bytes, sections, verification,
                newSeal);
    }

    /** This manifest with the verification it passed before its commit, completed at {@code at}; unsealed. */
    public Manifest verified(Verification passed, Instant at) {
        return new Manifest(formatVersion, id, type, store, region, trigger, startedAt, at, parent, coveredUntil,
                positions, source, object, encryption, compression, items, bytes, sections, passed, null);
    }

    /** Written before keys were bound to a deployment (format 1). */
    @JsonIgnore
    public boolean isLegacy() {
        return formatVersion == ArchiveFormat.LEGACY_MANIFEST_VERSION;
    }

    public long durationMillis() {
        return completedAt.toEpochMilli() - startedAt.toEpochMilli();
    }
}
