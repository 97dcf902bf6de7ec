package io.devflow.dr.verification;

import io.devflow.dr.archive.ArchiveReader;
import io.devflow.dr.archive.Fingerprint;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.archive.Progress;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.catalog.BackupKeys;
import io.devflow.dr.crypto.DataKey;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.store.StoreOperations;
import io.devflow.dr.store.StoreRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compares a store as a restore left it with the backup it was restored from, section by section (collection,
 * logical database, measurement): count and order-independent fingerprint, as restore-level verification compares a
 * scratch restore. Where a restore reproduces the archived items exactly (MongoDB documents, InfluxDB points) the
 * manifest's fingerprints are the expectation; otherwise (Redis keys, whose expiry moves) the archive is read again
 * and fingerprinted in the form the store restores.
 */
public final class RestoredFingerprints {

    private final BackupKeys keys;
    private final StoreRegistry stores;

    public RestoredFingerprints(BackupKeys keys, StoreRegistry stores) {
        this.keys = keys;
        this.stores = stores;
    }

    /** One section: what the backup holds and what the restored store holds. */
    public record Section(String name, long expectedItems, String expectedFingerprint, long actualItems,
                          String actualFingerprint) {

        public boolean matches() {
            return expectedItems == actualItems && (expectedItems == 0 || expectedFingerprint.equals(actualFingerprint));
        }
    }

    public record Comparison(List<Section> sections) {

        public boolean exact() {
            return sections.stream().allMatch(Section::matches);
        }

        public List<Section> differing() {
            return sections.stream().filter(s -> !s.matches()).toList();
        }

        /** Whether every section of the target holds at least as many items as the backup's. */
        public boolean holdsAtLeastTheBackup() {
            return sections.stream().allMatch(s -> s.actualItems() >= s.expectedItems());
        }
    }

    /**
     * @param source the region whose bucket holds the backup
     * @param databases source database name to the database of {@code target} it was restored into
     */
    public Comparison compare(RegionContext source, Manifest manifest, RegionContext target,
                              Map<String, String> databases, Progress progress) {
        StoreOperations operations = stores.get(manifest.store());
        Map<String, SectionSummary> expected = operations.restoresItemsAsArchived()
                ? fromManifest(manifest) : fromArchive(source, manifest, operations, progress);
        progress.restart("fingerprinting " + manifest.store() + " in " + target.id());
        Map<String, SectionSummary> actual = new LinkedHashMap<>();
        operations.fingerprint(target, databases).forEach(s -> actual.put(s.name(), s));
        List<Section> sections = new ArrayList<>();
        Fingerprint none = Fingerprint.empty();
        expected.forEach((name, e) -> {
            SectionSummary a = actual.remove(name);
            sections.add(new Section(name, e.items(), e.fingerprint().hex(), a == null ? 0 : a.items(),
                    (a == null ? none : a.fingerprint()).hex()));
        });
        actual.forEach((name, a) -> sections.add(new Section(name, 0, none.hex(), a.items(), a.fingerprint().hex())));
        return new Comparison(sections);
    }

    private static Map<String, SectionSummary> fromManifest(Manifest manifest) {
        Map<String, SectionSummary> sections = new LinkedHashMap<>();
        manifest.sections().forEach(s -> sections.put(s.name(),
                new SectionSummary(s.name(), s.items(), s.bytes(), new Fingerprint(s.fingerprint()))));
        return sections;
    }

    private Map<String, SectionSummary> fromArchive(RegionContext source, Manifest manifest, StoreOperations operations,
                                                    Progress progress) {
        Map<String, SectionSummary> sections = new LinkedHashMap<>();
        String what = "backup " + manifest.id();
        try (DataKey key = keys.open(manifest);
             InputStream in = source.objectStore().open(manifest.object().key())) {
            ManifestCodec.checkSeal(manifest, key, what);
            progress.restart("reading " + manifest.id() + " for its fingerprints as restored");
            ArchiveReader.read(in, new ArchiveReader.Expected(manifest.id(), manifest.store(), manifest.region()),
                    header -> key.streamingAead(), progress, new ArchiveReader.Visitor() {
                        private Fingerprint.Accumulator accumulator;

                        @Override
                        public void sectionStart(String name, com.fasterxml.jackson.databind.node.ObjectNode metadata) {
                            accumulator = new Fingerprint.Accumulator();
                        }

                        @Override
                        public void item(byte[] bytes) {
                            accumulator.add(operations.restoredForm(bytes));
                        }

                        @Override
                        public void sectionEnd(SectionSummary summary) {
                            sections.put(summary.name(), new SectionSummary(summary.name(), accumulator.count(),
                                    accumulator.bytes(), accumulator.fingerprint()));
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(what + ": reading the stored object failed", e);
        }
        return sections;
    }
}
