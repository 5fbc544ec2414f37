package dev.kanal.testing;

import dev.kanal.config.ByteSize;
import dev.kanal.config.KanalConfig.RelayConfig;
import dev.kanal.iptv.Channel;
import dev.kanal.iptv.ChannelSource;
import dev.kanal.iptv.CheckStatus;
import dev.kanal.iptv.LiveTv;
import dev.kanal.server.LiveSetup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Catalog channels for live TV route tests, and live HLS upstreams for them: H.264/AAC segments of
 * one second (160x90, key frame every second) made once per JVM with ffmpeg, served as a sliding
 * window by {@link LiveHlsStream} on an {@link HlsTestServer} (127.0.0.1). The stream loops after
 * 60 s without a discontinuity tag, so a test that decodes for long uses a fresh upstream.
 */
public final class TestChannels {

  private static List<Path> segments;

  private TestChannels() {}

  /** A channel with these sources (tvg-id = id). */
  public static Channel channel(String id, String name, String group, String number, String logo, ChannelSource... sources) {
    return new Channel(id, name, List.of(name), logo, List.of(group), "", "", Optional.ofNullable(number), id,
        Arrays.asList(sources));
  }

  /** An unchecked source without headers. */
  public static ChannelSource source(String url, boolean allowPrivate) {
    return ChannelSource.unchecked(url, Map.of(), "test", 0, allowPrivate);
  }

  /** The source as a health check found it. */
  public static ChannelSource withStatus(ChannelSource source, CheckStatus status) {
    return source.withHealth(status, Instant.now(), OptionalLong.of(10));
  }

  /** What the server needs for live TV, with a fixed secret. */
  public static LiveSetup setup(LiveTv tv, Duration grace, int tuners, Optional<Path> ffmpeg) {
    byte[] secret = "kanal-test-secret-kanal-test-secret".getBytes(StandardCharsets.US_ASCII);
    return new LiveSetup(tv, new RelayConfig(ByteSize.parse("16MiB"), grace, 3, tuners, ""), secret, ffmpeg);
  }

  /** The ffmpeg on PATH. */
  public static Optional<Path> ffmpeg() {
    return Optional.of(Path.of("ffmpeg"));
  }

  /** 1 s TS segments (60 of them: a test's stream does not wrap around, which would make time jump back), made once per JVM. */
  public static synchronized List<Path> segments() {
    if (segments == null) {
      try {
        Path dir = Files.createTempDirectory("kanal-test-live-");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        Path source = HlsMedia.source(dir.resolve("source.mp4"), 60, "testsrc2", 10, 1, 440);
        Path playlist = HlsMedia.hls(source, dir.resolve("hls"), 1, List.of());
        segments = HlsMedia.segmentUris(playlist).stream().map(u -> dir.resolve("hls").resolve(u)).toList();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return segments;
  }

  private static void deleteTree(Path dir) {
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort, at exit
    }
  }

  /** A live upstream on a new server: {@code /live/index.m3u8} (add {@code ?x} to tell channels apart). */
  public static HlsTestServer liveUpstream() throws IOException {
    HlsTestServer server = HlsTestServer.start(segments().getFirst().getParent());
    new LiveHlsStream(segments(), 1.0, 6, -1).install(server);
    return server;
  }
}
