package io.devflow.dr.config;

import java.util.List;
import java.util.Optional;

/**
 * Reads the seed guide's quick-start layout, the single-region shorthand: {@code backup.mongodb} and
 * {@code backup.storage} ({@code type} and a {@code config} block with {@code bucket} and {@code region}) instead of
 * {@code regions}. It is one primary region named by {@code backup.storage.config.region}, holding that MongoDB
 * and that storage, exactly as if the file said {@code regions.<region>}. Problems name the paths of the file as
 * written; a file that has both forms is refused, since which of the two describes the primary would be a guess.
 */
final class ShorthandReader {

    /** The keys under {@code backup} that make a file the shorthand. */
    static final List<String> KEYS = List.of("mongodb", "storage");
    /** Stores the shorthand has no place for: the seed's quick start configures MongoDB only. */
    static final List<String> FULL_FORM_ONLY = List.of("redis", "influxdb");

    private static final String NAME = "the single-region shorthand (backup.mongodb, backup.storage)";

    private ShorthandReader() {
    }

    /**
     * The one region the shorthand describes, when the file is written in it; empty for the full form (or a file
     * mixing both, which has a problem recorded for each shorthand key and is read as the full form).
     */
    static Optional<RegionConfig> read(JsonObjectReader dr) {
        Optional<JsonObjectReader> peeked = dr.peekObject("backup");
        if (peeked.isEmpty() || KEYS.stream().noneMatch(peeked.get()::present)) {
            return Optional.empty();
        }
        JsonObjectReader backup = peeked.get();
        if (dr.present("regions")) {
            for (String key : KEYS) {
                if (backup.present(key)) {
                    backup.problem(key, "the seed's single-region shorthand cannot be mixed with 'regions': move it "
                            + "to " + ConfigLoader.ROOT + ".regions.<region>." + key + fullFormHint(key)
                            + ", or leave out 'regions' and describe the one region with backup.mongodb and backup.storage");
                }
            }
            return Optional.empty();
        }
        for (String store : FULL_FORM_ONLY) {
            if (backup.present(store)) {
                backup.problem(store, NAME + " describes MongoDB only: write the file in the full form, with the "
                        + "region's stores under " + ConfigLoader.ROOT + ".regions.<region> (role, mongodb, " + store
                        + ", storage)");
            }
        }
        Optional<MongoConfig> mongodb = Optional.empty();
        if (backup.present("mongodb")) {
            mongodb = backup.object("mongodb", true).map(RegionsReader::readMongo);
        } else {
            backup.problem("mongodb", "required with " + NAME + ": the region's MongoDB, {\"url\": \"mongodb://...\", "
                    + "\"database\": \"...\"}; a region without MongoDB needs the full form, " + ConfigLoader.ROOT
                    + ".regions.<region>");
        }
        // stands in while the name is missing or malformed: that is reported, and the file refused
        RegionId region = RegionId.of("us-east-1");
        StorageConfig storage = null;
        if (backup.present("storage")) {
            Optional<JsonObjectReader> s = backup.object("storage", true);
            if (s.isPresent()) {
                String type = RegionsReader.storageType(s.get());
                Optional<JsonObjectReader> config = s.get().object("config", false);
                if (config.isPresent()) {
                    region = regionName(config.get()).orElse(region);
                    storage = RegionsReader.readStorageSettings(config.get(), type, region);
                } else {
                    s.get().problem("config", "required with " + NAME + ": {\"bucket\": \"...\", \"region\": "
                            + "\"us-east-1\"}, the bucket for backups and the region it names");
                }
                s.get().rejectUnknown();
            }
        } else {
            backup.problem("storage", "required with " + NAME + ": {\"type\": \"s3\", \"config\": {\"bucket\": "
                    + "\"...\", \"region\": \"us-east-1\"}}, where backups go and the region it names");
        }
        return Optional.of(new RegionConfig(region, RegionRole.PRIMARY, mongodb, Optional.empty(), Optional.empty(),
                storage));
    }

    /** The region the shorthand describes: the storage's region, which is the primary in the seed's guide. */
    private static Optional<RegionId> regionName(JsonObjectReader config) {
        if (!config.present("region")) {
            config.problem("region", "required with " + NAME + ": it names the one region, as regions.<region> "
                    + "does in the full form (e.g. \"us-east-1\")");
            return Optional.empty();
        }
        Optional<String> name = config.optionalString("region");
        if (name.isPresent() && !RegionId.isValid(name.get())) {
            config.problem("region", "'" + name.get() + "' is not a region name (lower-case letters, digits and '-', "
                    + "e.g. us-east-1); with " + NAME + " it names the region");
            return Optional.empty();
        }
        return name.map(RegionId::of);
    }

    private static String fullFormHint(String key) {
        return "storage".equals(key) ? " (the keys of storage.config go beside type there)" : "";
    }

    /** How {@code dr config validate} describes a file read as the shorthand. */
    static String describe(RegionId region) {
        return "read " + NAME + " as regions." + region + " (role primary); the full form is \"regions\": {\""
                + region + "\": {\"role\": \"primary\", \"mongodb\": <backup.mongodb>, \"storage\": {\"type\": \"s3\", "
                + "<the keys of backup.storage.config>}}}, which also takes redis, influxdb and more regions";
    }
}
