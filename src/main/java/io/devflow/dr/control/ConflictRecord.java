package io.devflow.dr.control;

/**
 * The record a conflict is about.
 *
 * @param database MongoDB or InfluxDB database name, or the Redis database number
 * @param collection the MongoDB collection (null for Redis)
 * @param key the record's identity: a MongoDB {@code _id} as canonical Extended JSON, or the Redis key
 */
public record ConflictRecord(String database, String collection, String key) {

    @Override
    public String toString() {
        return collection == null ? database + " " + key : database + "." + collection + " " + key;
    }
}
