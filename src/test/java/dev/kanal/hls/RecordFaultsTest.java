package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upstream faults during a VOD recording: each is retried or reported, never silent. */
class RecordFaultsTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static HlsTestServer server;
  static List<String> uris;

  @BeforeAll
  static void generate() throws Exception {
    server = HlsTestServer.start(media);
    Path src = HlsMedia.source(media.resolve("src.mp4"), 10, "testsrc2", 10, 1, 440);
    HlsMedia.hls(src, media.resolve("vod"), 1, List.of());
    uris = HlsMedia.segmentUris(media.resolve("vod/index.m3u8"));
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @AfterEach
  void clear() {
    server.clearFaults();
  }

  static byte[] expected(int... skip) throws Exception {
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      final int index = i;
      if (java.util.Arrays.stream(skip).noneMatch(s -> s == index)) {
        files.add(media.resolve("vod").resolve(uris.get(i)));
      }
    }
    return HlsMedia.concat(files);
  }

  long countBefore;

  @org.junit.jupiter.api.BeforeEach
  void mark() {
    countBefore = server.requests().size();
  }

  /** Requests for a path during this test only (the server is shared by the class). */
  long count(String path) {
    return server.requests().subList((int) countBefore, server.requests().size()).stream()
        .filter(r -> r.equals(path)).count();
  }

  RecordSummary record(RecordOptions options, Path file) throws Exception {
    return HlsRecorder.create(options, new SimpleMeterRegistry())
        .record(server.uri("/vod/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
  }

  static RecordOptions.Builder fast() {
    return RecordOptions.builder().backoff(Duration.ofMillis(20)).requestTimeout(Duration.ofSeconds(5));
  }

  @Test
  void segment404_isSkippedAndReportedAsAGapWithItsDuration() throws Exception {
    server.status("/vod/s003\\.ts", 404, -1);
    Path file = out.resolve("a.ts");
    RecordSummary s = record(fast().build(), file);
    assertThat(s.gaps()).hasSize(1);
    RecordSummary.Gap gap = s.gaps().getFirst();
    assertThat(gap.mediaSequence()).isEqualTo(3);
    assertThat(gap.durationSeconds()).isEqualByComparingTo(new BigDecimal("1.000000"));
    assertThat(gap.reason()).contains("404");
    assertThat(s.segments()).isEqualTo(uris.size() - 1);
    assertThat(Files.readAllBytes(file)).isEqualTo(expected(3));
    assertThat(count("/vod/s003.ts")).as("tried 3 times").isEqualTo(3);
  }

  @Test
  void connectionResetMidSegment_isRetried() throws Exception {
    server.reset("/vod/s002\\.ts", 1);
    Path file = out.resolve("b.ts");
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RecordSummary s = HlsRecorder.create(fast().build(), registry)
        .record(server.uri("/vod/index.m3u8"), RecordTarget.ts(file), RecordListener.NONE);
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    assertThat(count("/vod/s002.ts")).isEqualTo(2);
    assertThat(registry.get("kanal.segment.downloads").tag("outcome", "retry").counter().count()).isEqualTo(1);
  }

  @Test
  void truncatedBody_isRetried() throws Exception {
    server.truncate("/vod/s004\\.ts", 2);
    Path file = out.resolve("c.ts");
    RecordSummary s = record(fast().build(), file);
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    assertThat(count("/vod/s004.ts")).isEqualTo(3);
  }

  @Test
  void slowUpstream_requestTimeoutApplies_andTheSegmentIsRetried() throws Exception {
    server.stall("/vod/s001\\.ts", 1, Duration.ofSeconds(20));
    Path file = out.resolve("d.ts");
    long start = System.nanoTime();
    RecordSummary s = record(fast().requestTimeout(Duration.ofSeconds(1)).build(), file);
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(took).isLessThan(Duration.ofSeconds(8));
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    assertThat(count("/vod/s001.ts")).isEqualTo(2);
  }

  @Test
  void slowUpstreamEveryTime_becomesAGap_withinTheTimeouts() throws Exception {
    server.stall("/vod/s005\\.ts", -1, Duration.ofSeconds(20));
    Path file = out.resolve("e.ts");
    long start = System.nanoTime();
    RecordSummary s = record(fast().requestTimeout(Duration.ofMillis(500)).build(), file);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(s.gaps()).singleElement().satisfies(g -> assertThat(g.reason()).contains("within 500 ms"));
    assertThat(Files.readAllBytes(file)).isEqualTo(expected(5));
  }

  @Test
  void playlist500_isRetried() throws Exception {
    server.status("/vod/index\\.m3u8", 500, 2);
    Path file = out.resolve("f.ts");
    RecordSummary s = record(fast().build(), file);
    assertThat(s.segments()).isEqualTo(uris.size());
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
  }

  @Test
  void throttle_spacesRequestsToOneHost() throws Exception {
    Path file = out.resolve("g.ts");
    long start = System.nanoTime();
    record(fast().throttle(Duration.ofMillis(100)).build(), file);
    // playlist + 10 segments, at least 100 ms apart
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(1000));
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
  }

  @Test
  void memoryBudget_smallerThanASegment_stillRecordsEverythingInOrder() throws Exception {
    server.latency(Duration.ofMillis(5));
    try {
      Path file = out.resolve("h.ts");
      record(fast().memoryBudget(1000).build(), file);
      assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    } finally {
      server.latency(Duration.ZERO);
    }
  }

  // ---- the rest of the fault matrix (docs/RELIABILITY.md, "Faults")

  /** The expected recording when segment {@code index} ends {@code cut} bytes early. */
  static byte[] expectedWithShortSegment(int index, int cut) throws Exception {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < uris.size(); i++) {
      byte[] seg = Files.readAllBytes(media.resolve("vod").resolve(uris.get(i)));
      b.write(seg, 0, i == index ? seg.length - cut : seg.length);
    }
    return b.toByteArray();
  }

  @Test
  void contentLengthTooShort_segmentEndsThere_andTheBytesAfterItCorruptNothing() throws Exception {
    server.lieAboutLength("/vod/s002\\.ts", 1, -100);
    Path file = out.resolve("i.ts");
    RecordSummary s = record(fast().build(), file);
    // An HTTP client cannot tell a short Content-Length from a short file; what matters is that the
    // 100 bytes left on the connection never become part of another segment or response.
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expectedWithShortSegment(2, 100));
  }

  @Test
  void contentLengthTooLong_connectionLeftOpen_isRetriedAfterTheRequestTimeout() throws Exception {
    server.lieAboutLength("/vod/s001\\.ts", 1, 1000);
    Path file = out.resolve("j.ts");
    long start = System.nanoTime();
    RecordSummary s = record(fast().requestTimeout(Duration.ofSeconds(1)).build(), file);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    assertThat(count("/vod/s001.ts")).isEqualTo(2);
  }

  @Test
  void segment5xxBurst_isRetriedWithoutAGap() throws Exception {
    server.statusBursts("/vod/s003\\.ts", 503, 2, 3);
    Path file = out.resolve("k.ts");
    RecordSummary s = record(fast().build(), file);
    assertThat(s.gaps()).isEmpty();
    assertThat(Files.readAllBytes(file)).isEqualTo(expected());
    assertThat(count("/vod/s003.ts")).isEqualTo(3);
  }

  @Test
  void playlistAnsweredWithHtml_failsWithAClearMessageAndWritesNothing() throws Exception {
    server.html("/vod/index\\.m3u8", -1);
    Path file = out.resolve("l.ts");
    long start = System.nanoTime();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> record(fast().build(), file))
        .isInstanceOf(HlsException.class)
        .satisfies(e -> assertThat(e.getMessage()).contains("index.m3u8").doesNotContain("<html>", "Exception"));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(Files.exists(file) ? Files.size(file) : 0).isZero();
  }

  @Test
  void endlessSegmentBody_isCutAtTheRequestTimeout_andBecomesAGap() throws Exception {
    server.endless("/vod/s004\\.ts", -1, 20_000_000);
    long sentBefore = server.endlessBytesSent();
    Path file = out.resolve("m.ts");
    long start = System.nanoTime();
    RecordSummary s = record(fast().requestTimeout(Duration.ofSeconds(1)).attempts(2).build(), file);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
    assertThat(s.gaps()).singleElement().satisfies(g -> {
      assertThat(g.mediaSequence()).isEqualTo(4);
      assertThat(g.reason()).contains("within 1000 ms");
    });
    assertThat(Files.readAllBytes(file)).isEqualTo(expected(4));
    // Two attempts of about a second at 20 MB/s: what was read (and held) is bounded by the timeout.
    assertThat(server.endlessBytesSent() - sentBefore).isLessThan(80_000_000L);
  }

  @Test
  void endlessBody_atFullSpeed_stopsAtTheBodyLimit_withoutRetry() throws Exception {
    server.endless("/vod/endless\\.ts", -1);
    long sentBefore = server.endlessBytesSent();
    try (HlsHttp http = new HlsHttp(fast().requestTimeout(Duration.ofSeconds(20)).build(), DownloadMetrics.NONE,
        new java.util.Random(1), 4L * 1024 * 1024)) {
      long start = System.nanoTime();
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> http.fetch(server.uri("/vod/endless.ts"),
              java.util.Optional.empty(), HlsHttp.Purpose.SEGMENT))
          .isInstanceOf(HlsHttp.TooLargeException.class)
          .hasMessageContaining("larger than the limit of 4194304 bytes");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }
    assertThat(count("/vod/endless.ts")).as("a body over the limit is not fetched again").isEqualTo(1);
    assertThat(server.endlessBytesSent() - sentBefore).isLessThan(64L * 1024 * 1024);
  }
}
