package io.devflow.dr.store.mongodb;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandStartedEvent;
import io.devflow.dr.embedded.EmbeddedMongo;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** The current position of a server that knows no {@code hello} (mongo-java-server, MongoDB before 4.4.2). */
class ChangePositionIT {

    @Test
    void shouldAskAServerWithoutHelloOnlyOnce() {
        List<String> commands = new CopyOnWriteArrayList<>();
        CommandListener recorder = new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                commands.add(event.getCommandName());
            }
        };
        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory();
             MongoClient client = MongoClients.create(MongoClientSettings.builder()
                     .applyConnectionString(new ConnectionString(mongo.connectionString())).addCommandListener(recorder).build())) {
            client.getDatabase("devflow").getCollection("things").insertOne(new Document("_id", 1));
            String server = "mongodb 127.0.0.1:" + mongo.port() + " (test)";

            ChangePosition first = ChangePosition.current(client, server);
            ChangePosition second = ChangePosition.current(client, server);
            ChangePosition third = ChangePosition.current(client, server);

            assertThat(commands.stream().filter("hello"::equals)).hasSize(1);
            assertThat(commands.stream().filter("isMaster"::equals)).hasSize(3);
            assertThat(second.compareTo(first)).isGreaterThanOrEqualTo(0);
            assertThat(third.compareTo(second)).isGreaterThanOrEqualTo(0);
        }
    }
}
