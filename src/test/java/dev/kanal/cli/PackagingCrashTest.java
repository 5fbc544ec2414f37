package dev.kanal.cli;

import static dev.kanal.testing.PackageApi.awaitProbed;
import static dev.kanal.testing.PackageApi.awaitProgress;
import static dev.kanal.testing.PackageApi.awaitState;
import static dev.kanal.testing.PackageApi.decision;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.PackageCheck;
import dev.kanal.testing.PackagingVideos;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Packaging through the API of a real {@code kanal serve} (its own JVM), killed with SIGKILL while
 * ffmpeg packages: nothing half-made is ever published, the video plays on demand meanwhile, and the
 * restarted server resumes the job and publishes a complete, valid package.
 */
class PackagingCrashTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";

  @TempDir
  Path dir;

  /**
   * What {@code /vod} shows of an unpublished video is whole: the on-demand multivariant playlist, and
   * its first media playlist answers; nothing of the work folder is reachable.
   */
  static void assertOnDemandThroughVod(JsonHttp api, String id) throws Exception {
    JsonHttp.Reply master = api.get("/vod/" + id + "/master.m3u8");
    assertThat(master.status()).as(master.toString()).isEqualTo(200);
    assertThat(master.body()).doesNotContain(".tmp-");
    String variant = master.body().lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
    JsonHttp.Reply media = api.get(variant.startsWith("/") ? variant : "/vod/" + id + "/" + variant);
    assertThat(media.status()).as(media.toString()).isEqualTo(200);
    assertThat(media.body()).contains("#EXT-X-ENDLIST");
  }

  /** Processes whose command line names the packages folder's work folders. */
  static List<ProcessHandle> writersInto(String marker) {
    return ProcessHandle.allProcesses().filter(ph -> ph.info().commandLine().map(c -> c.contains(marker)).orElse(false))
        .toList();
  }

  @Test
  @Timeout(300)
  void killDuringPackaging_publishesNothingHalfMade_andTheRestartResumesTheJob() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path data = dir.resolve("data");
    Files.copy(PackagingVideos.h264_1080p(), media.resolve("Film.1080p.mp4"));
    Path packages = data.resolve("packages");
    // Two rungs keep the test short: the 1080p source copied, one rung encoded.
    Path config = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          packaging:
            ladder:
              - { height: 1080, videoKbps: 6000, audioKbps: 128 }
              - { height: 360, videoKbps: 800, audioKbps: 64 }
        """);
    String id;
    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
        "--data", data.toString(), "--media", media.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine(SERVING, Duration.ofSeconds(60)));
      id = awaitProbed(api);
      assertThat(api.get("/api/videos/" + id + "/package").json().getString("state")).isEqualTo("none");
      assertThat(api.post("/api/videos/Znosuchvideo/package", null).status()).isEqualTo(404);
      assertThat(api.delete("/api/videos/" + id + "/package").status()).as("nothing to cancel").isEqualTo(404);

      JsonHttp.Reply accepted = api.post("/api/videos/" + id + "/package", null);
      assertThat(accepted.status()).isEqualTo(202);
      assertThat(accepted.json().getString("state")).isIn("queued", "running");
      // Requested twice: the same job, not a second one.
      assertThat(api.post("/api/videos/" + id + "/package", null).json().getString("state")).isIn("queued", "running");

      JsonObject running = awaitProgress(api, id, 1);
      assertThat(running.getString("state")).isEqualTo("running");
      assertThat(api.get("/api/videos/" + id).json().getJsonObject("packaging").getString("state")).isEqualTo("running");
      // While packaging, the package is not published and the video plays on demand.
      assertThat(Files.exists(packages.resolve(id))).isFalse();
      assertThat(decision(api, id)).isNotEqualTo("packaged");
      assertOnDemandThroughVod(api, id);
      kanal.kill(Duration.ofSeconds(10));
    }
    // ffmpeg may outlive the killed server, still writing into the work folder; the next start stops it.
    String marker = packages.toAbsolutePath().resolve(".tmp-").toString();
    assertThat(Files.exists(packages.resolve(id))).as("nothing published by the killed server").isFalse();
    List<String> leftOver;
    try (var s = Files.list(packages)) {
      leftOver = s.map(p -> p.getFileName().toString()).toList();
    }
    assertThat(leftOver).as("the killed run's work folder").anyMatch(n -> n.startsWith(".tmp-" + id));

    try (KanalProcess kanal = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", "0",
        "--data", data.toString(), "--media", media.toString())) {
      JsonHttp api = new JsonHttp(kanal.awaitLine(SERVING, Duration.ofSeconds(60)));
      // The half-made folder is gone at start; the job runs again from the beginning.
      try (var s = Files.list(packages)) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).doesNotContainAnyElementsOf(leftOver);
      }
      JsonObject resumed = api.get("/api/videos/" + id + "/package").json();
      assertThat(resumed.getString("state")).isIn("queued", "running");
      assertThat(decision(api, id)).isNotEqualTo("packaged");
      assertOnDemandThroughVod(api, id);
      assertThat(writersInto(marker)).as("ffmpeg processes of the killed run").allMatch(ph ->
          ph.info().commandLine().map(c -> leftOver.stream().noneMatch(c::contains)).orElse(true));
      JsonObject done = awaitState(api, id, "published", Duration.ofSeconds(180));
      assertThat(done.getDouble("progress")).isEqualTo(100.0);
      assertThat(kanal.stderr()).contains("event=package.resume id=" + id);

      PackageCheck.Result r = PackageCheck.check(packages.resolve(id));
      assertThat(r.names()).containsExactly("1080p", "360p");
      try (var s = Files.list(packages)) {
        assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly(id);
      }
      // Published: the on-demand path is no longer used for this video.
      assertThat(decision(api, id)).isEqualTo("packaged");
      JsonHttp.Reply master = api.get("/vod/" + id + "/master.m3u8");
      assertThat(master.status()).isEqualTo(200);
      assertThat(master.body()).isEqualTo(Files.readString(packages.resolve(id).resolve("master.m3u8")));
      assertThat(api.delete("/api/videos/" + id + "/package").status()).as("a published package is not a job").isEqualTo(404);
      assertThat(kanal.terminate(Duration.ofSeconds(30))).isIn(0, 143);
    }
  }
}
