package io.devflow.dr.archive;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** What a data store's extractor yields: sections (a collection, a measurement, a keyspace) of items. */
public sealed interface SourceRecord {

    /**
     * Opens a section.
     *
     * @param name unique within the backup, e.g. {@code devflow.users}
     * @param metadata whatever the store needs to recreate the section (options, indexes, ...)
     */
    record SectionStart(String name, ObjectNode metadata) implements SourceRecord {
    }

    /** One item in the store's own binary form (a raw BSON document, say). */
    record Item(byte[] bytes) implements SourceRecord {
    }

    /** Closes the open section; its count and fingerprint are computed by the archive, not the store. */
    record SectionEnd() implements SourceRecord {
    }
}
