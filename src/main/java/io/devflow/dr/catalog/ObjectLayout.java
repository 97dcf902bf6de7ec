package io.devflow.dr.catalog;

import io.devflow.dr.config.StoreKind;
import io.devflow.dr.region.RegionContext;

import java.time.LocalDate;
import java.time.YearMonth;
import java.util.Optional;

/**
 * Where things live in a bucket:
 * {@code <prefix>/<store>/<yyyy>/<mm>/<dd>/<backup-id>/{data.dre,manifest.json,failure.json,verification.json}}.
 * The bucket listing is the catalog, so these names are part of the on-disk format. Beside the backups,
 * {@code <prefix>/catalog-index/<store>/<yyyy>-<mm>.json} holds the sealed index of a closed month (decision 57).
 */
public final class ObjectLayout {

    public static final String DATA = "data.dre";
    public static final String MANIFEST = "manifest.json";
    public static final String FAILURE = "failure.json";
    public static final String VERIFICATION = "verification.json";

    private final String prefix;

    public ObjectLayout(String prefix) {
        this.prefix = prefix.isEmpty() ? "" : prefix + "/";
    }

    /** The layout of a region's bucket, under its configured prefix. */
    public static ObjectLayout of(RegionContext region) {
        return new ObjectLayout(region.config().storage().prefix());
    }

    public String storePrefix(StoreKind store) {
        return prefix + store.id() + "/";
    }

    public String monthPrefix(StoreKind store, YearMonth month) {
        return storePrefix(store) + String.format("%04d/%02d/", month.getYear(), month.getMonthValue());
    }

    /** The sealed index of one store's backups started in one month. */
    public String monthIndex(StoreKind store, YearMonth month) {
        return prefix + "catalog-index/" + store.id() + "/" + String.format("%04d-%02d.json", month.getYear(),
                month.getMonthValue());
    }

    /** The month of a folder {@code <prefix>/<store>/<yyyy>/<mm>/} as {@link io.devflow.dr.storage.ObjectStore#folders} names it. */
    public Optional<YearMonth> parseMonth(StoreKind store, String folder) {
        String rest = folder.startsWith(storePrefix(store)) ? folder.substring(storePrefix(store).length()) : "";
        if (!rest.matches("\\d{4}/\\d{2}/")) {
            return Optional.empty();
        }
        int month = Integer.parseInt(rest.substring(5, 7));
        return month >= 1 && month <= 12 ? Optional.of(YearMonth.of(Integer.parseInt(rest.substring(0, 4)), month))
                : Optional.empty();
    }

    public String dayPrefix(StoreKind store, LocalDate day) {
        return storePrefix(store) + String.format("%04d/%02d/%02d/", day.getYear(), day.getMonthValue(), day.getDayOfMonth());
    }

    public String backupFolder(StoreKind store, BackupId id) {
        return dayPrefix(store, id.day()) + id.value() + "/";
    }

    public String data(StoreKind store, BackupId id) {
        return backupFolder(store, id) + DATA;
    }

    public String manifest(StoreKind store, BackupId id) {
        return backupFolder(store, id) + MANIFEST;
    }

    public String failure(StoreKind store, BackupId id) {
        return backupFolder(store, id) + FAILURE;
    }

    public String verification(StoreKind store, BackupId id) {
        return backupFolder(store, id) + VERIFICATION;
    }

    /** A file of some backup, recognised from its key. */
    public record Entry(StoreKind store, BackupId id, String file) {
    }

    public Optional<Entry> parse(String key) {
        if (!key.startsWith(prefix)) {
            return Optional.empty();
        }
        String[] parts = key.substring(prefix.length()).split("/");
        if (parts.length != 6) {
            return Optional.empty();
        }
        Optional<StoreKind> store = StoreKind.parse(parts[0]);
        Optional<BackupId> id = BackupId.parse(parts[4]);
        if (store.isEmpty() || id.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Entry(store.get(), id.get(), parts[5]));
    }
}
