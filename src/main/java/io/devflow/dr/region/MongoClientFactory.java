package io.devflow.dr.region;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import io.devflow.dr.config.MongoConfig;

import java.util.concurrent.TimeUnit;

/**
 * Builds MongoDB clients from a region's configuration. Every wait is bounded: a primary that accepts
 * connections and then stops answering fails the operation after the socket timeout instead of hanging it.
 */
public final class MongoClientFactory {

    private MongoClientFactory() {
    }

    public static MongoClient create(MongoConfig config) {
        ConnectionString connection = new ConnectionString(config.url().reveal());
        MongoClientSettings settings = MongoClientSettings.builder()
                .applyConnectionString(connection)
                .applicationName("devflow-dr")
                .applyToClusterSettings(b -> b.serverSelectionTimeout(
                        config.serverSelectionTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b
                        .connectTimeout((int) config.connectTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .readTimeout((int) config.socketTimeout().toMillis(), TimeUnit.MILLISECONDS))
                .build();
        return MongoClients.create(settings);
    }
}
