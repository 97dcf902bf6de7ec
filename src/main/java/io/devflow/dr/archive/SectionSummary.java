package io.devflow.dr.archive;

/** Count, size and fingerprint of one section, as written to (and checked against) the manifest. */
public record SectionSummary(String name, long items, long bytes, Fingerprint fingerprint) {
}
