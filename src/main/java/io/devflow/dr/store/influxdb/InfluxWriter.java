package io.devflow.dr.store.influxdb;

import io.devflow.dr.config.InfluxConfig;

import java.util.List;

/** Where restored points go: the v1 write API, or the v2-native one with token, organisation and bucket. */
public interface InfluxWriter extends AutoCloseable {

    /** The writer a region's configuration asks for: v2-native with {@code version: 2}, else the v1 API of {@code http}. */
    static InfluxWriter of(InfluxConfig config, InfluxHttp http) {
        return config.version() == 2 ? new InfluxV2Writer(config, http.display()) : new InfluxV1Writer(http);
    }

    /** Makes sure the target database exists (v1) or checks nothing (v2: buckets are provisioned by the operator). */
    void prepare(String database);

    void write(String database, List<String> lines);

    @Override
    default void close() {
    }
}
