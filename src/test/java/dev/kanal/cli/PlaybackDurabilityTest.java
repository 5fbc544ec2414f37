package dev.kanal.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.JsonHttp.Reply;
import dev.kanal.testing.KanalProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Progress written to the embedded store survives {@code kill -9}: 1,000 writes acknowledged with 2xx
 * by {@code kanal serve}, SIGKILL, a new {@code kanal serve} on the same data dir finds all 1,000; and
 * writes from many clients at once, killed mid-stream, keep every device's newest acknowledged position.
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

  /**
   * Progress written by 12 clients at once (4 videos x 3 devices, each sending increasing positions
   * in a loop, about 2 s of it), SIGKILL while writes are in flight: after the restart each device's
   * position is at least its newest acknowledged write, and no newer than its newest sent one.
   */
  @Test
  void progressWrittenConcurrently_killedMidStream_keepsEveryDevicesNewestAcknowledgedPosition() throws Exception {
    Path data = dir.resolve("data");
    int videos = 4;
    int devices = 3;
    AtomicLongArray acknowledged = new AtomicLongArray(videos * devices);
    AtomicLongArray sent = new AtomicLongArray(videos * devices);
    AtomicBoolean stop = new AtomicBoolean();
    long total;
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--port", "0", "--data", data.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60)));
      try (ExecutorService writers = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int w = 0; w < videos * devices; w++) {
          int writer = w;
          writers.submit(() -> {
            for (long position = 1; !stop.get(); position++) {
              sent.set(writer, position);
              try {
                Reply r = api.put("/api/progress/" + video(writer / devices), new JsonObject().put("position", position)
                    .put("duration", 7200).put("deviceId", "device-" + (writer % devices)));
                if (r.status() / 100 == 2) {
                  acknowledged.set(writer, position);
                }
              } catch (java.io.IOException e) {
                return null; // the server is gone
              }
            }
            return null;
          });
        }
        Thread.sleep(2000);
        kanal.kill(Duration.ofSeconds(10));
        stop.set(true);
      }
      total = 0;
      for (int w = 0; w < videos * devices; w++) {
        total += acknowledged.get(w);
      }
    }
    System.out.printf("PlaybackDurabilityTest: %d acknowledged concurrent progress writes, then kill -9 mid-stream%n", total);
    assertThat(total).as("acknowledged writes before the kill").isGreaterThan(videos * devices * 5L);

    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--port", "0", "--data", data.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60)));
      for (int v = 0; v < videos; v++) {
        Reply r = api.get("/api/progress/" + video(v));
        assertThat(r.status()).as(video(v) + ": " + r).isEqualTo(200);
        JsonArray stored = r.json().getJsonArray("devices");
        assertThat(stored).hasSize(devices);
        for (int i = 0; i < stored.size(); i++) {
          JsonObject d = stored.getJsonObject(i);
          int writer = v * devices + Integer.parseInt(d.getString("deviceId").substring("device-".length()));
          assertThat(d.getDouble("position")).as("%s on %s", video(v), d.getString("deviceId"))
              .isBetween((double) acknowledged.get(writer), (double) sent.get(writer));
        }
      }
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
