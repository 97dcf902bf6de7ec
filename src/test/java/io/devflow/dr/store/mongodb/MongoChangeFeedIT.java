package io.devflow.dr.store.mongodb;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import io.devflow.dr.embedded.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The change feed of a real server: which events it reads from which positions, and where it stands after. */
class MongoChangeFeedIT {

    private static final String SERVER = "the test server";

    private EmbeddedMongo mongo;
    private MongoClient client;
    private MongoDatabase shop;

    @BeforeEach
    void start() {
        mongo = EmbeddedMongo.inMemory();
        client = MongoClients.create(mongo.connectionString());
        shop = client.getDatabase("shop");
    }

    @AfterEach
    void stop() {
        client.close();
        mongo.close();
    }

    @Test
    void shouldReadEachCollectionFromItsOwnPositionAndLaterOnesFromThePositionForAll() {
        shop.getCollection("items").insertOne(new Document("_id", 1));
        shop.getCollection("orders").insertOne(new Document("_id", 1));
        ChangePosition start = ChangePosition.current(client, SERVER);
        shop.getCollection("items").insertOne(new Document("_id", 2));
        shop.getCollection("orders").insertOne(new Document("_id", 2));
        ChangePosition afterOrders = ChangePosition.current(client, SERVER);
        shop.getCollection("orders").insertOne(new Document("_id", 3));

        try (MongoChangeFeed feed = feed(Map.of(ChangePosition.ALL_STREAMS, start, "shop.orders", afterOrders))) {
            assertThat(ids(feed.poll(100))).containsExactly("shop.items 2", "shop.orders 3");

            shop.getCollection("later").insertOne(new Document("_id", 1));
            feed.relist();
            assertThat(ids(feed.poll(100))).as("a collection created after the first listing")
                    .containsExactly("shop.later 1");
        }
    }

    @Test
    void shouldReadNoMoreThanAskedAndTheRestNextTime() {
        shop.getCollection("items").insertOne(new Document("_id", -1));
        ChangePosition start = ChangePosition.current(client, SERVER);
        for (int i = 0; i < 5; i++) {
            shop.getCollection("items").insertOne(new Document("_id", i));
        }

        try (MongoChangeFeed feed = feed(Map.of(ChangePosition.ALL_STREAMS, start))) {
            assertThat(ids(feed.poll(3))).containsExactly("shop.items 0", "shop.items 1", "shop.items 2");
            assertThat(ids(feed.poll(3))).containsExactly("shop.items 3", "shop.items 4");
            assertThat(feed.poll(3)).isEmpty();
        }
    }

    @Test
    void shouldKeepTheLastEventOfAQuietStreamAndResumeWhereItStands() {
        shop.getCollection("items").insertOne(new Document("_id", 0));
        ChangePosition start = ChangePosition.current(client, SERVER);
        shop.getCollection("items").insertOne(new Document("_id", 1));
        Map<String, ChangePosition> reached;
        try (MongoChangeFeed feed = feed(Map.of(ChangePosition.ALL_STREAMS, start, "shop.gone", start))) {
            List<MongoChangeFeed.Event> events = feed.poll(100);
            assertThat(ids(events)).containsExactly("shop.items 1");
            ChangePosition last = new ChangePosition(events.get(0).change().getClusterTime(),
                    events.get(0).change().getResumeToken());
            assertThat(feed.poll(100)).isEmpty();

            assertThat(feed.lastEvents()).as("only the collections followed").containsOnlyKeys("shop.items")
                    .containsEntry("shop.items", last);
            reached = feed.positions();
            assertThat(reached.get("shop.items").time()).as("a quiet stream keeps its last event's time")
                    .isEqualTo(last.time());
            assertThat(reached.get("shop.items").token()).isNotNull();
            assertThat(reached).as("positions it was opened from are kept").containsEntry("shop.gone", start);
            assertThat(reached.get(ChangePosition.ALL_STREAMS)).isNotNull();
        }

        shop.getCollection("items").insertOne(new Document("_id", 2));
        try (MongoChangeFeed resumed = feed(reached)) {
            assertThat(ids(resumed.poll(100))).as("nothing twice, nothing lost").containsExactly("shop.items 2");
        }
    }

    @Test
    void shouldHaveNoLastEventPastWhereAStreamWithoutEventsOpened() {
        shop.getCollection("items").insertOne(new Document("_id", 1));
        ChangePosition start = ChangePosition.current(client, SERVER);

        try (MongoChangeFeed feed = feed(Map.of(ChangePosition.ALL_STREAMS, start))) {
            assertThat(feed.poll(100)).isEmpty();

            assertThat(feed.lastEvents()).containsExactly(Map.entry("shop.items", start));
        }
    }

    private MongoChangeFeed feed(Map<String, ChangePosition> from) {
        return new MongoChangeFeed(client, SERVER, List.of("shop"), from, (failure, namespace, position) -> failure);
    }

    private static List<String> ids(List<MongoChangeFeed.Event> events) {
        List<String> ids = new ArrayList<>();
        events.forEach(e -> ids.add(e.namespace() + " " + e.change().getDocumentKey().get("_id").asInt32().getValue()));
        return ids;
    }
}
