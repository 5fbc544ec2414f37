package dev.kanal.server;

import static dev.kanal.testing.PackageApi.awaitProbed;
import static dev.kanal.testing.PackageApi.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.LoadRun;
import dev.kanal.testing.PackagingVideos;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Load (issue #13): many concurrent HLS viewers of one packaged video on {@code kanal serve} (its own
 * JVM, {@code -Xmx512m}). Each viewer plays like a player: the multivariant playlist, one media
 * playlist (viewers alternate between the two rungs), then the segments from a viewer-specific start,
 * the first three back to back and the rest at their EXTINF pace, starting again at the end. Every
 * body is compared with the package's file. CI runs 300 viewers for 15 s; {@code -Dkanal.load.full=true}
 * gives the issue's 1,000 viewers for 60 s ({@code -Dkanal.load.hls.viewers}, {@code .seconds},
 * {@code .pace} override).
 */
@Tag("slow")
@Tag("load")
class VodViewersLoadTest {

  static final String SERVING = "Kanal is serving at (http://\\S+?)/ ";

  @TempDir
  Path dir;

  @Test
  @Timeout(900)
  void concurrentHlsViewers_ofAPackagedVideo_allSucceed_andTheServerReturnsToBaseline() throws Exception {
    int viewers = LoadRun.setting("hls.viewers", 300, 1000);
    int seconds = LoadRun.setting("hls.seconds", 15, 60);
    int pace = LoadRun.setting("hls.pace", 1, 1);
    Path media = Files.createDirectories(dir.resolve("media"));
    Path data = dir.resolve("data");
    Files.copy(PackagingVideos.make("load360.mp4", 640, 360, 24, "600k"), media.resolve("Load.Film.mp4"));
    // Two rungs (the 360p source copied, 180p encoded), 4 s segments.
    Path config = Files.writeString(dir.resolve("kanal.yaml"), """
        vod:
          segmentDuration: 4s
          packaging:
            ladder:
              - { height: 360, videoKbps: 600, audioKbps: 128 }
              - { height: 180, videoKbps: 250, audioKbps: 64 }
        """);
    try (KanalProcess kanal = LoadRun.serve(dir, "serve", "--config", config.toString(), "--port", "0",
        "--data", data.toString(), "--media", media.toString())) {
      String base = kanal.awaitLine(SERVING, Duration.ofSeconds(60));
      JsonHttp api = new JsonHttp(base);
      String id = awaitProbed(api);
      assertThat(api.post("/api/videos/" + id + "/package", null).status()).isEqualTo(202);
      awaitState(api, id, "published", Duration.ofSeconds(300));
      Map<String, byte[]> files = packageFiles(data.resolve("packages").resolve(id));
      String root = base + "/vod/" + id + "/";

      LoadRun warmUp = LoadRun.of("hls-viewers-warmup", kanal.pid(), base);
      play(warmUp, viewers, Duration.ofSeconds(Math.clamp(seconds / 3, 5, 10)), pace, root, files);
      LoadRun run = LoadRun.of("hls-viewers", kanal.pid(), base);
      run.baseline();
      run.begin();
      AtomicLong bytes = play(run, viewers, Duration.ofSeconds(seconds), pace, root, files);
      run.end();
      run.finish("viewers=" + viewers + " pace=" + pace + " sentMb=" + LoadRun.mib(bytes.get()));
      assertThat(warmUp.requests()).isPositive();
      assertThat(warmUp.errors()).as("failed requests during the warm-up").isZero();
      assertThat(kanal.stderr()).doesNotContain("OutOfMemoryError");
    }
  }

  /** Every file of the package by its path relative to the package folder. */
  static Map<String, byte[]> packageFiles(Path pkg) throws Exception {
    Map<String, byte[]> files = new HashMap<>();
    try (var walk = Files.walk(pkg)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(pkg.relativize(p).toString().replace('\\', '/'), Files.readAllBytes(p));
      }
    }
    return files;
  }

  /** Runs {@code viewers} players for {@code duration} (starts spread over 5 s); returns the bytes received. */
  static AtomicLong play(LoadRun run, int viewers, Duration duration, int pace, String root, Map<String, byte[]> files)
      throws Exception {
    AtomicLong bytes = new AtomicLong();
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(30)).executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        ExecutorService players = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int v = 0; v < viewers; v++) {
        int viewer = v;
        long startAt = start + Duration.ofMillis(5000L * v / viewers).toNanos();
        players.submit(() -> {
          sleepUntil(startAt);
          player(viewer, http, run, deadline, pace, URI.create(root), files, bytes);
          return null;
        });
      }
    }
    return bytes;
  }

  private static void player(int viewer, HttpClient http, LoadRun run, long deadline, int pace, URI root,
      Map<String, byte[]> files, AtomicLong bytes) throws InterruptedException {
    boolean first = true;
    while (System.nanoTime() < deadline) {
      String master = fetch(http, run, root.resolve("master.m3u8"), root, files, bytes);
      if (master == null) {
        Thread.sleep(1000);
        continue;
      }
      List<String> variants = uris(master);
      URI variant = root.resolve("master.m3u8").resolve(variants.get(viewer % variants.size()));
      String playlist = fetch(http, run, variant, root, files, bytes);
      if (playlist == null) {
        Thread.sleep(1000);
        continue;
      }
      List<String> segments = uris(playlist);
      List<BigDecimal> durations = durations(playlist);
      int from = first ? viewer % segments.size() : 0;
      first = false;
      for (int i = from; i < segments.size() && System.nanoTime() < deadline; i++) {
        long t = System.nanoTime();
        fetch(http, run, variant.resolve(segments.get(i)), root, files, bytes);
        if (i - from >= 3) {
          // Past the start-up buffer a player fetches in real time: one segment per EXTINF.
          sleepUntil(Math.min(deadline, t + (long) (durations.get(i).doubleValue() * 1e9 / pace)));
        }
      }
    }
  }

  /** GETs {@code uri}, checks the body against the package file; returns it as text, or null after an error. */
  private static String fetch(HttpClient http, LoadRun run, URI uri, URI root, Map<String, byte[]> files,
      AtomicLong bytes) {
    long t = System.nanoTime();
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      byte[] expected = files.get(root.relativize(uri).toString());
      if (r.statusCode() != 200 || expected == null || !Arrays.equals(r.body(), expected)) {
        run.error(uri.getPath() + " -> " + r.statusCode() + ", " + r.body().length + " bytes"
            + (expected == null ? " (no such file)" : ", expected " + expected.length));
        return null;
      }
      run.ok(t);
      bytes.addAndGet(r.body().length);
      return uri.getPath().endsWith(".m3u8") ? new String(r.body(), StandardCharsets.UTF_8) : "";
    } catch (Exception e) {
      run.error(uri.getPath() + " after " + LoadRun.since(t) + " ms: " + e);
      return null;
    }
  }

  private static List<String> uris(String playlist) {
    return playlist.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  private static List<BigDecimal> durations(String playlist) {
    List<BigDecimal> out = new ArrayList<>();
    playlist.lines().filter(l -> l.startsWith("#EXTINF:"))
        .forEach(l -> out.add(new BigDecimal(l.substring(8).split(",", 2)[0].strip())));
    return out;
  }

  static void sleepUntil(long nanoTime) throws InterruptedException {
    long left = nanoTime - System.nanoTime();
    if (left > 0) {
      Thread.sleep(Duration.ofNanos(left));
    }
  }
}
