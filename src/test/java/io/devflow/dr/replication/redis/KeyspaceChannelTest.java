package io.devflow.dr.replication.redis;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class KeyspaceChannelTest {

    @Test
    void shouldReadTheDatabaseAndTheWholeKey() {
        assertThat(KeyspaceChannel.parse("__keyspace@3__:user:42")).contains(new KeyspaceChannel(3, "user:42"));
        assertThat(KeyspaceChannel.parse("__keyspace@0__:a__:b")).contains(new KeyspaceChannel(0, "a__:b"));
        assertThat(KeyspaceChannel.parse("__keyspace@12__:")).contains(new KeyspaceChannel(12, ""));
    }

    @Test
    void shouldIgnoreOtherChannels() {
        assertThat(KeyspaceChannel.parse("__keyevent@0__:set")).isEmpty();
        assertThat(KeyspaceChannel.parse("__keyspace@x__:key")).isEmpty();
        assertThat(KeyspaceChannel.parse("__keyspace@__:key")).isEmpty();
        assertThat(KeyspaceChannel.parse("news")).isEmpty();
        assertThat(KeyspaceChannel.parse(null)).isEmpty();
    }

    @Test
    void shouldTellAKeyThatWasNotUtf8() {
        String decoded = new String(new byte[] {'k', (byte) 0xff}, StandardCharsets.UTF_8);

        assertThat(new KeyspaceChannel(0, decoded).keyMangled()).isTrue();
        assertThat(new KeyspaceChannel(0, "plain").keyMangled()).isFalse();
    }

    @Test
    void shouldAddOnlyTheMissingNotificationFlags() {
        assertThat(KeyspaceChannel.missingFlags("")).isEqualTo("KA");
        assertThat(KeyspaceChannel.missingFlags("xE")).isEqualTo("KA");
        assertThat(KeyspaceChannel.missingFlags("AKE")).isEmpty();
        assertThat(KeyspaceChannel.missingFlags("g$lshzxetK")).isEmpty();
        assertThat(KeyspaceChannel.missingFlags("KA")).isEmpty();
        assertThat(KeyspaceChannel.missingFlags("AE")).isEqualTo("K");
    }
}
