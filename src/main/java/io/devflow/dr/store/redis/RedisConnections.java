package io.devflow.dr.store.redis;

import io.devflow.dr.config.RedisConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;

import java.net.URI;
import java.net.URISyntaxException;

/** Opens connections to a region's Redis from its configuration. */
public final class RedisConnections {

    private final HostAndPort address;
    private final DefaultJedisClientConfig clientConfig;
    private final String display;
    private final String password;
    private final boolean ssl;

    public RedisConnections(RedisConfig config) {
        URI uri;
        try {
            uri = new URI(config.url().reveal());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(config.url().path() + ": not a redis:// URL");
        }
        this.address = new HostAndPort(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 6379);
        this.password = config.password().map(p -> p.reveal()).orElseGet(() -> passwordOf(uri));
        this.ssl = "rediss".equals(uri.getScheme());
        int timeout = (int) config.timeout().toMillis();
        this.clientConfig = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(timeout)
                .socketTimeoutMillis(timeout)
                .password(password)
                .ssl(ssl)
                .clientName("devflow-dr")
                .build();
        this.display = "Redis " + uri.getScheme() + "://" + address;
    }

    private static String passwordOf(URI uri) {
        String info = uri.getUserInfo();
        if (info == null) {
            return null;
        }
        int colon = info.indexOf(':');
        return colon < 0 ? info : info.substring(colon + 1);
    }

    /** A new connection with logical database {@code database} selected. The caller closes it. */
    public Jedis open(int database) {
        Jedis jedis = new Jedis(address, clientConfig);
        if (database != 0) {
            try {
                jedis.select(database);
            } catch (RuntimeException e) {
                jedis.close(); // the connection is open already: do not leave it to the server's maxclients
                throw e;
            }
        }
        return jedis;
    }

    public String host() {
        return address.getHost();
    }

    public int port() {
        return address.getPort();
    }

    /** The password from the configuration or the URL; null when there is none. Never for messages. */
    public String password() {
        return password;
    }

    public boolean ssl() {
        return ssl;
    }

    /** For messages: scheme, host and port, never the password. */
    public String display() {
        return display;
    }
}
