package io.devflow.dr.store.influxdb;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.WriteApiBlocking;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.InfluxException;
import io.devflow.dr.config.InfluxConfig;
import io.devflow.dr.support.RemoteOperationException;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes through InfluxDB 2's native API ({@code /api/v2/write}) with an API token, into the bucket that the
 * configuration maps each database to. Buckets are not created here: they carry retention and ownership
 * that the operator sets up.
 */
final class InfluxV2Writer implements InfluxWriter {

    private final InfluxDBClient client;
    private final WriteApiBlocking writes;
    private final String org;
    private final UnaryOperator<String> buckets;
    private final String display;

    InfluxV2Writer(InfluxConfig config, String display) {
        this(InfluxDBClientFactory.create(config.url().reveal(), config.token().orElseThrow().reveal().toCharArray(),
                config.org().orElseThrow()), config.org().orElseThrow(), config::bucketFor, display);
    }

    InfluxV2Writer(InfluxDBClient client, String org, UnaryOperator<String> buckets, String display) {
        this.client = client;
        this.writes = client.getWriteApiBlocking();
        this.org = org;
        this.buckets = buckets;
        this.display = display;
    }

    @Override
    public void prepare(String database) {
        // buckets are provisioned by the operator (retention, ownership); a missing one fails the first write
    }

    @Override
    public void write(String database, List<String> lines) {
        String bucket = buckets.apply(database);
        try {
            writes.writeRecords(bucket, org, WritePrecision.NS, lines);
        } catch (InfluxException e) {
            if (e.status() == 404) {
                throw new RemoteOperationException("writing " + lines.size() + " points to bucket " + bucket + " of org "
                        + org + " on " + display + " failed: the bucket does not exist; create it (buckets are the "
                        + "operator's, with their retention) or map database " + database + " to an existing bucket "
                        + "(influxdb.buckets)", e, false);
            }
            boolean transientFailure = e.status() >= 500 || e.status() == 429 || e.status() == 0;
            throw new RemoteOperationException("writing " + lines.size() + " points to bucket " + bucket + " of org "
                    + org + " on " + display + " failed: " + e.getMessage(), e, transientFailure);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
