package io.devflow.dr.testing;

import io.devflow.dr.archive.SourceRecord;
import io.devflow.dr.store.influxdb.InfluxHttp;
import io.devflow.dr.store.influxdb.InfluxSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads an InfluxDB database in a form two servers' contents can be compared by. */
public final class InfluxData {

    private InfluxData() {
    }

    /** Every point of the database as line protocol, as the exporter writes it, sorted. */
    public static List<String> points(InfluxHttp http, String database) {
        List<String> lines = new ArrayList<>();
        try (InfluxSource source = new InfluxSource(http, List.of(database), null, Long.MAX_VALUE)) {
            for (SourceRecord r = source.next(); r != null; r = source.next()) {
                if (r instanceof SourceRecord.Item item) {
                    lines.add(new String(item.bytes(), StandardCharsets.UTF_8));
                }
            }
        }
        lines.sort(null);
        return lines;
    }
}
