package io.devflow.dr.store.redis;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.devflow.dr.archive.ArchiveReader;
import io.devflow.dr.archive.Fingerprint;
import io.devflow.dr.archive.SectionSummary;
import io.devflow.dr.config.RedisConfig;
import io.devflow.dr.store.ParallelWrites;
import io.devflow.dr.support.Remote;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * A Redis backup restored into a scratch logical database for a drill, one source database at a time, and compared
 * with the archive. Keys are written by the restore path ({@link RedisRestorer}) with the time they had left when the
 * backup was taken, so that none has expired by the time it is compared; expiries are compared as present or absent,
 * since a restored key's expiry is rebased on the restore. The scratch database must hold nothing else: the drill
 * checks that it is empty before it starts and empties it afterwards.
 */
public final class RedisScratch {

    private static final int BATCH = 500;

    private final RedisConnections connections;

    public RedisScratch(RedisConfig config) {
        this.connections = new RedisConnections(config);
    }

    public String display() {
        return connections.display();
    }

    /** How many keys a logical database holds. */
    public long size(int database) {
        try (Jedis jedis = open(database)) {
            return Remote.execute("counting the keys of database " + database + " of " + connections.display(), jedis::dbSize);
        }
    }

    /** Deletes every key of a logical database (a scratch database: it held nothing before the drill). */
    public void clear(int database) {
        try (Jedis jedis = open(database)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                String from = cursor;
                ScanResult<byte[]> scan = Remote.execute("scanning scratch database " + database + " of "
                        + connections.display(), () -> jedis.scan(from.getBytes(StandardCharsets.UTF_8),
                        new ScanParams().count(BATCH)));
                if (!scan.getResult().isEmpty()) {
                    Remote.execute("deleting keys of scratch database " + database + " of " + connections.display(),
                            () -> jedis.unlink(scan.getResult().toArray(new byte[0][])));
                }
                cursor = scan.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
    }

    /**
     * A visitor that restores the section of one source database into the scratch database and fingerprints what it
     * wrote as {@link #fingerprint} does; the sections of other databases pass by.
     *
     * @param backupStartedAt when the backup began: expiries are counted from there
     */
    public Restore restore(int source, int scratch, Instant backupStartedAt) {
        return new Restore(source, scratch, backupStartedAt);
    }

    /** The scratch database's keys, fingerprinted by key, value and whether they expire. */
    public SectionSummary fingerprint(int database, String section) {
        Fingerprint.Accumulator accumulator = new Fingerprint.Accumulator();
        try (Jedis jedis = open(database)) {
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                String from = cursor;
                ScanResult<byte[]> scan = Remote.execute("scanning scratch database " + database + " of "
                        + connections.display(), () -> jedis.scan(from.getBytes(StandardCharsets.UTF_8),
                        new ScanParams().count(BATCH)));
                List<Response<byte[]>> dumps = new ArrayList<>();
                List<Response<Long>> ttls = new ArrayList<>();
                Pipeline pipeline = jedis.pipelined();
                for (byte[] key : scan.getResult()) {
                    dumps.add(pipeline.dump(key));
                    ttls.add(pipeline.pttl(key));
                }
                pipeline.sync();
                for (int i = 0; i < scan.getResult().size(); i++) {
                    byte[] dump = dumps.get(i).get();
                    if (dump != null) {
                        accumulator.add(normalized(scan.getResult().get(i), ttls.get(i).get() >= 0, dump));
                    }
                }
                cursor = scan.getCursor();
            } while (!ScanParams.SCAN_POINTER_START.equals(cursor));
        }
        return new SectionSummary(section, accumulator.count(), accumulator.bytes(), accumulator.fingerprint());
    }

    private static byte[] normalized(byte[] key, boolean expires, byte[] dump) {
        return new RedisEntry(key, expires ? 0 : RedisEntry.NO_EXPIRY, dump).encode();
    }

    private Jedis open(int database) {
        return Remote.execute("connecting to " + connections.display() + " database " + database,
                () -> connections.open(database));
    }

    /** One source database's restore into scratch, and the fingerprint of what the archive held for it. */
    public final class Restore implements ArchiveReader.Visitor, AutoCloseable {

        private final int source;
        private final RedisRestorer restorer;
        private final Fingerprint.Accumulator expected = new Fingerprint.Accumulator();
        private boolean inSection;
        private boolean finished;
        private String section;

        private Restore(int source, int scratch, Instant backupStartedAt) {
            this.source = source;
            this.restorer = new RedisRestorer(connections, db -> Integer.toString(scratch),
                    Clock.fixed(backupStartedAt.minusMillis(1), ZoneOffset.UTC), ParallelWrites.DEFAULT_WORKERS);
        }

        @Override
        public void sectionStart(String name, ObjectNode metadata) {
            inSection = metadata.path("database").asInt(-1) == source;
            if (inSection) {
                section = name;
                restorer.sectionStart(name, metadata);
            }
        }

        @Override
        public void item(byte[] bytes) {
            if (inSection) {
                RedisEntry entry = RedisEntry.decode(bytes);
                expected.add(normalized(entry.key(), entry.expireAtMillis() != RedisEntry.NO_EXPIRY, entry.dump()));
                restorer.item(bytes);
            }
        }

        @Override
        public void sectionEnd(SectionSummary summary) throws IOException {
            if (inSection) {
                restorer.sectionEnd(summary);
                inSection = false;
            }
        }

        /**
         * What the archive holds for the source database, as the scratch database holds it once this returns: the
         * restore's writes run on workers, and the last of them are waited for here.
         */
        public SectionSummary expected() {
            if (!finished) {
                finished = true;
                restorer.result();
            }
            return new SectionSummary(section == null ? RedisSnapshotSource.section(source) : section, expected.count(),
                    expected.bytes(), expected.fingerprint());
        }

        /** Stops the restore's writers and closes its connections (done already when {@link #expected} was read). */
        @Override
        public void close() {
            if (!finished) {
                finished = true;
                restorer.close();
            }
        }
    }
}
