package dev.kanal.store;

import dev.kanal.config.KanalConfig;
import java.net.URI;
import java.net.URISyntaxException;
import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * A pooled connection to the Redis of {@code store.redis}, checked with a PING. Every Redis-backed store
 * opens its own (so a blocking stream read never waits for a connection another store holds).
 *
 * @param client the pooled client (thread-safe; blocking: use from virtual threads)
 * @param description {@code redis://host:port}, for logs (never the password)
 */
record RedisConnection(RedisClient client, String description) implements AutoCloseable {

  /**
   * Connects.
   *
   * @param poolSize connections kept at most
   * @throws StoreException naming {@code store.redis.url} when the URL is wrong or Redis cannot be reached
   */
  static RedisConnection open(KanalConfig.RedisConfig redis, int poolSize) throws StoreException {
    URI uri;
    try {
      uri = new URI(redis.url().strip());
    } catch (URISyntaxException e) {
      throw new StoreException("store.redis.url is not a URL (redis://host:port)");
    }
    if (!JedisURIHelper.isValid(uri)) {
      throw new StoreException("store.redis.url must be redis://host:port or rediss://host:port");
    }
    HostAndPort address = JedisURIHelper.getHostAndPort(uri);
    String description = uri.getScheme() + "://" + address;
    int timeout = (int) redis.timeout().toMillis();
    DefaultJedisClientConfig.Builder clientConfig = DefaultJedisClientConfig.builder()
        .connectionTimeoutMillis(timeout)
        .socketTimeoutMillis(timeout)
        .clientName("kanal")
        .ssl(JedisURIHelper.isRedisSSLScheme(uri));
    String user = JedisURIHelper.getUser(uri);
    String password = JedisURIHelper.getPassword(uri);
    if (user != null || password != null) {
      clientConfig.credentials(new DefaultRedisCredentials(user, password));
    }
    if (JedisURIHelper.hasDbIndex(uri)) {
      clientConfig.database(JedisURIHelper.getDBIndex(uri));
    }
    ConnectionPoolConfig pool = new ConnectionPoolConfig();
    pool.setMaxTotal(poolSize);
    pool.setMaxIdle(poolSize);
    pool.setMaxWait(redis.timeout());
    pool.setJmxEnabled(false);
    RedisClient client = RedisClient.builder().hostAndPort(address).clientConfig(clientConfig.build())
        .poolConfig(pool).build();
    try {
      client.ping();
    } catch (JedisException e) {
      client.close();
      throw new StoreException("cannot reach Redis at " + description + " (store.redis.url): " + e.getMessage()
          + "; start it, fix the URL, or leave store.redis.url empty for the embedded database", e);
    }
    return new RedisConnection(client, description);
  }

  @Override
  public void close() {
    client.close();
  }
}
