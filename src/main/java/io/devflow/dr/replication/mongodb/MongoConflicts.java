package io.devflow.dr.replication.mongodb;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import io.devflow.dr.config.Direction;
import io.devflow.dr.config.ReplicationConfig;
import io.devflow.dr.config.StoreKind;
import io.devflow.dr.control.Conflict;
import io.devflow.dr.control.ConflictRecord;
import io.devflow.dr.control.ConflictStore;
import io.devflow.dr.control.Decision;
import io.devflow.dr.control.RecordVersion;
import io.devflow.dr.control.Resolution;
import io.devflow.dr.region.RegionContext;
import io.devflow.dr.region.RegionDirectory;
import io.devflow.dr.replication.ConflictVersions;
import io.devflow.dr.store.mongodb.MongoChange;
import io.devflow.dr.store.mongodb.MongoJson;
import io.devflow.dr.store.mongodb.MongoVersions;
import io.devflow.dr.support.Failures;
import io.devflow.dr.support.InvalidRequestException;
import io.devflow.dr.support.StateConflictException;
import org.bson.BsonDocument;
import org.bson.BsonTimestamp;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.codecs.BsonDocumentCodec;
import org.bson.json.JsonParseException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * MongoDB conflicts: both versions of a conflicting record described with their change times, a strategy's
 * decision or an operator's resolution carried out in the regions, and later source changes of a held record
 * kept with its conflict. Automatic decisions never write into the source.
 */
final class MongoConflicts {

    private static final Logger LOG = LoggerFactory.getLogger(MongoConflicts.class);
    private static final String STORE = StoreKind.MONGODB.id();
    private static final ReplaceOptions UPSERT = new ReplaceOptions().upsert(true);

    private final RegionDirectory regions;
    private final String metadataDatabase;
    private final ConflictStore conflicts;
    private final TimestampField timestampField;
    private final Clock clock;

    MongoConflicts(RegionDirectory regions, ReplicationConfig config, ConflictStore conflicts, Clock clock) {
        this.regions = regions;
        this.metadataDatabase = config.mongodb().metadataDatabase();
        this.conflicts = conflicts;
        this.timestampField = new TimestampField(config.conflicts().timestampField());
        this.clock = clock;
    }

    /** Both versions of a conflicting record, with when each region changed it. */
    ConflictVersions describe(Direction direction, RecordChange conflicting) {
        MongoChange change = conflicting.change();
        RawBsonDocument existing = conflicting.existing();
        RecordVersion source = new RecordVersion(!change.deleted(), MongoJson.tree(change.document()),
                sourceChangeTime(regions.get(direction.source()), change), timestampField.of(change.document()),
                conflicting.digest());
        RecordVersion target = new RecordVersion(existing != null, MongoJson.tree(existing),
                targetChangeTime(regions.get(direction.target()), change.namespace(), change.id()),
                timestampField.of(existing), conflicting.existingDigest());
        return new ConflictVersions(direction, StoreKind.MONGODB, record(change.namespace(), change.id()), source, target);
    }

    /** Keeps a source change of a held record with its open conflict, for review. */
    void hold(String conflictId, RecordChange held) {
        MongoChange change = held.change();
        try {
            conflicts.find(conflictId).filter(Conflict::isOpen).ifPresent(open -> conflicts.save(open.withLaterSource(
                    new RecordVersion(!change.deleted(), MongoJson.tree(change.document()), change.sourceTime(),
                            timestampField.of(change.document()), held.digest()))));
        } catch (RuntimeException e) {
            // the newest source version stays in the source; only the conflict's copy of it is behind
            LOG.warn("conflict {}: could not record a later source version: {}", conflictId, Failures.describe(e));
        }
    }

    /** Carries out a recorded conflict's decision in the target, or holds its record until it is resolved. */
    void settle(Conflict conflict) {
        Scope at = new Scope(conflict);
        RawBsonDocument existing = find(at.target, at.namespace, at.id);
        switch (conflict.decision()) {
            case SOURCE -> {
                RawBsonDocument current = find(at.source, at.namespace, at.id);
                writeOne(at.target, at.namespace, at.id, current);
                at.versions.replace(List.of(MongoVersions.record(at.versionId, MongoJson.digest(current),
                        clock.instant(), conflict.source(), null)));
            }
            case TARGET -> at.versions.replace(List.of(MongoVersions.record(at.versionId, MongoJson.digest(existing),
                    clock.instant(), conflict.target(), null)));
            case PENDING -> {
                MongoVersions.Version before = at.versions.find(at.versionId);
                at.versions.replace(List.of(MongoVersions.record(at.versionId, before == null ? null : before.digest(),
                        clock.instant(), before == null ? conflict.source() : before.origin(), conflict.id())));
                LOG.warn("conflict {}: {} {} changed in both {} and {}; held until resolved with "
                                + "'dr resolve-conflict {} source|target|<json>'", conflict.id(), STORE,
                        conflict.record(), conflict.source(), conflict.target(), conflict.id());
            }
            default -> throw new IllegalArgumentException("a detected conflict cannot be settled as " + conflict.decision());
        }
    }

    /** An operator's resolution: writes the chosen version where it is missing and releases the record. */
    Conflict resolve(Conflict conflict, Resolution resolution, String by) {
        Scope at = new Scope(conflict);
        RawBsonDocument sourceNow = find(at.source, at.namespace, at.id);
        RawBsonDocument targetNow = find(at.target, at.namespace, at.id);
        Instant now = clock.instant();
        switch (resolution.decision()) {
            case SOURCE -> {
                writeOne(at.target, at.namespace, at.id, sourceNow);
                at.versions.replace(List.of(MongoVersions.record(at.versionId, MongoJson.digest(sourceNow), now,
                        conflict.source(), null)));
                catchUp(at, MongoJson.digest(sourceNow), conflict.source());
                return conflict.resolved(Decision.SOURCE, by, now, null, "resolved by " + by
                        + ": the source's version was written to " + conflict.target());
            }
            case TARGET -> {
                requireSourceUnchanged(conflict, sourceNow);
                // the source first: should that fail, the record stays held and the conflict open
                writeOne(at.source, at.namespace, at.id, targetNow);
                at.versions.replace(List.of(MongoVersions.record(at.versionId, MongoJson.digest(targetNow), now,
                        conflict.target(), null)));
                catchUp(at, MongoJson.digest(targetNow), conflict.source());
                return conflict.resolved(Decision.TARGET, by, now, null, "resolved by " + by
                        + ": the target's version was written to " + conflict.source());
            }
            case CUSTOM -> {
                RawBsonDocument custom = customDocument(resolution.custom(), at.id, conflict);
                requireSourceUnchanged(conflict, sourceNow);
                writeOne(at.target, at.namespace, at.id, custom);
                at.versions.replace(List.of(MongoVersions.record(at.versionId, MongoJson.digest(custom), now,
                        conflict.source(), null)));
                writeOne(at.source, at.namespace, at.id, custom);
                catchUp(at, MongoJson.digest(custom), conflict.source());
                return conflict.resolved(Decision.CUSTOM, by, now, MongoJson.tree(custom), "resolved by " + by
                        + ": a new version was written to " + conflict.source() + " and " + conflict.target());
            }
            default -> throw new IllegalArgumentException("cannot resolve as " + resolution.decision());
        }
    }

    /** The regions, record and versions a conflict is about. */
    private final class Scope {
        final MongoClient source;
        final MongoClient target;
        final MongoVersions versions;
        final String namespace;
        final BsonValue id;
        final String versionId;

        Scope(Conflict conflict) {
            this.source = regions.get(conflict.direction().source()).mongo();
            this.target = regions.get(conflict.direction().target()).mongo();
            this.versions = new MongoVersions(target, metadataDatabase);
            this.namespace = conflict.record().database() + "." + conflict.record().collection();
            this.id = MongoJson.id(conflict.record().key());
            this.versionId = MongoVersions.id(namespace, conflict.record().key());
        }
    }

    /**
     * Once a resolution has lifted the hold: a source change made while it ran may have been read by a worker
     * in another process (a running {@code dr server} while the CLI resolves) and held, and that worker's stream
     * has moved past it. So whatever the source holds now, if it is not what the resolution wrote, is replicated
     * here; changes made after this read find the record free and replicate as usual.
     */
    private void catchUp(Scope at, String written, String origin) {
        RawBsonDocument latest = find(at.source, at.namespace, at.id);
        String digest = MongoJson.digest(latest);
        if (!Objects.equals(digest, written)) {
            writeOne(at.target, at.namespace, at.id, latest);
            at.versions.replace(List.of(MongoVersions.record(at.versionId, digest, clock.instant(), origin, null)));
        }
    }

    private static void requireSourceUnchanged(Conflict conflict, RawBsonDocument sourceNow) {
        if (!Objects.equals(MongoJson.digest(sourceNow), conflict.sourceVersion().sha256())) {
            throw new StateConflictException("conflict " + conflict.id() + ": " + conflict.record() + " changed in "
                    + conflict.source() + " since the conflict was recorded; 'dr conflicts show " + conflict.id()
                    + "' shows the latest version; resolve with source, or again once you have reviewed it");
        }
    }

    /** The operator's JSON as the record's document: its {@code _id} first, which must be the record's own. */
    private static RawBsonDocument customDocument(JsonNode json, BsonValue id, Conflict conflict) {
        BsonDocument parsed;
        try {
            parsed = BsonDocument.parse(json.toString());
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new InvalidRequestException("the resolution is not a MongoDB document: " + e.getMessage());
        }
        BsonValue given = parsed.remove("_id");
        if (given != null && !given.equals(id)) {
            throw new InvalidRequestException("the resolution's _id " + MongoJson.key(given) + " is not the conflicting "
                    + "record's " + conflict.record().key() + "; leave _id out or give the record's own");
        }
        BsonDocument document = new BsonDocument("_id", id);
        document.putAll(parsed);
        return new RawBsonDocument(document, new BsonDocumentCodec());
    }

    private static RawBsonDocument find(MongoClient client, String namespace, BsonValue id) {
        return MongoSession.collection(client, namespace).find(Filters.eq("_id", id)).first();
    }

    private static void writeOne(MongoClient client, String namespace, BsonValue id, RawBsonDocument document) {
        MongoCollection<BsonDocument> collection = client.getDatabase(namespace.substring(0, namespace.indexOf('.')))
                .getCollection(namespace.substring(namespace.indexOf('.') + 1), BsonDocument.class);
        if (document == null) {
            collection.deleteOne(Filters.eq("_id", id));
        } else {
            collection.replaceOne(Filters.eq("_id", id), document, UPSERT);
        }
    }

    /** The change's time at the source, to the millisecond where the server's oplog records wall-clock times. */
    private static Instant sourceChangeTime(RegionContext source, MongoChange change) {
        if (change.wallTime() != null || change.token() == null) {
            return change.wallTime() != null ? change.wallTime() : change.sourceTime();
        }
        try {
            Document entry = source.mongo().getDatabase("local").getCollection("oplog.rs")
                    .find(Filters.eq("ts", change.clusterTime())).first();
            Instant wall = wall(entry);
            return wall != null ? wall : change.sourceTime();
        } catch (RuntimeException e) {
            return change.sourceTime();
        }
    }

    /** When the target last changed the record, from its oplog; null when the oplog no longer says. */
    private static Instant targetChangeTime(RegionContext target, String namespace, BsonValue id) {
        try {
            Document entry = target.mongo().getDatabase("local").getCollection("oplog.rs")
                    .find(Filters.and(Filters.eq("ns", namespace),
                            Filters.or(Filters.eq("o._id", id), Filters.eq("o2._id", id))))
                    .sort(Sorts.descending("ts")).limit(1).first();
            if (entry == null) {
                return null;
            }
            Instant wall = wall(entry);
            return wall != null ? wall : entry.get("ts") instanceof BsonTimestamp ts ? Instant.ofEpochSecond(ts.getTime()) : null;
        } catch (RuntimeException e) {
            LOG.debug("no change time for {} {} on {}: {}", namespace, id, target.mongoDisplay(), Failures.describe(e));
            return null;
        }
    }

    private static Instant wall(Document entry) {
        if (entry == null) {
            return null;
        }
        Object wall = entry.get("wall");
        return wall instanceof Date date ? date.toInstant() : null;
    }

    static ConflictRecord record(String namespace, BsonValue id) {
        int dot = namespace.indexOf('.');
        return new ConflictRecord(namespace.substring(0, dot), namespace.substring(dot + 1), MongoJson.key(id));
    }
}
