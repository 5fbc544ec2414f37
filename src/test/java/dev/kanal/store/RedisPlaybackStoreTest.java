package dev.kanal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.config.KanalConfig.RedisConfig;
import dev.kanal.testing.Nginx;
import dev.kanal.testing.RedisServer;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

/** The playback store contract on a real redis-server started on a free loopback port. */
class RedisPlaybackStoreTest extends PlaybackStoreContract {

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
  PlaybackStore create(PlaybackConfig config) throws Exception {
    return PlaybackStore.redis(new RedisConfig(redis.url(), Duration.ofSeconds(2)), config, Clock.systemUTC());
  }

  @Test
  void twoStoresOnOneRedis_shareEverything() throws Exception {
    PlaybackStore a = store();
    PlaybackStore b = store();
    a.putProgress("default", entry("v1", "tv", 600, T0));
    a.startSession(start("s1", PlaybackSession.Kind.VIDEO, "v1")).orElseThrow();
    assertThat(b.progress("default", "v1").orElseThrow().latest().position()).isEqualTo(Duration.ofSeconds(600));
    assertThat(b.activeSessions(10)).extracting(PlaybackSession::id).containsExactly("s1");
    assertThat(b.heartbeat("s1", PlaybackSession.Heartbeat.empty())).isPresent();
    assertThat(b.endSession("s1")).isTrue();
    assertThat(a.activeSessions(10)).isEmpty();
  }

  @Test
  void connect_nothingListening_failsWithASentenceWithoutThePassword() throws Exception {
    int port = Nginx.freePort();
    assertThatThrownBy(() -> PlaybackStore.redis(new RedisConfig("redis://kanal:s3cret@127.0.0.1:" + port,
        Duration.ofMillis(500)), DEFAULTS, Clock.systemUTC()))
        .isInstanceOf(StoreException.class)
        .hasMessageContaining("cannot reach Redis at redis://127.0.0.1:" + port)
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void description_namesTheServerOnly() throws Exception {
    assertThat(store().description()).isEqualTo("redis://127.0.0.1:" + redis.port());
  }
}
