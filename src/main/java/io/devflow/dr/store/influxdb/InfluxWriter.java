package io.devflow.dr.store.influxdb;

import java.util.List;

/** Where restored points go: the v1 write API, or the v2-native one with token, organisation and bucket. */
public interface InfluxWriter extends AutoCloseable {

    /** Makes sure the target database exists (v1) or checks nothing (v2: buckets are provisioned by the operator). */
    void prepare(String database);

    void write(String database, List<String> lines);

    @Override
    default void close() {
    }
}
