package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.config.KanalConfig.PlaybackConfig;
import dev.kanal.config.KanalConfig.RedisConfig;
import dev.kanal.store.Database;
import dev.kanal.store.PlaybackStore;
import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.RedisServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A session without heartbeats disappears from {@code /api/sessions/active} after its TTL (2 s here),
 * while one with heartbeats stays, on both stores.
 */
class SessionTtlTest {

  static final PlaybackConfig CONFIG = new PlaybackConfig(Duration.ofSeconds(2), 100, Duration.ofDays(7));

  @TempDir
  Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"sqlite", "redis"})
  void sessionWithoutHeartbeat_disappearsAfterItsTtl(String kind) throws Exception {
    try (RedisServer redis = kind.equals("redis") ? RedisServer.start() : null;
        Database db = Database.open(dir.resolve("kanal.db"));
        Metrics metrics = Metrics.create("test")) {
      PlaybackStore store = redis != null
          ? PlaybackStore.redis(new RedisConfig(redis.url(), Duration.ofSeconds(2)), CONFIG, Clock.systemUTC())
          : PlaybackStore.sqlite(db, CONFIG, Clock.systemUTC());
      KanalServer server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2),
          Optional.empty(), Optional.empty()).withPlayback(new PlaybackSetup(store, CONFIG, Clock.systemUTC())), metrics);
      try {
        JsonHttp api = new JsonHttp(server.url());
        String quiet = api.post("/api/sessions", new JsonObject().put("videoId", "film").put("deviceId", "tv"))
            .json().getString("sessionId");
        String alive = api.post("/api/sessions", new JsonObject().put("channelId", "arte.fr").put("deviceId", "phone"))
            .json().getString("sessionId");
        assertThat(activeIds(api)).containsExactlyInAnyOrder(quiet, alive);

        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofMillis(3000).toNanos()) {
          assertThat(api.post("/api/sessions/" + alive + "/heartbeat", new JsonObject().put("position", 1.0)).status())
              .isEqualTo(200);
          Thread.sleep(500);
        }
        JsonObject active = api.get("/api/sessions/active").json();
        assertThat(activeIds(api)).containsExactly(alive);
        assertThat(active.getLong("total")).isEqualTo(1L);
        assertThat(active.getJsonObject("byKind").getLong("video")).isZero();
        assertThat(api.post("/api/sessions/" + quiet + "/heartbeat", "{}").status()).isEqualTo(404);
        assertThat(PlaybackApiTest.awaitGauge(api, "video", 0.0)).isZero();
        assertThat(PlaybackApiTest.awaitGauge(api, "channel", 1.0)).isEqualTo(1.0);
      } finally {
        server.close();
        store.close();
      }
    }
  }

  static List<String> activeIds(JsonHttp api) throws Exception {
    return api.get("/api/sessions/active").json().getJsonArray("sessions").stream()
        .map(o -> ((JsonObject) o).getString("sessionId")).toList();
  }
}
