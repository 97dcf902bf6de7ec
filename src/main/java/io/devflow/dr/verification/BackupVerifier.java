package io.devflow.dr.verification;

import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.ArchiveReader;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.catalog.VerificationRecord;
import io.devflow.dr.config.VerifyLevel;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.StorageReadException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a stored backup against its manifest at one of three depths. Every check that fails throws
 * {@link ArchiveIntegrityException} naming the backup and what did not match; a returned record passed.
 */
public final class BackupVerifier {

    /** The start of the name of every scratch database a restore-level verification creates and drops again. */
    public static final String SCRATCH_PREFIX = "dr_verify_";

    private final BackupKeys keys;
    private final StoreRegistry stores;
    private final Clock clock;

    public BackupVerifier(BackupKeys keys, StoreRegistry stores, Clock clock) {
        this.keys = keys;
        this.stores = stores;
        this.clock = clock;
    }

    public VerificationRecord verify(RegionContext region, Manifest manifest, VerifyLevel level, Progress progress) {
        Instant started = clock.instant();
        String what = "backup " + manifest.id();
        List<String> checks = new ArrayList<>();
        progress.restart("verifying " + manifest.id() + " (" + level.configName() + ")");
        try (DataKey key = keys.open(manifest)) {
            ManifestCodec.checkSeal(manifest, key, what);
            checks.add("manifest seal matches the data key");
            ObjectStore store = region.objectStore();
            checks.add("object size " + checkSize(store, manifest, what) + " bytes");
            if (level == VerifyLevel.QUICK) {
                checkDigest(store, manifest, what);
                checks.add("object SHA-256 matches");
            } else if (level == VerifyLevel.FULL) {
                readAndCompare(store, manifest, key, progress, new ArchiveReader.Visitor() { }, what);
                checks.add(contentCheck(manifest));
            } else {
                restoreAndCompare(region, store, manifest, key, progress, what, checks);
            }
        }
        return new VerificationRecord(manifest.id(), level.configName(), true, clock.instant(),
                Duration.between(started, clock.instant()).toMillis(), checks, null);
    }

    /**
     * Reads a backup through {@code visitor} (a restorer into scratch databases, say) once its seal and size check out,
     * and compares what was read with the manifest: the object's SHA-256, every section's count and fingerprint.
     *
     * @throws ArchiveIntegrityException when anything does not match
     */
    public void readThrough(RegionContext region, Manifest manifest, ArchiveReader.Visitor visitor, Progress progress) {
        String what = "backup " + manifest.id();
        try (DataKey key = keys.open(manifest)) {
            ManifestCodec.checkSeal(manifest, key, what);
            ObjectStore store = region.objectStore();
            checkSize(store, manifest, what);
            readAndCompare(store, manifest, key, progress, visitor, what);
        }
    }

    /**
     * Compares the fingerprints of what a restore wrote with the sections expected; an empty section (an InfluxDB
     * measurement with no point up to the cut-off) may restore to nothing.
     */
    public static void compareRestored(List<Manifest.Section> expected, List<SectionSummary> restored, String what) {
        compareSections(expected, restored, what, "the scratch restore", true);
    }

    private static long checkSize(ObjectStore store, Manifest manifest, String what) {
        ObjectStore.ObjectInfo info = store.head(manifest.object().key()).orElseThrow(() ->
                new ArchiveIntegrityException(what + ": its data object " + manifest.object().key() + " is missing"));
        if (info.size() != manifest.object().size()) {
            throw new ArchiveIntegrityException(what + ": the stored object is " + info.size()
                    + " bytes but the manifest says " + manifest.object().size() + " (truncated or replaced)");
        }
        return info.size();
    }

    private static void checkDigest(ObjectStore store, Manifest manifest, String what) {
        MessageDigest sha256 = sha256();
        long size = 0;
        try (InputStream in = store.open(manifest.object().key())) {
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) != -1; ) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        } catch (IOException e) {
            throw new StorageReadException(what + ": reading the stored object failed: " + e.getMessage(), e);
        }
        compareDigest(manifest, size, HexFormat.of().formatHex(sha256.digest()), what);
    }

    private static ArchiveReader.Result readAndCompare(ObjectStore store, Manifest manifest, DataKey key,
                                                      Progress progress, ArchiveReader.Visitor visitor, String what) {
        ArchiveReader.Result result;
        try (InputStream in = store.open(manifest.object().key())) {
            result = ArchiveReader.read(in, new ArchiveReader.Expected(manifest.id(), manifest.store(), manifest.region()),
                    header -> key.streamingAead(), progress, visitor);
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": reading the stored object failed", e);
        }
        compareDigest(manifest, result.objectBytes(), result.sha256(), what);
        compareSections(manifest, result.summary().sections(), what, "the archive");
        return result;
    }

    private void restoreAndCompare(RegionContext region, ObjectStore store, Manifest manifest, DataKey key,
                                   Progress progress, String what, List<String> checks) {
        StoreOperations operations = stores.get(manifest.store());
        if (!"full".equals(manifest.type()) || !operations.supportsScratchRestore(region.config())) {
            throw new InvalidRequestException("restore-level verification needs a full backup of a store with scratch "
                    + "databases; " + manifest.id() + " is " + ("incremental".equals(manifest.type()) ? "an " : "a ") + manifest.type() + " " + manifest.store()
                    + " backup: verify it with --level full");
        }
        Map<String, String> scratch = scratchDatabases(manifest);
        try {
            try (StoreOperations.Restorer restorer = operations.restorer(region, manifest, scratch::get, null, Map.of())) {
                readAndCompare(store, manifest, key, progress, restorer, what);
                // the last writes may still be running when the archive ends
                restorer.result();
            }
            checks.add(contentCheck(manifest));
            compareRestored(manifest.sections(), operations.fingerprint(region, scratch), what);
            checks.add("restored into scratch databases " + String.join(", ", scratch.values())
                    + " on " + region.id() + "; their fingerprints match");
        } finally {
            scratch.values().forEach(db -> operations.drop(region, db));
        }
    }

    private static String contentCheck(Manifest manifest) {
        return "object SHA-256 matches; decrypted and decompressed, " + manifest.items() + " items in "
                + manifest.sections().size() + " sections match the manifest's counts and fingerprints";
    }

    /** Source database to scratch database, e.g. devflow -> dr_verify_x7k2p9_0. */
    private static Map<String, String> scratchDatabases(Manifest manifest) {
        Map<String, String> scratch = new LinkedHashMap<>();
        String suffix = manifest.id().substring(manifest.id().length() - 6);
        for (String database : manifest.source().getOrDefault("databases", "").split(",")) {
            if (!database.isBlank()) {
                scratch.put(database, SCRATCH_PREFIX + suffix + "_" + scratch.size());
            }
        }
        return scratch;
    }

    private static void compareDigest(Manifest manifest, long size, String sha256, String what) {
        if (size != manifest.object().size()) {
            throw new ArchiveIntegrityException(what + ": read " + size + " bytes but the manifest says "
                    + manifest.object().size());
        }
        if (!sha256.equals(manifest.object().sha256())) {
            throw new ArchiveIntegrityException(what + ": the stored object's SHA-256 does not match its manifest "
                    + "(the object was modified)");
        }
    }

    private static void compareSections(Manifest manifest, List<SectionSummary> actual, String what, String source) {
        compareSections(manifest.sections(), actual, what, source, false);
    }

    private static void compareSections(List<Manifest.Section> sections, List<SectionSummary> actual, String what,
                                        String source, boolean emptyMayBeMissing) {
        Map<String, Manifest.Section> expected = new LinkedHashMap<>();
        sections.forEach(s -> expected.put(s.name(), s));
        for (SectionSummary s : actual) {
            Manifest.Section e = expected.remove(s.name());
            if (e == null) {
                throw new ArchiveIntegrityException(what + ": " + source + " has section " + s.name()
                        + " that the manifest does not list");
            }
            if (e.items() != s.items() || !e.fingerprint().equals(s.fingerprint().hex())) {
                throw new ArchiveIntegrityException(what + ": section " + s.name() + " in " + source + " has "
                        + s.items() + " items (fingerprint " + s.fingerprint().hex().substring(0, 12) + "…) but the manifest says "
                        + e.items() + " (" + e.fingerprint().substring(0, 12) + "…)");
            }
        }
        if (emptyMayBeMissing) {
            expected.values().removeIf(section -> section.items() == 0);
        }
        if (!expected.isEmpty()) {
            throw new ArchiveIntegrityException(what + ": " + source + " lacks section(s) " + String.join(", ", expected.keySet()));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
