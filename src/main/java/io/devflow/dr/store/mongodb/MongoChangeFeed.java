package io.devflow.dr.store.mongodb;

import com.mongodb.MongoException;
import com.mongodb.client.MongoChangeStreamCursor;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.FullDocument;
import io.devflow.dr.support.Remote;
import org.bson.BsonDocument;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The change streams of every collection of some databases of one server, as change capture and replication
 * read them: one stream per collection (database-wide streams are not available on every server this runs
 * against), each opened from its own position or, for a collection that appears later, from the position
 * recorded for all streams ({@link ChangePosition#ALL_STREAMS}). Collections are listed again every 10 s.
 * Reading never waits: an idle server answers at once, and the caller decides how long to wait before it asks
 * again (some servers spin on a stream that is waited on).
 *
 * <p>Each collection has two positions: its last event's ({@link #lastEvents}), and where its stream would
 * resume ({@link #positions}), which a quiet stream moves past what the server has looked at.
 */
public final class MongoChangeFeed implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MongoChangeFeed.class);
    private static final long RELIST_EVERY_MS = 10_000;
    /** ChangeStreamHistoryLost, ChangeStreamFatalError, InvalidResumeToken: the oplog no longer reaches a position. */
    private static final Set<Integer> HISTORY_LOST = Set.of(286, 280, 260);
    private static final Set<String> END_OF_STREAM = Set.of("invalidate", "drop", "rename", "dropDatabase");

    /** One event of one collection's stream. */
    public record Event(String namespace, ChangeStreamDocument<RawBsonDocument> change) {
    }

    /** What it means for the reader that the oplog no longer reaches where a collection's stream was to resume. */
    @FunctionalInterface
    public interface HistoryLost {
        RuntimeException explain(RuntimeException failure, String namespace, ChangePosition from);
    }

    private final MongoClient client;
    private final String server;
    private final List<String> databases;
    private final HistoryLost historyLost;
    private final Map<String, ChangePosition> positions = new TreeMap<>();
    private final Map<String, ChangePosition> lastEvents = new TreeMap<>();
    private final Map<String, MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>>> streams = new TreeMap<>();
    private final Set<String> ended = new HashSet<>();
    private long lastListing;

    /**
     * Opens nothing yet: the first {@link #poll} or {@link #relist} lists the collections.
     *
     * @param from per collection, and under {@link ChangePosition#ALL_STREAMS} for the others, the position
     *             already read
     */
    public MongoChangeFeed(MongoClient client, String server, List<String> databases, Map<String, ChangePosition> from,
                           HistoryLost historyLost) {
        if (!from.containsKey(ChangePosition.ALL_STREAMS)) {
            throw new IllegalArgumentException("no change position for the collections of " + server + " that appear later");
        }
        this.client = client;
        this.server = server;
        this.databases = List.copyOf(databases);
        this.positions.putAll(from);
        this.historyLost = historyLost;
    }

    /**
     * Up to {@code max} events, oldest first per collection: each stream is read until it is idle before the
     * next one is. Empty when every stream is idle. An event that ends its stream (the collection was dropped
     * or renamed) is returned, and the stream is not read again.
     */
    public List<Event> poll(int max) {
        if (streams.isEmpty() || System.currentTimeMillis() - lastListing > RELIST_EVERY_MS) {
            relist();
        }
        List<Event> events = new ArrayList<>();
        for (String namespace : new ArrayList<>(streams.keySet())) {
            var cursor = streams.get(namespace);
            while (events.size() < max) {
                ChangeStreamDocument<RawBsonDocument> event = Remote.execute(
                        "reading the change stream of " + namespace + " on " + server, cursor::tryNext);
                if (event == null) {
                    advanceQuiet(namespace, cursor);
                    break;
                }
                ChangePosition position = new ChangePosition(event.getClusterTime(), event.getResumeToken());
                positions.put(namespace, position);
                lastEvents.put(namespace, position);
                events.add(new Event(namespace, event));
                if (isEndOfStream(event)) {
                    LOG.warn("collection {} was {} on {}; its change stream has ended and is not read further",
                            namespace, "invalidate".equals(event.getOperationTypeString()) ? "dropped or renamed"
                                    : event.getOperationTypeString() + " (dropped or renamed)", server);
                    close(cursor);
                    streams.remove(namespace);
                    ended.add(namespace);
                    break;
                }
            }
            if (events.size() >= max) {
                break;
            }
        }
        return events;
    }

    /**
     * A stream with nothing new still moves on: the server's post-batch resume token is past everything it has
     * looked at, so a collection that is rarely written does not keep a position the oplog may since have
     * dropped (the stream could then never be reopened). Its last event stays where it was.
     */
    private void advanceQuiet(String namespace, MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> cursor) {
        BsonDocument token = cursor.getResumeToken();
        ChangePosition position = positions.get(namespace);
        if (token != null && position != null && !token.equals(position.token())) {
            positions.put(namespace, new ChangePosition(position.time(), token));
        }
    }

    /**
     * Lists the collections now and opens a stream for each new one. The server's position is read first: a
     * collection created after the listing has all its changes after that position, which becomes the one
     * for collections that appear later.
     */
    public void relist() {
        ChangePosition beforeListing = ChangePosition.current(client, server);
        ChangePosition forNew = positions.get(ChangePosition.ALL_STREAMS);
        for (String database : databases) {
            for (Document c : MongoSections.collections(client, database, server)) {
                String namespace = MongoSections.name(database, c.getString("name"));
                if (!streams.containsKey(namespace) && !ended.contains(namespace)) {
                    ChangePosition from = positions.getOrDefault(namespace, forNew);
                    streams.put(namespace, open(namespace, from));
                    positions.put(namespace, from);
                    lastEvents.putIfAbsent(namespace, from);
                }
            }
        }
        positions.put(ChangePosition.ALL_STREAMS, beforeListing.isAfter(forNew) ? beforeListing : forNew);
        lastListing = System.currentTimeMillis();
    }

    private MongoChangeStreamCursor<ChangeStreamDocument<RawBsonDocument>> open(String namespace, ChangePosition from) {
        int dot = namespace.indexOf('.');
        var stream = client.getDatabase(namespace.substring(0, dot))
                .getCollection(namespace.substring(dot + 1), RawBsonDocument.class)
                .watch().fullDocument(FullDocument.UPDATE_LOOKUP);
        try {
            return Remote.execute("opening the change stream of " + namespace + " on " + server,
                    () -> (from.token() != null ? stream.resumeAfter(from.token()) : stream.startAtOperationTime(from.next()))
                            .cursor());
        } catch (RuntimeException e) {
            throw isHistoryLost(e) ? historyLost.explain(e, namespace, from) : e;
        }
    }

    /** Whether a failure is the server's answer that the oplog no longer reaches a position (286, 280, 260). */
    public static boolean isHistoryLost(RuntimeException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof MongoException mongo && HISTORY_LOST.contains(mongo.getCode())) {
                return true;
            }
        }
        return false;
    }

    /** Whether an event ends its stream: the collection (or its database) was dropped or renamed. */
    public static boolean isEndOfStream(ChangeStreamDocument<?> event) {
        return END_OF_STREAM.contains(event.getOperationTypeString());
    }

    /**
     * Where each collection's stream resumes, and the position for collections that appear later: the last
     * event read, or past it when the stream has since been quiet. Collections of the positions this feed was
     * opened from are kept, listed or not.
     */
    public Map<String, ChangePosition> positions() {
        return Collections.unmodifiableMap(new TreeMap<>(positions));
    }

    /** Per collection this feed has followed, its last event's position, or where its stream opened if it had none. */
    public Map<String, ChangePosition> lastEvents() {
        return Collections.unmodifiableMap(new TreeMap<>(lastEvents));
    }

    private static void close(MongoChangeStreamCursor<?> cursor) {
        try {
            cursor.close();
        } catch (RuntimeException e) {
            // the server may be gone already
        }
    }

    @Override
    public void close() {
        streams.values().forEach(MongoChangeFeed::close);
        streams.clear();
    }
}
