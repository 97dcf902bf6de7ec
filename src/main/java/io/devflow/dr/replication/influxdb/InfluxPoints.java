package io.devflow.dr.replication.influxdb;

import io.devflow.dr.config.Direction;
import io.devflow.dr.replication.ChangeBatch;

import java.util.List;

/**
 * Points of one source database's window, read as line protocol, and where the direction stands once they are
 * in the target.
 *
 * @param newPoints how many of the lines are past the database's watermark (the rest rewrite the overlap)
 * @param newBytes their size
 * @param reached the checkpoint once these points are written
 * @param more whether more is waiting: a window still open, or the watermarks not yet caught up
 */
public record InfluxPoints(Direction direction, String database, List<String> lines, long newPoints, long newBytes,
                           InfluxCheckpoint reached, boolean more) implements ChangeBatch {

    public InfluxPoints {
        lines = List.copyOf(lines);
    }

    @Override
    public int size() {
        return lines.size();
    }
}
