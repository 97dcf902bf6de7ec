package io.devflow.dr.replication.redis;

import java.util.Optional;

/**
 * A keyspace notification's channel, {@code __keyspace@<db>__:<key>}, and the server setting that makes
 * Redis publish them ({@code notify-keyspace-events}).
 */
record KeyspaceChannel(int database, String key) {

    /** What the notification route subscribes to: every key of every database. */
    static final String PATTERN = "__keyspace@*__:*";
    static final String SETTING = "notify-keyspace-events";

    private static final String PREFIX = "__keyspace@";
    private static final String SEPARATOR = "__:";

    /** The database and key of a keyspace channel; empty for any other channel. */
    static Optional<KeyspaceChannel> parse(String channel) {
        if (channel == null || !channel.startsWith(PREFIX)) {
            return Optional.empty();
        }
        int end = channel.indexOf(SEPARATOR, PREFIX.length());
        if (end <= PREFIX.length() || end - PREFIX.length() > 5) {
            return Optional.empty();
        }
        String digits = channel.substring(PREFIX.length(), end);
        if (!digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(new KeyspaceChannel(Integer.parseInt(digits), channel.substring(end + SEPARATOR.length())));
    }

    /**
     * The flags to add to a server's {@code notify-keyspace-events} so that it publishes keyspace events
     * ({@code K}) of every class ({@code A}); empty when it already does. {@code A} stands for the classes
     * {@code g$lshzxet}, which a server may also report one by one.
     */
    static String missingFlags(String current) {
        String flags = current == null ? "" : current;
        StringBuilder missing = new StringBuilder();
        if (flags.indexOf('K') < 0) {
            missing.append('K');
        }
        boolean everyClass = flags.indexOf('A') >= 0 || "g$lshzxet".chars().allMatch(c -> flags.indexOf(c) >= 0);
        if (!everyClass) {
            missing.append('A');
        }
        return missing.toString();
    }

    /** Whether the key came through as text it could not be decoded from: it was not valid UTF-8. */
    boolean keyMangled() {
        return key.indexOf('\uFFFD') >= 0;
    }
}
