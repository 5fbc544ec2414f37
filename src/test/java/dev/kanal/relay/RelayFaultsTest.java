package dev.kanal.relay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kanal.playlist.MediaPlaylist;
import dev.kanal.playlist.Playlists;
import dev.kanal.testing.HlsTestServer;
import dev.kanal.testing.LiveHlsStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The relay against the faults of the shared fault-injecting upstream ({@link HlsTestServer}) that
 * {@link RelayFailoverTest} and {@link RelayFanOutTest} do not use: an HTML page instead of the
 * playlist, an endless segment, a segment cut by a reset or a close, a segment whose Content-Length
 * is too short, 5xx bursts shorter than {@code failAfter}, and a media-sequence reset upstream.
 */
class RelayFaultsTest {

  @TempDir
  Path dir;

  private record Upstreams(HlsTestServer a, HlsTestServer b, LiveHlsStream streamA, LiveHlsStream streamB,
      long sourceB) implements AutoCloseable {
    @Override
    public void close() {
      a.close();
      b.close();
    }
  }

  private Upstreams upstreams(long resetA) throws Exception {
    LiveHlsStream streamA = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("a"), 12, 5000, 11), 1.0, 4, resetA);
    LiveHlsStream streamB = new LiveHlsStream(RelayHarness.randomSegments(dir.resolve("b"), 12, 5000, 22), 1.0, 4, -1);
    HlsTestServer a = HlsTestServer.start(dir);
    HlsTestServer b = HlsTestServer.start(dir);
    streamA.install(a);
    streamB.install(b);
    return new Upstreams(a, b, streamA, streamB, RelayTokens.sourceId(b.uri("/live/index.m3u8").toString()));
  }

  private static RelayHarness relay(Upstreams u) throws Exception {
    return RelayHarness.start(RelayHarness.config("16MiB", 3), RelayHarness.channel("ch",
        RelayHarness.source(u.a().uri("/live/index.m3u8").toString(), 2, true, Map.of()),
        RelayHarness.source(u.b().uri("/live/index.m3u8").toString(), 1, true, Map.of())));
  }

  private static long sourceOf(String path) {
    String token = path.substring(path.lastIndexOf('/') + 1).replaceAll("\\.[a-z0-9]+$", "");
    return RelayHarness.TOKENS.verify("ch", token).orElseThrow().sourceId();
  }

  @Test
  @Timeout(60)
  void playlistAnsweredWithHtml_failsOverToTheNextSource() throws Exception {
    try (Upstreams u = upstreams(-1)) {
      u.a().html("/live/index\\.m3u8", -1);
      try (RelayHarness relay = relay(u)) {
        long start = System.nanoTime();
        HttpResponse<String> r = relay.get("/live/ch/index.m3u8");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.body()).doesNotContain("<html", "<!DOCTYPE");
        List<String> paths = RelayHarness.segmentPaths("ch", r.body());
        assertThat(paths).isNotEmpty().allSatisfy(p -> assertThat(sourceOf(p)).isEqualTo(u.sourceB()));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        HttpResponse<byte[]> seg = relay.bytes(paths.getLast());
        assertThat(seg.statusCode()).isEqualTo(200);
        assertThat(seg.body()).isEqualTo(u.streamB().content(LiveHlsStream.index(URI.create(
            RelayHarness.upstreamOf("ch", paths.getLast())).getPath())));
      }
    }
  }

  @Test
  @Timeout(90)
  void endlessSegment_isCutAtTheSegmentLimit_andTheNextSegmentIsServed() throws Exception {
    try (Upstreams u = upstreams(-1)) {
      try (RelayHarness relay = relay(u)) {
        List<String> paths = RelayHarness.segmentPaths("ch", relay.get("/live/ch/index.m3u8").body());
        String endless = paths.get(paths.size() - 2);
        u.a().endless(URI.create(RelayHarness.upstreamOf("ch", endless)).getPath().replace(".", "\\."), -1);
        long before = u.a().endlessBytesSent();
        long start = System.nanoTime();
        long got;
        try {
          HttpResponse<byte[]> r = relay.bytes(endless);
          got = r.statusCode() == 200 ? r.body().length : 0;
          assertThat(r.statusCode()).isIn(200, 502);
        } catch (java.io.IOException cut) {
          got = -1; // the relay ends the response early when the upstream body passes the limit
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        System.out.printf("RelayFaultsTest: endless segment: %d bytes to the viewer, %d sent upstream, %d ms%n", got,
            u.a().endlessBytesSent() - before, took.toMillis());
        assertThat(got).isLessThanOrEqualTo(LiveRelay.SEGMENT_MAX_BYTES);
        assertThat(took).isLessThan(LiveRelay.SEGMENT_TIMEOUT.plusSeconds(5));
        HttpResponse<byte[]> next = relay.bytes(paths.getLast());
        assertThat(next.statusCode()).isEqualTo(200);
      }
    }
  }

  @ParameterizedTest(name = "upstream {0}")
  @ValueSource(strings = {"resets the connection", "closes after half the body"})
  @Timeout(60)
  void segmentCutMidBody_viewerNeverGetsACleanShortSegment_andTheNextIsServed(String fault) throws Exception {
    try (Upstreams u = upstreams(-1)) {
      try (RelayHarness relay = relay(u)) {
        List<String> paths = RelayHarness.segmentPaths("ch", relay.get("/live/ch/index.m3u8").body());
        String cut = paths.get(paths.size() - 2);
        String upstreamPath = URI.create(RelayHarness.upstreamOf("ch", cut)).getPath();
        if (fault.startsWith("resets")) {
          u.a().reset(upstreamPath.replace(".", "\\."), 1);
        } else {
          u.a().truncate(upstreamPath.replace(".", "\\."), 1);
        }
        byte[] full = u.streamA().content(LiveHlsStream.index(upstreamPath));
        try {
          HttpResponse<byte[]> r = relay.bytes(cut);
          // Either an error status, or (a retry succeeded) the whole segment: never a clean short 200.
          if (r.statusCode() == 200) {
            assertThat(r.body()).isEqualTo(full);
          } else {
            assertThat(r.statusCode()).isIn(502, 504);
          }
        } catch (java.io.IOException expected) {
          // The relay had started the body: it cuts the viewer's response, so the player sees the error.
        }
        HttpResponse<byte[]> next = relay.bytes(paths.getLast());
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo(u.streamA().content(LiveHlsStream.index(URI.create(
            RelayHarness.upstreamOf("ch", paths.getLast())).getPath())));
      }
    }
  }

  @Test
  @Timeout(60)
  void segmentContentLengthTooShort_viewerGetsTheDeclaredBytes_andTheNextSegmentIsIntact() throws Exception {
    try (Upstreams u = upstreams(-1)) {
      try (RelayHarness relay = relay(u)) {
        List<String> paths = RelayHarness.segmentPaths("ch", relay.get("/live/ch/index.m3u8").body());
        String shortOne = paths.get(paths.size() - 2);
        String upstreamPath = URI.create(RelayHarness.upstreamOf("ch", shortOne)).getPath();
        u.a().lieAboutLength(upstreamPath.replace(".", "\\."), 1, -1000);
        HttpResponse<byte[]> r = relay.bytes(shortOne);
        byte[] full = u.streamA().content(LiveHlsStream.index(upstreamPath));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(java.util.Arrays.copyOf(full, full.length - 1000));
        String last = paths.getLast();
        HttpResponse<byte[]> next = relay.bytes(last);
        assertThat(next.statusCode()).isEqualTo(200);
        assertThat(next.body()).isEqualTo(u.streamA().content(LiveHlsStream.index(URI.create(
            RelayHarness.upstreamOf("ch", last)).getPath())));
      }
    }
  }

  @Test
  @Timeout(60)
  void playlist5xxBurstsShorterThanFailAfter_keepTheSourceAndThePlaylistAnswering() throws Exception {
    try (Upstreams u = upstreams(-1)) {
      try (RelayHarness relay = relay(u)) {
        assertThat(relay.get("/live/ch/index.m3u8").statusCode()).isEqualTo(200);
        u.a().statusBursts("/live/index\\.m3u8", 503, 1, 3);
        for (int i = 0; i < 8; i++) {
          Thread.sleep(600);
          HttpResponse<String> r = relay.get("/live/ch/index.m3u8");
          assertThat(r.statusCode()).as("poll %d: %s", i, r.body()).isEqualTo(200);
          assertThat(RelayHarness.segmentPaths("ch", r.body()))
              .allSatisfy(p -> assertThat(sourceOf(p)).as("still the first source").isNotEqualTo(u.sourceB()));
        }
      }
    }
  }

  @Test
  @Timeout(60)
  void upstreamMediaSequenceReset_relaySequenceNeverGoesBack_andNamesStayStable() throws Exception {
    try (Upstreams u = upstreams(7)) { // 4 segments published at start: the reset comes after about 3 s
      try (RelayHarness relay = relay(u)) {
        long last = -1;
        Map<Long, String> bySequence = new java.util.HashMap<>();
        boolean sawDiscontinuity = false;
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(7).toNanos()) {
          HttpResponse<String> r = relay.get("/live/ch/index.m3u8");
          assertThat(r.statusCode()).isEqualTo(200);
          MediaPlaylist p = (MediaPlaylist) Playlists.parse(r.body());
          assertThat(p.mediaSequence()).as("EXT-X-MEDIA-SEQUENCE never goes back:%n%s", r.body())
              .isGreaterThanOrEqualTo(last);
          last = p.mediaSequence();
          List<String> paths = RelayHarness.segmentPaths("ch", r.body());
          for (int i = 0; i < paths.size(); i++) {
            MediaPlaylist.Segment s = p.segments().get(i);
            String before = bySequence.putIfAbsent(s.mediaSequence(), paths.get(i));
            assertThat(before == null || before.equals(paths.get(i)))
                .as("media sequence %d always names the same segment", s.mediaSequence()).isTrue();
            sawDiscontinuity |= s.discontinuity();
          }
          Thread.sleep(500);
        }
        assertThat(u.streamA().published()).isGreaterThan(7);
        System.out.printf("RelayFaultsTest: media-sequence reset upstream; discontinuity marked: %s%n", sawDiscontinuity);
      }
    }
  }
}
