package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.RedisConfig;
import dev.kanal.testing.RedisServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The user store contract on a real redis-server started on a free loopback port. */
class RedisUserStoreTest extends UserStoreContract {

  static RedisServer redis;

  @BeforeAll
  static void startRedis() throws Exception {
    redis = RedisServer.start();
  }

  @AfterAll
  static void stopRedis() {
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void flush() {
    try (RedisClient client = RedisClient.create(redis.url())) {
      client.flushAll();
    }
  }

  @Override
  UserStore create() throws Exception {
    return UserStore.redis(new RedisConfig(redis.url(), Duration.ofSeconds(2)));
  }

  @Test
  void twoStoresOnOneRedis_shareUsersLoginsAndTokens() throws Exception {
    UserStore a = store();
    UserStore b = store();
    a.addUser(user("alice", "admin"));
    a.addLogin("h", new UserStore.Login("alice", T0, T0.plusSeconds(60)));
    a.addToken(new UserStore.Token("t", "alice", "api", "", T0), "th");
    assertThat(b.user("alice")).isPresent();
    assertThat(b.login("h")).isPresent();
    assertThat(b.removeToken("t")).isTrue();
    assertThat(a.tokenByHash("th")).isEmpty();
    assertThat(b.description()).isEqualTo("redis://127.0.0.1:" + redis.port());
  }
}
