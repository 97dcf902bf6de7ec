package io.devflow.dr.replication.redis;

import java.util.List;

/**
 * The writes of one database that a round applies: keys whose source version is copied into the target, and
 * keys the regions already hold alike, of which only replication's record is written.
 */
public record RedisWrites(int database, List<KeyChange> copies, List<KeyState> adopted) {

    public RedisWrites {
        copies = List.copyOf(copies);
        adopted = List.copyOf(adopted);
    }
}
