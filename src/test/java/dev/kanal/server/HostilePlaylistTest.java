package dev.kanal.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.hls.HlsException;
import dev.kanal.hls.HlsRecorder;
import dev.kanal.hls.RecordOptions;
import dev.kanal.hls.RecordTarget;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.CheckOptions;
import dev.kanal.iptv.CheckResult;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.CheckTarget;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.HealthChecker;
import dev.kanal.iptv.LiveTv;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.KanalProcess;
import dev.kanal.testing.TestChannels;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upstream playlists that name local files (issue #13): an IPTV channel URL, an HLS segment, an
 * {@code EXT-X-KEY}, an {@code EXT-X-MAP} and a variant that are {@code file:} URLs, pointing at
 * {@code /etc/passwd} and at a canary TS whose H.264 SEI holds a random secret (so stream copy would
 * carry it into any output). Nothing of either may come out of the live relay ({@code .ts} and HLS),
 * a health check with ffprobe, {@code kanal record} or {@code kanal play --dry-run}.
 */
class HostilePlaylistTest {

  static final String SECRET = "KANAL-CANARY-" + UUID.randomUUID().toString().replace("-", "");
  static final String PASSWD = "root:x:0:0";
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static Path canary;
  static HlsTestServer upstream;
  static Metrics metrics;
  static KanalServer server;
  static Map<String, String> urls;

  @BeforeAll
  static void start() throws Exception {
    canary = dir.resolve("secret.ts");
    Process p = new ProcessBuilder("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=64x64:rate=10:duration=2",
        "-c:v", "libx264", "-bsf:v", "h264_metadata=sei_user_data=086f3693-b7b3-4f2c-9653-21492feee5b8+" + SECRET.repeat(8),
        "-f", "mpegts", canary.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.waitFor();
    assertThat(leaks(Files.readAllBytes(canary))).as("the canary carries the secret").isTrue();
    String file = "file://" + canary;
    Path local = Files.writeString(dir.resolve("local.m3u8"), media("#EXTINF:2,\n" + file + "\n"));
    String segment = TestChannels.segments().getFirst().getFileName().toString();

    upstream = HlsTestServer.start(TestChannels.segments().getFirst().getParent());
    serve("/segment.m3u8", media("#EXTINF:1,\n" + file + "\n#EXTINF:1,\nfile:///etc/passwd\n#EXTINF:1,\n" + segment + "\n"));
    serve("/key.m3u8", media("#EXT-X-KEY:METHOD=AES-128,URI=\"" + file + "\"\n#EXTINF:1,\n" + segment + "\n"));
    serve("/map.m3u8", media("#EXT-X-MAP:URI=\"" + file + "\"\n#EXTINF:1,\n" + segment + "\n"));
    serve("/master.m3u8", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=100000\nfile://" + local + "\n"
        + "#EXT-X-STREAM-INF:BANDWIDTH=50000\nfile:///etc/passwd\n");
    urls = new java.util.LinkedHashMap<>();
    for (String name : List.of("segment", "key", "map", "master")) {
      urls.put(name, upstream.uri("/" + name + ".m3u8").toString());
    }
    urls.put("raw", file);
    urls.put("passwd", "file:///etc/passwd");

    List<dev.kanal.iptv.Channel> channels = new ArrayList<>();
    urls.forEach((id, url) -> channels.add(TestChannels.channel(id, "Channel " + id, "Test", null, "",
        TestChannels.source(url, true))));
    metrics = Metrics.create("test");
    LiveSetup live = TestChannels.setup(LiveTv.of(ChannelCatalog.of(channels), Epg.builder().build()), Duration.ofSeconds(1),
        4, TestChannels.ffmpeg());
    server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2), Optional.empty(),
        Optional.empty()).withLive(live), metrics);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (upstream != null) {
      upstream.close();
    }
  }

  static String media(String body) {
    return "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n" + body + "#EXT-X-ENDLIST\n";
  }

  static void serve(String path, String playlist) {
    byte[] bytes = playlist.getBytes(StandardCharsets.UTF_8);
    upstream.route(path, () -> new HlsTestServer.Body(bytes, "application/vnd.apple.mpegurl"));
  }

  static boolean leaks(byte[] bytes) {
    String text = new String(bytes, StandardCharsets.ISO_8859_1);
    return text.contains(SECRET) || text.contains(PASSWD);
  }

  static byte[] get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
        HttpResponse.BodyHandlers.ofByteArray()).body();
  }

  @Test
  void hlsRelay_fetchesNoLocalFile_forAnyUriOfThePlaylist() throws Exception {
    for (String id : urls.keySet()) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      List<String> todo = new ArrayList<>(List.of(server.url() + "/live/" + id + "/index.m3u8"));
      for (int i = 0; i < todo.size() && i < 20; i++) {
        byte[] body = get(todo.get(i));
        all.write(body);
        String text = new String(body, StandardCharsets.UTF_8);
        if (!text.startsWith("#EXTM3U")) {
          continue;
        }
        URI base = URI.create(todo.get(i));
        // Every relayed resource: variants, segments, keys, maps.
        Matcher m = Pattern.compile("(?m)^([^#\\s][^\\s]*)$|URI=\"([^\"]+)\"").matcher(text);
        while (m.find()) {
          String ref = m.group(1) != null ? m.group(1) : m.group(2);
          assertThat(ref).as(id).doesNotStartWith("file:");
          todo.add(base.resolve(ref).toString());
        }
      }
      assertThat(leaks(all.toByteArray())).as(id).isFalse();
      assertThat(all.toString(StandardCharsets.UTF_8)).as(id).doesNotContain(canary.toString());
    }
  }

  @Test
  void tsRelay_readsNoLocalFile() throws Exception {
    for (String id : urls.keySet()) {
      HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/live/" + id + ".ts"))
          .timeout(Duration.ofSeconds(15)).build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] bytes = readFor(r.body(), Duration.ofSeconds(4), 4 << 20);
      assertThat(leaks(bytes)).as(id + " (status " + r.statusCode() + ")").isFalse();
    }
  }

  static byte[] readFor(InputStream in, Duration time, int max) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Thread reader = Thread.ofVirtual().start(() -> {
      byte[] buf = new byte[64 * 1024];
      try (in) {
        for (int n; out.size() < max && (n = in.read(buf)) >= 0; ) {
          synchronized (out) {
            out.write(buf, 0, n);
          }
        }
      } catch (IOException e) {
        // closed below
      }
    });
    reader.join(time);
    in.close();
    reader.join(Duration.ofSeconds(2));
    synchronized (out) {
      return out.toByteArray();
    }
  }

  @Test
  void healthCheck_withFfprobe_readsNoLocalFile() throws Exception {
    try (HealthChecker checker = HealthChecker.create(CheckOptions.DEFAULTS.withFfprobe(Path.of("ffprobe"))
        .withTimeout(Duration.ofSeconds(10)))) {
      for (Map.Entry<String, String> e : urls.entrySet()) {
        CheckResult r = checker.check(new CheckTarget(e.getKey(), e.getKey(), e.getValue(), Map.of()));
        assertThat(r.status()).as(e.getKey()).isNotEqualTo(CheckStatus.ALIVE);
        assertThat(String.valueOf(r.detail())).as(e.getKey()).doesNotContain(SECRET).doesNotContain(PASSWD);
      }
    }
  }

  @Test
  void record_writesNothingFromLocalFiles() throws Exception {
    for (String id : List.of("segment", "key", "map", "master")) {
      Path out = dir.resolve("rec-" + id + ".ts");
      HlsRecorder recorder = HlsRecorder.create(RecordOptions.builder().attempts(1).maxDuration(Duration.ofSeconds(10)).build());
      try {
        recorder.record(URI.create(urls.get(id)), RecordTarget.ts(out), event -> { });
      } catch (HlsException e) {
        assertThat(e.getMessage()).as(id).doesNotContain(SECRET).doesNotContain(PASSWD);
      }
      if (Files.exists(out)) {
        assertThat(leaks(Files.readAllBytes(out))).as(id).isFalse();
      }
    }
  }

  @Test
  void playDryRun_refusesLocalUrls_fromPlaylists() throws Exception {
    Path playlist = Files.writeString(dir.resolve("evil.m3u"), "#EXTM3U\n#EXTINF:-1,Evil\n" + urls.get("raw") + "\n");
    Path work = Files.createDirectories(dir.resolve("work"));
    try (KanalProcess channel = KanalProcess.start(work, "play", "--dry-run", "--player", "mpv", "--data",
        dir.resolve("data").toString(), "--playlist", playlist.toString(), "Evil")) {
      assertThat(channel.awaitExit(Duration.ofSeconds(60))).isNotZero();
      assertThat(channel.stderr()).contains("not an http(s) URL").doesNotContain("Exception");
    }
    try (KanalProcess variant = KanalProcess.start(work, "play", "--dry-run", "--player", "mpv", "--quality", "best",
        urls.get("master"))) {
      int exit = variant.awaitExit(Duration.ofSeconds(60));
      assertThat(variant.stderr()).doesNotContain(SECRET).doesNotContain(PASSWD).doesNotContain("Exception");
      assertThat(exit).as("a variant that is a local file is not handed to the player: " + variant.stderr()).isNotZero();
    }
  }
}
