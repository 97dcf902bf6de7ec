package io.devflow.dr.catalog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.crypto.tink.Mac;
import io.devflow.dr.archive.ArchiveIntegrityException;
import io.devflow.dr.archive.Manifest;
import io.devflow.dr.archive.ManifestCodec;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.storage.ObjectStore;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Sealed indexes of closed months (decision 57). Listing a bucket is the catalog, but a listing that reads every
 * manifest of a year of hourly backups makes tens of thousands of requests. Once a month is over (and a backup
 * started in its last hours has had time to end), the records of its backups are written as one object, sealed
 * with a key derived from the deployment's control key and bound to its bucket and path; a listing then reads one
 * object per closed month and scans only the months still open. An index that is missing, altered, copied from
 * elsewhere or unreadable is ignored and the month is scanned. Whatever changes a backup folder (commit, failure
 * record, verification, retention) {@linkplain #forget forgets} its month's index, so the next listing scans it.
 */
public final class CatalogIndex {

    private static final Logger LOG = LoggerFactory.getLogger(CatalogIndex.class);

    /** A month is closed this long after it ends: no backup started in it is still running. */
    static final Duration CLOSE_AFTER = Duration.ofDays(2);
    /** After the index key could not be had, listings scan without asking again for this long. */
    private static final Duration RETRY_KEY_AFTER = Duration.ofMinutes(1);
    static final String MAGIC = "devflow-dr catalog index v1 ";
    private static final int MAX_BYTES = 256 * 1024 * 1024;

    /** Records as they are written, derived properties ({@code completed}) included. */
    private static final ObjectReader RECORD = Json.MAPPER.readerFor(BackupRecord.class)
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Supplier<Mac> key;
    private final Clock clock;
    private Instant keyFailedAt;

    /** @param key the index MAC, derived from the control key; it may throw when the key cannot be had now */
    public CatalogIndex(Supplier<Mac> key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /** Drops the index of the month a backup started in, after its folder changed. */
    public static void forget(RegionContext region, StoreKind store, BackupId id) {
        region.objectStore().delete(ObjectLayout.of(region).monthIndex(store, YearMonth.from(id.day())));
    }

    /**
     * Drops the month's index after a backup ended, if it started in an earlier month than {@code now}'s: only a
     * month that is over can have one, so a backup that starts and ends in the same month costs no request. The
     * backup stands whatever happens here; an index that could not be dropped is named in the log.
     */
    public static void forgetIfEarlierMonth(RegionContext region, StoreKind store, BackupId id, Instant now) {
        YearMonth month = YearMonth.from(id.day());
        if (month.isBefore(YearMonth.from(now.atOffset(ZoneOffset.UTC)))) {
            try {
                forget(region, store, id);
            } catch (RuntimeException e) {
                LOG.warn("backup {}: the catalog index of {} could not be dropped ({}); listings may not show it "
                        + "until the object {} of {} is deleted", id, month, Failures.describe(e),
                        ObjectLayout.of(region).monthIndex(store, month), region.objectStore().location());
            }
        }
    }

    /**
     * The records of one store's backups in one region's bucket: each closed month from its index, the others from
     * {@code scan}, after which a closed month's index is written when every record in it is settled. The index key
     * is asked for only when there is a closed month, so a short history needs no control key to be listed. The
     * closed months' indexes are read {@linkplain CatalogReads side by side}; the months are scanned in order.
     */
    List<BackupRecord> records(RegionContext region, StoreKind store, Function<YearMonth, List<BackupRecord>> scan) {
        ObjectLayout layout = ObjectLayout.of(region);
        List<YearMonth> months = months(region.objectStore(), layout, store);
        List<YearMonth> closed = months.stream().filter(this::isClosed).toList();
        Optional<Mac> mac = closed.isEmpty() ? Optional.empty() : mac();
        Map<YearMonth, List<BackupRecord>> indexed = new HashMap<>();
        if (mac.isPresent()) {
            List<Optional<List<BackupRecord>>> loaded = CatalogReads.each(closed,
                    month -> load(region, layout.monthIndex(store, month), mac.get()));
            for (int i = 0; i < closed.size(); i++) {
                YearMonth month = closed.get(i);
                loaded.get(i).ifPresent(monthRecords -> indexed.put(month, monthRecords));
            }
        }
        List<BackupRecord> records = new ArrayList<>();
        for (YearMonth month : months) {
            List<BackupRecord> fromIndex = indexed.get(month);
            if (fromIndex != null) {
                records.addAll(fromIndex);
                continue;
            }
            List<BackupRecord> scanned = scan.apply(month);
            records.addAll(scanned);
            if (mac.isPresent() && closed.contains(month) && scanned.stream().allMatch(CatalogIndex::isSettled)) {
                save(region, layout.monthIndex(store, month), month, scanned, mac.get());
            }
        }
        return records;
    }

    boolean isClosed(YearMonth month) {
        Instant end = month.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
        return !clock.instant().isBefore(end.plus(CLOSE_AFTER));
    }

    /** A record that may be indexed: one whose seal could not be checked now is read again next time. */
    private static boolean isSettled(BackupRecord record) {
        return record.status() != BackupStatus.UNVERIFIED;
    }

    /** The months that hold backups of the store: {@code <store>/<yyyy>/<mm>/} folders, oldest first. */
    private static List<YearMonth> months(ObjectStore objects, ObjectLayout layout, StoreKind store) {
        TreeSet<YearMonth> months = new TreeSet<>();
        for (String year : objects.folders(layout.storePrefix(store))) {
            for (String month : objects.folders(year)) {
                layout.parseMonth(store, month).ifPresent(months::add);
            }
        }
        return new ArrayList<>(months);
    }

    private synchronized Optional<Mac> mac() {
        if (keyFailedAt != null && clock.instant().isBefore(keyFailedAt.plus(RETRY_KEY_AFTER))) {
            return Optional.empty();
        }
        try {
            Optional<Mac> mac = Optional.of(key.get());
            keyFailedAt = null;
            return mac;
        } catch (RuntimeException e) {
            keyFailedAt = clock.instant();
            LOG.info("the catalog index key cannot be had now, so listings read every manifest: {}",
                    Failures.describe(e));
            return Optional.empty();
        }
    }

    private Optional<List<BackupRecord>> load(RegionContext region, String path, Mac mac) {
        Optional<byte[]> stored;
        try {
            stored = region.objectStore().getBytes(path);
        } catch (RuntimeException e) {
            LOG.info("catalog index {} in {} not read ({}); scanning its month", path, region.id(), Failures.describe(e));
            return Optional.empty();
        }
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(decode(stored.get(), bound(region, path), mac));
        } catch (ArchiveIntegrityException e) {
            LOG.warn("catalog index {} in {} ignored: {}; scanning its month", path, region.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private void save(RegionContext region, String path, YearMonth month, List<BackupRecord> records, Mac mac) {
        try {
            region.objectStore().put(path, encode(records, month, bound(region, path), mac), "application/json");
        } catch (RuntimeException e) {
            LOG.info("catalog index {} in {} not written ({}); the month is scanned again next time", path,
                    region.id(), Failures.describe(e));
        }
    }

    /** What an index is bound to: its region, bucket and path, so it cannot be moved or copied elsewhere. */
    private static byte[] bound(RegionContext region, String path) {
        return (region.id().value() + "\n" + region.objectStore().location() + "\n" + path + "\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    static byte[] encode(List<BackupRecord> records, YearMonth month, byte[] bound, Mac mac) {
        ObjectNode index = Json.MAPPER.createObjectNode();
        index.put("month", month.toString());
        ArrayNode backups = index.putArray("backups");
        for (BackupRecord record : records) {
            ObjectNode entry = backups.addObject();
            if (record.isCompleted()) {
                // everything else in the record of a completed backup is the manifest's
                entry.set("manifest", ManifestCodec.tree(record.manifest()));
                entry.put("location", record.location());
                entry.put("verification", record.verification());
                entry.put("error", record.error());
            } else {
                entry.set("record", Json.MAPPER.valueToTree(record));
            }
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(index);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a catalog index", e);
        }
        byte[] tag;
        try {
            tag = mac.computeMac(concat(bound, body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a catalog index: " + e.getMessage(), e);
        }
        byte[] header = (MAGIC + Base64.getEncoder().encodeToString(tag) + "\n").getBytes(StandardCharsets.US_ASCII);
        return concat(header, body);
    }

    static List<BackupRecord> decode(byte[] stored, byte[] bound, Mac mac) {
        int newline = indexOf(stored, (byte) '\n');
        String header = newline < 0 ? "" : new String(stored, 0, newline, StandardCharsets.US_ASCII);
        if (stored.length > MAX_BYTES || !header.startsWith(MAGIC)) {
            throw new ArchiveIntegrityException("not a catalog index");
        }
        int bodyStart = newline + 1;
        try {
            mac.verifyMac(Base64.getDecoder().decode(header.substring(MAGIC.length())),
                    concat(bound, stored, bodyStart));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new ArchiveIntegrityException("its seal does not match (altered, copied from another bucket or "
                    + "path, or not sealed with this deployment's control key)");
        }
        // read as a stream, entry by entry: a tree of the whole index first would double the work and the memory
        try (JsonParser parser = Json.MAPPER.createParser(stored, bodyStart, stored.length - bodyStart)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            List<BackupRecord> records = new ArrayList<>();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (!"backups".equals(field)) {
                    parser.skipChildren();
                    continue;
                }
                expect(value, JsonToken.START_ARRAY);
                while (parser.nextToken() == JsonToken.START_OBJECT) {
                    records.add(entry(parser));
                }
                expect(parser.currentToken(), JsonToken.END_ARRAY);
            }
            return records;
        } catch (IOException | RuntimeException e) {
            throw new ArchiveIntegrityException("sealed but unreadable: " + Failures.describe(e));
        }
    }

    /** One backup of an index, the parser on the start of its object; it ends on the object's end. */
    private static BackupRecord entry(JsonParser parser) throws IOException {
        Manifest manifest = null;
        BackupRecord record = null;
        String location = null;
        String verification = null;
        String error = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            parser.nextToken();
            switch (field) {
                case "manifest" -> manifest = ManifestCodec.read(parser, "an indexed backup");
                case "record" -> record = RECORD.readValue(parser);
                case "location" -> location = parser.getValueAsString();
                case "verification" -> verification = parser.getValueAsString();
                case "error" -> error = parser.getValueAsString();
                default -> parser.skipChildren();
            }
        }
        if (manifest != null) {
            return BackupRecord.completed(manifest, location, verification).withError(error);
        }
        if (record == null) {
            throw new IllegalArgumentException("an entry holds neither a manifest nor a record");
        }
        return record;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("expected " + expected + ", found " + actual);
        }
    }

    private static int indexOf(byte[] bytes, byte wanted) {
        for (int i = 0; i < Math.min(bytes.length, 256); i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        return concat(first, second, 0);
    }

    /** {@code first} followed by {@code second} from {@code from} on, in one copy. */
    private static byte[] concat(byte[] first, byte[] second, int from) {
        byte[] joined = Arrays.copyOf(first, first.length + second.length - from);
        System.arraycopy(second, from, joined, first.length, second.length - from);
        return joined;
    }
}
