package dev.kanal.relay;

import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.RelayConfig;
import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelCatalog;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.iptv.Epg;
import dev.kanal.iptv.LiveTv;
import dev.kanal.server.KanalServer;
import dev.kanal.server.LiveSetup;
import dev.kanal.server.Metrics;
import dev.kanal.testing.HlsMedia;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/** A Kanal server with live TV over a fixed catalog, for relay tests; and the test media they stream. */
final class RelayHarness implements AutoCloseable {

  static final byte[] SECRET = "relay-test-secret-relay-test-secret!".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  static final RelayTokens TOKENS = new RelayTokens(SECRET);

  private static List<Path> h264Segments;

  final Metrics metrics;
  final KanalServer server;
  final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private RelayHarness(Metrics metrics, KanalServer server) {
    this.metrics = metrics;
    this.server = server;
  }

  /** Starts a server relaying these channels. */
  static RelayHarness start(RelayConfig config, Channel... channels) throws Exception {
    Metrics metrics = Metrics.create("test");
    LiveTv tv = LiveTv.of(ChannelCatalog.of(List.of(channels)), Epg.builder().build());
    KanalServer server = KanalServer.start(new KanalServer.Options("127.0.0.1", 0, "test", Duration.ofSeconds(2),
        Optional.empty(), Optional.empty()).withLive(new LiveSetup(tv, config, SECRET, Optional.empty())), metrics);
    return new RelayHarness(metrics, server);
  }

  /** The relay settings of the tests: {@code cacheSize}, 30 s grace, fail after {@code failAfter}. */
  static RelayConfig config(String cacheSize, int failAfter) {
    return new RelayConfig(ByteSize.parse(cacheSize), Duration.ofSeconds(30), failAfter, 4, "");
  }

  static Channel channel(String id, ChannelSource... sources) {
    return new Channel(id, id, List.of(id), "", List.of("Test"), "", "", Optional.empty(), id, Arrays.asList(sources));
  }

  static ChannelSource source(String url, int priority, boolean allowPrivate, Map<String, String> headers) {
    return ChannelSource.unchecked(url, headers, "test", priority, allowPrivate);
  }

  URI uri(String path) {
    return URI.create(server.url() + path);
  }

  HttpResponse<String> get(String path, String... headers) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<byte[]> bytes(String path) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The relay paths ({@code s/...}) of the segments of a relay media playlist, resolved under {@code /live/{channel}/}. */
  static List<String> segmentPaths(String channel, String playlist) {
    List<String> out = new ArrayList<>();
    for (String line : playlist.split("\n")) {
      if (!line.isBlank() && !line.startsWith("#")) {
        out.add("/live/" + channel + "/" + line.strip());
      }
    }
    return out;
  }

  /** The upstream URL behind a relay segment path. */
  static String upstreamOf(String channel, String relayPath) {
    String file = relayPath.substring(relayPath.lastIndexOf('/') + 1);
    String token = file.contains(".") ? file.substring(0, file.lastIndexOf('.')) : file;
    return TOKENS.verify(channel, token).orElseThrow().url();
  }

  /** {@code count} files of {@code size} random bytes (distinct per seed), standing in for TS segments. */
  static List<Path> randomSegments(Path dir, int count, int size, long seed) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(seed);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] b = new byte[size];
      random.nextBytes(b);
      b[0] = 0x47; // TS sync byte, for looks
      Path p = dir.resolve("r" + seed + "-" + i + ".ts");
      Files.write(p, b);
      out.add(p);
    }
    return out;
  }

  /** 1 s H.264/AAC TS segments (20 of them, 160x90, key frame every second), made once per JVM by ffmpeg. */
  static synchronized List<Path> h264Segments() {
    if (h264Segments == null) {
      try {
        Path dir = Files.createTempDirectory("kanal-relay-media-");
        Path source = HlsMedia.source(dir.resolve("source.mp4"), 20, "testsrc2", 10, 1, 440);
        Path playlist = HlsMedia.hls(source, dir.resolve("hls"), 1, List.of());
        h264Segments = HlsMedia.segmentUris(playlist).stream().map(u -> dir.resolve("hls").resolve(u)).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return h264Segments;
  }

  @Override
  public void close() {
    server.close();
    metrics.close();
  }
}
