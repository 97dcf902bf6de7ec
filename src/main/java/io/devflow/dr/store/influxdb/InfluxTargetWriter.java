package io.devflow.dr.store.influxdb;

import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.support.Remote;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes replicated points into a target region's InfluxDB, preparing each database on first use (v1 creates it;
 * v2 writes into the bucket the database maps to). Writing a point again with the same measurement, tags and time
 * leaves the target as it was, so replays are harmless.
 */
public final class InfluxTargetWriter implements AutoCloseable {

    private final InfluxHttp http;
    private final InfluxWriter writer;
    private final Set<String> prepared = new HashSet<>();

    public InfluxTargetWriter(InfluxConfig target) {
        this.http = new InfluxHttp(target);
        this.writer = InfluxWriter.of(target, http);
    }

    public String display() {
        return http.display();
    }

    public void write(String database, List<String> lines) {
        if (prepared.add(database)) {
            try {
                Remote.run("preparing database " + database + " on " + http.display(), () -> writer.prepare(database));
            } catch (RuntimeException e) {
                prepared.remove(database);
                throw e;
            }
        }
        Remote.run("writing " + lines.size() + " points of database " + database + " to " + http.display(),
                () -> writer.write(database, lines));
    }

    @Override
    public void close() {
        writer.close();
    }
}
