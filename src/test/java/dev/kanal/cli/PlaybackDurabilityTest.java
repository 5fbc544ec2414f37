package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.JsonHttp.Reply;
import dev.kanal.testing.KanalProcess;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress written to the embedded store survives {@code kill -9}: 1,000 writes acknowledged with 2xx
 * by {@code kanal serve}, SIGKILL, a new {@code kanal serve} on the same data dir finds all 1,000.
 */
class PlaybackDurabilityTest {

  static final int WRITES = 1000;

  @TempDir
  Path dir;

  @Test
  void acknowledgedProgress_survivesKill9() throws Exception {
    Path data = dir.resolve("data");
    long elapsedMs;
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--port", "0", "--data", data.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60)));
      long start = System.nanoTime();
      for (int i = 0; i < WRITES; i++) {
        Reply r = api.put("/api/progress/" + video(i), new JsonObject().put("position", position(i))
            .put("duration", 7200).put("deviceId", "tv-" + (i % 3)));
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
      }
      elapsedMs = (System.nanoTime() - start) / 1_000_000;
      kanal.kill(Duration.ofSeconds(10));
    }
    System.out.printf("PlaybackDurabilityTest: %d acknowledged progress writes in %d ms (%.2f ms each), then kill -9%n",
        WRITES, elapsedMs, (double) elapsedMs / WRITES);

    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--port", "0", "--data", data.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60)));
      int found = 0;
      for (int i = 0; i < WRITES; i++) {
        Reply r = api.get("/api/progress/" + video(i));
        assertThat(r.status()).as(video(i) + ": " + r).isEqualTo(200);
        assertThat(r.json().getDouble("position")).as(video(i)).isEqualTo(position(i));
        assertThat(r.json().getString("deviceId")).isEqualTo("tv-" + (i % 3));
        found++;
      }
      assertThat(found).isEqualTo(WRITES);
      kanal.terminate(Duration.ofSeconds(20));
    }
  }

  static String video(int i) {
    return String.format("video-%04d", i);
  }

  static double position(int i) {
    return 60 + i + 0.5;
  }
}
