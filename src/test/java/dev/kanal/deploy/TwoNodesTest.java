package dev.kanal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.JsonHttp;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.Nginx;
import dev.kanal.testing.RedisServer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Kanal nodes sharing one Redis and one media folder behind nginx running
 * {@code deploy/nginx/kanal.conf} (ports and cache folder rewritten): state written through one node
 * is read through the other, nginx caches segments and passes Range through its slice cache, and
 * an HLS client keeps going when one node dies.
 */
@Timeout(240)
class TwoNodesTest {

  @TempDir
  Path dir;

  final HttpClient http = HttpClient.newHttpClient();

  HttpResponse<byte[]> get(String url, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void twoNodesBehindNginx_shareState_cacheSegments_serveRanges_andSurviveANodeDying() throws Exception {
    Path media = Files.createDirectories(dir.resolve("media"));
    Path video = media.resolve("clip.mp4");
    Process ff = new ProcessBuilder("ffmpeg", "-hide_banner", "-v", "error", "-f", "lavfi", "-i",
        "testsrc2=size=320x180:rate=25:duration=40", "-f", "lavfi", "-i", "sine=frequency=440:duration=40",
        "-c:v", "libx264", "-preset", "ultrafast", "-g", "50", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest",
        "-y", video.toString()).inheritIO().start();
    assertThat(ff.waitFor()).isZero();

    try (RedisServer redis = RedisServer.start()) {
      Path config = dir.resolve("kanal.yaml");
      Files.writeString(config, """
          store:
            redis:
              url: %s
          relay:
            secret: one-secret-for-every-node-of-this-test
          """.formatted(redis.url()));
      int port1 = Nginx.freePort();
      int port2 = Nginx.freePort();
      String shipped = Files.readString(Path.of("deploy/nginx/kanal.conf"));
      try (KanalProcess node1 = node(config, port1, "data1", media);
          KanalProcess node2 = node(config, port2, "data2", media);
          Nginx nginx = Nginx.withHttpBlock((prefix, port) -> shipped
              .replace("listen 8080;", "listen 127.0.0.1:" + port + ";")
              .replace("/var/cache/nginx/kanal ", prefix.resolve("cache") + " ")
              .replace("127.0.0.1:8081", "127.0.0.1:" + port1)
              .replace("127.0.0.1:8082", "127.0.0.1:" + port2))) {
        JsonHttp one = new JsonHttp("http://127.0.0.1:" + port1);
        JsonHttp two = new JsonHttp("http://127.0.0.1:" + port2);
        String id = awaitVideo(one);
        assertThat(awaitVideo(two)).as("both nodes give the shared file the same id").isEqualTo(id);

        // Progress written through one node is read through the other (Redis).
        assertThat(one.put("/api/progress/" + id, "{\"position\": 12.5, \"duration\": 40, \"deviceId\": \"tv\"}").status())
            .isEqualTo(200);
        JsonObject read = two.get("/api/progress/" + id).json();
        assertThat(read.getDouble("position")).isEqualTo(12.5);

        // A segment: the second fetch through nginx comes from its cache.
        String master = new String(get(nginx.url() + "/vod/" + id + "/master.m3u8").body());
        String variant = master.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
        URI variantUri = URI.create(nginx.url() + "/vod/" + id + "/master.m3u8").resolve(variant);
        String playlist = new String(get(variantUri.toString()).body());
        String segment = playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).findFirst().orElseThrow();
        URI segmentUri = variantUri.resolve(segment);
        HttpResponse<byte[]> first = get(segmentUri.toString());
        HttpResponse<byte[]> second = get(segmentUri.toString());
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache-Status")).hasValue("MISS");
        assertThat(second.headers().firstValue("X-Cache-Status")).hasValue("HIT");
        assertThat(second.body()).isEqualTo(first.body());

        // Range through nginx's slice cache: the right bytes, twice (the second from the cache).
        byte[] file = Files.readAllBytes(video);
        for (int i = 0; i < 2; i++) {
          HttpResponse<byte[]> range = get(nginx.url() + "/media/" + id + "/file", "Range", "bytes=1000000-1100099");
          assertThat(range.statusCode()).isEqualTo(206);
          assertThat(range.headers().firstValue("Content-Range")).hasValue("bytes 1000000-1100099/" + file.length);
          assertThat(range.body()).isEqualTo(Arrays.copyOfRange(file, 1_000_000, 1_100_100));
        }

        // An HLS client (kanal record, in its own JVM) through nginx, slowed to two requests a
        // second; node 1 dies after the first segment.
        long listed = playlist.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).count();
        try (KanalProcess client = KanalProcess.start(dir, "record", nginx.url() + "/vod/" + id + "/master.m3u8",
            "-o", dir.resolve("out.ts").toString(), "--threads", "1", "--throttle", "500ms", "--json")) {
          client.awaitLine("\\{\"event\":\"segment\".*", Duration.ofSeconds(60));
          node1.kill(Duration.ofSeconds(10));
          String finished = client.awaitLine("(\\{\"event\":\"finished\".*)", Duration.ofSeconds(120));
          JsonObject summary = new JsonObject(finished);
          assertThat(summary.getJsonArray("gaps")).as("no segment lost when a node died: %s", finished).isEmpty();
          assertThat(summary.getLong("segments")).isEqualTo(listed);
          assertThat(client.awaitExit(Duration.ofSeconds(30))).isZero();
        }
      }
    }
  }

  KanalProcess node(Path config, int port, String data, Path media) throws Exception {
    KanalProcess p = KanalProcess.start(dir, "serve", "--config", config.toString(), "--port", String.valueOf(port),
        "--data", dir.resolve(data).toString(), "--media", media.toString());
    p.awaitLine("Kanal is serving at (http://\\S+?)/ ", Duration.ofSeconds(60));
    return p;
  }

  static String awaitVideo(JsonHttp api) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      List<Object> items = api.get("/api/videos").json().getJsonArray("items").getList();
      for (Object o : items) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> v = (java.util.Map<String, Object>) o;
        if ("ok".equals(v.get("status"))) {
          return (String) v.get("id");
        }
      }
      assertThat(System.nanoTime()).as("the video is catalogued within 60 s").isLessThan(deadline);
      Thread.sleep(200);
    }
  }
}
