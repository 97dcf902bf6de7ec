package io.devflow.dr.store.influxdb;

import java.util.List;

/** Writes through the v1 API: {@code CREATE DATABASE} (idempotent) and {@code /write} in line protocol. */
final class InfluxV1Writer implements InfluxWriter {

    private final InfluxHttp http;

    InfluxV1Writer(InfluxHttp http) {
        this.http = http;
    }

    @Override
    public void prepare(String database) {
        http.execute("CREATE DATABASE " + InfluxHttp.identifier(database));
    }

    @Override
    public void write(String database, List<String> lines) {
        http.write(database, lines);
    }
}
