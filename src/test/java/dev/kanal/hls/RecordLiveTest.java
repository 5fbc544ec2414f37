package dev.kanal.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.testing.HlsMedia;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live recordings of a simulated sliding-window stream that advances in real time (1 s segments):
 * the output must be exactly a contiguous run of the published timeline, with no segment twice and
 * none missing, across a media-sequence reset and a playlist outage.
 */
class RecordLiveTest {

  @TempDir
  static Path media;

  @TempDir
  Path out;

  static List<Path> segments;

  @BeforeAll
  static void generate() throws Exception {
    Path src = HlsMedia.source(media.resolve("src.mp4"), 40, "testsrc2", 10, 1, 440);
    Path playlist = HlsMedia.hls(src, media.resolve("hls"), 1, List.of());
    segments = HlsMedia.segmentUris(playlist).stream().map(u -> media.resolve("hls").resolve(u)).toList();
  }

  record Run(RecordSummary summary, HlsTestServer server, LiveHlsStream live, List<RecordEvent> events) {}

  Run record(int window, long resetAt, Duration duration, java.util.function.Consumer<HlsTestServer> faults)
      throws Exception {
    HlsTestServer server = HlsTestServer.start(media);
    LiveHlsStream live = new LiveHlsStream(segments, 1.0, window, resetAt);
    live.install(server);
    faults.accept(server);
    List<RecordEvent> events = new CopyOnWriteArrayList<>();
    try (server) {
      RecordSummary s = HlsRecorder.create(RecordOptions.builder().backoff(Duration.ofMillis(100))
              .requestTimeout(Duration.ofSeconds(3)).maxDuration(duration).build(), new SimpleMeterRegistry())
          .record(server.uri("/live/index.m3u8"), RecordTarget.ts(out.resolve("live.ts")), events::add);
      return new Run(s, server, live, events);
    }
  }

  /** The output is exactly timeline segments first..last, each once, in order. */
  void assertContiguous(Run run) throws Exception {
    List<Long> requested = new ArrayList<>();
    for (String r : run.server().requests()) {
      long k = LiveHlsStream.index(r);
      if (k >= 0 && !requested.contains(k)) {
        requested.add(k);
      }
    }
    long first = requested.stream().min(Long::compare).orElseThrow();
    long last = requested.stream().max(Long::compare).orElseThrow();
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (long k = first; k <= last; k++) {
      expected.write(run.live().content(k));
    }
    assertThat(run.summary().gaps()).isEmpty();
    assertThat(run.summary().segments()).isEqualTo(last - first + 1);
    assertThat(Files.readAllBytes(out.resolve("live.ts"))).isEqualTo(expected.toByteArray());
  }

  @Test
  void live15s_withMediaSequenceReset_hasNoDuplicateAndNoMissingSegment() throws Exception {
    Run run = record(5, 12, Duration.ofSeconds(12), s -> {});
    assertThat(run.summary().live()).isTrue();
    assertThat(run.summary().stopReason()).hasValueSatisfying(r -> assertThat(r).contains("duration"));
    assertThat(run.summary().recordedSeconds().intValue()).isEqualTo(12);
    assertContiguous(run);
    assertThat(run.summary().discontinuities()).singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("media sequence reset"));
  }

  @Test
  void live_playlist500For5s_recordingContinues() throws Exception {
    Run run = record(12, -1, Duration.ofSeconds(14), s -> s.statusFor("/live/index\\.m3u8", 500, Duration.ofSeconds(3), Duration.ofSeconds(6)));
    assertThat(run.events()).anySatisfy(e -> assertThat(e).isInstanceOf(RecordEvent.PlaylistError.class));
    assertContiguous(run);
    assertThat(run.summary().recordedSeconds().intValue()).isEqualTo(14);
  }

  @Test
  @Tag("slow")
  void live60s_withReset_andPlaylist500For30s_hasNoDuplicateAndNoMissingSegment() throws Exception {
    Run run = record(45, 95, Duration.ofSeconds(60), s -> s.statusFor("/live/index\\.m3u8", 500, Duration.ofSeconds(10), Duration.ofSeconds(30)));
    assertThat(run.events()).anySatisfy(e -> assertThat(e).isInstanceOf(RecordEvent.PlaylistError.class));
    assertContiguous(run);
    assertThat(run.summary().discontinuities()).singleElement()
        .satisfies(d -> assertThat(d.reason()).isEqualTo("media sequence reset"));
  }
}
