package io.devflow.dr.archive;

import java.io.IOException;

/** A data store's extraction, pulled one record at a time so that nothing is held beyond one item. */
public interface RecordSource extends AutoCloseable {

    /** The next record, or null when the extraction is complete. */
    SourceRecord next() throws IOException;

    @Override
    void close();
}
