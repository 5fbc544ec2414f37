package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.RedisServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code kanal serve} processes on different ports and data dirs, sharing one redis-server through
 * {@code store.redis.url}, see the same sessions, progress and QoE.
 */
class PlaybackTwoNodesTest {

  @TempDir
  Path dir;

  @Test
  void twoNodesSharingRedis_seeTheSameSessionsAndProgress() throws Exception {
    try (RedisServer redis = RedisServer.start()) {
      Path config = Files.writeString(dir.resolve("kanal.yaml"), """
          store:
            redis:
              url: %s
          playback:
            sessionTtl: 30s
          """.formatted(redis.url()));
      try (KanalProcess a = start("a", config); KanalProcess b = start("b", config)) {
        JsonHttp nodeA = new JsonHttp(a.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(90)));
        JsonHttp nodeB = new JsonHttp(b.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(90)));

        // Progress written on A is read on B, and B's newer write is read on A.
        assertThat(nodeA.put("/api/progress/shared-film", new JsonObject().put("position", 600).put("duration", 5400)
            .put("deviceId", "tv")).status()).isEqualTo(200);
        JsonObject onB = nodeB.get("/api/progress/shared-film").json();
        assertThat(onB.getDouble("position")).isEqualTo(600.0);
        assertThat(nodeB.put("/api/progress/shared-film", new JsonObject().put("position", 900).put("duration", 5400)
            .put("deviceId", "phone")).status()).isEqualTo(200);
        JsonObject onA = nodeA.get("/api/progress/shared-film").json();
        assertThat(onA.getString("deviceId")).isEqualTo("phone");
        assertThat(onA.getJsonArray("devices")).hasSize(2);
        assertThat(ids(nodeA.get("/api/progress").json().getJsonArray("items"), "videoId")).contains("shared-film");

        // A session started on A is active on B, kept alive through B, and ended on B.
        long t0 = System.currentTimeMillis() - 10_000;
        String id = nodeA.post("/api/sessions", new JsonObject().put("videoId", "shared-film").put("deviceId", "tv")
            .put("at", t0)).json().getString("sessionId");
        JsonObject activeOnB = nodeB.get("/api/sessions/active").json();
        assertThat(ids(activeOnB.getJsonArray("sessions"), "sessionId")).containsExactly(id);
        assertThat(activeOnB.getJsonObject("byVideo").getLong("shared-film")).isEqualTo(1L);
        assertThat(nodeB.post("/api/sessions/" + id + "/heartbeat", new JsonObject().put("position", 42)).status())
            .isEqualTo(200);
        JsonObject listedOnA = nodeA.get("/api/sessions/active").json().getJsonArray("sessions").getJsonObject(0);
        assertThat(listedOnA.getDouble("position")).isEqualTo(42.0);

        // QoE posted to both nodes lands in one session.
        assertThat(nodeA.post("/api/qoe", new JsonArray().add(event(id, "startup", t0 + 2000))).status()).isEqualTo(200);
        assertThat(nodeB.post("/api/qoe", new JsonArray().add(event(id, "level_switch", t0 + 4000))
            .add(event(id, "ended", t0 + 8000))).status()).isEqualTo(200);
        JsonObject summary = nodeA.get("/api/qoe/summary?videoId=shared-film").json();
        assertThat(summary.getInteger("sessions")).isEqualTo(1);
        assertThat(summary.getDouble("startupP50")).isEqualTo(2.0);
        assertThat(summary.getInteger("levelSwitches")).isEqualTo(1);

        assertThat(nodeB.delete("/api/sessions/" + id).status()).isEqualTo(204);
        assertThat(nodeA.get("/api/sessions/active").json().getLong("total")).isZero();
        assertThat(nodeA.delete("/api/sessions/" + id).status()).isEqualTo(404);

        a.terminate(Duration.ofSeconds(20));
        b.terminate(Duration.ofSeconds(20));
        assertThat(a.stderr()).contains("event=playback.store store=" + redis.url());
      }
    }
  }

  @Test
  void serve_withRedisUnreachable_failsWithOneSentenceWithoutThePassword() throws Exception {
    int port = dev.kanal.testing.Nginx.freePort();
    Path config = Files.writeString(dir.resolve("down.yaml"), "store:\n  redis:\n    url: redis://kanal:s3cret@127.0.0.1:"
        + port + "\n    timeout: 500ms\n");
    try (KanalProcess kanal = start("down", config)) {
      assertThat(kanal.awaitExit(Duration.ofSeconds(60))).isEqualTo(1);
      assertThat(kanal.stderr()).contains("kanal: cannot reach Redis at redis://127.0.0.1:" + port)
          .doesNotContain("s3cret").doesNotContain("\tat ");
    }
  }

  private KanalProcess start(String name, Path config) throws Exception {
    return KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0", "--data",
        dir.resolve(name).toString());
  }

  static JsonObject event(String session, String type, long at) {
    return new JsonObject().put("sessionId", session).put("type", type).put("at", at);
  }

  static List<String> ids(JsonArray array, String key) {
    return array.stream().map(o -> ((JsonObject) o).getString(key)).toList();
  }
}
